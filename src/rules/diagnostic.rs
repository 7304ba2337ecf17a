//! What preflight reports: findings with their rule, severity and location.

use crate::input::source::{LineCol, Span};
use crate::rule_meta::{RuleMeta, Severity};

/// One problem found in one file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The file as the user named it (or as found while walking).
    pub file: String,
    /// The campaign id, when the problem belongs to a campaign that has one.
    pub campaign: Option<String>,
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    /// Byte range in the file.
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    /// Other places involved (the first condition of a contradiction, the
    /// other campaigns that repeat a subject line), in order.
    pub related: Vec<Related>,
    /// What would fix it, when the fix is mechanical.
    pub fix: Option<Fix>,
}

/// Whether a fix may be applied without a person reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The meaning stays as the writer meant it (a misspelt key, a stale
    /// comment): applied by `--fix`.
    Safe,
    /// A choice someone should read (a fallback word, an added exclusion):
    /// applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement of a byte range of a file's original text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edit {
    pub span: Span,
    /// The new text (empty: a deletion; an empty span: an insertion).
    pub replacement: String,
}

impl Edit {
    pub fn new(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }
}

/// A mechanical fix of a finding: edits on the file as it was read (never
/// a re-serialised document: comments, quoting and layout stay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What it does, for people: "Rename `exlude` to `exclude`".
    pub message: String,
    /// The file the edits apply to (as shown; a finding about a campaign
    /// may be fixed in the template its copy names).
    pub file: String,
    /// Byte ranges of that file's text, not overlapping, in order.
    pub edits: Vec<Edit>,
}

/// A fix as a rule proposes it, with spans in the campaign file's offset
/// space (the engine places it in its file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedFix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<Edit>,
}

/// A place that helps explain a finding, possibly in another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: String,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    pub message: String,
}

impl Finding {
    /// The order of findings in every output: file, position, rule code.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.span.start,
            self.span.end,
            self.rule.code,
            &self.message,
        )
    }
}
