use crate::input::source::Span;
use crate::model::campaign::Channel;
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;
use crate::text::sms::{describe, segments, segments_without_culprits, Encoding};
use crate::text::template::rendered;

declare_rule! {
    /// ## What it does
    /// Reports an SMS whose rendered body needs more than `max_segments`
    /// (default 1) message segments. Merge tokens count as their fallback or
    /// 12 characters, whichever is longer.
    ///
    /// A message in the GSM-7 alphabet fits 160 characters in one segment
    /// and 153 per part once split; the extension characters `^ { } \ [ ~ ]
    /// | €` count twice. One character outside GSM-7 (an emoji, "ł", a
    /// curly apostrophe ’ or quote “) switches the whole message to UCS-2:
    /// 70 characters in one segment, 67 per part, and an emoji counts twice.
    /// The finding names that character and what it costs.
    ///
    /// ## Why is this bad?
    /// Every segment is billed, so a two-part text costs twice as much to
    /// send to the whole list, and some phones show the parts out of order.
    /// A curly apostrophe pasted from a document is the usual culprit.
    ///
    /// ## Example
    /// ```yaml
    /// sms:
    ///   body: "Don’t miss our spring sale: 20% off running shoes this weekend only. Reply STOP to opt out"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// sms:
    ///   body: "Don't miss our spring sale: 20% off running shoes this weekend only. Reply STOP to opt out"
    /// ```
    ///
    /// ## Configuration
    /// - `max_segments` (default `1`): the most segments an SMS may take.
    pub static SMS_SEGMENTS = {
        code: "PF811",
        name: "sms-segments",
        severity: Warning,
        summary: "An SMS needs more than one segment (160 GSM-7 or 70 UCS-2 characters; one emoji or curly quote switches to UCS-2).",
        settings: &[SettingDoc {
            name: "max_segments",
            default: "1",
            about: "most segments an SMS may take",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let max = ctx.settings.max_segments;
    for field in ctx
        .campaign
        .copy
        .iter()
        .filter(|f| f.channel == Channel::Sms)
    {
        let text = field.text();
        let s = segments(&rendered(text));
        if s.segments <= max {
            continue;
        }
        let parts = |n: usize| {
            if n == 1 {
                "1 segment".to_string()
            } else {
                format!("{n} segments")
            }
        };
        match (s.encoding, s.culprit) {
            (Encoding::Ucs2, Some(c)) => {
                let plain = segments_without_culprits(&rendered(text));
                // Point at the character where it is written, when it is.
                let span = match text.find(c) {
                    Some(at) => ctx.locate(field.node, at..at + c.len_utf8()),
                    None => field.node.span,
                };
                let cost = if plain < s.segments {
                    format!(", where plain characters would need {}", parts(plain))
                } else {
                    String::new()
                };
                ctx.report(
                    &SMS_SEGMENTS,
                    span,
                    format!(
                        "The character {} switches this SMS to UCS-2 encoding, so its {} characters need {} (70 fit in one, 67 per part){cost}",
                        describe(c),
                        s.chars,
                        parts(s.segments)
                    ),
                    "Replace it with a plain character (' for ’, \" for “ ”, - for –) or drop the emoji, and shorten the text to fit one segment",
                );
            }
            _ => {
                let span = field.node.span;
                let span = Span::new(
                    span.start,
                    span.start + crate::rules::missing_unsubscribe::first_line_len(ctx.text, span),
                );
                ctx.report(
                    &SMS_SEGMENTS,
                    span,
                    format!(
                        "This SMS is {} characters when rendered{}, so it goes out as {} (160 fit in one; 153 per part once split)",
                        s.chars,
                        if s.units > s.chars {
                            format!(" ({} units: characters such as {{ }} [ ] ~ € count twice)", s.units)
                        } else {
                            String::new()
                        },
                        parts(s.segments)
                    ),
                    "Shorten the text to 160 characters or fewer; each extra segment is billed for the whole list",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sms-segments";

    fn sms(body: &str) -> String {
        BASE.replace("channels: [email]", "channels: [email, sms]")
            .replace(
                "consent: [email_marketing]",
                "consent: [email_marketing, sms_marketing]",
            )
            .replace(
                "content:\n",
                &format!("content:\n  sms:\n    body: \"{body}\"\n"),
            )
            + "frequency: {cap: 1, per: 7d}\n"
    }

    #[test]
    fn failing() {
        let body = format!("Don’t miss it: {}. Reply STOP to opt out", "a".repeat(50));
        let f = assert_fires(&sms(&body), RULE, "’");
        let m = &f[0].message;
        assert!(m.contains("“’” (a curly apostrophe, U+2019)"), "{m}");
        assert!(m.contains("need 2 segments"), "{m}");
        assert!(m.contains("plain characters would need 1 segment"), "{m}");
        let long = format!("{} Reply STOP to opt out", "a".repeat(150));
        let f = assert_fires(&sms(&long), RULE, &format!("\"{long}\""));
        assert!(f[0].message.contains("172 characters"), "{}", f[0].message);
        assert!(f[0].message.contains("2 segments"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &sms("Spring sale: 20% off running shoes. Reply STOP to opt out"),
            RULE,
        );
        // A token counts as 12 characters: 140 + 12 = 152 still fits.
        let body = format!("{{{{ first_name }}}}{}", "a".repeat(140));
        assert_clean(&sms(&body), RULE);
    }
}
