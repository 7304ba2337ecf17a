use crate::input::source::Span;
use crate::model::campaign::Channel;
use crate::rules::context::Ctx;
use crate::rules::missing_unsubscribe::{first_line_len, says};

declare_rule! {
    /// ## What it does
    /// Reports a marketing SMS whose body does not tell people how to stop
    /// the texts ("Reply STOP to opt out", "Text STOP to end", "STOP2END";
    /// the wording is listed in `checks/compliance.yaml`).
    ///
    /// ## Why is this bad?
    /// CTIA guidelines, which US carriers enforce, require marketing texts
    /// to carry opt-out instructions; carriers filter senders that leave them
    /// out. People who do not know how to stop report the number as spam.
    ///
    /// ## Example
    /// ```yaml
    /// sms:
    ///   body: "Spring sale: 20% off running shoes this weekend."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// sms:
    ///   body: "Spring sale: 20% off running shoes this weekend. Reply STOP to opt out"
    /// ```
    ///
    /// ## Configuration
    /// The wording is `checks/compliance.yaml` (`sms-opt-out`).
    pub static SMS_MISSING_OPT_OUT = {
        code: "PF813",
        name: "sms-missing-opt-out",
        severity: Warning,
        summary: "A marketing SMS does not say how to opt out (\"Reply STOP to opt out\").",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let fields: Vec<_> = ctx
        .campaign
        .copy
        .iter()
        .filter(|f| f.channel == Channel::Sms && f.field == "body")
        .collect();
    for field in fields {
        if says(ctx, field, "sms-opt-out") {
            continue;
        }
        let span = field.node.span;
        ctx.report(
            &SMS_MISSING_OPT_OUT,
            Span::new(span.start, span.start + first_line_len(ctx.text, span)),
            "This SMS does not say how to stop these texts",
            "End it with an opt-out instruction such as “Reply STOP to opt out”; carriers require one in marketing texts",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sms-missing-opt-out";

    fn sms(body: &str) -> String {
        BASE.replace("channels: [email]", "channels: [email, sms]")
            .replace(
                "content:\n",
                &format!("content:\n  sms:\n    body: \"{body}\"\n"),
            )
    }

    #[test]
    fn failing() {
        assert_fires(
            &sms("Spring sale this weekend."),
            RULE,
            "\"Spring sale this weekend.\"",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        for ok in [
            "Sale. Reply STOP to opt out",
            "Sale. Text STOP to end",
            "Sale. STOP2END",
            "Sale. Txt STOP to quit",
            "Sale. Opt out: reply STOP",
        ] {
            assert_clean(&sms(ok), RULE);
        }
    }
}
