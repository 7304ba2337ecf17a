use crate::input::source::Span;
use crate::model::campaign::{Campaign, Channel, CopyField};
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports an email whose body has no way to unsubscribe: no
    /// unsubscribe token (`{{ unsubscribe_url }}`, `*|UNSUB|*`,
    /// `{{ manage_preferences_url }}`) and no unsubscribe or opt-out wording
    /// or link. The wording is listed in `checks/compliance.yaml`.
    ///
    /// ## Why is this bad?
    /// The law requires it for marketing email (CAN-SPAM in the US, CASL in
    /// Canada, GDPR and ePrivacy in Europe), and since 2024 Gmail and Yahoo
    /// require bulk senders to offer a one-click unsubscribe; mail without
    /// one is sent to spam or rejected. People who cannot unsubscribe mark
    /// the message as spam instead.
    ///
    /// ## Example
    /// ```yaml
    /// email:
    ///   body: "Our spring range has landed."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// email:
    ///   body: |
    ///     Our spring range has landed.
    ///     <a href="{{ unsubscribe_url }}">Unsubscribe</a>
    /// ```
    ///
    /// ## Configuration
    /// The wording is `checks/compliance.yaml` (`email-unsubscribe`).
    pub static MISSING_UNSUBSCRIBE = {
        code: "PF801",
        name: "missing-unsubscribe",
        severity: Error,
        summary: "An email body has no unsubscribe link or token (CAN-SPAM, CASL, GDPR; Gmail and Yahoo bulk-sender rules).",
        settings: &[],
    }
}

/// The email's field `name`, if written.
pub fn email_field<'c, 'a>(c: &'c Campaign<'a>, name: &str) -> Option<&'c CopyField<'a>> {
    c.copy
        .iter()
        .find(|f| f.channel == Channel::Email && f.field == name)
}

/// Where to point for something missing from the email: its `content` key.
pub fn email_key(c: &Campaign) -> Option<Span> {
    c.content_keys
        .iter()
        .find(|k| k.value == Channel::Email)
        .map(|k| k.span)
}

/// Whether a piece of copy says what the compliance entry `entry` asks for
/// (an unsubscribe link, a postal address, an opt-out instruction): in its
/// visible words, in a token's name, or in its raw text (a platform's tag),
/// by any entry of the same category (`checks/compliance.yaml` and every
/// platform's tags in `checks/platform-tags.yaml`).
pub fn says(ctx: &Ctx, field: &CopyField, entry: &str) -> bool {
    let lex = &ctx.checks.compliance;
    let Some(wanted) = lex.by_id(entry).map(|e| e.category.as_str()) else {
        return false;
    };
    let texts = ctx.compliance_texts(field);
    texts.iter().any(|t| {
        lex.find_all(t)
            .iter()
            .any(|m| lex.entries[m.entry].category == wanted)
    })
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if !c.channels.iter().any(|ch| ch.value == Channel::Email) {
        return;
    }
    if c.copy
        .iter()
        .any(|f| f.channel == Channel::Email && f.incomplete)
    {
        return; // part of the email is not here to read
    }
    let Some(key) = email_key(c) else {
        return; // channel-without-content reports an email with no copy
    };
    let body = email_field(c, "body");
    if body.is_some_and(|b| says(ctx, b, "email-unsubscribe")) {
        return;
    }
    let span = body.map(|b| b.node.span).unwrap_or(key);
    let span = Span::new(
        span.start,
        span.start.max(span.start + first_line_len(ctx.text, span)),
    );
    ctx.report(
        &MISSING_UNSUBSCRIBE,
        span,
        if body.is_some() {
            "This email's body has no unsubscribe link or token"
        } else {
            "This email has no body, so it has no unsubscribe link"
        },
        "Add an unsubscribe link, such as `<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>` (or `*|UNSUB|*` in Mailchimp); marketing email must have one by law, and Gmail and Yahoo reject bulk mail without one",
    );
}

/// The length of the first line of a span, so a label on a long body stays short.
pub fn first_line_len(text: &str, span: Span) -> usize {
    let s = &text[span.start.min(text.len())..span.end.min(text.len())];
    s.find(['\n', '\r']).unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "missing-unsubscribe";

    #[test]
    fn failing() {
        let yaml = BASE.replace("      {{ unsubscribe_url }}\n", "");
        let f = assert_fires(&yaml, RULE, "Hi {{ first_name | default: 'there' }},");
        assert!(f[0].message.contains("no unsubscribe"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        for ok in [
            "      <a href=\"https://x.example/u\">Unsubscribe</a>\n",
            "      *|UNSUB|*\n",
            "      Manage your preferences: {{ manage_preferences_url }}\n",
            "      To opt out, reply to this email.\n",
        ] {
            assert_clean(&BASE.replace("      {{ unsubscribe_url }}\n", ok), RULE);
        }
    }
}
