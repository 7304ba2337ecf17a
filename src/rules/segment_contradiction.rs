use crate::analysis::audience_solver::{self, Contradiction, Literal};
use crate::input::source::Span;
use crate::input::yaml::Node;
use crate::model::campaign::{Condition, ConditionKind, GroupKind, Op, Term};
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports an audience that no one can be in. A person is in the
    /// audience when every `include` condition holds and no `exclude`
    /// condition does; the rule reports when no person could manage that:
    /// - include conditions on one attribute that cannot all hold, such as
    ///   `age gt 40` with `age lt 30`, `tier eq gold` with `tier eq silver`,
    ///   or `phone not_exists` with `phone eq '+1555'`;
    /// - an exclude condition that removes everyone the includes keep, such
    ///   as the same condition on both sides, or `tier eq gold` included and
    ///   `tier exists` excluded;
    /// - an excluded event that every included person has, such as
    ///   `order_placed within 30d` included and `order_placed within 90d`
    ///   excluded.
    ///
    /// How it decides: conditions are grouped by attribute, and each
    /// attribute is checked on its own. A person's attribute is either
    /// missing or has one value. Values mean what they say: `5`, `5.0` and
    /// `"5"` are the same number, `Gold` and `gold` the same text,
    /// `2027-01-01` and `2027-01-01T09:00` the same day. `ne` and `not_in`
    /// also hold when the attribute is missing; `eq`, `in`, the ranges,
    /// `exists` and `contains` need a value. Numbers can fall anywhere
    /// between (`gt 3` with `lt 4` is fine), dates are whole days
    /// (`gt 2027-01-01` with `lt 2027-01-02` leaves no day). An attribute
    /// compared only with `true` and `false` has just those two values, so
    /// `exists` with `ne true` and `ne false` leaves nothing; any other
    /// attribute can hold a value no condition names. An excluded event
    /// removes everyone an included one keeps when it asks for less: the
    /// same event, a window at least as long (no `within` = ever), a
    /// `min_count` no higher, and only `where` filters the include has too.
    ///
    /// Conditions on different attributes never contradict each other:
    /// "opted in, minus the suppressed" (include `preferences.offers eq true`,
    /// exclude `unsubscribed eq true`) is not a contradiction. When
    /// preflight cannot be sure (values of different kinds on one
    /// attribute, a condition it cannot read, `contains` next to number or
    /// date comparisons) it assumes someone is left.
    ///
    /// The finding points at the condition that leaves the segment empty
    /// (the later one); labels point at the conditions it contradicts.
    ///
    /// With groups (`any_of`, `all_of`), the audience is judged on every
    /// way into it (one per choice of a member in each `any_of`): it is
    /// empty only when every way is. When the conditions outside the groups
    /// already contradict each other, the finding names them as above;
    /// otherwise it points at the `any_of` and names, at each option, what
    /// rules it out. When the audience is not empty but one option of an
    /// `any_of` in the include list lets no one in (`tier eq silver` as an
    /// option next to a required `tier in [gold, bronze]`), that option
    /// gets a warning: it is dead weight, and often a typo in a value.
    ///
    /// ## Why is this bad?
    /// An empty segment makes the campaign silently send to nobody, and
    /// some platforms treat an audience that resolves to nobody as no
    /// filter at all and send to everyone.
    ///
    /// ## Example
    /// ```yaml
    /// include:
    ///   - attribute: age
    ///     op: gt
    ///     value: 40
    ///   - attribute: age
    ///     op: lt
    ///     value: 30
    ///   - event: order_placed
    ///     within: 30d
    /// exclude:
    ///   - event: order_placed
    ///     within: 90d
    /// ```
    /// No age is above 40 and below 30, and everyone who ordered in the
    /// last 30 days also ordered in the last 90, so the exclusion removes
    /// them all.
    ///
    /// ## Use instead
    /// ```yaml
    /// include:
    ///   - attribute: age
    ///     op: gt
    ///     value: 30
    ///   - attribute: age
    ///     op: lt
    ///     value: 40
    ///   - event: order_placed
    ///     within: 30d
    /// exclude:
    ///   - event: order_placed
    ///     within: 7d
    ///   - attribute: unsubscribed
    ///     op: eq
    ///     value: true
    /// ```
    /// All include conditions must hold together; to reach either group,
    /// use `in`, put the alternatives in an `any_of`, or make two campaigns. Exclude only part of the people the
    /// includes keep: here, those who ordered this week, and the
    /// unsubscribed.
    ///
    /// ## Configuration
    /// None.
    pub static SEGMENT_CONTRADICTION = {
        code: "PF104",
        name: "segment-contradiction",
        severity: Error,
        summary: "Include conditions cannot all hold (or a condition is both included and excluded), so the segment is empty.",
        settings: &[],
    }
}

