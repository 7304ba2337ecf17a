use chrono::{Datelike, NaiveDate};

use crate::campaign::{Condition, ConditionKind, Op, Spanned};
use crate::context::Ctx;
use crate::source::Span;
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Reports audience conditions that cannot all hold at once, so the
    /// segment is empty:
    /// - the same attribute required to equal two different values (`eq`,
    ///   `in` lists with nothing in common, `eq` with `ne` or `not_in` of
    ///   that value);
    /// - number or date ranges that do not meet, such as `age gt 40` with
    ///   `age lt 30`;
    /// - `exists` with `not_exists` on the same attribute, or `not_exists`
    ///   with a condition that needs a value;
    /// - a condition that is both included and excluded (or an included
    ///   value whose attribute is excluded whenever it exists).
    ///
    /// The finding points at the later condition; a second label points at
    /// the one it contradicts.
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
    /// ```
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
    /// ```
    /// All include conditions must hold together; to reach either group,
    /// make two campaigns or use `in`.
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

/// What one attribute condition allows, in a form that can be compared.
#[derive(Debug, Clone)]
enum Allows {
    /// Only these values.
    OneOf(Vec<String>),
    /// Any value but these.
    NoneOf(Vec<String>),
    /// A range of numbers (or of dates, as day numbers): (low, low_open, high, high_open).
    Range(Option<(f64, bool)>, Option<(f64, bool)>),
    /// Any value, as long as there is one.
    Exists,
    /// No value.
    Missing,
    /// Something preflight cannot compare (`contains`, a broken condition).
    Unknown,
}

/// A number, or a date as its day number, so `gt 2027-01-01` compares.
fn number(s: &str) -> Option<f64> {
    if let Ok(x) = s.trim().parse::<f64>() {
        return x.is_finite().then_some(x);
    }
    let d = s.trim().get(..10)?.parse::<NaiveDate>().ok()?;
    Some(d.num_days_from_ce() as f64)
}

fn allows(c: &Condition) -> Allows {
    let ConditionKind::Attribute { op: Some(op), .. } = &c.kind else {
        return Allows::Unknown;
    };
    let values: Vec<String> = c
        .values()
        .iter()
        .map(|v| v.value.trim().to_string())
        .collect();
    let one = || values.first().and_then(|v| number(v));
    match op.value {
        Op::Exists => Allows::Exists,
        Op::NotExists => Allows::Missing,
        Op::Eq | Op::In if !values.is_empty() => Allows::OneOf(values),
        Op::Ne | Op::NotIn if !values.is_empty() => Allows::NoneOf(values),
        Op::Gt => one().map_or(Allows::Unknown, |x| Allows::Range(Some((x, true)), None)),
        Op::Gte => one().map_or(Allows::Unknown, |x| Allows::Range(Some((x, false)), None)),
        Op::Lt => one().map_or(Allows::Unknown, |x| Allows::Range(None, Some((x, true)))),
        Op::Lte => one().map_or(Allows::Unknown, |x| Allows::Range(None, Some((x, false)))),
        _ => Allows::Unknown,
    }
}

/// Whether a value passes a range.
fn in_range(x: f64, lo: Option<(f64, bool)>, hi: Option<(f64, bool)>) -> bool {
    let above = lo.is_none_or(|(l, open)| if open { x > l } else { x >= l });
    let below = hi.is_none_or(|(h, open)| if open { x < h } else { x <= h });
    above && below
}

/// Whether two include conditions on the same attribute can both hold.
fn compatible(a: &Allows, b: &Allows) -> bool {
    use Allows::*;
    match (a, b) {
        (Unknown, _) | (_, Unknown) => true,
        (Missing, Missing) => true,
        (Missing, NoneOf(_)) | (NoneOf(_), Missing) => true,
        (Missing, _) | (_, Missing) => false,
        (OneOf(x), OneOf(y)) => x.iter().any(|v| y.contains(v)),
        (OneOf(x), NoneOf(y)) | (NoneOf(y), OneOf(x)) => x.iter().any(|v| !y.contains(v)),
        (OneOf(x), Range(lo, hi)) | (Range(lo, hi), OneOf(x)) => x
            .iter()
            .any(|v| number(v).is_none_or(|n| in_range(n, *lo, *hi))),
        (Range(l1, h1), Range(l2, h2)) => {
            // The tighter of each bound.
            let lo = tighter(*l1, *l2, true);
            let hi = tighter(*h1, *h2, false);
            match (lo, hi) {
                (Some((l, lo_open)), Some((h, hi_open))) => {
                    l < h || (l == h && !lo_open && !hi_open)
                }
                _ => true,
            }
        }
        _ => true,
    }
}

