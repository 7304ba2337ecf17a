use crate::model::campaign::Channel;
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;
use crate::text::template::rendered;

declare_rule! {
    /// ## What it does
    /// Reports a push notification whose title is over `max_push_title`
    /// (default 50) characters or whose body is over `max_push_body` (default
    /// 150), as rendered: tokens count as their fallback or 12 characters,
    /// whichever is longer.
    ///
    /// ## Why is this bad?
    /// Lock screens cut what does not fit: Android shows about 49 characters
    /// of a title, iOS about 160 of a body (about 130 with media). The cut
    /// falls on the offer or the call to action.
    ///
    /// ## Example
    /// ```yaml
    /// push:
    ///   title: "Our biggest spring running shoe sale of the year starts today"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// push:
    ///   title: "Spring shoe sale: up to 40% off"
    /// ```
    ///
    /// ## Configuration
    /// - `max_push_title` (default `50`), `max_push_body` (default `150`):
    ///   the most characters of each.
    pub static PUSH_TOO_LONG = {
        code: "PF821",
        name: "push-too-long",
        severity: Warning,
        summary: "A push title over 50 or body over 150 characters, as rendered: lock screens cut the rest.",
        settings: &[
            SettingDoc { name: "max_push_title", default: "50", about: "most characters in a push title" },
            SettingDoc { name: "max_push_body", default: "150", about: "most characters in a push body" },
        ],
    }
}

pub fn check(ctx: &mut Ctx) {
    let s = ctx.settings;
    let (max_title, max_body) = (s.max_push_title, s.max_push_body);
    for field in ctx
        .campaign
        .copy
        .iter()
        .filter(|f| f.channel == Channel::Push)
    {
        let (max, what) = match field.field {
            "title" => (
                max_title,
                "Android lock screens show about 49 characters of a title",
            ),
            _ => (
                max_body,
                "iOS lock screens show about 160 characters of a body, 130 with media",
            ),
        };
        let n = rendered(field.text()).chars().count();
        if n <= max {
            continue;
        }
        ctx.report(
            &PUSH_TOO_LONG,
            field.node.span,
            format!(
                "This push {} is {n} characters when rendered, over the {max} that fit; {what}",
                field.field
            ),
            format!("Shorten it to {max} characters or fewer, with the offer first"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "push-too-long";

    fn push(title: &str, body: &str) -> String {
        BASE.replace("channels: [email]", "channels: [email, push]")
            .replace(
                "content:\n",
                &format!("content:\n  push:\n    title: \"{title}\"\n    body: \"{body}\"\n"),
            )
    }

    #[test]
    fn failing() {
        let title = "Our biggest spring running shoe sale of the year starts today";
        let f = assert_fires(&push(title, "Up to 40% off"), RULE, &format!("\"{title}\""));
        assert!(
            f[0].message.contains("push title is 61 characters"),
            "{}",
            f[0].message
        );
        let body = "b".repeat(151);
        assert_fires(&push("Sale", &body), RULE, &format!("\"{body}\""));
        // 40 + a 12-character token = 52.
        let t = format!("{}{{{{ first_name }}}}", "t".repeat(40));
        assert_fires(&push(&t, "x"), RULE, &format!("\"{t}\""));
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&push(&"t".repeat(50), &"b".repeat(150)), RULE);
    }
}
