use std::sync::LazyLock;

use regex::Regex;

use crate::context::Ctx;
use crate::diagnostic::Severity;
use crate::template::{Fallback, Syntax, Token};
use crate::wording::excerpt;

declare_rule! {
    /// ## What it does
    /// Reports a merge token with no fallback, so a person whose profile lacks
    /// the value sees a gap: "Hi ," instead of "Hi there,". A token counts as
    /// safe when it has a non-empty `default` (`{{ first_name | default:
    /// 'there' }}`) or sits inside an `if` block on the same name
    /// (`{{#if first_name}}…{{else}}…{{/if}}`, `{% if first_name %}…{% endif %}`,
    /// Mailchimp `*|IF:FNAME|*…*|END:IF|*`). Tokens the platform fills in
    /// itself (`unsubscribe_url`, `*|UNSUB|*`) need none.
    ///
    /// It is a warning in body copy, and an error in an email subject, an
    /// SMS, a push title, or the greeting line ("Hi {{ first_name }},"),
    /// where the gap is the first thing the reader sees.
    ///
    /// The fallback forms of each platform are recognised: Liquid
    /// `{{ x | default: 'y' }}` and Klaviyo's `{{ x|default:'y' }}`;
    /// Handlebars `{{#if x}}…{{else}}…{{/if}}`; SendGrid
    /// `{{insert x "default=y"}}`; Mailchimp `*|IF:X|*…*|ELSE:|*…*|END:IF|*`;
    /// Jinja `{{ x | default('y', true) }}`.
    ///
    /// Jinja's `default('y')` without `true` fills in a value that is
    /// missing but not one that is an empty string, which is how most
    /// profiles store "no first name": it is reported as a missing fallback.
    /// Braze's Liquid `default` likewise does not fire on a value that is
    /// only spaces; guard such fields with `{% if x != blank %}` or clean
    /// the data.
    ///
    /// Mailchimp merge tags (`*|FNAME|*`) have no inline fallback: set a
    /// default value in the audience's merge-field settings and wrap the tag
    /// in `*|IF:FNAME|*`.
    ///
    /// ## Why is this bad?
    /// "Hi ," goes out to every profile without a first name, often a large
    /// share of the list, and it shows the message was automated and broken.
    ///
    /// ## Example
    /// ```yaml
    /// body: "Hi {{ first_name }}, our sale starts today."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// body: "Hi {{ first_name | default: 'there' }}, our sale starts today."
    /// ```
    pub static TOKEN_MISSING_FALLBACK = {
        code: "PF303",
        name: "token-missing-fallback",
        severity: Warning,
        summary: "A merge token has no fallback, so an empty profile field renders \"Hi ,\".",
        settings: &[],
    }
}

static GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(hi|hello|hey|dear|hiya|greetings|welcome|good\s+(morning|afternoon|evening)|bonjour|hallo|hola)\b")
        .expect("valid")
});

pub fn check(ctx: &mut Ctx) {
    let checks = ctx.checks;
    for field in &ctx.campaign.copy {
        let text = field.text();
        for t in field.tokens() {
            if t.has_fallback() || checks.system_tokens.is_match(t.name) {
                continue;
            }
            let greeting = in_greeting(text, t);
            let severity = if field.is_glanceable() || greeting {
                Severity::Error
            } else {
                Severity::Warning
            };
            let shown = preview(text, t);
            let why = match &t.fallback {
                Fallback::Empty => format!("`{}` has an empty fallback", t.name),
                Fallback::NotOnEmpty(r) => format!(
                    "`{}` falls back to “{}” only when the value is missing, not when it is empty",
                    t.name,
                    &text[r.clone()]
                ),
                _ => format!("`{}` has no fallback", t.name),
            };
            let place = if greeting {
                "the greeting".to_string()
            } else {
                format!("the {}", field.label())
            };
            let help = match (&t.fallback, t.syntax) {
                (Fallback::NotOnEmpty(r), _) => format!(
                    "Jinja's `default` skips empty strings unless its second argument is `true`: write `{{{{ {} | default('{}', true) }}}}`.",
                    t.name,
                    &text[r.clone()]
                ),
                (_, syntax) => match syntax {
                Syntax::Mailchimp => format!(
                    "Mailchimp merge tags have no inline fallback: set a default for {} in the audience's merge-field settings, or wrap it as *|IF:{0}|*…*|ELSE:|*…*|END:IF|*.",
                    t.name
                ),
                Syntax::Liquid => format!("Add a fallback: `{{{{ {} | default: 'there' }}}}`, with a word that reads well here.", t.name),
                },
            };
            let span = ctx.locate(field.node, t.range.clone());
            ctx.report_at(
                &TOKEN_MISSING_FALLBACK,
                severity,
                span,
                format!("{why}, so people without it would read “{shown}” in {place}."),
                help,
            );
        }
    }
}

