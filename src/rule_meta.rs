//! What a rule is, for every layer that names one: its stable code and
//! name, its default severity, its documentation and settings. The rules
//! themselves (`crate::rules`) build on this; the layers below them (the
//! campaign model, the vocabularies) use only these types.

use std::fmt;

use serde::Serialize;

/// How serious a finding is. Ordered: `Advice < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Advice,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Advice => "advice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One step more severe (an error stays an error).
    pub fn raised(self) -> Severity {
        match self {
            Severity::Advice => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A documented setting of a rule (a threshold a config file may change).
#[derive(Debug)]
pub struct SettingDoc {
    pub name: &'static str,
    /// The default, written as a user would write it.
    pub default: &'static str,
    pub about: &'static str,
}

/// A fix a rule offers, as its documentation states it.
#[derive(Debug)]
pub struct FixDoc {
    /// Safe fixes are applied by `--fix`; the others only with
    /// `--unsafe-fixes`.
    pub safe: bool,
    /// What it changes, in a sentence.
    pub what: &'static str,
}

impl FixDoc {
    pub fn applicability(&self) -> &'static str {
        if self.safe {
            "safe"
        } else {
            "unsafe"
        }
    }
}

/// What a rule is: its stable code and name, default severity and docs.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// Markdown-ish text: What it does / Why is this bad? / Example /
    /// Use instead / Configuration.
    pub docs: &'static str,
    pub settings: &'static [SettingDoc],
    /// The fixes it offers (`--fix`, `--unsafe-fixes`).
    pub fixes: &'static [FixDoc],
}

impl RuleMeta {
    /// "safe", "unsafe", "safe, unsafe" or "" for the README's table.
    pub fn fix_kinds(&self) -> String {
        let mut kinds: Vec<&str> = self.fixes.iter().map(FixDoc::applicability).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds.join(", ")
    }
}

impl RuleMeta {
    /// The documentation with the one leading space of each `///` line removed.
    pub fn doc_text(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// Whether an `acknowledge` entry may silence this rule. Findings about
    /// the file's structure cannot be acknowledged: the campaign must be fixed.
    pub fn acknowledgeable(&self) -> bool {
        // The PF0xx rules: invalid-campaign, unknown-field,
        // unused-suppression, duplicate-key, internal-error.
        !self.code.starts_with("PF0")
    }
}

/// Makes a message read as a sentence: a capital first letter and a full stop.
pub fn sentence(mut s: String) -> String {
    if let Some(first) = s.chars().next() {
        if first.is_lowercase() {
            let upper: String = first.to_uppercase().collect();
            s.replace_range(..first.len_utf8(), &upper);
        }
    }
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}
