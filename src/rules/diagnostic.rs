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
