//! The pretty output: each finding drawn by miette with the source excerpt
//! and labels on the exact bytes, and configuration errors drawn the same way.

use crate::engine::run::Report;
use crate::input::source::LineIndex;
use crate::report::compact::compact_line;
use crate::report::excerpt::{escape_controls, Excerpt, Label};
use crate::rule_meta::Severity;
use crate::rules::diagnostic::{Finding, Related};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::collections::HashMap;
use std::fmt;

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
                help: match &f.fix {
                    Some(fix) => format!(
                        "{}\nFix: {} ({}).",
                        escape_controls(&f.help),
                        escape_controls(&fix.message),
                        match fix.applicability {
                            crate::rules::diagnostic::Applicability::Safe => "--fix",
                            crate::rules::diagnostic::Applicability::Unsafe =>
                                "--fix --unsafe-fixes",
                        }
                    ),
                    None => escape_controls(&f.help).into_owned(),
                },
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
    for note in report.notes() {
        out.push_str(&note);
        out.push('\n');
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
        message: escape_controls(&crate::rule_meta::sentence(e.message.clone())).into_owned(),
        help: escape_controls(&crate::rule_meta::sentence(e.help.clone())).into_owned(),
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
