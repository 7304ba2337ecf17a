//! The JSON output, versioned: keys are only ever added.

use crate::engine::run::Report;
use crate::rule_meta::Severity;
use crate::rules::diagnostic::Finding;
use serde::Serialize;

/// The version of the JSON output. Keys are only ever added.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    campaign: Option<&'a str>,
    rule: &'a str,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    length: usize,
    related: Vec<JsonRelated<'a>>,
    /// The fix `--fix` would apply (with `--unsafe-fixes` when unsafe).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    message: &'a str,
    file: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// A replacement of `length` bytes at byte `offset` of the file.
#[derive(Serialize)]
struct JsonEdit<'a> {
    offset: usize,
    length: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    length: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    advice: usize,
    campaigns: usize,
    files: usize,
    /// Files of copy that campaigns name, checked with them.
    templates: usize,
    /// Templates checked on their own, for their copy only.
    templates_alone: usize,
    skipped_files: usize,
    suppressed: usize,
    acknowledged: usize,
    ignored_by_comment: usize,
    unreadable_files: usize,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppressed_by: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonUnreadable<'a> {
    file: &'a str,
    error: &'a str,
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: JsonTool,
    findings: Vec<JsonFinding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<JsonSuppressed<'a>>>,
    unreadable: Vec<JsonUnreadable<'a>>,
    summary: JsonSummary,
}

fn json_finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        file: &f.file,
        campaign: f.campaign.as_deref(),
        rule: f.rule.name,
        code: f.rule.code,
        severity: f.severity,
        message: &f.message,
        help: &f.help,
        line: f.start.line,
        column: f.start.column,
        end_line: f.end.line,
        end_column: f.end.column,
        offset: f.span.start,
        length: f.span.len(),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                file: &r.file,
                message: &r.message,
                line: r.start.line,
                column: r.start.column,
                end_line: r.end.line,
                end_column: r.end.column,
                offset: r.span.start,
                length: r.span.len(),
            })
            .collect(),
        fix: f.fix.as_ref().map(|x| JsonFix {
            applicability: x.applicability.as_str(),
            message: &x.message,
            file: &x.file,
            edits: x
                .edits
                .iter()
                .map(|e| JsonEdit {
                    offset: e.span.start,
                    length: e.span.len(),
                    replacement: &e.replacement,
                })
                .collect(),
        }),
    }
}

/// The versioned JSON report. Lines and columns are 1-based, columns count
/// characters; `offset` and `length` are bytes. With `show_suppressed`, a
/// `suppressed` list holds the silenced findings with how and why.
pub fn json(report: &Report, show_suppressed: bool) -> String {
    let mut out = Vec::new();
    json_to(report, show_suppressed, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// [`json`], written to `w` as it is produced (a large report is not held
/// in memory twice).
pub fn json_to(
    report: &Report,
    show_suppressed: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let findings = report.findings().map(json_finding).collect();
    let all_suppressed = || report.files.iter().flat_map(|f| f.suppressed.iter());
    let count = |ack: bool| {
        all_suppressed()
            .filter(|s| matches!(s.by, crate::engine::lint::SilencedBy::Acknowledge(_)) == ack)
            .count()
    };
    let suppressed = show_suppressed.then(|| {
        all_suppressed()
            .map(|s| {
                let (by, reason) = match &s.by {
                    crate::engine::lint::SilencedBy::Acknowledge(r) => ("acknowledge", r.as_str()),
                    crate::engine::lint::SilencedBy::Comment(r) => ("comment", r.as_str()),
                };
                JsonSuppressed {
                    finding: json_finding(&s.finding),
                    suppressed_by: by,
                    reason,
                }
            })
            .collect()
    });
    let doc = JsonReport {
        version: JSON_VERSION,
        tool: JsonTool {
            name: "preflight",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        suppressed,
        unreadable: report
            .unreadable
            .iter()
            .map(|u| JsonUnreadable {
                file: &u.file,
                error: &u.error,
            })
            .collect(),
        summary: JsonSummary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            advice: report.count(Severity::Advice),
            campaigns: report.campaigns(),
            files: report.files_checked(),
            templates: report.templates_checked(),
            templates_alone: report.templates_alone(),
            skipped_files: report
                .files
                .iter()
                .filter(|f| f.status != crate::engine::lint::FileStatus::Checked)
                .count(),
            suppressed: report.suppressed(),
            acknowledged: count(true),
            ignored_by_comment: count(false),
            unreadable_files: report.unreadable.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}
