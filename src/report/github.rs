//! GitHub Actions workflow commands: one annotation per finding.

use crate::engine::run::Report;
use crate::report::excerpt::escape_controls;
use crate::rule_meta::Severity;

/// Escapes a workflow command's message (GitHub's rules for data).
fn gh_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    // The log shows escape sequences as colours and cursor moves: show
    // every other control character as an escape.
    escape_controls(&s).into_owned()
}

/// Escapes a workflow command's property value (data rules plus `:` and `,`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
/// line per finding, so findings show on the pull request's lines.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings() {
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "notice",
        };
        out.push_str(&format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            gh_property(&f.file),
            f.start.line,
            f.start.column,
            f.end.line,
            f.end.column,
            gh_property(&format!("{} {}", f.rule.code, f.rule.name)),
            gh_data(&format!("{} {}", f.message, f.help)),
        ));
    }
    for u in &report.unreadable {
        out.push_str(&format!(
            "::error file={}::{}\n",
            gh_property(&u.file),
            gh_data(&format!("could not be read: {}", u.error))
        ));
    }
    for note in report.notes() {
        out.push_str(&format!("::notice::{}\n", gh_data(&note)));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}
