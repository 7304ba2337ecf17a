use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports a campaign with no `frequency` cap when it can send one person
    /// more than one message: it runs over a period (`schedule.ends_at`), it
    /// retargets (`retargeting`), or it has several channels.
    ///
    /// ## Why is this bad?
    /// Without a cap, a person who matches every day gets a message every
    /// day, on every channel. Send-time platforms may skip messages silently
    /// when their own limits are hit, so the campaign's real reach is
    /// unknown; people who get too many messages unsubscribe or complain.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [email, push]
    /// schedule:
    ///   send_at: 2027-06-01T09:00:00
    ///   ends_at: 2027-06-30T09:00:00
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// frequency: {cap: 2, per: 7d}
    /// ```
    ///
    /// ## Configuration
    /// None.
    pub static FREQUENCY_CAP_MISSING = {
        code: "PF501",
        name: "frequency-cap-missing",
        severity: Warning,
        summary: "A campaign that can message one person more than once (ends_at, retargeting, several channels) has no `frequency` cap.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if c.frequency.is_some() || !c.can_repeat() {
        return;
    }
    let (span, why) = if let Some(r) = c.retargeting {
        (r.key, "it retargets people".to_string())
    } else if let Some(e) = c.schedule.ends_at {
        (e.span, format!("it runs until {}", e.value.date()))
    } else {
        let names: Vec<&str> = c.channels.iter().map(|ch| ch.value.as_str()).collect();
        (
            c.channels.first().map(|ch| ch.span).unwrap_or(c.anchor()),
            format!("it sends on {}", names.join(" and ")),
        )
    };
    ctx.report(
        &FREQUENCY_CAP_MISSING,
        span,
        format!("This campaign can message one person more than once ({why}), but it sets no `frequency` cap"),
        "Add `frequency:` with the most messages one person may get, such as `frequency: {cap: 2, per: 7d}`",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "frequency-cap-missing";

    #[test]
    fn failing() {
        let ends = BASE.replace(
            "  timezone: America/New_York\n",
            "  timezone: America/New_York\n  ends_at: 2027-04-30\n",
        );
        let f = assert_fires(&ends, RULE, "2027-04-30");
        assert!(
            f[0].message.contains("runs until 2027-04-30"),
            "{}",
            f[0].message
        );
        let two = BASE
            .replace("channels: [email]", "channels: [email, push]")
            .replace(
                "content:\n",
                "content:\n  push:\n    title: New shoes\n    body: Spring range\n",
            );
        assert_fires(&two, RULE, "email");
        let retarget = format!("{BASE}retargeting: {{delay: 2h, window: 7d}}\n");
        assert_fires(&retarget, RULE, "retargeting");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let capped = BASE.replace(
            "  timezone: America/New_York\n",
            "  timezone: America/New_York\n  ends_at: 2027-04-30\n",
        ) + "frequency: {cap: 1, per: 7d}\n";
        assert_clean(&capped, RULE);
    }
}
