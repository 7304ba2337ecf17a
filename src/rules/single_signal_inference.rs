use crate::input::source::Span;
use crate::model::campaign::{ConditionKind, Spanned};
use crate::rules::context::Ctx;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports a segment that claims a life stage or identity (new parent,
    /// expecting, pet owner, runner, homeowner, newlywed, retiree, student;
    /// the list is `checks/life-stages.yaml`) in its segment name, its event
    /// or an event filter, when that claim rests on a single event that one
    /// occurrence satisfies (`min_count` 1 or not set) and on no declared
    /// preference.
    ///
    /// The segment is fine when a second signal about **the same** life
    /// stage supports it: a declared preference or a recorded attribute that
    /// names it (`preferences.interests contains baby`,
    /// `profile.life_stage eq new_parent`), a second event about it (another
    /// purchase in that category), or `min_count: 2` or more. An engagement
    /// event (an email opened, a click, an app session) is no evidence of a
    /// life stage, and a signal about something else (a preference for
    /// running, a visit to the shoe pages) does not support a claim about a
    /// baby.
    ///
    /// With groups, each way into the audience is judged on its own: an
    /// `any_of` option that rests on one event is reported, and a second
    /// signal counts only on the ways it is part of (a preference outside the
    /// group supports every option; one in another option supports none).
    ///
    /// ## Why is this bad?
    /// One baby gift for a friend is not a new parent. Guessing a life stage
    /// from one purchase is often wrong, and when it is wrong it can hurt (a
    /// baby offer after a loss); when it is right it can reveal something
    /// private, such as a pregnancy, before the person has told anyone.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   segment: new-parents
    ///   include:
    ///     - event: order_placed
    ///       within: 180d
    ///       where: {category: baby}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// audience:
    ///   segment: new-parents
    ///   include:
    ///     - attribute: preferences.interests
    ///       op: contains
    ///       value: baby
    ///     - event: order_placed
    ///       within: 180d
    ///       min_count: 2
    ///       where: {category: baby}
    /// ```
    ///
    /// ## Configuration
    /// The vocabulary is `checks/life-stages.yaml`.
    pub static SINGLE_SIGNAL_INFERENCE = {
        code: "PF105",
        name: "single-signal-inference",
        severity: Warning,
        summary: "A life-stage or identity segment (new parent, pet owner, …) rests on one event and no declared preference.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let Some(aud) = &c.audience else {
        return;
    };
    if aud.include_broken {
        return;
    }
    let Some(ways) = aud.include_ways() else {
        return;
    };
    // Each way into the audience on its own: an `any_of` option that rests
    // on one event lets people in on that alone. One finding per audience.
    for way in &ways {
        if judge(ctx, way) {
            return;
        }
    }
}

