//! The compact output: one line per finding, `file:line:col: severity[code/name] message`.

use crate::engine::run::Report;
use crate::report::excerpt::escape_controls;
use crate::rules::diagnostic::Finding;

pub(crate) fn compact_line(f: &Finding) -> String {
    format!(
        "{}:{}:{}: {}[{}/{}] {}",
        escape_controls(&f.file),
        f.start.line,
        f.start.column,
        f.severity,
        f.rule.code,
        f.rule.name,
        escape_controls(&f.message)
    )
}

/// One line per finding: `path:line:col: severity[code/name] message`.
pub fn compact(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings() {
        out.push_str(&compact_line(f));
        out.push('\n');
    }
    for u in &report.unreadable {
        out.push_str(&format!(
            "{}: could not be read: {}\n",
            escape_controls(&u.file),
            escape_controls(&u.error)
        ));
    }
    for note in report.notes() {
        out.push_str(&note);
        out.push('\n');
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

/// The suppressed findings, one line each, for `--show-suppressed`.
pub fn suppressed_lines(report: &Report) -> String {
    let mut out = String::new();
    for file in &report.files {
        for s in &file.suppressed {
            let (how, reason) = match &s.by {
                crate::engine::lint::SilencedBy::Acknowledge(r) => ("acknowledged", r),
                crate::engine::lint::SilencedBy::Comment(r) => ("ignored by comment", r),
            };
            out.push_str(&format!(
                "{} ({how}: {})\n",
                compact_line(&s.finding),
                escape_controls(reason)
            ));
        }
    }
    out
}
