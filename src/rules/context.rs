//! What a rule sees while checking one campaign, and where it reports.
//!
//! Rules only give a span, a message and a help line; the context adds the
//! rule's code and severity, and the engine applies acknowledgements, in one
//! place.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::input::source::Span;
use crate::input::yaml::{Locator, Node};
use crate::knowledge::checks::Checks;
use crate::knowledge::settings::Settings;
use crate::model::campaign::Campaign;
use crate::model::campaign::CopyField;
use crate::rule_meta::Severity;
use crate::rules::RuleMeta;
use crate::text::searchable::Searchable;

/// A finding before it is placed in a file.
#[derive(Debug, Clone)]
pub struct Pending {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub help: String,
    /// Other places in the same file that explain the finding.
    pub related: Vec<(Span, String)>,
    /// A mechanical fix, when there is one.
    pub fix: Option<crate::rules::diagnostic::ProposedFix>,
}

impl Pending {
    /// Adds a related place, shown as a secondary label.
    pub fn related(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push((span, message.into()));
        self
    }

    /// Offers a fix (ignored when it has no edit).
    pub fn fix(
        &mut self,
        applicability: crate::rules::diagnostic::Applicability,
        message: impl Into<String>,
        edits: Vec<crate::rules::diagnostic::Edit>,
    ) -> &mut Self {
        if !edits.is_empty() {
            self.fix = Some(crate::rules::diagnostic::ProposedFix {
                applicability,
                message: message.into(),
                edits,
            });
        }
        self
    }
}

pub struct Ctx<'a> {
    /// The whole file's text.
    pub text: &'a str,
    pub campaign: &'a Campaign<'a>,
    pub checks: &'a Checks,
    pub settings: &'a Settings,
    /// "Today", for rules that compare with the present.
    pub now: NaiveDate,
    pub(crate) out: Vec<Pending>,
    /// The alignment of each long scalar a rule has located words in, kept
    /// so that many words in one long body cost one walk over it.
    locators: RefCell<HashMap<Span, Locator>>,
    /// What the compliance rules read of each copy field, built once.
    compliance: RefCell<HashMap<Span, std::rc::Rc<Vec<Searchable<'static>>>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        text: &'a str,
        campaign: &'a Campaign<'a>,
        checks: &'a Checks,
        settings: &'a Settings,
        now: NaiveDate,
    ) -> Self {
        Ctx {
            text,
            campaign,
            checks,
            settings,
            now,
            out: Vec::new(),
            locators: RefCell::new(HashMap::new()),
            compliance: RefCell::new(HashMap::new()),
        }
    }

    /// Reports a finding at the rule's default severity.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Pending {
        self.report_at(rule, rule.severity, span, message, help)
    }

    /// Reports a finding at a severity the rule chose for this case.
    pub fn report_at(
        &mut self,
        rule: &'static RuleMeta,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Pending {
        self.out.push(Pending {
            rule,
            severity,
            span,
            message: message.into(),
            help: help.into(),
            related: Vec::new(),
            fix: None,
        });
        self.out.last_mut().expect("just pushed")
    }

    /// The file span of `range` (bytes of a scalar's value).
    pub fn locate(&self, node: &Node, range: std::ops::Range<usize>) -> Span {
        // A short scalar is walked from its start; a long one once.
        if node.as_str().is_none_or(|s| s.len() < 512) {
            return crate::input::yaml::locate_in_scalar(self.text, node, range);
        }
        self.locators
            .borrow_mut()
            .entry(node.span)
            .or_insert_with(|| Locator::new(self.text, node))
            .locate(self.text, node, range)
    }

    /// An edit replacing `range` of a scalar's value with `new`, written in
    /// the scalar's own quoting (escaped in a double-quoted string, quotes
    /// doubled in a single-quoted one). `None` when the range is not written
    /// in the file exactly as it reads (escapes, folded lines) or when `new`
    /// cannot be written in that style (a line break in a quoted or block
    /// line, `: ` or ` #` in a plain one): a fix is never a guess.
    pub fn scalar_edit(
        &self,
        node: &Node,
        range: std::ops::Range<usize>,
        new: &str,
    ) -> Option<crate::rules::diagnostic::Edit> {
        use crate::input::yaml::{Scalar, Style, Value};
        let Value::Scalar(Scalar { text, style }) = &node.value else {
            return None;
        };
        let old = text.get(range.clone())?;
        let span = if range.is_empty() {
            // An insertion goes just before the character after it (past a
            // block's indentation), or just after the last one.
            let at = range.start;
            match text[at..].chars().next() {
                Some(next) => {
                    let s = self.locate(node, at..at + next.len_utf8());
                    if self.text.get(s.range())? != next.encode_utf8(&mut [0; 4]) {
                        return None;
                    }
                    Span::new(s.start, s.start)
                }
                None => {
                    let prev = text[..at].chars().next_back()?;
                    let s = self.locate(node, at - prev.len_utf8()..at);
                    if self.text.get(s.range())? != prev.encode_utf8(&mut [0; 4]) {
                        return None;
                    }
                    Span::new(s.end, s.end)
                }
            }
        } else {
            let span = self.locate(node, range.clone());
            if self.text.get(span.range())? != old {
                return None;
            }
            span
        };
        let written = match style {
            Style::Verbatim => new.to_string(),
            _ if new.contains(['\n', '\r']) => return None,
            Style::DoubleQuoted => new.replace('\\', "\\\\").replace('"', "\\\""),
            Style::SingleQuoted => new.replace('\'', "''"),
            Style::Literal | Style::Folded => new.to_string(),
            Style::Plain => {
                if new.contains(": ") || new.contains(" #") || new.ends_with(':') {
                    return None;
                }
                new.to_string()
            }
        };
        Some(crate::rules::diagnostic::Edit::new(span, written))
    }

    /// The texts in which a copy field may say what the law requires (an
    /// unsubscribe link, a postal address, an opt-out instruction): its
    /// visible words, its tokens' names and its raw text, read in the
    /// field's languages, English and the languages of the region (a
    /// Spanish campaign's footer is often in English, and the reverse).
    pub fn compliance_texts(&self, field: &CopyField) -> std::rc::Rc<Vec<Searchable<'static>>> {
        let key = field.node.span;
        if let Some(t) = self.compliance.borrow().get(&key) {
            return t.clone();
        }
        let region = self.campaign.region.map(|r| r.value).unwrap_or("");
        let langs = crate::text::language::languages_of_region(region)
            .into_iter()
            .fold(
                field.langs().with(crate::text::language::Lang::En),
                |s, l| s.with(l),
            );
        // Read once for each category a rule wants.
        let mut texts = vec![
            Searchable::new(field.visible().text.to_string(), langs).keeping_candidates(),
            Searchable::name(field.text(), langs).keeping_candidates(),
        ];
        texts.extend(
            field
                .tokens()
                .iter()
                .map(|t| Searchable::name(t.name, langs).keeping_candidates()),
        );
        let texts = std::rc::Rc::new(texts);
        self.compliance.borrow_mut().insert(key, texts.clone());
        texts
    }

    pub fn into_findings(self) -> Vec<Pending> {
        self.out
    }
}