/// Whether the token sits on the copy's first line and that line greets.
fn in_greeting(text: &str, t: &Token) -> bool {
    let first = text.trim_start();
    let offset = text.len() - first.len();
    let end = offset + first.find('\n').unwrap_or(first.len());
    t.range.start < end && GREETING.is_match(&text[offset..end])
}

/// The line holding the token, as it reads with the value missing.
fn preview(text: &str, t: &Token) -> String {
    let start = text[..t.range.start]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text[t.range.end..]
        .find('\n')
        .map(|i| t.range.end + i)
        .unwrap_or(text.len());
    let line = format!("{}{}", &text[start..t.range.start], &text[t.range.end..end]);
    excerpt(&crate::template::visible_text(&line).text)
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::*;

    const RULE: &str = "token-missing-fallback";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("{{ first_name | default: 'there' }}", "{{ first_name }}"),
            RULE,
            "{{ first_name }}",
        );
        assert_eq!(f[0].severity, Severity::Error, "greeting line");
        assert!(f[0].message.contains("“Hi ,”"), "{}", f[0].message);
        let body = BASE
            .replace(
                "Our spring running range",
                "Your {{ city }} store has the range",
            )
            .replace("provides: [order_placed]", "provides: [order_placed, city]");
        let f = assert_fires(&body, RULE, "{{ city }}");
        assert_eq!(f[0].severity, Severity::Warning);
        let subject = BASE.replace(
            "subject: \"New season, new shoes\"",
            "subject: \"{{ first_name }}, new shoes\"",
        );
        let f = assert_fires(&subject, RULE, "{{ first_name }}");
        assert_eq!(f[0].severity, Severity::Error);
        let mc = BASE
            .replace("{{ first_name | default: 'there' }}", "*|FNAME|*")
            .replace(
                "provides: [order_placed]",
                "provides: [order_placed, FNAME]",
            );
        let f = assert_fires(&mc, RULE, "*|FNAME|*");
        assert!(f[0].help.contains("*|IF:FNAME|*"));
        let empty = BASE.replace("default: 'there'", "default: ''");
        let f = assert_fires(&empty, RULE, "{{ first_name | default: '' }}");
        assert!(f[0].message.contains("empty fallback"));
    }

    #[test]
    fn jinja_default_without_true_misses_empty_values() {
        let f = assert_fires(
            &BASE.replace(
                "{{ first_name | default: 'there' }}",
                "{{ first_name | default('there') }}",
            ),
            RULE,
            "{{ first_name | default('there') }}",
        );
        assert!(
            f[0].message.contains("not when it is empty"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].help.contains("default('there', true)"),
            "{}",
            f[0].help
        );
        assert_clean(
            &BASE.replace(
                "{{ first_name | default: 'there' }}",
                "{{ first_name | default('there', true) }}",
            ),
            RULE,
        );
        assert_clean(
            &BASE.replace(
                "{{ first_name | default: 'there' }}",
                "{{insert first_name \"default=there\"}}",
            ),
            RULE,
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let guarded = BASE.replace(
            "Hi {{ first_name | default: 'there' }},",
            "{{#if first_name}}Hi {{ first_name }},{{else}}Hi there,{{/if}}",
        );
        assert_clean(&guarded, RULE);
        let mc = BASE
            .replace(
                "{{ first_name | default: 'there' }}",
                "*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi*|END:IF|*",
            )
            .replace(
                "provides: [order_placed]",
                "provides: [order_placed, FNAME]",
            );
        assert_clean(&mc, RULE);
    }
}
