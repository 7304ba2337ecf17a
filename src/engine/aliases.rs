//! Findings on values that YAML aliases repeat.
//!
//! An alias (`*name`) repeats the value its anchor (`&name`) marks. The YAML
//! tree holds a copy of that value at each alias, so a rule can find the same
//! problem at the anchor and again at every alias. A reader should see it
//! once: this module folds those findings into one, placed at the (first)
//! alias use, with a related label on the exact place inside the anchored
//! value, where the fix goes, and on the other uses.

use crate::input::source::Span;
use crate::input::yaml::AliasUse;
use crate::rules::context::Pending;

/// Where a finding sits relative to an anchored value that aliases repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    rule: &'static str,
    anchor: Span,
    /// The finding's span, when it lies inside the anchored value (`None`
    /// for a finding on a whole aliased scalar).
    inner: Option<Span>,
}

/// How many other uses of an alias a folded finding names as related places.
const NAMED_USES: usize = 8;

/// The aliases of a document, indexed: by where each `*name` is written,
/// and the anchored values with their nesting, so that each finding is
/// placed in logarithmic time however many aliases the file has.
struct Index<'a> {
    /// Alias uses sorted by where they are written (they never overlap).
    by_alias: Vec<&'a AliasUse>,
    /// The distinct anchored values, sorted by start (longer first on a
    /// tie), with the index of the innermost one holding each.
    anchors: Vec<(Span, Option<usize>)>,
    /// The uses of each anchored value, in file order.
    uses: std::collections::HashMap<Span, Vec<Span>>,
}