/// The condition as people read it: `age gt 40`, `tier in [gold, silver]`,
/// `order_placed within 30d min_count 2 where {category: running}`.
pub fn describe(c: &Condition) -> String {
    match &c.kind {
        ConditionKind::Attribute { name, op, .. } => {
            let op_name = op.map(|o| op_word(o.value)).unwrap_or("?");
            let vals: Vec<&str> = c.values().iter().map(|v| v.value).collect();
            match op.map(|o| o.value) {
                Some(Op::Exists) | Some(Op::NotExists) => format!("{} {op_name}", name.value),
                _ if vals.len() == 1 => format!("{} {op_name} {}", name.value, vals[0]),
                _ => format!("{} {op_name} [{}]", name.value, shorten(&vals)),
            }
        }
        ConditionKind::Event {
            name,
            within,
            min_count,
            filters,
        } => {
            let mut s = name.value.to_string();
            if let Some(w) = within {
                s += &format!(" within {}", w.value);
            }
            if let Some(m) = min_count {
                s += &format!(" min_count {}", m.value);
            }
            if !filters.is_empty() {
                let shown: Vec<String> = filters
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.value, filter_text(v)))
                    .collect();
                s += &format!(" where {{{}}}", shown.join(", "));
            }
            s
        }
    }
}

/// The most values of a list a message shows.
const SHOWN_VALUES: usize = 6;

/// A list of values, the first few of a long one: `a, b, c, … (12 more)`.
fn shorten(vals: &[&str]) -> String {
    if vals.len() <= SHOWN_VALUES {
        return vals.join(", ");
    }
    let shown = SHOWN_VALUES - 1;
    format!(
        "{}, … ({} more)",
        vals[..shown].join(", "),
        vals.len() - shown
    )
}

fn filter_text(v: &Node) -> String {
    match (v.as_str(), v.as_seq()) {
        (Some(s), _) => s.to_string(),
        (None, Some(items)) => {
            let items: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
            format!("[{}]", shorten(&items))
        }
        _ => "…".to_string(),
    }
}

fn op_word(op: Op) -> &'static str {
    match op {
        Op::Eq => "eq",
        Op::Ne => "ne",
        Op::In => "in",
        Op::NotIn => "not_in",
        Op::Gt => "gt",
        Op::Gte => "gte",
        Op::Lt => "lt",
        Op::Lte => "lte",
        Op::Contains => "contains",
        Op::Exists => "exists",
        Op::NotExists => "not_exists",
    }
}

/// Where to point for a condition: its value, else its op, else its name.
fn focus(c: &Condition) -> Span {
    match &c.kind {
        ConditionKind::Attribute { name, op, value } => value
            .map(|v| v.span)
            .or(op.map(|o| o.span))
            .unwrap_or(name.span),
        ConditionKind::Event { name, .. } => name.span,
    }
}

const HELP_EMPTY: &str = "the segment would be empty: the campaign would send to nobody, or on some platforms fall back to everyone";
const HELP_INCLUDES: &str =
    "Every include condition must hold at once: fix the values, or split the campaign in two";
const HELP_EXCLUDE: &str = "Remove the exclusion, or change it to remove only part of the group";

/// The condition in a sentence: `` `tier eq gold` ``, or
/// ``excluding `tier eq gold` `` for an exclude.
fn phrase(l: &Literal) -> String {
    let d = describe(l.condition);
    if l.holds {
        format!("`{d}`")
    } else {
        format!("excluding `{d}`")
    }
}

fn side(l: &Literal) -> &'static str {
    if l.holds {
        "included here"
    } else {
        "excluded here"
    }
}

