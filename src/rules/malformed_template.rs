use std::sync::LazyLock;

use regex::Regex;

use crate::rules::context::Ctx;
use crate::rules::diagnostic::Applicability;
use crate::text::template_syntax::{known_filters, malformed};

declare_rule! {
    /// ## What it does
    /// Reports template syntax that would reach customers as raw text: an
    /// unclosed `{{`, `{%` or Mailchimp `*|`, a `}}` or `%}` that closes
    /// nothing, an `{% if %}`, `{{#if}}` or `*|IF:…|*` block that is never
    /// closed (or a closing tag with no block), an unknown filter (`defualt`;
    /// the known ones are listed in `checks/template-filters.yaml`), and a
    /// fallback whose quote never closes. The label sits on the exact
    /// characters.
    ///
    /// ## Why is this bad?
    /// Depending on the platform, a broken template either fails the whole
    /// send or goes out with `{{ first_name }` printed in the greeting.
    /// Either way it is found by customers first.
    ///
    /// ## Example
    /// ```yaml
    /// body: "Hi {{ first_name }, {% if vip %}thanks for being gold."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// body: "Hi {{ first_name | default: 'there' }}, {% if vip %}thanks for being gold.{% endif %}"
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` adds the brace a token is obviously one short
    /// of: `{{ first_name }` becomes `{{ first_name }}`, and `{ first_name }}`
    /// becomes `{{ first_name }}`. A block never closed, or a misspelt
    /// filter, is left for a person: where the block ends, or which filter
    /// was meant, is a choice.
    ///
    /// ## Configuration
    /// The known filters are `checks/template-filters.yaml`.
    pub static MALFORMED_TEMPLATE = {
        code: "PF304",
        name: "malformed-template",
        severity: Error,
        summary: "Template syntax is broken: an unclosed {{ }}, {% %} or *| |*, an unclosed if block, an unknown filter, a fallback quote that never closes.",
        settings: &[],
        fixes: &[crate::rule_meta::FixDoc {
            safe: false,
            what: "adds the brace a token is obviously one short of (`{{ first_name }` becomes `{{ first_name }}`, `{ first_name }}` becomes `{{ first_name }}`); unclosed blocks and unknown filters are left for a person",
        }],
    }
}

/// A token whose braces are obviously one short: `{{ first_name }` (an
/// opener whose name is followed by a single `}`) or `{ first_name }}` (a
/// closer after a name with a single `{`). Returns the insertion.
fn repair(text: &str, at: std::ops::Range<usize>) -> Option<(std::ops::Range<usize>, String)> {
    static SHORT_CLOSE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\{\{-?[ \t]*[A-Za-z_][\w.]*(?:[ \t]*\|[ \t]*[A-Za-z_]+(?::[ \t]*'[^'{}\n]*')?)*[ \t]*\}")
            .expect("valid")
    });
    static SHORT_OPEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\{[ \t]*[A-Za-z_][\w.]*(?:[ \t]*\|[ \t]*[A-Za-z_]+(?::[ \t]*'[^'{}\n]*')?)*[ \t]*-?$",
        )
        .expect("valid")
    });
    let what = text.get(at.clone())?;
    if what == "{{" {
        let m = SHORT_CLOSE.find(&text[at.start..])?;
        let end = at.start + m.end();
        // The single `}` must not already be the first of two.
        if text[end..].starts_with('}') {
            return None;
        }
        return Some((end..end, "}".into()));
    }
    if what == "}}" {
        let m = SHORT_OPEN.find(&text[..at.start])?;
        if text[..m.start()].ends_with('{') {
            return None;
        }
        return Some((m.start()..m.start(), "{".into()));
    }
    None
}

pub fn check(ctx: &mut Ctx) {
    for field in &ctx.campaign.copy {
        let text = field.text();
        for m in malformed(text, known_filters()) {
            let span = ctx.locate(field.node, m.range.clone());
            let fix = repair(text, m.range.clone())
                .and_then(|(range, new)| ctx.scalar_edit(field.node, range, &new));
            let p = ctx.report(
                &MALFORMED_TEMPLATE,
                span,
                format!("In the {}: {}", field.label(), m.message),
                m.help,
            );
            if let Some(edit) = fix {
                let what = if edit.replacement.contains('{') {
                    "Add the missing `{`"
                } else {
                    "Add the missing `}`"
                };
                p.fix(Applicability::Unsafe, what, vec![edit]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "malformed-template";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("{{ first_name | default: 'there' }}", "{{ first_name }"),
            RULE,
            "{{",
        );
        assert!(
            f[0].message
                .starts_with("In the email body: this `{{` is never closed"),
            "{}",
            f[0].message
        );
        assert_fires(
            &BASE.replace(
                "New season, new shoes",
                "New {% if vip %}gold{% endif %} shoes {% if x %}",
            ),
            RULE,
            "{% if x %}",
        );
        assert_fires(
            &BASE.replace("default: 'there'", "defualt: 'there'"),
            RULE,
            "defualt",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE.replace(
                "New season, new shoes",
                "{% if vip %}Gold: {% endif %}new shoes",
            ),
            RULE,
        );
        // A JavaScript expression's `||` is "or", not a filter.
        assert_clean(
            &BASE.replace(
                "New season, new shoes",
                "{{ page.preheader || 'New season, new shoes' }}",
            ),
            RULE,
        );
    }
}