fn tighter(a: Option<(f64, bool)>, b: Option<(f64, bool)>, low: bool) -> Option<(f64, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => {
            let pick_x = if x.0 == y.0 {
                x.1 // the open bound is tighter
            } else if low {
                x.0 > y.0
            } else {
                x.0 < y.0
            };
            Some(if pick_x { x } else { y })
        }
    }
}

/// Whether everyone the include condition allows is removed by the
/// exclude condition.
fn excluded_entirely(inc: &Condition, exc: &Condition) -> bool {
    if same(inc, exc) {
        return true;
    }
    match (allows(inc), allows(exc)) {
        (Allows::Unknown, _) | (_, Allows::Unknown) => false,
        (Allows::Missing, _) => false,
        (_, Allows::Exists) => true,
        (Allows::OneOf(x), Allows::OneOf(y)) => x.iter().all(|v| y.contains(v)),
        _ => false,
    }
}

/// Two conditions written the same way (values compared as sets).
fn same(a: &Condition, b: &Condition) -> bool {
    let sorted = |c: &Condition| {
        let mut v: Vec<String> = c
            .values()
            .iter()
            .map(|v| v.value.trim().to_string())
            .collect();
        v.sort();
        v
    };
    match (&a.kind, &b.kind) {
        (
            ConditionKind::Attribute {
                name: n1, op: o1, ..
            },
            ConditionKind::Attribute {
                name: n2, op: o2, ..
            },
        ) => {
            n1.value == n2.value
                && o1.map(|o| o.value) == o2.map(|o| o.value)
                && o1.is_some()
                && sorted(a) == sorted(b)
        }
        (
            ConditionKind::Event {
                name: n1,
                within: w1,
                min_count: m1,
                filters: f1,
            },
            ConditionKind::Event {
                name: n2,
                within: w2,
                min_count: m2,
                filters: f2,
            },
        ) => {
            fn keys(f: &[(Spanned<&str>, &Node)]) -> Vec<String> {
                let mut k: Vec<String> = f.iter().map(|(k, _)| k.value.to_string()).collect();
                k.sort();
                k
            }
            n1.value == n2.value
                && w1.map(|w| w.value) == w2.map(|w| w.value)
                && m1.map_or(1, |m| m.value) == m2.map_or(1, |m| m.value)
                && keys(f1) == keys(f2)
                && sorted(a) == sorted(b)
        }
        _ => false,
    }
}

/// The condition as people read it: `age gt 40`, `tier in [gold, silver]`.
pub fn describe(c: &Condition) -> String {
    match &c.kind {
        ConditionKind::Attribute { name, op, .. } => {
            let op_name = op.map(|o| op_word(o.value)).unwrap_or("?");
            let vals: Vec<&str> = c.values().iter().map(|v| v.value).collect();
            match op.map(|o| o.value) {
                Some(Op::Exists) | Some(Op::NotExists) => format!("{} {op_name}", name.value),
                _ if vals.len() == 1 => format!("{} {op_name} {}", name.value, vals[0]),
                _ => format!("{} {op_name} [{}]", name.value, vals.join(", ")),
            }
        }
        ConditionKind::Event { name, .. } => format!("event {}", name.value),
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

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let include = c.include();
    'pairs: for (j, later) in include.iter().enumerate() {
        let ConditionKind::Attribute { name, .. } = &later.kind else {
            continue;
        };
        for earlier in &include[..j] {
            if earlier.name().value != name.value
                || !matches!(earlier.kind, ConditionKind::Attribute { .. })
            {
                continue;
            }
            if !compatible(&allows(earlier), &allows(later)) {
                ctx.report(
                    &SEGMENT_CONTRADICTION,
                    focus(later),
                    format!(
                        "`{}` and `{}` cannot both hold, so no one is in this segment",
                        describe(earlier),
                        describe(later)
                    ),
                    format!("{HELP_EMPTY}. Every include condition must hold at once: fix the values, or split the campaign in two"),
                )
                .related(focus(earlier), "this condition contradicts it");
                continue 'pairs;
            }
        }
    }
    for exc in c.exclude() {
        if let Some(inc) = include.iter().find(|inc| excluded_entirely(inc, exc)) {
            let what = if same(inc, exc) {
                format!("`{}` is both included and excluded", describe(inc))
            } else {
                format!(
                    "excluding `{}` removes everyone that `{}` includes",
                    describe(exc),
                    describe(inc)
                )
            };
            ctx.report(
                &SEGMENT_CONTRADICTION,
                focus(exc),
                format!("{what}, so no one is in this segment"),
                format!("{HELP_EMPTY}. Remove the exclusion, or change it to remove only part of the group"),
            )
            .related(focus(inc), "included here");
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
}