/// The message, the help, and the label of each other condition.
fn explain(
    found: &Contradiction,
    at: &Literal,
    others: &[&Literal],
) -> (String, &'static str, Vec<String>) {
    let includes_only = at.holds && others.iter().all(|o| o.holds);
    let help = if includes_only {
        HELP_INCLUDES
    } else {
        HELP_EXCLUDE
    };
    let mut labels: Vec<String> = others.iter().map(|o| side(o).to_string()).collect();
    let what = match (others, found.complete) {
        // (Not expected: every condition alone lets someone in.)
        ([], true) if at.holds => format!("`{}` can never hold", describe(at.condition)),
        ([], true) => format!("excluding `{}` removes everyone", describe(at.condition)),
        ([o], true) if includes_only => {
            labels = vec!["this condition contradicts it".to_string()];
            format!(
                "`{}` and `{}` cannot both hold",
                describe(o.condition),
                describe(at.condition)
            )
        }
        ([o], true) if found.both_sides => {
            let inc = if at.holds { at } else { o };
            format!(
                "`{}` is both included and excluded",
                describe(inc.condition)
            )
        }
        ([o], true) if at.holds != o.holds => {
            let (inc, exc) = if at.holds { (at, *o) } else { (*o, at) };
            format!(
                "excluding `{}` removes everyone that `{}` includes",
                describe(exc.condition),
                describe(inc.condition)
            )
        }
        ([o], true) => format!(
            "excluding both `{}` and `{}` removes everyone",
            describe(o.condition),
            describe(at.condition)
        ),
        // Three or more conditions (or more than are named).
        _ => {
            let mut items: Vec<String> = others.iter().map(|o| phrase(o)).collect();
            if !found.complete {
                items.push("and others".to_string());
            }
            format!(
                "{} leaves no value that the other conditions on `{}` allow ({})",
                phrase(at),
                at.condition.name().value,
                items.join(", ")
            )
        }
    };
    (what, help, labels)
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let Some(aud) = &c.audience else {
        return;
    };
    if !aud.has_groups() {
        let lits = audience_solver::literals(c.include(), c.exclude(), ctx.text);
        let found = audience_solver::solve(&lits);
        report(ctx, &lits, found);
        return;
    }
    let Some(ways) = audience_solver::ways(aud, ctx.text) else {
        return;
    };
    let found: Vec<Vec<Contradiction>> = ways.iter().map(|w| audience_solver::solve(w)).collect();
    if found.iter().any(Vec::is_empty) {
        dead_options(ctx, aud);
        return;
    }
    // The conditions on every way (those outside the groups' options):
    // when they contradict each other, say so as for a list without groups.
    let on_every: std::collections::HashSet<(*const Condition, bool)> = ways
        .iter()
        .map(|w| {
            w.iter()
                .map(|l| (l.condition as *const Condition, l.holds))
                .collect::<std::collections::HashSet<_>>()
        })
        .reduce(|a, b| a.intersection(&b).copied().collect())
        .unwrap_or_default();
    let common: Vec<Literal> = ways[0]
        .iter()
        .filter(|l| on_every.contains(&(l.condition as *const Condition, l.holds)))
        .copied()
        .collect();
    let core = audience_solver::solve(&common);
    if !core.is_empty() {
        report(ctx, &common, core);
        return;
    }
    // Each way is empty for a reason of its own: point at the group whose
    // options they are, with each reason as a label.
    let Some((key, kind)) = first_group(&aud.include_terms, GroupKind::AnyOf)
        .or(first_group(&aud.exclude_terms, GroupKind::AllOf))
    else {
        return;
    };
    let mut labels: Vec<(Span, String)> = Vec::new();
    for (w, f) in ways.iter().zip(&found) {
        let first = &f[0];
        let at = &w[first.at];
        let others: Vec<&Literal> = first.others.iter().map(|&i| &w[i]).collect();
        let (what, _, _) = explain(first, at, &others);
        // Shown at the condition of this way's own option.
        let own = std::iter::once(at)
            .chain(others.iter().copied())
            .find(|l| !on_every.contains(&(l.condition as *const Condition, l.holds)))
            .unwrap_or(at);
        let span = focus(own.condition);
        if labels.len() < MAX_LABELS && !labels.iter().any(|(s, _)| *s == span) {
            labels.push((span, what));
        }
    }
    let options = match kind {
        GroupKind::AnyOf => format!("each option of this `{}`", kind.key()),
        GroupKind::AllOf => format!("each way past this `{}`", kind.key()),
    };
    let finding = ctx.report(
        &SEGMENT_CONTRADICTION,
        key,
        format!(
            "None of the {} ways into this audience can hold: {options} meets a contradiction (shown at each), so no one is in this segment",
            ways.len()
        ),
        format!("{HELP_EMPTY}. Fix the values, or remove the options that can never hold"),
    );
    for (span, what) in labels {
        finding.related(span, what);
    }
}

