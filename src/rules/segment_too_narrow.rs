use crate::rules::context::Ctx;
use crate::rules::segment_too_broad::thousands;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports an audience whose `estimated_size` is below 100 people. (An
    /// `ad` campaign under the ad platforms' minimum is reported by
    /// `audience-below-platform-minimum` instead.)
    ///
    /// ## Why is this bad?
    /// A tiny segment cannot be measured (a handful of clicks decides the
    /// result), and it comes close to targeting individuals: the more
    /// conditions that stack up, the more the message describes one person's
    /// life, and the more unsettling it reads.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   estimated_size: 12
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// audience:
    ///   estimated_size: 4800   # fewer, broader conditions
    /// ```
    ///
    /// ## Configuration
    /// - `min_size` (default `100`): the smallest segment that is measurable.
    pub static SEGMENT_TOO_NARROW = {
        code: "PF103",
        name: "segment-too-narrow",
        severity: Warning,
        summary: "The audience is smaller than 100 people: unmeasurable, and close to targeting individuals.",
        settings: &[SettingDoc {
            name: "min_size",
            default: "100",
            about: "smallest estimated_size that is measurable",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let Some(est) = ctx
        .campaign
        .audience
        .as_ref()
        .and_then(|a| a.estimated_size)
    else {
        return;
    };
    let min = ctx.settings.narrow_min_size;
    // An ad campaign under the platforms' minimum is reported, more
    // precisely, by audience-below-platform-minimum.
    let is_ad = ctx
        .campaign
        .channels
        .iter()
        .any(|c| c.value == crate::model::campaign::Channel::Ad);
    if is_ad && est.value < ctx.settings.min_ad_audience {
        return;
    }
    if est.value < min {
        let people = if est.value == 1 {
            "1 person".to_string()
        } else {
            format!("{} people", thousands(est.value))
        };
        ctx.report(
            &SEGMENT_TOO_NARROW,
            est.span,
            format!(
                "This segment reaches only {people}; below {} the results cannot be measured and the message comes close to targeting individuals.",
                thousands(min)
            ),
            "Widen the segment or merge it with a similar one; if this really is a one-to-one message, acknowledge the rule with the reason.",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "segment-too-narrow";

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE.replace("estimated_size: 12000", "estimated_size: 100"),
            RULE,
        );
    }

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("estimated_size: 12000", "estimated_size: 40"),
            RULE,
            "40",
        );
        assert!(f[0].message.contains("only 40 people"));
    }

    #[test]
    fn acknowledged() {
        let yaml = format!(
            "{}acknowledge:\n  - rule: segment-too-narrow\n    reason: VIP hosts list, reviewed by legal\n",
            BASE.replace("estimated_size: 12000", "estimated_size: 40")
        );
        assert_clean(&yaml, RULE);
    }
}
