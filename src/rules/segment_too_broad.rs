use crate::model::campaign::{Condition, GroupKind, Term};
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports an audience that is barely targeted: it has no `include`
    /// conditions, its only conditions are about place (a country, a region),
    /// or its `estimated_size` is more than half of its `list_size`.
    ///
    /// With groups, an `any_of` is as broad as its broadest option: "runners,
    /// or anyone in the US" reaches everyone in the US, so an option that
    /// filters only by place (or only by the address every member has) is
    /// reported at that option.
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

/// Whether `terms` narrow the audience (`all`: they are a conjunction):
/// a condition that `targets`; an `all_of` with a member that narrows; an
/// `any_of` whose every member narrows (it is as broad as its broadest).
fn narrows(
    terms: &[Term],
    all: bool,
    conditions: &[Condition],
    targets: &dyn Fn(&Condition) -> bool,
) -> bool {
    let each = |t: &Term| match t {
        Term::Leaf(i) => conditions.get(*i).is_some_and(targets),
        // Not read: given the benefit of the doubt.
        Term::Unreadable => true,
        Term::Group { kind, members, .. } => {
            narrows(members, *kind == GroupKind::AllOf, conditions, targets)
        }
    };
    if all {
        terms.iter().any(each)
    } else {
        terms.iter().all(each)
    }
}

/// The conditions of the first way into the audience that does not narrow
/// it, given that `terms` do not ([`narrows`] is false): every member of
/// a conjunction, and the first member of an `any_of` that does not narrow.
/// Linear in the tree, however many ways it has.
fn broad_way<'c, 'a>(
    terms: &[Term],
    all: bool,
    conditions: &'c [Condition<'a>],
    targets: &dyn Fn(&Condition) -> bool,
    out: &mut Vec<&'c Condition<'a>>,
) {
    let one = |t: &Term, out: &mut Vec<&'c Condition<'a>>| match t {
        Term::Leaf(i) => out.extend(conditions.get(*i)),
        Term::Unreadable => {}
        Term::Group { kind, members, .. } => {
            broad_way(members, *kind == GroupKind::AllOf, conditions, targets, out)
        }
    };
    if all {
        for t in terms {
            one(t, out);
        }
    } else if let Some(t) = terms
        .iter()
        .find(|t| !narrows(std::slice::from_ref(*t), true, conditions, targets))
    {
        one(t, out);
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
    let by_construction = |cond: &Condition| {
        cond.op() == Some(crate::model::campaign::Op::Exists)
            && ctx.checks.dimension_of(cond).is_some_and(|d| {
                d.id.starts_with("contact-")
                    && c.channels.iter().any(|ch| ch.value.as_str() == d.category)
            })
    };
    let targets = |cond: &Condition| {
        !by_construction(cond)
            && ctx
                .checks
                .dimension_of(cond)
                .is_none_or(|d| d.id != "geographic")
    };
    let grouped = aud.include_terms.iter().any(Term::is_group);
    if !aud.include_broken && !grouped && !aud.include.iter().any(targets) {
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
    // With groups, an `any_of` is as broad as its broadest member: the
    // audience is barely targeted when one way into it is.
    if !aud.include_broken && grouped && !narrows(&aud.include_terms, true, &aud.include, &targets)
    {
        let mut way = Vec::new();
        broad_way(&aud.include_terms, true, &aud.include, &targets, &mut way);
        if !way.is_empty() {
            let mut names: Vec<String> = Vec::new();
            for c in &way {
                let name = format!("`{}`", c.name().value);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let names = names.join(", ");
            let message = if way.iter().any(|c| by_construction(c)) {
                format!("One way into this audience needs only {names}, which everyone on the list has (it is the address the campaign sends to): an `any_of` reaches everyone its broadest option does, so this audience still reaches everyone")
            } else {
                format!("One way into this audience only filters by place ({names}): an `any_of` reaches everyone its broadest option does, so this audience still reaches everyone there")
            };
            ctx.report(
                &SEGMENT_TOO_BROAD,
                way[0].name().span,
                message,
                "Give that option a condition on what these people bought, viewed or said they want, or move the place condition out of the `any_of` so it applies to every option.",
            );
            return;
        }
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

    /// BASE with its include list replaced.
    fn with_include(items: &str) -> String {
        BASE.replace(
            "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n      where: {category: running}\n",
            items,
        )
    }

    const COUNTRY: &str =
        "          - attribute: profile.country\n            op: eq\n            value: US\n";
    const RUNNING: &str = "          - attribute: preferences.interests\n            op: contains\n            value: running\n";

    #[test]
    fn an_any_of_is_as_broad_as_its_broadest_option() {
        // Runners, or anyone in the US: everyone in the US.
        let f = assert_fires(
            &with_include(&format!("    - any_of:\n{RUNNING}{COUNTRY}")),
            RULE,
            "profile.country",
        );
        assert!(
            f[0].message.starts_with(
                "One way into this audience only filters by place (`profile.country`)"
            ),
            "{}",
            f[0].message
        );
        // An email address on an email list, as an option.
        let email = "          - attribute: profile.email\n            op: exists\n";
        let f = assert_fires(
            &with_include(&format!("    - any_of:\n{RUNNING}{email}")),
            RULE,
            "profile.email",
        );
        assert!(
            f[0].message.contains("which everyone on the list has"),
            "{}",
            f[0].message
        );
        // Nested: the broad option is an all_of of place conditions.
        let region = "              - attribute: profile.region\n                op: eq\n                value: CA\n";
        let nested = format!(
            "    - any_of:\n{RUNNING}          - all_of:\n    {}{region}",
            COUNTRY.replace("\n          ", "\n              ")
        );
        assert_fires(&with_include(&nested), RULE, "profile.country");
    }

    #[test]
    fn groups_that_narrow_every_way_are_targeted() {
        // Runners or walkers in the US: every way in is targeted.
        let walking = RUNNING.replace("running", "walking");
        assert_clean(
            &with_include(&format!("    - any_of:\n{RUNNING}{walking}    - attribute: profile.country\n      op: eq\n      value: US\n")),
            RULE,
        );
        // An all_of with one targeted member narrows.
        assert_clean(
            &with_include(&format!("    - all_of:\n{RUNNING}{COUNTRY}")),
            RULE,
        );
        // A place-only all_of is still place only.
        let f = assert_fires(
            &with_include(&format!("    - all_of:\n{COUNTRY}")),
            RULE,
            "profile.country",
        );
        assert!(
            f[0].message.contains("only filters by place"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn the_broadest_option_is_found_past_the_bound_on_ways() {
        // Eleven any_of groups (2,048 ways in), each with a place-only
        // option: one way in is place alone.
        let items: String = (0..11)
            .map(|i| format!("    - any_of:\n          - attribute: preferences.b{i}\n            op: eq\n            value: 1\n          - attribute: profile.region\n            op: ne\n            value: R{i}\n"))
            .collect();
        let f = assert_fires(&with_include(&items), RULE, "profile.region");
        assert_eq!(
            f[0].message,
            "One way into this audience only filters by place (`profile.region`): an `any_of` reaches everyone its broadest option does, so this audience still reaches everyone there."
        );
        // With one group whose options all target, no way in is broad.
        let narrowed = items + "    - any_of:\n          - attribute: preferences.c\n            op: eq\n            value: 1\n";
        assert_clean(&with_include(&narrowed), RULE);
    }
}
