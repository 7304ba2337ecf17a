//! Property tests for audiences with `any_of` / `all_of` groups: random
//! trees of conditions are written as campaign files and checked by
//! preflight, random people are tested against them by brute force (an
//! evaluator of the documented meaning, written here independently of
//! preflight's own reasoning), and every claim the rules make is checked:
//!
//! - `segment-contradiction` says no one is in the audience ⇒ no person is;
//!   it says an option of an `any_of` lets no one in ⇒ at least that many
//!   options let no one in;
//! - equal normal forms (what `audience-overload` compares) ⇒ the same
//!   people are in both audiences; and rewriting an audience in ways that
//!   keep its meaning (order, groups of one, `in` as an `any_of` of `eq`,
//!   `not_in` as an `all_of` of `ne`, nested groups of one kind) keeps its
//!   normal form;
//! - `segment-too-broad` says one way in only filters by place ⇒ everyone
//!   in that place is in the audience, whatever else is true of them.
//!
//! Each property also counts the cases where the claim was made, so a
//! generator that never exercises it fails instead of passing in silence.

use chrono::NaiveDate;
use preflight::engine::lint::{check_file, Options};
use preflight::input::yaml::{parse, Budget};
use preflight::knowledge::checks::Checks;
use preflight::model::load::load;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

