//! Turning a report into text: `pretty` (miette), `compact` and `json`.
//! Every function returns a string; nothing here prints.

use std::fmt;

use std::collections::HashMap;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;

use crate::engine::diagnostic::{Finding, Related};
use crate::report::excerpt::{escape_controls, Excerpt, Label};
use crate::rule_meta::Severity;
use crate::engine::run::Report;
use crate::input::source::LineIndex;

/// The version of the JSON output. Keys are only ever added.
pub const JSON_VERSION: u32 = 1;

/// How to draw the pretty output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// A finding as a miette diagnostic, drawn over an excerpt of its file.
struct Shown<'a> {
    finding: &'a Finding,
    message: String,
    help: String,
    excerpt: Excerpt,
}

/// A related place not near the finding (another file, or far away in the
/// same one), drawn as a small block of its own.
struct Elsewhere {
    message: String,
    excerpt: Excerpt,
}

impl fmt::Debug for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Elsewhere {}

/// The excerpt's labels as miette labels.
fn excerpt_labels(x: &Excerpt) -> Box<dyn Iterator<Item = LabeledSpan> + '_> {
    Box::new(x.labels().map(|(span, text, primary)| {
        if *primary {
            LabeledSpan::new_primary_with_span(text.clone(), *span)
        } else {
            LabeledSpan::new_with_span(text.clone(), *span)
        }
    }))
}

impl Diagnostic for Elsewhere {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(excerpt_labels(&self.excerpt))
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(excerpt_labels(&self.excerpt))
    }
}

/// Related places shown as labels in the finding's own snippet: in the same
/// file, a few lines away at most. Others get a block of their own.
fn near(f: &Finding, r: &Related) -> bool {
    r.file == f.file && r.start.line.abs_diff(f.start.line) <= 6
}

/// The files of a report by name, with their line indexes built the first
/// time a finding needs one.
struct Texts<'r> {
    report: &'r Report,
    by_name: HashMap<&'r str, usize>,
    lines: Vec<Option<LineIndex>>,
}

impl<'r> Texts<'r> {
    fn new(report: &'r Report) -> Self {
        Texts {
            report,
            by_name: report
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.path.as_str(), i))
                .collect(),
            lines: vec![None; report.files.len()],
        }
    }

    /// The excerpt of file `i` around `labels`.
    fn excerpt(&mut self, i: usize, labels: &[Label]) -> Excerpt {
        let file = &self.report.files[i];
        let text = file.text.as_deref().unwrap_or("");
        let lines = self.lines[i].get_or_insert_with(|| LineIndex::new(text));
        Excerpt::new(&file.path, text, lines, labels)
    }
}

/// miette's graphical output, one block per finding, then the summary.
pub fn pretty(report: &Report, style: Style) -> String {
    let handler = handler(style);
    let mut texts = Texts::new(report);
    let mut out = String::new();
    for (i, file) in report.files.iter().enumerate() {
        for f in &file.findings {
            let mut labels = vec![Label {
                span: f.span,
                text: None,
                primary: true,
            }];
            labels.extend(f.related.iter().filter(|r| near(f, r)).map(|r| Label {
                span: r.span,
                text: Some(escape_controls(&r.message).into_owned()),
                primary: false,
            }));
            let shown = Shown {
                finding: f,
                message: escape_controls(&f.message).into_owned(),
                help: escape_controls(&f.help).into_owned(),
                excerpt: texts.excerpt(i, &labels),
            };
            let mut block = String::new();
            if handler.render_report(&mut block, &shown).is_err() {
                block = format!("{}\n", compact_line(f));
            }
            // Related places elsewhere follow, each as a small block of its own.
            for r in f.related.iter().filter(|r| !near(f, r)) {
                let Some(&other) = texts.by_name.get(r.file.as_str()) else {
                    continue;
                };
                if report.files[other].text.is_none() {
                    continue;
                }
                let label = Label {
                    span: r.span,
                    text: None,
                    primary: true,
                };
                let e = Elsewhere {
                    message: escape_controls(&r.message).into_owned(),
                    excerpt: texts.excerpt(other, &[label]),
                };
                let mut more = String::new();
                if handler.render_report(&mut more, &e).is_ok() {
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
            escape_controls(&u.file),
            escape_controls(&u.error)
        ));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

/// miette's handler for the pretty output.
fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_urls(false)
}

fn compact_line(f: &Finding) -> String {
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

fn sarif_region(start: crate::input::source::LineCol, end: crate::input::source::LineCol) -> SarifRegion {
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

/// A configuration or pack error, drawn like a finding.
pub fn config_error(e: &crate::engine::config::ConfigError, style: Style) -> String {
    let handler = handler(style);
    let excerpt = (!e.text.is_empty()).then(|| {
        let lines = LineIndex::new(&e.text);
        let label = Label {
            span: e.span,
            text: None,
            primary: true,
        };
        Excerpt::new(&e.file, &e.text, &lines, &[label])
    });
    let diag = ConfigDiagnostic {
        message: escape_controls(&crate::model::campaign::sentence(e.message.clone())).into_owned(),
        help: escape_controls(&crate::model::campaign::sentence(e.help.clone())).into_owned(),
        excerpt,
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &diag).is_err() {
        out = format!("{}\n", escape_controls(&e.to_string()));
    }
    out
}

struct ConfigDiagnostic {
    message: String,
    help: String,
    excerpt: Option<Excerpt>,
}

impl fmt::Debug for ConfigDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for ConfigDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigDiagnostic {}

impl Diagnostic for ConfigDiagnostic {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new("preflight::engine::config"))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.help.is_empty() {
            None
        } else {
            Some(Box::new(&self.help))
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|x| x as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.excerpt.as_ref().map(excerpt_labels)
    }
}
