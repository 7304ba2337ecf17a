//! What an audience means, written one way: two audiences whose include and
//! exclude trees mean the same by their shape get the same normal form,
//! however they are written (used by `audience-overload` to find campaigns
//! that reach the same people under different segment names).
//!
//! The normal form is the tree after:
//! - reading each condition by meaning: values in the solver's canonical
//!   form ([`audience_solver::canonical_value`]: `Gold` is `gold`, `5.0` is
//!   `5`), `eq v` as `in [v]` and `ne v` as `not_in [v]`, an event's
//!   `where` filters in key order and its `min_count` 1 when not written;
//! - flattening: a group of one member is that member, and a group inside
//!   a group of its kind joins its parent (`include` is an `all_of`,
//!   `exclude` an `any_of`);
//! - merging `in` conditions on one attribute inside an `any_of` into one
//!   (`a in S` or `a in T` is `a in S ∪ T`), and `not_in` conditions on one
//!   attribute inside an `all_of` (`a not_in S` and `a not_in T` is
//!   `a not_in S ∪ T`; both hold when `a` is missing);
//! - removing repeated members and putting members in order.
//!
//! Every step keeps the set of people the audience lets in, so equal
//! normal forms mean the same people (`tests/audience_trees.rs` checks it
//! on random trees and people). The converse does not hold: audiences that
//! mean the same for reasons of logic beyond these steps (`age gt 3` or
//! `age lte 3`) may get different forms.

use std::collections::BTreeSet;

use crate::analysis::audience_solver::canonical_value;
use crate::input::yaml::Node;
use crate::model::campaign::{Audience, Condition, ConditionKind, GroupKind, Op, Term};

/// A normalised tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Norm {
    /// `attribute in values` (`positive`), or `attribute not_in values`.
    Set {
        attribute: String,
        positive: bool,
        values: BTreeSet<String>,
    },
    /// Any other condition, as canonical text.
    Atom(String),
    /// All of (`true`) or any of (`false`) the members, sorted, no repeats.
    Group(bool, Vec<Norm>),
}

impl Norm {
    fn write(&self, out: &mut String) {
        match self {
            Norm::Set {
                attribute,
                positive,
                values,
            } => {
                let op = if *positive { "in" } else { "not_in" };
                out.push_str(&format!("{attribute:?} {op} {values:?}"));
            }
            Norm::Atom(a) => out.push_str(a),
            Norm::Group(all, members) => {
                out.push_str(if *all { "all(" } else { "any(" });
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    m.write(out);
                }
                out.push(')');
            }
        }
    }
}

/// The normal form of an audience's include and exclude trees, as text;
/// `None` when it has no condition, or a group holds an item that could
/// not be read.
pub fn normal_form(audience: &Audience, text: &str) -> Option<String> {
    if audience.include.is_empty() && audience.exclude.is_empty() {
        return None;
    }
    let include = group(true, &audience.include_terms, &audience.include, text)?;
    let exclude = group(false, &audience.exclude_terms, &audience.exclude, text)?;
    let mut out = String::from("+");
    include.write(&mut out);
    out.push_str("\n-");
    exclude.write(&mut out);
    Some(out)
}

/// The normal form of the members `terms` under a group (`all`: an
/// `all_of`). A top-level item that could not be read is left out (as a
/// list without groups always did); one inside a group makes it unknown.
fn group(all: bool, terms: &[Term], conditions: &[Condition], text: &str) -> Option<Norm> {
    let mut members = Vec::with_capacity(terms.len());
    for t in terms {
        match t {
            Term::Unreadable => {}
            _ => members.push(term(t, conditions, text)?),
        }
    }
    Some(normalise(all, members))
}

fn term(t: &Term, conditions: &[Condition], text: &str) -> Option<Norm> {
    match t {
        Term::Leaf(i) => Some(leaf(conditions.get(*i)?, text)),
        Term::Unreadable => None,
        Term::Group { kind, members, .. } => {
            let all = *kind == GroupKind::AllOf;
            let mut out = Vec::with_capacity(members.len());
            for m in members {
                out.push(term(m, conditions, text)?);
            }
            Some(normalise(all, out))
        }
    }
}

