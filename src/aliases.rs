//! Findings on values that YAML aliases repeat.
//!
//! An alias (`*name`) repeats the value its anchor (`&name`) marks. The YAML
//! tree holds a copy of that value at each alias, so a rule can find the same
//! problem at the anchor and again at every alias. A reader should see it
//! once: this module folds those findings into one, placed at the (first)
//! alias use, with a related label on the exact place inside the anchored
//! value, where the fix goes, and on the other uses.

use crate::context::Pending;
use crate::source::Span;
use crate::yaml::AliasUse;

/// Where a finding sits relative to an anchored value that aliases repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    rule: &'static str,
    anchor: Span,
    /// The finding's span, when it lies inside the anchored value (`None`
    /// for a finding on a whole aliased scalar).
    inner: Option<Span>,
}

/// Folds findings repeated through aliases, keeping the others as they are.
pub fn fold(pending: Vec<Pending>, aliases: &[AliasUse]) -> Vec<Pending> {
    if aliases.is_empty() {
        return pending;
    }
    let key_of = |p: &Pending| -> Option<Key> {
        // On an alias itself: the copy of an aliased scalar is placed there.
        if let Some(a) = aliases.iter().find(|a| a.alias.contains(p.span)) {
            return Some(Key {
                rule: p.rule.code,
                anchor: a.anchor,
                inner: None,
            });
        }
        // Inside an anchored value that some alias repeats (the innermost).
        aliases
            .iter()
            .filter(|a| a.anchor.contains(p.span))
            .min_by_key(|a| a.anchor.end - a.anchor.start)
            .map(|a| Key {
                rule: p.rule.code,
                anchor: a.anchor,
                inner: Some(p.span),
            })
    };
    let mut out: Vec<Pending> = Vec::with_capacity(pending.len());
    let mut folded: Vec<(Key, usize)> = Vec::new();
    for p in pending {
        let Some(key) = key_of(&p) else {
            out.push(p);
            continue;
        };
        // A finding at an alias (a copied scalar, where only the alias can be
        // pointed at) is the same problem as one of the same rule anywhere
        // inside the anchored value; keep the more precise place.
        let same = |k: &Key| {
            k.rule == key.rule
                && k.anchor == key.anchor
                && (k.inner == key.inner || k.inner.is_none() || key.inner.is_none())
        };
        if let Some((k, _)) = folded.iter_mut().find(|(k, _)| same(k)) {
            k.inner = k.inner.or(key.inner);
            continue; // reported once, below
        }
        folded.push((key, out.len()));
        out.push(p);
    }
    for (key, at) in folded {
        let uses: Vec<Span> = aliases
            .iter()
            .filter(|a| a.anchor == key.anchor)
            .map(|a| a.alias)
            .collect();
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
        for &other in &uses[1..] {
            p.related
                .push((other, "the same value is used here too (`*` alias)".into()));
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
