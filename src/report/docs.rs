//! The rule documentation shown by `preflight rules` and `preflight explain`.

use crate::engine::config::Config;
use crate::knowledge::checks::{Checks, Kind};
use crate::knowledge::settings::Settings;
use crate::rules::{RuleMeta, RULES};
use crate::text::language::Lang;

/// The fix column: `safe`, `unsafe`, or `-` for a rule with no fix.
fn fix_column(m: &RuleMeta) -> String {
    let kinds = m.fix_kinds();
    if kinds.is_empty() {
        "-".into()
    } else {
        kinds.replace(", ", "+")
    }
}

/// A table of every rule: code, name, default severity, fix, summary.
pub fn rules_table() -> String {
    let name_w = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(4);
    let mut out = format!(
        "{:<6} {:<name_w$} {:<8} {:<6} {}\n",
        "CODE", "NAME", "SEVERITY", "FIX", "SUMMARY"
    );
    for r in RULES {
        let m = r.meta;
        out.push_str(&format!(
            "{:<6} {:<name_w$} {:<8} {:<6} {}\n",
            m.code,
            m.name,
            m.severity.as_str(),
            fix_column(m),
            m.summary
        ));
    }
    out
}

/// The rules table under a configuration: the severity column shows the
/// level in force (`off` for rules turned off), and a header line names the
/// configuration file.
pub fn rules_table_with(config: &Config) -> String {
    let Some(file) = &config.file else {
        return rules_table();
    };
    let name_w = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(4);
    let mut out = format!(
        "Configuration: {}\n{:<6} {:<name_w$} {:<8} {:<6} {}\n",
        crate::report::excerpt::escape_controls(&file.display().to_string()),
        "CODE",
        "NAME",
        "SEVERITY",
        "FIX",
        "SUMMARY"
    );
    for r in RULES {
        let m = r.meta;
        let level = match config.level(m) {
            Some(s) => s.as_str(),
            None => "off",
        };
        let mark = if config.level(m) != Some(m.severity) {
            "*"
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<6} {:<name_w$} {:<8} {:<6} {}\n",
            m.code,
            m.name,
            format!("{level}{mark}"),
            fix_column(m),
            m.summary
        ));
    }
    out.push_str("* set by the configuration\n");
    out
}

/// A rule's documentation under a configuration: its level in force and its
/// settings' values.
pub fn explain_with(rule: &RuleMeta, config: &Config) -> String {
    let mut out = explain(rule, &config.settings);
    if let Some(file) = &config.file {
        let level = match config.level(rule) {
            Some(s) => s.as_str(),
            None => "off",
        };
        out.push_str(&format!(
            "\nIn force under {}: {level}\n",
            crate::report::excerpt::escape_controls(&file.display().to_string())
        ));
    }
    out
}

/// The vocabulary kinds a rule reads words with (empty: it reads no words).
pub fn vocabularies_of(rule: &RuleMeta) -> &'static [Kind] {
    use Kind::*;
    match rule.name {
        "sensitive-topic" => &[Topic, Exception, ReaderAddress],
        "sensitive-occasion" => &[Occasion, OptOut, Exception],
        "occasion-date-mismatch" => &[Occasion],
        "duplicate-occasion-opt-out" => &[Occasion, OptOutPrompt],
        "creepy-phrasing" => &[Phrase, Exception],
        "personal-attribute-copy" => &[PersonalAttribute, ReaderAddress, Exception],
        "seasonal-mismatch" => &[Seasonal, Exception],
        "special-ad-category" => &[AdPolicy],
        "sensitive-targeting" => &[SpecialCategory],
        "single-signal-inference" => &[LifeStage],
        "missing-unsubscribe" | "missing-postal-address" | "sms-missing-opt-out" => &[Compliance],
        _ => &[],
    }
}

/// The languages whose words a rule reads, from the packs it uses: `None`
/// when it reads no words (its checks hold in every language).
pub fn languages_of(rule: &RuleMeta, checks: &Checks) -> Option<Vec<Lang>> {
    let kinds = vocabularies_of(rule);
    let main = kinds.first()?;
    Some(checks.lexicon(*main).languages())
}

/// "English, Spanish and French".
fn language_list(langs: &[Lang]) -> String {
    let names: Vec<String> = langs.iter().map(|l| l.name().to_string()).collect();
    crate::rules::across::and_list(&names)
}

/// The line `explain` gives about a rule's languages.
pub fn languages_line(rule: &RuleMeta, checks: &Checks) -> String {
    match languages_of(rule, checks) {
        None => "Languages: any (this rule reads no words).".to_string(),
        Some(langs) if langs.is_empty() => {
            "Languages: any (its vocabulary is names and platform tags, not words of a language)."
                .to_string()
        }
        Some(langs) => {
            let kinds: Vec<&str> = vocabularies_of(rule).iter().map(|k| k.name()).collect();
            let any = if rule.name.starts_with("missing-") || rule.name == "sms-missing-opt-out" {
                " (matched whatever the copy's language, with every platform's tags)"
            } else {
                " (each piece of copy in its own language)"
            };
            format!(
                "Languages: {}{any}. Vocabularies: {}.",
                language_list(&langs),
                kinds.join(", ")
            )
        }
    }
}

/// A rule's full documentation, with its settings and their current values.
pub fn explain(rule: &RuleMeta, settings: &Settings) -> String {
    let mut out = format!(
        "{} ({})\nDefault severity: {}\n{}\n\n{}\n\n",
        rule.name,
        rule.code,
        rule.severity,
        languages_line(rule, Checks::builtin()),
        rule.summary
    );
    out.push_str(&rule.doc_text());
    out.push('\n');
    if !rule.fixes.is_empty() {
        out.push_str("\nFixes:\n");
        for f in rule.fixes {
            out.push_str(&format!(
                "  {} ({}): {}\n",
                f.applicability(),
                if f.safe {
                    "--fix"
                } else {
                    "--fix --unsafe-fixes"
                },
                f.what
            ));
        }
    }
    if !rule.settings.is_empty() {
        out.push_str("\nSettings:\n");
        for s in rule.settings {
            let now = settings
                .value_of(s.name)
                .unwrap_or_else(|| s.default.to_string());
            out.push_str(&format!(
                "  {} = {}   (default {}) {}\n",
                s.name, now, s.default, s.about
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_every_rule() {
        let t = rules_table();
        for r in RULES {
            assert!(t.contains(r.meta.code) && t.contains(r.meta.name));
        }
        assert_eq!(t.lines().count(), RULES.len() + 1);
    }

    #[test]
    fn documented_defaults_match_the_settings() {
        let s = Settings::default();
        for r in RULES {
            for doc in r.meta.settings {
                assert_eq!(
                    s.value_of(doc.name).as_deref(),
                    Some(doc.default),
                    "{}.{}",
                    r.meta.name,
                    doc.name
                );
            }
        }
    }

    #[test]
    fn explain_shows_docs_and_settings() {
        let r = crate::rules::find("segment-too-broad").unwrap();
        let e = explain(r, &Settings::default());
        assert!(e.contains("## Why is this bad?"));
        assert!(e.contains("max_ratio = 0.5"));
    }
}
