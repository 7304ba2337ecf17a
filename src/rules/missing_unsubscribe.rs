use crate::input::source::Span;
use crate::knowledge::checks::Checks;
use crate::model::campaign::{Campaign, Channel, CopyField};
use crate::rules::context::Ctx;
use crate::rules::diagnostic::{Applicability, Edit};
use crate::text::language::{Lang, Langs};
use crate::text::template::Syntax;

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
    /// ## Fix
    /// `--fix --unsafe-fixes` adds an unsubscribe link with the platform's
    /// own tag, telling the platform by the tokens the copy already uses
    /// (`*|UNSUB|*` for Mailchimp, `{{${set_user_to_unsubscribed_url}}}` for
    /// Braze, `%%unsub_center_url%%` for Marketing Cloud,
    /// `<%asm_group_unsubscribe_raw_url%>` for SendGrid, else
    /// `{{ unsubscribe_url }}`): before `</body>` in HTML, else at the end of
    /// the body. It is unsafe: check the tag your platform fills in.
    ///
    /// ## Configuration
    /// The wording is `checks/compliance.yaml` (`email-unsubscribe`).
    pub static MISSING_UNSUBSCRIBE = {
        code: "PF801",
        name: "missing-unsubscribe",
        severity: Error,
        summary: "An email body has no unsubscribe link or token (CAN-SPAM, CASL, GDPR; Gmail and Yahoo bulk-sender rules).",
        settings: &[],
        fixes: &[crate::rule_meta::FixDoc {
            safe: false,
            what: "adds an unsubscribe link with the platform's own tag, the platform told by the tokens the copy already uses (`*|UNSUB|*` for Mailchimp, `{{${set_user_to_unsubscribed_url}}}` for Braze, `%%unsub_center_url%%` for Marketing Cloud, `<%asm_group_unsubscribe_raw_url%>` for SendGrid, else `{{ unsubscribe_url }}`), before `</body>` or at the end of the body",
        }],
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
    texts
        .iter()
        .any(|t| !lex.find_all_of(t, |e| e.category == wanted).is_empty())
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if !c.channels.iter().any(|ch| ch.value == Channel::Email)
        || c.platform_adds(crate::input::exports::Addition::Footer)
    {
        return;
    }
    if c.copy
        .iter()
        .any(|f| f.channel == Channel::Email && f.incomplete)
        || (c.copy_only && email_field(c, "body").is_none())
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
    let fix = body.and_then(|b| add_unsubscribe(ctx, b));
    let span = body.map(|b| b.node.span).unwrap_or(key);
    let span = Span::new(
        span.start,
        span.start.max(span.start + first_line_len(ctx.text, span)),
    );
    let p = ctx.report(
        &MISSING_UNSUBSCRIBE,
        span,
        if body.is_some() {
            "This email's body has no unsubscribe link or token"
        } else {
            "This email has no body, so it has no unsubscribe link"
        },
        "Add an unsubscribe link, such as `<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>` (or `*|UNSUB|*` in Mailchimp); marketing email must have one by law, and Gmail and Yahoo reject bulk mail without one",
    );
    if let Some((tag, edit)) = fix {
        p.fix(
            Applicability::Unsafe,
            format!("Add an unsubscribe link with `{tag}`"),
            vec![edit],
        );
    }
}

/// The unsubscribe tag of the platform the copy's tokens are written for.
fn unsubscribe_tag(c: &Campaign) -> &'static str {
    let syntaxes = c
        .copy
        .iter()
        .filter(|f| f.channel == Channel::Email)
        .flat_map(|f| f.tokens().iter().map(|t| t.syntax));
    for s in syntaxes {
        match s {
            Syntax::Mailchimp => return "*|UNSUB|*",
            Syntax::Braze => return "{{${set_user_to_unsubscribed_url}}}",
            Syntax::Ampscript => return "%%unsub_center_url%%",
            Syntax::SendgridInsert => return "<%asm_group_unsubscribe_raw_url%>",
            _ => {}
        }
    }
    "{{ unsubscribe_url }}"
}

/// The words a fix writes for the compliance entry `id` (its `fix:` in
/// `checks/`), in the copy's language when it has exactly one, else in
/// English.
pub fn fix_words<'c>(checks: &'c Checks, id: &str, langs: Langs) -> Option<&'c str> {
    let mut it = langs.iter();
    let lang = match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => Lang::En,
    };
    let entries = &checks.compliance.entries;
    let with = |ok: &dyn Fn(Option<Lang>) -> bool| {
        entries
            .iter()
            .find(|e| e.id == id && e.fix.is_some() && ok(e.lang))
            .and_then(|e| e.fix.as_deref())
    };
    with(&|l| l == Some(lang)).or_else(|| with(&|l| matches!(l, None | Some(Lang::En))))
}

/// The edit adding an unsubscribe link to the body: before `</body>` in
/// HTML, else after its last character.
fn add_unsubscribe(ctx: &Ctx, body: &CopyField) -> Option<(&'static str, Edit)> {
    let tag = unsubscribe_tag(ctx.campaign);
    let word = fix_words(ctx.checks, "email-unsubscribe", body.langs())?;
    let text = body.text();
    let html = text.contains("</") || text.contains("<p") || text.contains("<br");
    let lower = text.to_ascii_lowercase();
    let edit = match lower.rfind("</body>") {
        Some(at) => ctx.scalar_edit(
            body.node,
            at..at,
            &format!("<p><a href=\"{tag}\">{word}</a></p>"),
        ),
        None => {
            let end = text.trim_end().len();
            if end == 0 {
                return None;
            }
            let link = if html {
                format!(" <a href=\"{tag}\">{word}</a>")
            } else {
                format!(" {word}: {tag}")
            };
            ctx.scalar_edit(body.node, end..end, &link)
        }
    }?;
    Some((tag, edit))
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