/// Someone can be in the audience, but an option of one of its `any_of`
/// items (an item of the include list itself) lets no one in: a warning at
/// that option, saying what rules it out.
fn dead_options(ctx: &mut Ctx, aud: &crate::model::campaign::Audience) {
    for (k, item) in aud.include_terms.iter().enumerate() {
        let Term::Group {
            kind: GroupKind::AnyOf,
            members,
            ..
        } = item
        else {
            continue;
        };
        if members.len() < 2 {
            continue;
        }
        for m in members {
            let mut terms = aud.include_terms.clone();
            terms[k] = m.clone();
            let Some(ways) = audience_solver::ways_with(aud, &terms, ctx.text) else {
                continue;
            };
            let found: Vec<Vec<Contradiction>> =
                ways.iter().map(|w| audience_solver::solve(w)).collect();
            if found.iter().any(Vec::is_empty) {
                continue;
            }
            let Some(span) = first_condition(m, &aud.include).map(|c| c.name().span) else {
                continue;
            };
            let (w, f) = (&ways[0], &found[0][0]);
            let at = &w[f.at];
            let others: Vec<&Literal> = f.others.iter().map(|&i| &w[i]).collect();
            let (what, _, _) = explain(f, at, &others);
            let mut own = Vec::new();
            conditions_of(m, &aud.include, &mut own);
            let finding = ctx.report_at(
                &SEGMENT_CONTRADICTION,
                crate::rule_meta::Severity::Warning,
                span,
                format!("No one can get in through this option of the `any_of`: {what}"),
                "An option that never holds is dead weight, and often a typo in a value: fix the value, or remove the option",
            );
            // Label the conditions outside the option that rule it out.
            for l in std::iter::once(at).chain(others.iter().copied()) {
                if own.iter().any(|c| std::ptr::eq(*c, l.condition)) {
                    continue;
                }
                let label = if l.holds {
                    "this condition rules the option out"
                } else {
                    "this exclusion removes everyone the option lets in"
                };
                finding.related(focus(l.condition), label);
            }
        }
    }
}

/// Every condition of a term.
fn conditions_of<'c, 'a>(
    t: &Term,
    conditions: &'c [Condition<'a>],
    out: &mut Vec<&'c Condition<'a>>,
) {
    match t {
        Term::Leaf(i) => out.extend(conditions.get(*i)),
        Term::Unreadable => {}
        Term::Group { members, .. } => {
            for m in members {
                conditions_of(m, conditions, out);
            }
        }
    }
}

/// The first condition of a term, in file order.
fn first_condition<'c, 'a>(t: &Term, conditions: &'c [Condition<'a>]) -> Option<&'c Condition<'a>> {
    match t {
        Term::Leaf(i) => conditions.get(*i),
        Term::Unreadable => None,
        Term::Group { members, .. } => members.iter().find_map(|m| first_condition(m, conditions)),
    }
}

/// The most labels a finding about a whole group shows.
const MAX_LABELS: usize = 8;

/// The first group in `terms` that offers a choice: an `any_of` of several
/// members in an include list (`choice` is `AnyOf`), an `all_of` of several
/// in an exclude list (`choice` is `AllOf`: leaving out one member lets a
/// person through), inside other groups too.
fn first_group(terms: &[Term], choice: GroupKind) -> Option<(Span, GroupKind)> {
    terms.iter().find_map(|t| match t {
        Term::Group {
            kind, key, members, ..
        } if *kind == choice && members.len() > 1 => Some((*key, *kind)),
        Term::Group { members, .. } => first_group(members, choice),
        _ => None,
    })
}