// ---------------------------------------------------------------------------
// Trees

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Text(&'static str),
    Num(f64, &'static str),
    Bool(bool),
}

impl Val {
    fn yaml(&self) -> String {
        match self {
            Val::Text(t) => t.to_string(),
            Val::Num(_, written) => written.to_string(),
            Val::Bool(b) => b.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    In,
    NotIn,
    Gt,
    Gte,
    Lt,
    Lte,
    Exists,
    NotExists,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::In => "in",
            Op::NotIn => "not_in",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Exists => "exists",
            Op::NotExists => "not_exists",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Leaf {
    attr: usize,
    op: Op,
    values: Vec<Val>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tree {
    Leaf(Leaf),
    Any(Vec<Tree>),
    All(Vec<Tree>),
}

/// The attributes: a text tier, a number, a flag, and a place.
const ATTRS: [&str; 4] = ["loyalty.tier", "profile.age", "vip", "profile.country"];
const TIER: usize = 0;
const AGE: usize = 1;
const VIP: usize = 2;
const COUNTRY: usize = 3;

fn tier_value() -> BoxedStrategy<Val> {
    prop_oneof![
        Just(Val::Text("gold")),
        Just(Val::Text("Gold")),
        Just(Val::Text("silver")),
        Just(Val::Text("bronze")),
    ]
    .boxed()
}

fn age_value() -> BoxedStrategy<Val> {
    prop_oneof![
        Just(Val::Num(1.0, "1")),
        Just(Val::Num(2.0, "2")),
        Just(Val::Num(2.0, "2.0")),
        Just(Val::Num(3.0, "3")),
        Just(Val::Num(4.0, "4")),
    ]
    .boxed()
}

fn list(v: impl Strategy<Value = Val>) -> impl Strategy<Value = Vec<Val>> {
    proptest::collection::vec(v, 1..=3)
}

fn leaf(place: bool) -> BoxedStrategy<Leaf> {
    let tier = prop_oneof![
        (
            prop_oneof![Just(Op::Eq), Just(Op::Ne)],
            tier_value().prop_map(|v| vec![v])
        ),
        (
            prop_oneof![Just(Op::In), Just(Op::NotIn)],
            list(tier_value())
        ),
        (
            prop_oneof![Just(Op::Exists), Just(Op::NotExists)],
            Just(Vec::new())
        ),
    ]
    .prop_map(|(op, values)| Leaf {
        attr: TIER,
        op,
        values,
    });
    let age = prop_oneof![
        (
            prop_oneof![
                Just(Op::Eq),
                Just(Op::Ne),
                Just(Op::Gt),
                Just(Op::Gte),
                Just(Op::Lt),
                Just(Op::Lte)
            ],
            age_value().prop_map(|v| vec![v])
        ),
        (
            prop_oneof![Just(Op::In), Just(Op::NotIn)],
            list(age_value())
        ),
        (Just(Op::Exists), Just(Vec::new())),
    ]
    .prop_map(|(op, values)| Leaf {
        attr: AGE,
        op,
        values,
    });
    let vip = prop_oneof![
        (
            prop_oneof![Just(Op::Eq), Just(Op::Ne)],
            prop_oneof![Just(Val::Bool(true)), Just(Val::Bool(false))].prop_map(|v| vec![v])
        ),
        (
            prop_oneof![Just(Op::Exists), Just(Op::NotExists)],
            Just(Vec::new())
        ),
    ]
    .prop_map(|(op, values)| Leaf {
        attr: VIP,
        op,
        values,
    });
    if place {
        // Place conditions that the United States always meets, so that a
        // way in made of them alone reaches everyone there.
        let country = prop_oneof![
            Just((Op::Eq, vec![Val::Text("US")])),
            Just((Op::In, vec![Val::Text("US"), Val::Text("CA")])),
            Just((Op::Ne, vec![Val::Text("FR")])),
            Just((Op::NotIn, vec![Val::Text("FR")])),
            Just((Op::Exists, Vec::new())),
        ]
        .prop_map(|(op, values)| Leaf {
            attr: COUNTRY,
            op,
            values,
        });
        prop_oneof![2 => country, 1 => tier, 1 => age, 1 => vip].boxed()
    } else {
        prop_oneof![2 => tier, 2 => age, 1 => vip].boxed()
    }
}

fn tree(place: bool) -> impl Strategy<Value = Tree> {
    leaf(place)
        .prop_map(Tree::Leaf)
        .prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..=3).prop_map(Tree::Any),
                proptest::collection::vec(inner, 1..=3).prop_map(Tree::All),
            ]
        })
}

/// An audience: its include items and its exclude items.
#[derive(Debug, Clone, PartialEq)]
struct Audience {
    include: Vec<Tree>,
    exclude: Vec<Tree>,
}

fn audience(place: bool, excludes: usize) -> impl Strategy<Value = Audience> {
    (
        proptest::collection::vec(tree(place), 1..=3),
        proptest::collection::vec(tree(place), 0..=excludes),
    )
        .prop_map(|(include, exclude)| Audience { include, exclude })
}

// ---------------------------------------------------------------------------
// Writing campaigns

fn items(trees: &[Tree], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for t in trees {
        match t {
            Tree::Leaf(l) => {
                out.push_str(&format!(
                    "{pad}- attribute: {}\n{pad}  op: {}\n",
                    ATTRS[l.attr],
                    l.op.name()
                ));
                match l.op {
                    Op::Exists | Op::NotExists => {}
                    Op::In | Op::NotIn => {
                        let vals: Vec<String> = l.values.iter().map(Val::yaml).collect();
                        out.push_str(&format!("{pad}  value: [{}]\n", vals.join(", ")));
                    }
                    _ => out.push_str(&format!("{pad}  value: {}\n", l.values[0].yaml())),
                }
            }
            Tree::Any(m) | Tree::All(m) => {
                let key = if matches!(t, Tree::Any(_)) {
                    "any_of"
                } else {
                    "all_of"
                };
                out.push_str(&format!("{pad}- {key}:\n"));
                items(m, indent + 4, out);
            }
        }
    }
}

fn campaign(a: &Audience, segment: &str) -> String {
    let mut s = format!(
        "campaign: c\nchannels: [email]\nschedule:\n  send_at: 2027-04-10T09:00:00\naudience:\n  segment: {segment}\n  include:\n"
    );
    items(&a.include, 4, &mut s);
    if !a.exclude.is_empty() {
        s.push_str("  exclude:\n");
        items(&a.exclude, 4, &mut s);
    }
    s
}

fn findings(text: &str) -> Vec<(&'static str, String)> {
    let opts = Options::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    check_file("c.yaml", text.as_bytes(), true, &opts, Checks::builtin())
        .findings
        .into_iter()
        .map(|f| (f.rule.name, f.message))
        .collect()
}

/// The warning for an audience with more ways in than the per-way checks
/// reason about (they skip it).
fn too_many_ways(message: &str) -> bool {
    message.starts_with("The `any_of` groups of this audience combine into too many ways")
}

fn normal_form(text: &str) -> Option<String> {
    let docs = parse(text, 0, Budget::default()).expect("generated YAML parses");
    let mut problems = Vec::new();
    let c = load(&docs[0].root, &mut problems, preflight::rules::metas());
    // (Too many ways in for the per-way checks is no matter here.)
    problems.retain(|p| !too_many_ways(&p.message));
    assert!(problems.is_empty(), "{problems:?}\n{text}");
    preflight::analysis::audience_tree::normal_form(c.audience.as_ref()?, text)
}

// ---------------------------------------------------------------------------
// People, and the meaning of conditions by brute force

#[derive(Debug, Clone, PartialEq)]
enum Has {
    Missing,
    Text(&'static str),
    Num(f64),
    Bool(bool),
}

/// Every person over the attributes' values: each attribute missing, one of
/// the values the conditions name, or one they do not (between and beyond
/// the numbers, text in a number attribute, another tier, another country).
fn people() -> Vec<[Has; 4]> {
    let tiers = [
        Has::Missing,
        Has::Text("gold"),
        Has::Text("silver"),
        Has::Text("bronze"),
        Has::Text("platinum"),
    ];
    let mut ages = vec![Has::Missing, Has::Text("unknown")];
    for k in 0..=10 {
        ages.push(Has::Num(f64::from(k) / 2.0));
    }
    let vips = [Has::Missing, Has::Bool(true), Has::Bool(false)];
    let countries = [
        Has::Missing,
        Has::Text("us"),
        Has::Text("ca"),
        Has::Text("fr"),
    ];
    let mut out = Vec::new();
    for t in &tiers {
        for a in &ages {
            for v in &vips {
                for c in &countries {
                    out.push([t.clone(), a.clone(), v.clone(), c.clone()]);
                }
            }
        }
    }
    out
}

fn same(has: &Has, v: &Val) -> bool {
    match (has, v) {
        (Has::Text(h), Val::Text(t)) => h.eq_ignore_ascii_case(t),
        (Has::Num(h), Val::Num(x, _)) => h == x,
        (Has::Bool(h), Val::Bool(b)) => h == b,
        _ => false,
    }
}

fn holds(l: &Leaf, p: &[Has; 4]) -> bool {
    let has = &p[l.attr];
    let present = *has != Has::Missing;
    let num = |f: fn(f64, f64) -> bool| match (has, &l.values[0]) {
        (Has::Num(h), Val::Num(x, _)) => f(*h, *x),
        _ => false,
    };
    match l.op {
        Op::Eq | Op::In => l.values.iter().any(|v| same(has, v)),
        Op::Ne | Op::NotIn => !l.values.iter().any(|v| same(has, v)),
        Op::Gt => num(|h, x| h > x),
        Op::Gte => num(|h, x| h >= x),
        Op::Lt => num(|h, x| h < x),
        Op::Lte => num(|h, x| h <= x),
        Op::Exists => present,
        Op::NotExists => !present,
    }
}

fn eval(t: &Tree, p: &[Has; 4]) -> bool {
    match t {
        Tree::Leaf(l) => holds(l, p),
        Tree::Any(m) => m.iter().any(|t| eval(t, p)),
        Tree::All(m) => m.iter().all(|t| eval(t, p)),
    }
}

fn included(a: &Audience, p: &[Has; 4]) -> bool {
    a.include.iter().all(|t| eval(t, p))
}

fn member(a: &Audience, p: &[Has; 4]) -> bool {
    included(a, p) && !a.exclude.iter().any(|t| eval(t, p))
}

// ---------------------------------------------------------------------------
// Rewrites that keep the meaning

/// Rewrites `t` keeping its meaning, with choices drawn from `pick`.
fn rewrite(t: &Tree, pick: &mut impl FnMut(usize) -> usize) -> Tree {
    match t {
        Tree::Leaf(l) => {
            let eqs = |op: Op| -> Vec<Tree> {
                l.values
                    .iter()
                    .map(|v| {
                        Tree::Leaf(Leaf {
                            attr: l.attr,
                            op,
                            values: vec![v.clone()],
                        })
                    })
                    .collect()
            };
            match (l.op, pick(4)) {
                // `in [a, b]` is `a` or `b`; `not_in [a, b]` is neither.
                (Op::In, 0) => Tree::Any(eqs(Op::Eq)),
                (Op::NotIn, 0) => Tree::All(eqs(Op::Ne)),
                // `eq a` is `in [a]`, `ne a` is `not_in [a]`.
                (Op::Eq, 0) => Tree::Leaf(Leaf {
                    op: Op::In,
                    ..l.clone()
                }),
                (Op::Ne, 0) => Tree::Leaf(Leaf {
                    op: Op::NotIn,
                    ..l.clone()
                }),
                // A group of one.
                (_, 1) => Tree::All(vec![t.clone()]),
                (_, 2) => Tree::Any(vec![t.clone()]),
                _ => t.clone(),
            }
        }
        Tree::Any(m) | Tree::All(m) => {
            let any = matches!(t, Tree::Any(_));
            let mut members: Vec<Tree> = m.iter().map(|x| rewrite(x, pick)).collect();
            // Another order.
            for i in (1..members.len()).rev() {
                let j = pick(i + 1);
                members.swap(i, j);
            }
            // Some members in a group of the same kind.
            if members.len() >= 2 && pick(3) == 0 {
                let tail = members.split_off(1);
                members.push(if any {
                    Tree::Any(tail)
                } else {
                    Tree::All(tail)
                });
            }
            let group = if any {
                Tree::Any(members)
            } else {
                Tree::All(members)
            };
            if pick(4) == 0 {
                Tree::All(vec![group])
            } else {
                group
            }
        }
    }
}

/// How many groups deep a tree is.
fn depth(t: &Tree) -> usize {
    match t {
        Tree::Leaf(_) => 0,
        Tree::Any(m) | Tree::All(m) => 1 + m.iter().map(depth).max().unwrap_or(0),
    }
}

fn rewrite_audience(a: &Audience, seed: u64) -> Audience {
    let mut state = seed | 1;
    let mut pick = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut include: Vec<Tree> = a.include.iter().map(|t| rewrite(t, &mut pick)).collect();
    let mut exclude: Vec<Tree> = a.exclude.iter().map(|t| rewrite(t, &mut pick)).collect();
    include.reverse();
    // The include list is an all_of, the exclude list an any_of.
    if include.len() >= 2 && pick(2) == 0 {
        let tail = include.split_off(1);
        include.push(Tree::All(tail));
    }
    if exclude.len() >= 2 && pick(2) == 0 {
        let tail = exclude.split_off(1);
        exclude.push(Tree::Any(tail));
    }
    Audience { include, exclude }
}

// ---------------------------------------------------------------------------
// The properties

/// A runner with a fixed seed, so that every run checks the same cases.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    TestRunner::new_with_rng(config, rng)
}

#[test]
fn an_audience_said_to_be_empty_has_no_one_in_it() {
    let everyone = people();
    let claimed = std::cell::Cell::new(0usize);
    runner(400)
        .run(&audience(false, 2), |a| {
            let text = campaign(&a, "s");
            let f = findings(&text);
            prop_assert!(
                !f.iter()
                    .any(|(r, m)| *r == "invalid-campaign" && !too_many_ways(m)),
                "{f:?}\n{text}"
            );
            // (A warning about one option that lets no one in is not a
            // claim about the audience.)
            if f.iter().any(|(r, m)| {
                *r == "segment-contradiction" && m.ends_with("so no one is in this segment.")
            }) {
                claimed.set(claimed.get() + 1);
                let someone = everyone.iter().find(|p| member(&a, p));
                prop_assert!(
                    someone.is_none(),
                    "said empty, but {someone:?} is in it\n{text}\n{f:?}"
                );
            }
            Ok(())
        })
        .unwrap();
    assert!(
        claimed.get() >= 40,
        "only {} empty audiences",
        claimed.get()
    );
}

#[test]
fn an_option_said_to_let_no_one_in_lets_no_one_in() {
    let everyone = people();
    let claimed = std::cell::Cell::new(0usize);
    runner(400)
        .run(&audience(false, 1), |a| {
            let text = campaign(&a, "s");
            let said = findings(&text)
                .iter()
                .filter(|(r, m)| {
                    *r == "segment-contradiction"
                        && m.starts_with("No one can get in through this option")
                })
                .count();
            if said == 0 {
                return Ok(());
            }
            claimed.set(claimed.get() + said);
            // The options of the include list's any_of items through which,
            // by brute force, no one gets in.
            let mut dead = 0;
            for (k, item) in a.include.iter().enumerate() {
                let Tree::Any(members) = item else { continue };
                if members.len() < 2 {
                    continue;
                }
                for m in members {
                    let mut alone = a.clone();
                    alone.include[k] = m.clone();
                    if !everyone.iter().any(|p| member(&alone, p)) {
                        dead += 1;
                    }
                }
            }
            prop_assert!(
                said <= dead,
                "{said} options said to let no one in, {dead} do\n{text}"
            );
            Ok(())
        })
        .unwrap();
    assert!(claimed.get() >= 10, "only {} closed options", claimed.get());
}

#[test]
fn rewriting_an_audience_keeps_its_normal_form_and_its_people() {
    let everyone = people();
    runner(300)
        .run(&(audience(false, 2), any::<u64>()), |(a, seed)| {
            let b = rewrite_audience(&a, seed);
            // Rewrites nest deeper; past the format's 8 levels the loader
            // refuses the tree (tests/hostile.rs and the loader's tests
            // check that).
            prop_assume!(b.include.iter().chain(&b.exclude).all(|t| depth(t) <= 8));
            let (ta, tb) = (campaign(&a, "one"), campaign(&b, "two"));
            for p in &everyone {
                prop_assert_eq!(member(&a, p), member(&b, p), "{:?}\n{}\n{}", p, ta, tb);
            }
            prop_assert_eq!(normal_form(&ta), normal_form(&tb), "\n{}\n{}", ta, tb);
            Ok(())
        })
        .unwrap();
}

#[test]
fn equal_normal_forms_let_in_the_same_people() {
    let everyone = people();
    let equal = std::cell::Cell::new(0usize);
    let differently_written = std::cell::Cell::new(0usize);
    // Small audiences from few conditions on one attribute, so that
    // different trees often mean the same.
    let tiny_leaf = || {
        let gold = || Val::Text("gold");
        prop_oneof![
            Just((Op::Eq, vec![gold()])),
            Just((Op::Eq, vec![Val::Text("Gold")])),
            Just((Op::In, vec![gold()])),
            Just((Op::Eq, vec![Val::Text("silver")])),
            Just((Op::In, vec![gold(), Val::Text("silver")])),
            Just((Op::Ne, vec![gold()])),
            Just((Op::NotIn, vec![gold()])),
        ]
        .prop_map(|(op, values)| {
            Tree::Leaf(Leaf {
                attr: TIER,
                op,
                values,
            })
        })
    };
    let tiny = move || {
        tiny_leaf().prop_recursive(2, 4, 2, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..=2).prop_map(Tree::Any),
                proptest::collection::vec(inner, 1..=2).prop_map(Tree::All),
            ]
        })
    };
    let small = move || {
        (
            proptest::collection::vec(tiny(), 1..=2),
            proptest::collection::vec(tiny(), 0..=1),
        )
            .prop_map(|(include, exclude)| Audience { include, exclude })
    };
    runner(1500)
        .run(&(small(), small()), |(a, b)| {
            let (ta, tb) = (campaign(&a, "one"), campaign(&b, "two"));
            if normal_form(&ta) == normal_form(&tb) {
                equal.set(equal.get() + 1);
                if a != b {
                    differently_written.set(differently_written.get() + 1);
                }
                for p in &everyone {
                    prop_assert_eq!(member(&a, p), member(&b, p), "{:?}\n{}\n{}", p, ta, tb);
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(
        differently_written.get() >= 10,
        "{} equal normal forms, {} of them written differently",
        equal.get(),
        differently_written.get()
    );
}

#[test]
fn an_audience_said_to_filter_only_by_place_reaches_everyone_there() {
    let everyone = people();
    let claimed = std::cell::Cell::new(0usize);
    runner(400)
        .run(&audience(true, 0), |a| {
            let text = campaign(&a, "s");
            let f = findings(&text);
            let broad = f
                .iter()
                .find(|(r, m)| *r == "segment-too-broad" && m.contains("only filters by place"));
            if let Some((_, message)) = broad {
                claimed.set(claimed.get() + 1);
                // Everyone in the United States, whatever else is true of them.
                let left_out = everyone
                    .iter()
                    .find(|p| p[COUNTRY] == Has::Text("us") && !included(&a, p));
                prop_assert!(
                    left_out.is_none(),
                    "{message}\nbut {left_out:?} is not in it\n{text}"
                );
            }
            Ok(())
        })
        .unwrap();
    assert!(
        claimed.get() >= 25,
        "only {} broad audiences",
        claimed.get()
    );
}

/// Not a property, but the end of one: an `any_of` whose options are all
/// targeted is not reported as broad, and the brute force agrees that the
/// United States alone does not get in.
#[test]
fn a_targeted_any_of_is_not_broad() {
    let a = Audience {
        include: vec![
            Tree::Leaf(Leaf {
                attr: COUNTRY,
                op: Op::Eq,
                values: vec![Val::Text("US")],
            }),
            Tree::Any(vec![
                Tree::Leaf(Leaf {
                    attr: TIER,
                    op: Op::Eq,
                    values: vec![Val::Text("gold")],
                }),
                Tree::Leaf(Leaf {
                    attr: AGE,
                    op: Op::Gt,
                    values: vec![Val::Num(3.0, "3")],
                }),
            ]),
        ],
        exclude: Vec::new(),
    };
    let text = campaign(&a, "s");
    assert!(
        !findings(&text)
            .iter()
            .any(|(r, _)| *r == "segment-too-broad"),
        "{text}"
    );
    assert!(people()
        .iter()
        .any(|p| p[COUNTRY] == Has::Text("us") && !included(&a, p)));
}
