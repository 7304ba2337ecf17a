//! Rules across the campaigns of a run: they read only the campaigns'
//! [`Fingerprint`]s and report at each place involved, with related labels
//! at the others.

use crate::analysis::fingerprint::{Fingerprint, Place};
use crate::knowledge::settings::Settings;
use crate::rules::diagnostic::{Finding, Related};
use crate::rules::RuleMeta;
use crate::work;

/// A finding of a cross-campaign rule, before it is placed in its file.
#[derive(Debug, Clone)]
pub struct Cross {
    pub rule: &'static RuleMeta,
    /// The fingerprint it belongs to, and where in that campaign.
    pub at: usize,
    pub place: Place,
    pub message: String,
    pub help: String,
    /// Other places involved: (fingerprint, place, label).
    pub related: Vec<(usize, Place, String)>,
}

impl Cross {
    pub fn into_finding(self, prints: &[Fingerprint]) -> Finding {
        let p = &prints[self.at];
        Finding {
            file: p.file_of(&self.place).to_string(),
            campaign: p.campaign.clone(),
            rule: self.rule,
            severity: self.rule.severity,
            message: crate::rule_meta::sentence(self.message),
            help: crate::rule_meta::sentence(self.help),
            span: self.place.span,
            start: self.place.start,
            end: self.place.end,
            related: self
                .related
                .into_iter()
                .map(|(i, place, message)| Related {
                    file: prints[i].file_of(&place).to_string(),
                    span: place.span,
                    start: place.start,
                    end: place.end,
                    message,
                })
                .collect(),
            fix: None,
        }
    }
}

/// Items joined pairwise (union-find with path halving; a root is always the
/// smallest index of its set).
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            work::add(1);
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Whether `a` and `b` are already joined.
    pub fn joined(&mut self, a: usize, b: usize) -> bool {
        self.root(a) == self.root(b)
    }

    /// Joins `a` and `b`.
    pub fn join(&mut self, a: usize, b: usize) {
        work::add(1);
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }

    /// The sets, each sorted, in order of their first member; single items
    /// are left out.
    pub fn groups(mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut out: Vec<Vec<usize>> = Vec::new();
        // The set of each root, by the root's index (a root is the smallest
        // member of its set, so it is met first).
        let mut slot_of_root = vec![usize::MAX; n];
        for i in 0..n {
            work::add(1);
            let r = self.root(i);
            if slot_of_root[r] == usize::MAX {
                slot_of_root[r] = out.len();
                out.push(Vec::new());
            }
            out[slot_of_root[r]].push(i);
        }
        out.retain(|g| g.len() > 1);
        out
    }
}

/// Groups of items joined pairwise (union-find), each sorted, in order of
/// their first member; single items are left out.
pub fn groups(n: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut sets = UnionFind::new(n);
    for (a, b) in pairs {
        sets.join(a, b);
    }
    sets.groups()
}

/// In a large group, the other members a finding names: all of them in the
/// group's first finding, at most this many in the others (which point to the
/// first), so that the output grows linearly with the group.
pub const NAMED_OTHERS: usize = 8;

/// The others to name in one finding of a group, and how many are left out,
/// from a list already built.
pub fn limit_others<T>(mut others: Vec<T>, is_first: bool) -> (Vec<T>, usize) {
    if is_first || others.len() <= NAMED_OTHERS {
        return (others, 0);
    }
    let hidden = others.len() - NAMED_OTHERS;
    others.truncate(NAMED_OTHERS);
    (others, hidden)
}

/// The others to name in one finding of a group, built at the size they are
/// shown: the members that `is_other` accepts (`total` of them in all), in
/// order; all of them in the group's first finding, at most
/// [`NAMED_OTHERS`] in the others. Returns them with how many are left out,
/// as [`limit_others`] would for the full list, but looks only at the
/// members it names (and those it skips before them).
pub fn name_others<T: Copy>(
    members: &[T],
    total: usize,
    is_first: bool,
    mut is_other: impl FnMut(T) -> bool,
) -> (Vec<T>, usize) {
    let shown = if is_first {
        total
    } else {
        total.min(NAMED_OTHERS)
    };
    let mut out = Vec::with_capacity(shown);
    for &m in members {
        if out.len() == shown {
            break;
        }
        work::add(1);
        if is_other(m) {
            out.push(m);
        }
    }
    debug_assert_eq!(
        out.len(),
        shown,
        "`total` counts the members `is_other` accepts"
    );
    let hidden = total - out.len();
    (out, hidden)
}