impl<'a> Index<'a> {
    fn new(aliases: &'a [AliasUse]) -> Index<'a> {
        let mut by_alias: Vec<&AliasUse> = aliases.iter().collect();
        by_alias.sort_by_key(|a| a.alias.start);
        let mut spans: Vec<Span> = aliases.iter().map(|a| a.anchor).collect();
        spans.sort_by(|x, y| x.start.cmp(&y.start).then(y.end.cmp(&x.end)));
        spans.dedup();
        // Anchored values nest or follow each other: a stack gives each its
        // innermost holder.
        let mut anchors: Vec<(Span, Option<usize>)> = Vec::with_capacity(spans.len());
        let mut stack: Vec<usize> = Vec::new();
        for (i, sp) in spans.iter().enumerate() {
            while stack.last().is_some_and(|&t| !spans[t].contains(*sp)) {
                stack.pop();
            }
            anchors.push((*sp, stack.last().copied()));
            stack.push(i);
        }
        let mut uses: std::collections::HashMap<Span, Vec<Span>> = Default::default();
        for a in aliases {
            uses.entry(a.anchor).or_default().push(a.alias);
        }
        for v in uses.values_mut() {
            v.sort_by_key(|s| s.start);
        }
        Index {
            by_alias,
            anchors,
            uses,
        }
    }

    /// The alias whose `*name` holds `span`.
    fn alias_at(&self, span: Span) -> Option<&AliasUse> {
        let i = self
            .by_alias
            .partition_point(|a| a.alias.start <= span.start);
        let a = self.by_alias.get(i.checked_sub(1)?)?;
        a.alias.contains(span).then_some(*a)
    }

    /// The innermost anchored value that holds `span`.
    fn anchor_holding(&self, span: Span) -> Option<Span> {
        let i = self.anchors.partition_point(|(a, _)| a.start <= span.start);
        let mut at = i.checked_sub(1);
        let mut steps = 0;
        while let Some(k) = at {
            steps += 1;
            let (a, parent) = self.anchors[k];
            if a.contains(span) {
                crate::work::add(steps);
                return Some(a);
            }
            // A sibling that ends before the span: its holder may hold it.
            at = parent;
        }
        crate::work::add(steps);
        None
    }
}

/// Folds findings repeated through aliases, keeping the others as they are.
pub fn fold(pending: Vec<Pending>, aliases: &[AliasUse]) -> Vec<Pending> {
    if aliases.is_empty() {
        return pending;
    }
    let index = Index::new(aliases);
    let key_of = |p: &Pending| -> Option<Key> {
        // On an alias itself: the copy of an aliased scalar is placed there.
        if let Some(a) = index.alias_at(p.span) {
            return Some(Key {
                rule: p.rule.code,
                anchor: a.anchor,
                inner: None,
            });
        }
        // Inside an anchored value that some alias repeats (the innermost).
        index.anchor_holding(p.span).map(|anchor| Key {
            rule: p.rule.code,
            anchor,
            inner: Some(p.span),
        })
    };
    /// The folded findings of one rule on one anchored value.
    #[derive(Default)]
    struct Group {
        /// The first folded finding (its index among the folded ones).
        first: Option<usize>,
        /// The one placed on a whole aliased scalar, if any.
        whole: Option<usize>,
        /// The others, by their place inside the anchored value.
        by_inner: std::collections::HashMap<Span, usize>,
    }
    let mut out: Vec<Pending> = Vec::with_capacity(pending.len());
    let mut folded: Vec<(Key, usize)> = Vec::new();
    let mut groups: std::collections::HashMap<(&'static str, Span), Group> = Default::default();
    for p in pending {
        crate::work::add(1);
        let Some(key) = key_of(&p) else {
            out.push(p);
            continue;
        };
        // A finding at an alias (a copied scalar, where only the alias can be
        // pointed at) is the same problem as one of the same rule anywhere
        // inside the anchored value; keep the more precise place.
        let g = groups.entry((key.rule, key.anchor)).or_default();
        let same = match key.inner {
            None => g.first,
            Some(inner) => g.by_inner.get(&inner).copied().or(g.whole),
        };
        if let Some(f) = same {
            let k = &mut folded[f].0;
            k.inner = k.inner.or(key.inner);
            if let Some(inner) = key.inner {
                g.by_inner.insert(inner, f);
            }
            continue; // reported once, below
        }
        let f = folded.len();
        g.first.get_or_insert(f);
        match key.inner {
            None => g.whole = Some(f),
            Some(inner) => {
                g.by_inner.insert(inner, f);
            }
        }
        folded.push((key, out.len()));
        out.push(p);
    }
    for (key, at) in folded {
        let Some(uses) = index.uses.get(&key.anchor) else {
            continue;
        };
        let Some(&first) = uses.first() else { continue };
        let p = &mut out[at];
        let written = key.inner.unwrap_or(key.anchor);
        p.span = first;
        p.related.insert(
            0,
            (
                written,
                "written here, where the anchor (`&`) marks the value".into(),
            ),
        );
        let others = &uses[1..];
        for &other in others.iter().take(NAMED_USES) {
            p.related
                .push((other, "the same value is used here too (`*` alias)".into()));
        }
        if others.len() > NAMED_USES {
            let last = others[others.len() - 1];
            p.related.push((
                last,
                format!(
                    "and {} more uses of the same value, the last one here",
                    others.len() - NAMED_USES
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::unverified_data::UNVERIFIED_DATA;

    fn at(start: usize, end: usize) -> Pending {
        Pending {
            rule: &UNVERIFIED_DATA,
            severity: UNVERIFIED_DATA.severity,
            span: Span::new(start, end),
            message: "m".into(),
            help: "h".into(),
            related: Vec::new(),
            fix: None,
        }
    }

    #[test]
    fn a_finding_inside_an_anchor_moves_to_the_alias_once() {
        let aliases = [
            AliasUse {
                alias: Span::new(100, 105),
                anchor: Span::new(10, 50),
            },
            AliasUse {
                alias: Span::new(120, 125),
                anchor: Span::new(10, 50),
            },
        ];
        // The same finding from the original and from both copies.
        let out = fold(
            vec![at(20, 30), at(20, 30), at(20, 30), at(60, 70)],
            &aliases,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].span, Span::new(100, 105));
        let related: Vec<Span> = out[0].related.iter().map(|r| r.0).collect();
        assert_eq!(related, [Span::new(20, 30), Span::new(120, 125)]);
        assert_eq!(out[1].span, Span::new(60, 70), "others are untouched");
    }

    #[test]
    fn a_finding_on_an_aliased_scalar_is_reported_once() {
        let aliases = [AliasUse {
            alias: Span::new(100, 105),
            anchor: Span::new(10, 30),
        }];
        // At the anchored scalar, and at the alias (the copy's place).
        let out = fold(vec![at(10, 30), at(100, 105)], &aliases);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].span, Span::new(100, 105));
        assert_eq!(out[0].related[0].0, Span::new(10, 30));
    }

    #[test]
    fn no_aliases_no_change() {
        let out = fold(vec![at(1, 2)], &[]);
        assert_eq!(out[0].span, Span::new(1, 2));
        assert!(out[0].related.is_empty());
    }
}
