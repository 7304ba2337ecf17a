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
    unreadable_files: usize,
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
    unreadable: Vec<JsonUnreadable<'a>>,
    summary: JsonSummary,
}

/// The versioned JSON report. Lines and columns are 1-based, columns count
/// characters; `offset` and `length` are bytes.
pub fn json(report: &Report) -> String {
    let findings = report
        .findings()
        .map(|f| JsonFinding {
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
        })
        .collect();
    let doc = JsonReport {
        version: JSON_VERSION,
        tool: JsonTool {
            name: "preflight",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
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
            unreadable_files: report.unreadable.len(),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("report serializes");
    s.push('\n');
    s
}
