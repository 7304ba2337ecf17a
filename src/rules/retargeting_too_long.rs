use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports `retargeting` whose `window` (how long a person is followed
    /// after the behaviour that triggered it) is over `max_window` (default
    /// 14 days), or is not set, which means they are followed with no end.
    ///
    /// ## Why is this bad?
    /// A banner that follows someone for weeks about a search they made once
    /// is the most recognisable creepy ad. Interest fades within days; after
    /// that the reminders only annoy, or remind someone of a purchase they
    /// decided against or a gift for a person who has since died.
    ///
    /// ## Example
    /// ```yaml
    /// retargeting: {delay: 4h, window: 60d}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// retargeting: {delay: 4h, window: 7d}
    /// ```
    ///
    /// ## Configuration
    /// - `max_window` (default `14d`): the longest time a person may be followed.
    pub static RETARGETING_TOO_LONG = {
        code: "PF504",
        name: "retargeting-too-long",
        severity: Warning,
        summary: "Retargeting follows people for more than 14 days (or with no end).",
        settings: &[SettingDoc {
            name: "max_window",
            default: "14d",
            about: "longest time a person may be retargeted",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let Some(r) = ctx.campaign.retargeting else {
        return;
    };
    let max = ctx.settings.max_window;
    let help = format!(
        "Stop after {} at most, for example `window: 7d`",
        max.phrase()
    );
    match r.window {
        Some(w) if w.value > max => {
            ctx.report(
                &RETARGETING_TOO_LONG,
                w.span,
                format!(
                    "Retargeting follows people for {} after they leave; past {} the reminders feel like being followed",
                    w.value.phrase(),
                    max.phrase()
                ),
                help,
            );
        }
        Some(_) => {}
        None => {
            ctx.report(
                &RETARGETING_TOO_LONG,
                r.key,
                "Retargeting has no `window`, so people are followed with no end",
                help,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "retargeting-too-long";

    fn retarget(r: &str) -> String {
        format!("{BASE}frequency: {{cap: 1, per: 7d}}\nretargeting: {r}\n")
    }

    #[test]
    fn failing() {
        let f = assert_fires(&retarget("{delay: 4h, window: 60d}"), RULE, "60d");
        assert!(f[0].message.contains("60 days"), "{}", f[0].message);
        assert_fires(&retarget("{delay: 4h, window: 3w}"), RULE, "3w");
        assert_fires(&retarget("{delay: 4h}"), RULE, "retargeting");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&retarget("{delay: 4h, window: 14d}"), RULE);
        assert_clean(&retarget("{delay: 4h, window: 2w}"), RULE);
    }
}