fn report(ctx: &mut Ctx, lits: &[Literal], found: Vec<Contradiction>) {
    for found in found {
        let at = &lits[found.at];
        let others: Vec<&Literal> = found.others.iter().map(|&i| &lits[i]).collect();
        let (what, help, labels) = explain(&found, at, &others);
        let finding = ctx.report(
            &SEGMENT_CONTRADICTION,
            focus(at.condition),
            format!("{what}, so no one is in this segment"),
            format!("{HELP_EMPTY}. {help}"),
        );
        for (o, label) in others.iter().zip(labels) {
            finding.related(focus(o.condition), label);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "segment-contradiction";

    fn with_include(conditions: &str) -> String {
        BASE.replace("  include:\n", &format!("  include:\n{conditions}"))
    }

    fn attr(name: &str, op: &str, value: &str) -> String {
        format!("    - attribute: {name}\n      op: {op}\n      value: {value}\n")
    }

    #[test]
    fn failing() {
        let cases = [
            (attr("age", "gt", "40") + &attr("age", "lt", "30"), "30"),
            (attr("tier", "eq", "gold") + &attr("tier", "eq", "silver"), "silver"),
            (attr("tier", "in", "[gold, vip]") + &attr("tier", "in", "[silver, bronze]"), "[silver, bronze]"),
            (attr("tier", "eq", "gold") + &attr("tier", "ne", "gold"), "gold"),
            (attr("age", "gte", "30") + &attr("age", "lt", "30"), "30"),
            (attr("joined", "gt", "2027-03-01") + &attr("joined", "lt", "2026-01-01"), "2026-01-01"),
            (
                "    - attribute: phone\n      op: exists\n    - attribute: phone\n      op: not_exists\n".to_string(),
                "not_exists",
            ),
            (
                "    - attribute: phone\n      op: not_exists\n".to_string() + &attr("phone", "eq", "'+1555'"),
                "'+1555'",
            ),
        ];
        for (conds, at) in cases {
            let f = assert_fires(&with_include(&conds), RULE, at);
            assert!(
                f[0].message.contains("cannot both hold"),
                "{}",
                f[0].message
            );
            assert_eq!(f[0].related.len(), 1);
        }
    }

    fn with_exclude(include: &str, exclude: &str) -> String {
        with_include(include).replace(
            "data_sources:",
            &format!("  exclude:\n{exclude}data_sources:"),
        )
    }

    #[test]
    fn included_and_excluded() {
        let yaml = with_exclude(&attr("tier", "eq", "gold"), &attr("tier", "eq", "gold"));
        let f = assert_fires(&yaml, RULE, "gold");
        assert!(
            f[0].message.contains("both included and excluded"),
            "{}",
            f[0].message
        );
        let yaml = with_exclude(
            &attr("tier", "eq", "gold"),
            "    - attribute: tier\n      op: exists\n",
        );
        let f = assert_fires(&yaml, RULE, "exists");
        assert!(
            f[0].message.contains("removes everyone"),
            "{}",
            f[0].message
        );
        let yaml = with_exclude(
            &attr("tier", "in", "[gold, vip]"),
            &attr("tier", "in", "[vip, gold, silver]"),
        );
        assert_fires(&yaml, RULE, "[vip, gold, silver]");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        for conds in [
            attr("age", "gt", "30") + &attr("age", "lt", "40"),
            attr("age", "gte", "30") + &attr("age", "lte", "30"),
            attr("tier", "in", "[gold, vip]") + &attr("tier", "in", "[vip, silver]"),
            attr("tier", "eq", "gold") + &attr("tier", "ne", "silver"),
            attr("tier", "eq", "gold") + &attr("region", "eq", "silver"),
            attr("tags", "contains", "a") + &attr("tags", "contains", "b"),
            "    - attribute: phone\n      op: exists\n".to_string()
                + &attr("phone", "ne", "'+1555'"),
            "    - attribute: phone\n      op: not_exists\n".to_string()
                + &attr("phone", "ne", "x"),
        ] {
            assert_clean(&with_include(&conds), RULE);
        }
        // Excluding a part of the group is fine.
        let yaml = with_exclude(
            &attr("tier", "in", "[gold, silver]"),
            &attr("tier", "eq", "gold"),
        );
        assert_clean(&yaml, RULE);
    }

    fn bare(name: &str, op: &str) -> String {
        format!("    - attribute: {name}\n      op: {op}\n")
    }

    fn event(name: &str, extra: &str) -> String {
        format!("    - event: {name}\n{extra}")
    }

    fn messages(yaml: &str) -> Vec<String> {
        hits(yaml, RULE)
            .into_iter()
            .map(|(_, f)| f.message)
            .collect()
    }

    #[test]
    fn opted_in_minus_suppressed_is_clean() {
        let yaml = with_exclude(
            &attr("preferences.offers", "eq", "true"),
            &attr("unsubscribed", "eq", "true"),
        );
        assert_clean(&yaml, RULE);
        // Different attributes with the same value, on either side.
        let yaml = with_exclude(&attr("tier", "eq", "gold"), &attr("region", "eq", "gold"));
        assert_clean(&yaml, RULE);
        assert_clean(
            &with_exclude(
                &attr("tier", "eq", "gold"),
                "    - attribute: region\n      op: exists\n",
            ),
            RULE,
        );
    }

    #[test]
    fn more_failing_cases() {
        // A boolean attribute has only two values.
        let yaml = with_include(
            &(bare("flag", "exists") + &attr("flag", "ne", "true") + &attr("flag", "ne", "false")),
        );
        let f = assert_fires(&yaml, RULE, "false");
        assert_eq!(
            f[0].message,
            "`flag ne false` leaves no value that the other conditions on `flag` allow (`flag exists`, `flag ne true`), so no one is in this segment."
        );
        assert_eq!(f[0].related.len(), 2);
        // No whole day between the two dates.
        let yaml = with_include(
            &(attr("joined", "gt", "2027-01-01") + &attr("joined", "lt", "2027-01-02")),
        );
        let f = assert_fires(&yaml, RULE, "2027-01-02");
        assert!(
            f[0].message.contains("cannot both hold"),
            "{}",
            f[0].message
        );
        // Values compared by what they mean.
        let yaml = with_exclude(&attr("score", "eq", "5"), &attr("score", "eq", "'5.0'"));
        let f = assert_fires(&yaml, RULE, "'5.0'");
        assert!(
            f[0].message.contains("both included and excluded"),
            "{}",
            f[0].message
        );
        // A required text that contains an excluded one.
        let yaml = with_exclude(
            &attr("tags", "contains", "vip-gold"),
            &attr("tags", "contains", "VIP"),
        );
        let f = assert_fires(&yaml, RULE, "VIP");
        assert_eq!(
            f[0].message,
            "Excluding `tags contains VIP` removes everyone that `tags contains vip-gold` includes, so no one is in this segment."
        );
        assert_eq!(f[0].related.len(), 1);
        assert!(f[0].help.contains("Remove the exclusion"), "{}", f[0].help);
        // A range excluded around the only value included.
        let yaml = with_exclude(&attr("age", "in", "[31, 35]"), &attr("age", "gt", "30"));
        assert_fires(&yaml, RULE, "30");
        // Two excludes that together remove everyone.
        let yaml = with_exclude(
            "",
            &(bare("phone", "exists") + &bare("phone", "not_exists")),
        );
        let f = assert_fires(&yaml, RULE, "not_exists");
        assert!(
            f[0].message.starts_with("Excluding both"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn one_finding_per_attribute() {
        let yaml = with_include(
            &(attr("tier", "eq", "gold")
                + &attr("tier", "eq", "silver")
                + &attr("tier", "eq", "bronze")),
        );
        let m = messages(&yaml);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].contains("`tier eq gold` and `tier eq silver`"),
            "{m:?}"
        );
        let yaml = with_include(
            &(attr("tier", "eq", "gold")
                + &attr("tier", "eq", "silver")
                + &attr("age", "gt", "40")
                + &attr("age", "lt", "30")),
        );
        assert_eq!(messages(&yaml).len(), 2);
    }

    #[test]
    fn more_passing_cases() {
        for conds in [
            // A real gap between numbers.
            attr("score", "gt", "3") + &attr("score", "lt", "4"),
            // A whole day between dates.
            attr("joined", "gt", "2027-01-01") + &attr("joined", "lt", "2027-01-03"),
            // Mixed types: not sure, so clean.
            attr("age", "gt", "30") + &attr("age", "eq", "thirty"),
            attr("tier", "eq", "5") + &attr("tier", "eq", "gold"),
            attr("flag", "eq", "true") + &attr("flag", "eq", "'false'"),
            // Contains next to a range: not sure.
            attr("age", "contains", "3") + &attr("age", "gt", "40") + &attr("age", "lt", "30"),
            // An open domain always has another value.
            bare("tier", "exists") + &attr("tier", "ne", "gold") + &attr("tier", "ne", "silver"),
            // A broken condition is left out.
            bare("age", "gt") + &attr("age", "lt", "30"),
        ] {
            assert_clean(&with_include(&conds), RULE);
        }
        // Contains: the excluded text is not inside the required one.
        assert_clean(
            &with_exclude(
                &attr("tags", "contains", "vip"),
                &attr("tags", "contains", "vip-gold"),
            ),
            RULE,
        );
        // `ne` holds when the attribute is missing.
        assert_clean(
            &with_exclude(
                &attr("tier", "ne", "gold"),
                "    - attribute: tier\n      op: exists\n",
            ),
            RULE,
        );
    }

    #[test]
    fn events_implied_by_an_exclude() {
        let inc = event("cart_viewed", "      within: 30d\n");
        let f = assert_fires(
            &with_exclude(&inc, &event("cart_viewed", "      within: 90d\n")),
            RULE,
            "cart_viewed",
        );
        assert_eq!(
            f[0].message,
            "Excluding `cart_viewed within 90d` removes everyone that `cart_viewed within 30d` includes, so no one is in this segment."
        );
        assert_eq!(f[0].related.len(), 1);
        // The BASE event: within 90d, min_count 2, where {category: running}.
        let f = assert_fires(
            &with_exclude(
                "",
                &event("order_placed", "      where: {category: running}\n"),
            ),
            RULE,
            "order_placed",
        );
        assert!(
            f[0].message.contains("removes everyone"),
            "{}",
            f[0].message
        );
        let same = event(
            "order_placed",
            "      within: 90d\n      min_count: 2\n      where: {category: running}\n",
        );
        let f = assert_fires(&with_exclude("", &same), RULE, "order_placed");
        assert!(
            f[0].message.contains("both included and excluded"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn events_not_implied_by_an_exclude() {
        for exc in [
            // The include's window is longer (BASE: within 90d).
            event("order_placed", "      within: 30d\n"),
            // The exclude has more filters.
            event(
                "order_placed",
                "      where: {category: running, region: US}\n",
            ),
            // The exclude needs more orders (BASE: min_count 2).
            event("order_placed", "      min_count: 3\n"),
            // Another event.
            event("order_refunded", ""),
            // An unreadable window is not taken as "ever".
            event("order_placed", "      within: 3 months\n"),
        ] {
            assert_clean(&with_exclude("", &exc), RULE);
        }
    }

    #[test]
    fn twenty_thousand_conditions() {
        // 19,999 `ne` and one `in` whose values they all exclude.
        let values: Vec<String> = (0..19_999).map(|i| format!("v{i}")).collect();
        let mut conds: String = values.iter().map(|v| attr("tier", "ne", v)).collect();
        conds += &attr("tier", "in", &format!("[{}]", values.join(", ")));
        let f = hits(&with_include(&conds), RULE);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].1
                .message
                .starts_with("`tier in [v0, v1, v2, v3, v4, … (19994 more)]` leaves no value")
                && f[0].1.message.contains("and others"),
            "{}",
            &f[0].1.message[..200]
        );
        // The same, with one value left.
        let conds = conds.replace("[v0, ", "[v0, spare, ");
        assert_clean(&with_include(&conds), RULE);
    }

    /// An include item written as a group of `members` (each an item of
    /// four-space indentation, as [`attr`] writes them).
    fn group(kind: &str, members: &str) -> String {
        let inner: String = members.lines().map(|l| format!("    {l}\n")).collect();
        format!("    - {kind}:\n{inner}")
    }

    #[test]
    fn any_of_is_empty_only_when_every_option_is() {
        // Gold or silver, and bronze: both options contradict `bronze`.
        let both = group(
            "any_of",
            &(attr("tier", "eq", "gold") + &attr("tier", "eq", "silver")),
        ) + &attr("tier", "eq", "bronze");
        let f = assert_fires(&with_include(&both), RULE, "any_of");
        assert!(
            f[0].message
                .starts_with("None of the 2 ways into this audience can hold: each option of this `any_of` meets a contradiction"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 2, "{:?}", f[0].related);
        assert!(
            f[0].related[0]
                .message
                .contains("`tier eq gold` and `tier eq bronze` cannot both hold")
                || f[0].related[0]
                    .message
                    .contains("`tier eq bronze` and `tier eq gold` cannot both hold"),
            "{:?}",
            f[0].related
        );
        // One option left open: someone can be in it, and the closed
        // option gets a warning of its own.
        let one_open = group(
            "any_of",
            &(attr("tier", "eq", "gold") + &attr("tier", "eq", "bronze")),
        ) + &attr("tier", "eq", "bronze");
        let f = hits(&with_include(&one_open), RULE);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].1.severity, crate::rule_meta::Severity::Warning);
        assert!(
            f[0].1
                .message
                .starts_with("No one can get in through this option"),
            "{}",
            f[0].1.message
        );
        // An option that is a group of its own, with a way in.
        let nested = group(
            "any_of",
            &(attr("tier", "eq", "gold")
                + &group(
                    "all_of",
                    &(attr("age", "gt", "30") + &attr("age", "lt", "40")),
                )),
        ) + &attr("tier", "eq", "bronze");
        let f = hits(&with_include(&nested), RULE);
        assert!(
            f.len() == 1 && f[0].1.severity == crate::rule_meta::Severity::Warning,
            "only the gold option is closed: {f:#?}"
        );
        // The same with the nested range empty.
        let nested_empty = nested.replace("value: 40", "value: 20");
        assert_fires(&with_include(&nested_empty), RULE, "any_of");
    }

    #[test]
    fn conditions_outside_the_groups_are_judged_as_before() {
        // The contradiction is between two plain items: it is named as in a
        // list without groups, whatever the group holds.
        let conds = attr("age", "gt", "40")
            + &group(
                "any_of",
                &(attr("tier", "eq", "gold") + &attr("tier", "eq", "silver")),
            )
            + &attr("age", "lt", "30");
        let f = assert_fires(&with_include(&conds), RULE, "30");
        assert!(
            f[0].message.contains("cannot both hold"),
            "{}",
            f[0].message
        );
        // An all_of is a plain conjunction.
        let all = group(
            "all_of",
            &(attr("age", "gt", "40") + &attr("age", "lt", "30")),
        );
        assert_fires(&with_include(&all), RULE, "30");
    }

    #[test]
    fn excluded_groups() {
        // Excluding any of gold or silver, from gold members: empty.
        let conds = attr("tier", "eq", "gold");
        let exc = group(
            "any_of",
            &(attr("tier", "eq", "silver") + &attr("tier", "eq", "gold")),
        );
        let yaml = with_include(&conds)
            .replace("data_sources:", &format!("  exclude:\n{exc}data_sources:"));
        assert_fires(&yaml, RULE, "gold");
        // Excluding those who are gold and over 60, from gold members: the
        // younger ones are left.
        let exc = group(
            "all_of",
            &(attr("tier", "eq", "gold") + &attr("age", "gt", "60")),
        );
        let yaml = with_include(&conds)
            .replace("data_sources:", &format!("  exclude:\n{exc}data_sources:"));
        assert_clean(&yaml, RULE);
        // Excluding gold and (silver or gold) from gold members: empty.
        let exc = group(
            "all_of",
            &(attr("tier", "exists", "x").replace("      value: x\n", "")
                + &group(
                    "any_of",
                    &(attr("tier", "eq", "silver") + &attr("tier", "eq", "gold")),
                )),
        );
        let yaml = with_include(&conds)
            .replace("data_sources:", &format!("  exclude:\n{exc}data_sources:"));
        let f = hits(&yaml, RULE);
        assert_eq!(f.len(), 1, "{f:#?}");
    }

    #[test]
    fn an_option_that_lets_no_one_in() {
        // Gold or silver, among gold and bronze members: silver never holds.
        let conds = group(
            "any_of",
            &(attr("tier", "eq", "gold")
                + &attr("vip_tier", "eq", "x")
                + &attr("tier", "eq", "silver")),
        ) + &attr("tier", "in", "[gold, bronze]");
        let yaml = with_include(&conds);
        let f = hits(&yaml, RULE);
        assert_eq!(f.len(), 1, "{f:#?}");
        let (at, f) = &f[0];
        assert_eq!(at, "tier");
        assert_eq!(f.severity, crate::rule_meta::Severity::Warning);
        assert!(
            f.span.start > yaml.find("value: x").unwrap(),
            "at the silver option"
        );
        assert_eq!(
            f.message,
            "No one can get in through this option of the `any_of`: `tier eq silver` and `tier in [gold, bronze]` cannot both hold."
        );
        assert_eq!(f.related.len(), 1);
        assert_eq!(f.related[0].message, "this condition rules the option out");
        assert_eq!(&yaml[f.related[0].span.range()], "[gold, bronze]");
        // Every option open: nothing to say.
        assert_clean(
            &with_include(&conds.replace("[gold, bronze]", "[gold, silver]")),
            RULE,
        );
    }
}
