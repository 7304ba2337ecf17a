use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports `retargeting` whose `delay` (the time from the behaviour that
    /// triggers it, such as leaving the site, to the first message) is under
    /// `min_delay` (default 1 hour), or is not set, which platforms treat as
    /// "at once".
    ///
    /// ## Why is this bad?
    /// A message that arrives minutes after someone closed a tab reads as
    /// being watched. A short pause also lets people finish what they were
    /// doing: many buy later that day anyway.
    ///
    /// ## Example
    /// ```yaml
    /// retargeting: {delay: 10m, window: 7d}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// retargeting: {delay: 4h, window: 7d}
    /// ```
    ///
    /// ## Configuration
    /// - `min_delay` (default `1h`): the shortest pause before the first message.
    pub static RETARGETING_TOO_SOON = {
        code: "PF503",
        name: "retargeting-too-soon",
        severity: Warning,
        summary: "Retargeting starts less than an hour after the behaviour that triggers it.",
        settings: &[SettingDoc {
            name: "min_delay",
            default: "1h",
            about: "shortest pause before the first retargeting message",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let Some(r) = ctx.campaign.retargeting else {
        return;
    };
    let min = ctx.settings.min_delay;
    let help = format!(
        "Wait at least {} before the first message, for example `delay: 4h`",
        min.phrase()
    );
    match r.delay {
        Some(d) if d.value < min => {
            let when = if d.value.minutes == 0 {
                "straight away".to_string()
            } else {
                format!("{} after", d.value.phrase())
            };
            ctx.report(
                &RETARGETING_TOO_SOON,
                d.span,
                format!("The first retargeting message goes out {when} someone leaves: that reads as being watched"),
                help,
            );
        }
        Some(_) => {}
        None => {
            ctx.report(
                &RETARGETING_TOO_SOON,
                r.key,
                "Retargeting has no `delay`, so the first message can go out the moment someone leaves: that reads as being watched",
                help,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "retargeting-too-soon";

    fn retarget(r: &str) -> String {
        format!("{BASE}frequency: {{cap: 1, per: 7d}}\nretargeting: {r}\n")
    }

    #[test]
    fn failing() {
        let f = assert_fires(&retarget("{delay: 10m, window: 7d}"), RULE, "10m");
        assert!(
            f[0].message.contains("10 minutes after"),
            "{}",
            f[0].message
        );
        assert_fires(&retarget("{delay: 0m, window: 7d}"), RULE, "0m");
        assert_fires(&retarget("{window: 7d}"), RULE, "retargeting");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&retarget("{delay: 1h, window: 7d}"), RULE);
        assert_clean(&retarget("{delay: 1d, window: 7d}"), RULE);
    }
}