/// "a, b and c", or "a, b and 12 more (the finding on x names them all)".
pub fn and_more(names: &[String], hidden: usize, first: &str) -> String {
    if hidden == 0 {
        return and_list(names);
    }
    format!(
        "{} and {hidden} more campaigns (the finding on {first} names them all)",
        names.join(", ")
    )
}

/// Joins a list of names for a message: "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A cross-campaign finding placed in its campaign: the fingerprint's index,
/// the finding, and the reason of the campaign's acknowledgement of the rule,
/// if it has one.
pub type Placed = (usize, Finding, Option<String>);

/// Runs every cross-campaign rule.
pub fn check(prints: &[Fingerprint], settings: &Settings) -> Vec<Placed> {
    let mut out = Vec::new();
    for rule in crate::rules::ACROSS {
        rule(prints, settings, &mut out);
    }
    out.into_iter()
        .map(|c| {
            let ack = prints[c.at]
                .acknowledged
                .iter()
                .find(|(code, _)| *code == c.rule.code)
                .map(|(_, r)| r.clone());
            (c.at, c.into_finding(prints), ack)
        })
        .collect()
}

/// Small random numbers and printed findings, for the tests of the rules
/// across campaigns.
#[cfg(test)]
pub(crate) mod testing {
    use super::Cross;

    pub use crate::analysis::fingerprint::testing::{at, place, print};

    /// Small deterministic random numbers (xorshift).
    pub struct Rng(pub u64);

    impl Rng {
        /// A number in `0..n`.
        pub fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// Findings printed whole, to compare two versions of a rule.
    pub fn shown(out: &[Cross]) -> Vec<String> {
        out.iter().map(|c| format!("{c:?}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work;

    #[test]
    fn large_groups_name_a_few_others_except_in_the_first_finding() {
        let others: Vec<usize> = (0..20).collect();
        assert_eq!(limit_others(others.clone(), true).0.len(), 20);
        let (shown, hidden) = limit_others(others, false);
        assert_eq!((shown.len(), hidden), (NAMED_OTHERS, 12));
        let names: Vec<String> = vec!["`a`".into(), "`b`".into()];
        assert_eq!(and_more(&names, 0, "`x`"), "`a` and `b`");
        assert_eq!(
            and_more(&names, 3, "`x`"),
            "`a`, `b` and 3 more campaigns (the finding on `x` names them all)"
        );
    }

    #[test]
    fn groups_join_pairs() {
        assert_eq!(groups(5, [(3, 1), (1, 4)]), vec![vec![1, 3, 4]]);
        assert!(groups(3, []).is_empty());
    }

    #[test]
    fn naming_others_as_shown_is_limiting_the_full_list() {
        for n in [
            1,
            2,
            5,
            NAMED_OTHERS,
            NAMED_OTHERS + 1,
            NAMED_OTHERS + 2,
            30,
        ] {
            let members: Vec<usize> = (0..n).collect();
            for &m in &members {
                for first in [true, false] {
                    let full: Vec<usize> = members.iter().copied().filter(|&o| o != m).collect();
                    assert_eq!(
                        name_others(&members, n - 1, first, |o| o != m),
                        limit_others(full, first),
                        "{n} members, at {m}, first: {first}"
                    );
                }
            }
        }
    }

    #[test]
    fn grouping_is_linear() {
        let steps = |n: usize| {
            let pairs: Vec<(usize, usize)> = (1..n)
                .map(|k| if k % 2 == 0 { (k - 1, k) } else { (k, 0) })
                .collect();
            let (g, steps) = work::count(|| groups(n, pairs));
            assert_eq!(g.len(), 1);
            assert_eq!(g[0].len(), n);
            steps
        };
        let (small, large) = (steps(2_000), steps(4_000));
        assert!(
            work::at_most_doubled(small, large, 16),
            "{small} then {large}"
        );
    }
}
