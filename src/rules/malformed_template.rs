use crate::rules::context::Ctx;
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
    /// ## Configuration
    /// The known filters are `checks/template-filters.yaml`.
    pub static MALFORMED_TEMPLATE = {
        code: "PF304",
        name: "malformed-template",
        severity: Error,
        summary: "Template syntax is broken: an unclosed {{ }}, {% %} or *| |*, an unclosed if block, an unknown filter, a fallback quote that never closes.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    for field in &ctx.campaign.copy {
        for m in malformed(field.text(), known_filters()) {
            let span = ctx.locate(field.node, m.range);
            ctx.report(
                &MALFORMED_TEMPLATE,
                span,
                format!("In the {}: {}", field.label(), m.message),
                m.help,
            );
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
