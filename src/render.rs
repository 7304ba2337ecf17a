//! Turning a report into text: `pretty` (miette), `compact` and `json`.
//! Every function returns a string; nothing here prints.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use crate::diagnostic::{Finding, Related, Severity};
use crate::run::Report;

/// The version of the JSON output. Keys are only ever added.
pub const JSON_VERSION: u32 = 1;

/// How to draw the pretty output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// One file's text, named, as miette reads it.
struct FileSource<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette counts the header's column in bytes; preflight counts
        // characters everywhere (compact, JSON). The header is the only read
        // without context lines, so give it the character column.
        let mut column = inner.column();
        if before == 0 && after == 0 {
            let at = span.offset().min(self.text.len());
            let line_start = at.saturating_sub(column);
            if let Some(prefix) = self.text.get(line_start..at) {
                column = prefix.chars().count();
            }
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// A finding as a miette diagnostic.
struct Shown<'a> {
    finding: &'a Finding,
    source: FileSource<'a>,
    /// Related places not near the finding, each shown as its own small block.
    elsewhere: Vec<Elsewhere<'a>>,
}

/// A related place in another file.
struct Elsewhere<'a> {
    related: &'a Related,
    source: FileSource<'a>,
}

impl fmt::Debug for Elsewhere<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.related.message)
    }
}

impl fmt::Display for Elsewhere<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.related.message)
    }
}

impl std::error::Error for Elsewhere<'_> {}

impl Diagnostic for Elsewhere<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let s = self.related.span;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None,
            (s.start, s.len()),
        ))))
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.rule.name, self.finding.rule.code
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let s = self.finding.span;
        let here = self
            .finding
            .related
            .iter()
            .filter(|r| near(self.finding, r))
            .map(|r| {
                LabeledSpan::new_with_span(Some(r.message.clone()), (r.span.start, r.span.len()))
            });
        Some(Box::new(
            std::iter::once(LabeledSpan::new_primary_with_span(None, (s.start, s.len())))
                .chain(here),
        ))
    }
}

/// Related places shown as labels in the finding's own snippet: in the same
/// file, a few lines away at most. Others get a block of their own.
fn near(f: &Finding, r: &Related) -> bool {
    r.file == f.file && r.start.line.abs_diff(f.start.line) <= 6
}