/// Flattens, merges, removes repeats and sorts the members of a group.
fn normalise(all: bool, members: Vec<Norm>) -> Norm {
    let mut flat: Vec<Norm> = Vec::with_capacity(members.len());
    for m in members {
        match m {
            Norm::Group(kind, inner) if kind == all => flat.extend(inner),
            m => flat.push(m),
        }
    }
    // In an any_of, `in` sets on one attribute join; in an all_of,
    // `not_in` sets do.
    let merge_positive = !all;
    let mut merged: Vec<Norm> = Vec::with_capacity(flat.len());
    let mut by_attribute: std::collections::HashMap<String, usize> = Default::default();
    for m in flat {
        crate::work::add(1);
        match m {
            Norm::Set {
                attribute,
                positive,
                values,
            } if positive == merge_positive => match by_attribute.get(&attribute) {
                Some(&k) => {
                    if let Norm::Set { values: v, .. } = &mut merged[k] {
                        v.extend(values);
                    }
                }
                None => {
                    by_attribute.insert(attribute.clone(), merged.len());
                    merged.push(Norm::Set {
                        attribute,
                        positive,
                        values,
                    });
                }
            },
            m => merged.push(m),
        }
    }
    merged.sort();
    merged.dedup();
    if merged.len() == 1 {
        return merged.pop().expect("one member");
    }
    Norm::Group(all, merged)
}

/// A condition by meaning.
fn leaf(c: &Condition, text: &str) -> Norm {
    let raw = || {
        let written = text.get(c.span.range()).unwrap_or("");
        Norm::Atom(format!(
            "raw {:?}",
            written.split_whitespace().collect::<Vec<_>>().join(" ")
        ))
    };
    match &c.kind {
        ConditionKind::Attribute { name, op, value } => {
            let attribute = name.value.trim().to_string();
            let Some(op) = op.map(|o| o.value) else {
                return raw();
            };
            let values = |v: &Node| -> Option<BTreeSet<String>> {
                match v.as_seq() {
                    Some(items) if !items.is_empty() => items.iter().map(canonical_value).collect(),
                    Some(_) => None,
                    None => canonical_value(v).map(|x| BTreeSet::from([x])),
                }
            };
            match (op, value) {
                (Op::Exists | Op::NotExists, _) => {
                    Norm::Atom(format!("{attribute:?} {}", op_name(op)))
                }
                (Op::Eq | Op::In | Op::Ne | Op::NotIn, Some(v)) => match values(v) {
                    // `eq` and `ne` compare with one value (a list is
                    // not read); `in` and `not_in` with one or more.
                    Some(values) if matches!(op, Op::In | Op::NotIn) || v.as_seq().is_none() => {
                        Norm::Set {
                            attribute,
                            positive: matches!(op, Op::Eq | Op::In),
                            values,
                        }
                    }
                    _ => raw(),
                },
                // A substring test: without case, but spaces kept.
                (Op::Contains, Some(v)) => match v.scalar() {
                    Some(sc) => Norm::Atom(format!(
                        "{attribute:?} contains {:?}",
                        sc.text
                            .chars()
                            .flat_map(char::to_lowercase)
                            .collect::<String>()
                    )),
                    None => raw(),
                },
                (_, Some(v)) => match canonical_value(v) {
                    Some(x) => Norm::Atom(format!("{attribute:?} {} {x}", op_name(op))),
                    None => raw(),
                },
                (_, None) => raw(),
            }
        }
        ConditionKind::Event {
            name,
            within,
            min_count,
            filters,
        } => {
            let within = within.map_or("ever".to_string(), |w| w.value.minutes.to_string());
            let count = min_count.map_or(1, |m| m.value);
            let mut shown: Vec<String> = Vec::with_capacity(filters.len());
            for (k, v) in filters {
                let value = match v.as_seq() {
                    Some(items) => {
                        let set: BTreeSet<String> = items
                            .iter()
                            .map(|i| i.as_str().unwrap_or("").trim().to_string())
                            .collect();
                        format!("{set:?}")
                    }
                    None => format!("{:?}", v.as_str().unwrap_or("").trim()),
                };
                shown.push(format!("{:?}={value}", k.value.trim()));
            }
            shown.sort();
            // A window or count written but not read is not "ever" or "once".
            let written = text.get(c.span.range()).unwrap_or("");
            if (written.contains("within") && within == "ever")
                || (written.contains("min_count") && min_count.is_none())
            {
                return raw();
            }
            Norm::Atom(format!(
                "event {:?} within {within} count {count} where {}",
                name.value.trim(),
                shown.join(" ")
            ))
        }
    }
}

fn op_name(op: Op) -> &'static str {
    Op::NAMES
        .iter()
        .find(|(_, o)| *o == op)
        .map(|(n, _)| *n)
        .unwrap_or("?")
}
