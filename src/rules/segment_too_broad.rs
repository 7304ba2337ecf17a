use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports an audience that is barely targeted: it has no `include`
    /// conditions, its only conditions are about place (a country, a region),
    /// or its `estimated_size` is more than half of its `list_size`.
    ///
    /// ## Why is this bad?
    /// A "personalized" message sent to nearly everyone is not personal: it
    /// reaches people it does not fit, who then unsubscribe or complain. An ad
    /// shown to everyone who ever searched a broad topic is the classic case.
    /// An audience with no conditions may also be a mistake in the file that
    /// sends to the whole list.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   list_size: 480000
    ///   estimated_size: 450000
    ///   include:
    ///     - attribute: profile.country
    ///       op: eq
    ///       value: US
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// audience:
    ///   list_size: 480000
    ///   estimated_size: 12000
    ///   include:
    ///     - attribute: preferences.interests
    ///       op: contains
    ///       value: running
    ///     - event: order_placed
    ///       within: 90d
    ///       min_count: 2
    /// ```
    ///
    /// ## Configuration
    /// - `max_ratio` (default `0.5`): the largest share of `list_size` that
    ///   `estimated_size` may reach.
    pub static SEGMENT_TOO_BROAD = {
        code: "PF101",
        name: "segment-too-broad",
        severity: Error,
        summary: "The audience has no real targeting, or reaches more than half of the list.",
        settings: &[SettingDoc {
            name: "max_ratio",
            default: "0.5",
            about: "largest share of list_size that estimated_size may reach",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let Some(aud) = &c.audience else {
        ctx.report(
            &SEGMENT_TOO_BROAD,
            c.anchor(),
            "This campaign has no audience, so it would go to everyone on the list.",
            "Add `audience:` with `include:` conditions that describe who this message is for.",
        );
        return;
    };
    // A condition that every member of the list meets by construction (an
    // email address on an email list, a phone number on an SMS list)
    // filters nobody, and neither does the place alone.
    let by_construction = |cond: &crate::model::campaign::Condition| {
        cond.op() == Some(crate::model::campaign::Op::Exists)
            && ctx.checks.dimension_of(cond).is_some_and(|d| {
                d.id.starts_with("contact-")
                    && c.channels.iter().any(|ch| ch.value.as_str() == d.category)
            })
    };
    let targeted = aud
        .include
        .iter()
        .filter(|cond| {
            !by_construction(cond)
                && ctx
                    .checks
                    .dimension_of(cond)
                    .is_none_or(|d| d.id != "geographic")
        })
        .count();
    if targeted == 0 && !aud.include_broken {
        let span = aud.include_key.unwrap_or(aud.key);
        let message = if aud.include.is_empty() {
            "The audience has no include conditions, so it reaches everyone on the list."
                .to_string()
        } else {
            let names: Vec<String> = aud
                .include
                .iter()
                .map(|c| format!("`{}`", c.name().value))
                .collect();
            if aud.include.iter().any(by_construction) {
                format!(
                    "The audience's conditions ({}) hold for everyone on the list: everyone on a list has the address it sends to, so it still reaches everyone",
                    names.join(", ")
                )
            } else {
                format!(
                    "The audience only filters by place ({}), so it still reaches everyone there.",
                    names.join(", ")
                )
            }
        };
        ctx.report(
            &SEGMENT_TOO_BROAD,
            span,
            message,
            "Add conditions on what these people bought, viewed or said they want, so the message fits the people who get it.",
        );
        return;
    }
    if let (Some(est), Some(list)) = (aud.estimated_size, aud.list_size) {
        if list.value == 0 {
            return;
        }
        let ratio = est.value as f64 / list.value as f64;
        let max = ctx.settings.broad_max_ratio;
        if ratio > max {
            ctx.report(
                &SEGMENT_TOO_BROAD,
                est.span,
                format!(
                    "This segment reaches {}% of the list ({} of {} people); a segment above {}% is barely targeted.",
                    (ratio * 100.0).round() as i64,
                    thousands(est.value),
                    thousands(list.value),
                    (max * 100.0).round() as i64
                ),
                "Narrow the segment with a condition on what these people bought, viewed or asked for, or check that `estimated_size` is right.",
            );
        }
    }
}

/// 480000 → "480,000".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;
    use crate::rules::testing::*;

    const RULE: &str = "segment-too-broad";

    #[test]
    fn an_address_every_member_has_filters_nobody() {
        let only = |cond: &str, channels: &str| {
            BASE.replace(
                "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n      where: {category: running}\n",
                cond,
            )
            .replace("channels: [email]", channels)
        };
        let f = assert_fires(
            &only(
                "    - attribute: profile.email\n      op: exists\n",
                "channels: [email]",
            ),
            RULE,
            "include",
        );
        assert!(
            f[0].message.contains("hold for everyone"),
            "{}",
            f[0].message
        );
        assert_fires(
            &only(
                "    - attribute: phone_number\n      op: exists\n",
                "channels: [sms]",
            ),
            RULE,
            "include",
        );
        // A phone number on an email list does filter.
        assert_clean(
            &only(
                "    - attribute: phone_number\n      op: exists\n",
                "channels: [email]",
            ),
            RULE,
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE.replace("estimated_size: 12000", "estimated_size: 240000"),
            RULE,
        );
    }

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("estimated_size: 12000", "estimated_size: 300000"),
            RULE,
            "300000",
        );
        assert!(
            f[0].message.contains("63%") && f[0].message.contains("300,000 of 480,000"),
            "{}",
            f[0].message
        );
        let only_geo = BASE.replace(
            "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n      where: {category: running}\n",
            "    - attribute: profile.country\n      op: eq\n      value: US\n",
        );
        let f = assert_fires(&only_geo, RULE, "include");
        assert!(f[0].message.contains("only filters by place"));
        let no_include = format!("{}\n", BASE.split("  include:").next().unwrap().trim_end());
        let rest = BASE
            .split("      where: {category: running}\n")
            .nth(1)
            .unwrap();
        assert_fires(&format!("{no_include}{rest}"), RULE, "audience");
    }

    #[test]
    fn a_broken_include_is_reported_once_as_invalid() {
        let broken = BASE.replace(
            "  include:\n    - attribute: preferences.interests",
            "  include:\n    - 42\n    - attribute: preferences.interests",
        );
        assert_clean(&broken, RULE);
        assert!(hits(&broken, "invalid-campaign")
            .iter()
            .any(|(s, _)| s == "42"));
    }

    #[test]
    fn formats_thousands() {
        assert_eq!(thousands(480000), "480,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