/// miette's graphical output, one block per finding, then the summary.
pub fn pretty(report: &Report, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_urls(false);
    let mut out = String::new();
    for file in &report.files {
        let text = file.text.as_deref().unwrap_or("");
        for f in &file.findings {
            let elsewhere = f
                .related
                .iter()
                .filter(|r| !near(f, r))
                .filter_map(|r| {
                    let other = report.files.iter().find(|o| o.path == r.file)?;
                    Some(Elsewhere {
                        related: r,
                        source: FileSource {
                            name: &r.file,
                            text: other.text.as_deref()?,
                        },
                    })
                })
                .collect();
            let shown = Shown {
                finding: f,
                source: FileSource {
                    name: &f.file,
                    text,
                },
                elsewhere,
            };
            let mut block = String::new();
            if handler.render_report(&mut block, &shown).is_err() {
                block = format!("{}\n", compact_line(f));
            }
            // Related places elsewhere follow, each as a small block of its own.
            for e in &shown.elsewhere {
                let mut more = String::new();
                if handler.render_report(&mut more, e).is_ok() {
                    block.push_str(&more);
                }
            }
            out.push_str(&block);
            out.push('\n');
        }
    }
    for u in &report.unreadable {
        out.push_str(&format!(
            "  × {}: could not be read: {}\n\n",
            u.file, u.error
        ));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

fn compact_line(f: &Finding) -> String {
    format!(
        "{}:{}:{}: {}[{}/{}] {}",
        f.file, f.start.line, f.start.column, f.severity, f.rule.code, f.rule.name, f.message
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
        out.push_str(&format!("{}: could not be read: {}\n", u.file, u.error));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

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
            .filter(|s| matches!(s.by, crate::lint::SilencedBy::Acknowledge(_)) == ack)
            .count()
    };
    let suppressed = show_suppressed.then(|| {
        all_suppressed()
            .map(|s| {
                let (by, reason) = match &s.by {
                    crate::lint::SilencedBy::Acknowledge(r) => ("acknowledge", r.as_str()),
                    crate::lint::SilencedBy::Comment(r) => ("comment", r.as_str()),
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
            skipped_files: report.files.len() - report.files_checked(),
            suppressed: report.suppressed(),
            acknowledged: count(true),
            ignored_by_comment: count(false),
            unreadable_files: report.unreadable.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

/// The version of the SARIF the `sarif` format writes.
pub const SARIF_VERSION: &str = "2.1.0";
const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

fn sarif_region(start: crate::source::LineCol, end: crate::source::LineCol) -> SarifRegion {
    SarifRegion {
        start_line: start.line.max(1),
        start_column: start.column.max(1),
        end_line: end.line.max(start.line).max(1),
        end_column: end.column.max(1),
    }
}

/// Encodes a path as a relative URI reference (SARIF `artifactLocation.uri`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SARIF 2.1.0: the tool with every rule, and the findings as results.
/// Columns count Unicode code points (`columnKind: unicodeCodePoints`).
/// Written through typed structs that borrow from the report, so a large
/// report is not first copied into a tree of values.
pub fn sarif(report: &Report) -> String {
    let mut out = Vec::new();
    sarif_to(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("SARIF is UTF-8")
}

/// [`sarif`], written to `w` as it is produced.
pub fn sarif_to(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let docs: Vec<String> = crate::rules::RULES
        .iter()
        .map(|r| r.meta.doc_text())
        .collect();
    let rules = crate::rules::RULES
        .iter()
        .zip(&docs)
        .map(|(r, doc)| {
            let m = r.meta;
            SarifRule {
                id: m.code,
                name: m.name,
                short_description: SarifText { text: m.summary },
                full_description: SarifText { text: m.summary },
                help: SarifHelp {
                    text: doc,
                    markdown: doc,
                },
                default_configuration: SarifConfiguration {
                    level: sarif_level(m.severity),
                },
                properties: SarifProperties { tags: [m.name] },
            }
        })
        .collect();
    let index_of = |code: &str| crate::rules::RULES.iter().position(|r| r.meta.code == code);
    let location = |file: &str, start, end| SarifPhysical {
        artifact_location: SarifArtifact { uri: uri(file) },
        region: sarif_region(start, end),
    };
    let results = report
        .findings()
        .map(|f| SarifResult {
            rule_id: f.rule.code,
            rule_index: index_of(f.rule.code),
            level: sarif_level(f.severity),
            message: SarifMessage {
                text: format!("{} {}", f.message, f.help),
            },
            locations: [SarifLocation {
                physical_location: location(&f.file, f.start, f.end),
            }],
            related_locations: f
                .related
                .iter()
                .enumerate()
                .map(|(i, rel)| SarifRelated {
                    id: i,
                    message: SarifText { text: &rel.message },
                    physical_location: location(&rel.file, rel.start, rel.end),
                })
                .collect(),
        })
        .collect();
    let doc = SarifLog {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "preflight",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            invocations: [SarifInvocation {
                execution_successful: report.unreadable.is_empty(),
                tool_execution_notifications: report
                    .unreadable
                    .iter()
                    .map(|u| SarifNotification {
                        level: "error",
                        message: SarifMessage {
                            text: format!("{}: could not be read: {}", u.file, u.error),
                        },
                    })
                    .collect(),
            }],
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    column_kind: &'static str,
    invocations: [SarifInvocation; 1],
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'static str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'static str,
    name: &'static str,
    short_description: SarifText<'static>,
    full_description: SarifText<'static>,
    help: SarifHelp<'a>,
    default_configuration: SarifConfiguration,
    properties: SarifProperties,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct SarifMessage {
    text: String,
}

#[derive(Serialize)]
struct SarifHelp<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifProperties {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifInvocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<SarifNotification>,
}

#[derive(Serialize)]
struct SarifNotification {
    level: &'static str,
    message: SarifMessage,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: Option<usize>,
    level: &'static str,
    message: SarifMessage,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifRelated<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRelated<'a> {
    id: usize,
    message: SarifText<'a>,
    physical_location: SarifPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical {
    artifact_location: SarifArtifact,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Escapes a workflow command's message (GitHub's rules for data).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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
                crate::lint::SilencedBy::Acknowledge(r) => ("acknowledged", r),
                crate::lint::SilencedBy::Comment(r) => ("ignored by comment", r),
            };
            out.push_str(&format!("{} ({how}: {reason})\n", compact_line(&s.finding)));
        }
    }
    out
}

/// A configuration or pack error, drawn like a finding.
pub fn config_error(e: &crate::config::ConfigError, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let diag = ConfigDiagnostic {
        e,
        source: FileSource {
            name: &e.file,
            text: &e.text,
        },
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &diag).is_err() {
        out = format!("{}\n", e);
    }
    out
}

struct ConfigDiagnostic<'a> {
    e: &'a crate::config::ConfigError,
    source: FileSource<'a>,
}

impl fmt::Debug for ConfigDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e.message)
    }
}

impl fmt::Display for ConfigDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::campaign::sentence(self.e.message.clone()))
    }
}

impl std::error::Error for ConfigDiagnostic<'_> {}

impl Diagnostic for ConfigDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new("preflight::config"))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.e.help.is_empty() {
            None
        } else {
            Some(Box::new(crate::campaign::sentence(self.e.help.clone())))
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.e.text.is_empty() {
            None
        } else {
            Some(&self.source)
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.e.text.is_empty() {
            return None;
        }
        let s = self.e.span;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None,
            (s.start, s.len()),
        ))))
    }
}
