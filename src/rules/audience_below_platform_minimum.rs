use crate::model::campaign::Channel;
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports an `ad` campaign whose audience `estimated_size` is under
    /// `min_ad_audience` (default 100 people).
    ///
    /// ## Why is this bad?
    /// Google Ads and Meta do not serve ads to matched audiences below their
    /// minimum size (Google needs at least 100 active members; Meta also
    /// rejects small custom audiences), so the campaign silently reaches
    /// nobody; and an audience that small comes close to targeting
    /// individuals.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [ad]
    /// audience:
    ///   estimated_size: 40
    /// ```
    ///
    /// ## Use instead
    /// Widen the audience, or reach these people another way (email).
    ///
    /// ## Configuration
    /// - `min_ad_audience` (default `100`): the smallest ad audience.
    pub static AUDIENCE_BELOW_PLATFORM_MINIMUM = {
        code: "PF833",
        name: "audience-below-platform-minimum",
        severity: Warning,
        summary: "An ad audience under 100 people: Google and Meta do not serve audiences that small.",
        settings: &[SettingDoc {
            name: "min_ad_audience",
            default: "100",
            about: "smallest audience an ad platform serves",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if !c.channels.iter().any(|ch| ch.value == Channel::Ad) {
        return;
    }
    let Some(est) = c.audience.as_ref().and_then(|a| a.estimated_size) else {
        return;
    };
    let min = ctx.settings.min_ad_audience;
    if est.value >= min {
        return;
    }
    ctx.report(
        &AUDIENCE_BELOW_PLATFORM_MINIMUM,
        est.span,
        format!(
            "This ad audience has about {} people; ad platforms do not serve audiences under {min}, so the ads would reach nobody",
            est.value
        ),
        "Widen the audience to at least the platform's minimum, or reach these people by another channel",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "audience-below-platform-minimum";

    fn ad(size: &str) -> String {
        BASE.replace("channels: [email]", "channels: [ad]")
            .replace("estimated_size: 12000", &format!("estimated_size: {size}"))
    }

    #[test]
    fn failing() {
        let f = assert_fires(&ad("40"), RULE, "40");
        assert!(f[0].message.contains("about 40 people"), "{}", f[0].message);
        // segment-too-narrow leaves it to this rule.
        assert_clean(&ad("40"), "segment-too-narrow");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&ad("100"), RULE);
        assert_clean(
            &BASE.replace("estimated_size: 12000", "estimated_size: 40"),
            RULE,
        );
    }
}