/// Reports when the conditions of one way into the audience claim a life
/// stage from a single event; whether it did.
fn judge(ctx: &mut Ctx, way: &[&crate::model::campaign::Condition]) -> bool {
    let c = ctx.campaign;
    let Some(aud) = &c.audience else {
        return false;
    };
    let lex = &ctx.checks.life_stages;
    // Where the segment claims a life stage: its name first, then its events.
    let mut claim: Option<(usize, Span, String)> = None;
    if let Some(seg) = aud
        .segment
        .and_then(|n| n.as_str().map(|s| Spanned::new(s, n.span)))
    {
        if let Some((entry, _)) = lex.first_entry(&Searchable::name(seg.value, c.name_langs)) {
            claim = Some((entry, seg.span, seg.value.to_string()));
        }
    }
    let events: Vec<_> = way
        .iter()
        .copied()
        .filter(|cond| matches!(cond.kind, ConditionKind::Event { .. }))
        .collect();
    if claim.is_none() {
        for cond in &events {
            let mut names = vec![cond.name()];
            names.extend(cond.values());
            if let Some((e, at)) = names.iter().find_map(|n| {
                lex.first_entry(&Searchable::name(n.value, c.name_langs))
                    .map(|(e, _)| (e, n))
            }) {
                claim = Some((e, at.span, at.value.to_string()));
                break;
            }
        }
    }
    let Some((entry, claim_span, claim_text)) = claim else {
        return false;
    };
    let claimed = &lex.entries[entry].id;
    let about_claim = |text: &str| {
        lex.find_all(&Searchable::name(text, c.name_langs))
            .iter()
            .any(|m| lex.entries[m.entry].id == *claimed)
    };
    let names_claim = |cond: &crate::model::campaign::Condition| {
        about_claim(cond.name().value) || cond.values().iter().any(|v| about_claim(v.value))
    };
    // A declared preference or a recorded attribute about the same life
    // stage is a second signal. A declared preference whose subject preflight
    // cannot place (`interests contains trail` for trail runners) is given
    // the benefit of the doubt; one about another life stage (`interests
    // contains running` for new parents) is not.
    let about_other = |cond: &crate::model::campaign::Condition| {
        cond.values().iter().any(|v| {
            lex.find_all(&Searchable::name(v.value, c.name_langs))
                .iter()
                .any(|m| lex.entries[m.entry].id != *claimed)
        })
    };
    let declared = way.iter().any(|cond| {
        matches!(cond.kind, ConditionKind::Attribute { .. })
            && (names_claim(cond)
                || (ctx
                    .checks
                    .dimension_of(cond)
                    .is_some_and(|d| d.id == "preference")
                    && !about_other(cond)))
    });
    if declared {
        return false;
    }
    // Behaviour, not engagement: an opened email says nothing of a life stage.
    let behaviour: Vec<_> = events
        .iter()
        .filter(|cond| {
            ctx.checks
                .dimension_of(cond)
                .is_none_or(|d| d.id != "engagement")
        })
        .collect();
    let occurrences = |cond: &crate::model::campaign::Condition| match &cond.kind {
        ConditionKind::Event { min_count, .. } => min_count.map_or(1, |m| m.value),
        _ => 0,
    };
    let about: Vec<_> = behaviour.iter().filter(|cond| names_claim(cond)).collect();
    let signals: u64 = about.iter().map(|c| occurrences(c)).sum();
    // The one event the claim rests on: the one about the life stage, or,
    // when the claim is only the segment's name, its only behaviour.
    let single = match (signals, about.first(), behaviour.as_slice()) {
        (1, Some(cond), _) => ***cond,
        (0, None, [only]) if occurrences(only) < 2 => **only,
        _ => return false,
    };
    let ConditionKind::Event {
        name, min_count, ..
    } = &single.kind
    else {
        return false;
    };
    let e = &lex.entries[entry];
    let at = min_count.map(|m| m.span).unwrap_or(name.span);
    let pending = ctx.report(
        &SINGLE_SIGNAL_INFERENCE,
        at,
        format!(
            "This segment treats people as {} (“{claim_text}”) from a single `{}` event and no preference they declared. {}",
            e.display(),
            name.value,
            e.message
        ),
        "Require `min_count: 2` or more on the event, add a declared-preference condition (such as `preferences.interests contains …`), or ask customers directly",
    );
    if claim_span != at {
        pending.related(claim_span, "the life stage is read from here");
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "single-signal-inference";

    /// BASE with one event and no preference, with the given segment and filter.
    fn single(segment: &str, filter: &str, extra: &str) -> String {
        BASE.replace("runners-who-opted-in", segment)
            .replace(
                "    - attribute: preferences.interests\n      op: contains\n      value: running\n",
                "",
            )
            .replace("      min_count: 2\n", extra)
            .replace("{category: running}", filter)
    }

    #[test]
    fn failing() {
        let f = assert_fires(
            &single("new-parents", "{category: toys}", ""),
            RULE,
            "order_placed",
        );
        assert!(f[0].message.contains("a new parent"), "{}", f[0].message);
        assert_eq!(f[0].related.len(), 1);
        assert_fires(
            &single("new-parents", "{category: toys}", "      min_count: 1\n"),
            RULE,
            "1",
        );
        // Read from the event filter when the segment name says nothing.
        let f = assert_fires(
            &single("spring-promo", "{category: baby}", ""),
            RULE,
            "order_placed",
        );
        assert!(f[0].message.contains("“baby”"), "{}", f[0].message);
        assert_fires(
            &single("pet-owners", "{category: toys}", ""),
            RULE,
            "order_placed",
        );
        assert_fires(
            &single("expecting-mums", "{category: toys}", ""),
            RULE,
            "order_placed",
        );
    }

    #[test]
    fn engagement_and_other_subjects_are_no_second_signal() {
        // One baby purchase and an opened email: still one signal.
        let engaged = single("new-parents", "{category: baby}", "").replace(
            "data_sources:",
            "    - event: email_opened\n      within: 30d\ndata_sources:",
        );
        assert_fires(&engaged, RULE, "order_placed");
        // A preference about something else does not support it.
        let running = single("new-parents", "{category: baby}", "").replace(
            "  include:\n",
            "  include:\n    - attribute: preferences.interests\n      op: contains\n      value: running\n",
        );
        assert_fires(&running, RULE, "order_placed");
        // A second purchase about the same life stage does.
        let two = single("new-parents", "{category: baby}", "").replace(
            "data_sources:",
            "    - event: product_viewed\n      within: 30d\n      where: {category: nursery}\ndata_sources:",
        );
        assert_clean(&two, RULE);
        // As does a preference that names it.
        let declared = single("new-parents", "{category: toys}", "").replace(
            "  include:\n",
            "  include:\n    - attribute: preferences.interests\n      op: contains\n      value: baby\n",
        );
        assert_clean(&declared, RULE);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        // Two occurrences of the event.
        assert_clean(
            &single("new-parents", "{category: baby}", "      min_count: 2\n"),
            RULE,
        );
        // No life stage claimed.
        assert_clean(&single("spring-promo", "{category: shoes}", ""), RULE);
        // A declared preference alongside.
        assert_clean(&BASE.replace("runners-who-opted-in", "new-parents"), RULE);
        // A recorded life-stage attribute.
        let recorded = single("new-parents", "{category: toys}", "").replace(
            "  include:\n",
            "  include:\n    - attribute: profile.life_stage\n      op: eq\n      value: new_parent\n",
        );
        assert_clean(&recorded, RULE);
        // Look-alike words are not life stages.
        assert_clean(&single("baby-blue-sale", "{category: shoes}", ""), RULE);
    }

    /// BASE as `new-parents`, with its include list replaced.
    fn parents(items: &str) -> String {
        BASE.replace("runners-who-opted-in", "new-parents").replace(
            "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n      where: {category: running}\n",
            items,
        )
    }

    const ONE_BABY_ORDER: &str = "          - event: order_placed\n            within: 90d\n            where: {category: baby}\n";
    const SAYS_BABY: &str = "          - attribute: preferences.interests\n            op: contains\n            value: baby\n";

    #[test]
    fn an_option_resting_on_one_event() {
        // Said so, or bought one baby item: the second option rests on one
        // purchase.
        let f = assert_fires(
            &parents(&format!("    - any_of:\n{SAYS_BABY}{ONE_BABY_ORDER}")),
            RULE,
            "order_placed",
        );
        assert!(f[0].message.contains("a new parent"), "{}", f[0].message);
        // Both together (all_of): a declared preference backs the purchase.
        assert_clean(
            &parents(&format!("    - all_of:\n{SAYS_BABY}{ONE_BABY_ORDER}")),
            RULE,
        );
        // The preference outside the group holds on every way in.
        let twice = ONE_BABY_ORDER.replace("within: 90d", "within: 30d");
        assert_clean(
            &parents(&format!(
                "    - attribute: preferences.interests\n      op: contains\n      value: baby\n    - any_of:\n{ONE_BABY_ORDER}{twice}"
            )),
            RULE,
        );
        // Two purchases asked for in one option, a recorded life stage in the other.
        let recorded = "          - attribute: profile.life_stage\n            op: eq\n            value: new_parent\n";
        let two =
            ONE_BABY_ORDER.replace("within: 90d\n", "within: 90d\n            min_count: 2\n");
        assert_clean(&parents(&format!("    - any_of:\n{two}{recorded}")), RULE);
    }
}
