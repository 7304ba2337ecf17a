use std::collections::HashMap;

use crate::analysis::fingerprint::{similarity, Fingerprint, TextKind, TextPrint, MINHASH_LEN};
use crate::knowledge::settings::Settings;
use crate::rules::across::{and_list, name_others, Cross, UnionFind};
use crate::rules::SettingDoc;
use crate::work;

declare_rule! {
    /// ## What it does
    /// Compares the copy of every campaign in the run and reports an email
    /// subject, push title or body (of the same channel) that another
    /// campaign repeats, after evening out case, spacing, punctuation and
    /// merge tokens (`{{ first_name }}` and `*|FNAME|*` count as the same).
    /// Near-duplicates count too: texts of 8 words or more whose 3-word
    /// sequences overlap by `min_similarity` (default 0.9, estimated with
    /// MinHash) or more.
    ///
    /// Each campaign involved gets a finding that names all the others, with
    /// a label on their copy.
    ///
    /// ## Why is this bad?
    /// People tire of the same message and stop opening; Mailchimp's own
    /// guidance is not to reuse subject lines, and mailbox providers treat
    /// repeated bulk content as a spam signal. A copied campaign that was
    /// never rewritten is also a common source of wrong dates and offers.
    ///
    /// ## Example
    /// Two files with:
    /// ```yaml
    /// content:
    ///   email:
    ///     subject: "Don't miss out: 20% off this week"
    /// ```
    ///
    /// ## Use instead
    /// Write each campaign its own subject line, or acknowledge the rule
    /// on a campaign that is meant to repeat (a receipt, a reminder series).
    ///
    /// ## Configuration
    /// - `min_similarity` (default `0.9`): how much of two texts' word
    ///   sequences must match for them to count as the same.
    pub static REPEATED_CONTENT = {
        code: "PF701",
        name: "repeated-content",
        severity: Warning,
        summary: "Two campaigns share the same (or nearly the same) subject line, push title or body.",
        settings: &[SettingDoc {
            name: "min_similarity",
            default: "0.9",
            about: "share of shared 3-word sequences from which two texts count as the same",
        }],
    }
}

/// Rows of the MinHash signature per band.
const BAND: usize = 4;

/// Buckets larger than this are compared link by link rather than pair by pair.
const FULL_COMPARE: usize = 64;

pub fn check(prints: &[Fingerprint], settings: &Settings, out: &mut Vec<Cross>) {
    let items: Vec<(usize, &TextPrint)> = prints
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.texts.iter().map(move |t| (i, t)))
        .collect();
    let mut sets = UnionFind::new(items.len());
    // Texts of one campaign never count against each other, nor do two
    // campaigns' copy taken from the same file (a shared template is
    // shared on purpose; its findings are shown once, in that file).
    let apart = |a: usize, b: usize| {
        !prints[items[a].0].same_campaign(&prints[items[b].0])
            && (items[a].1.from_file.is_none() || items[a].1.from_file != items[b].1.from_file)
    };
    // Exact copies: texts sorted by kind and normalised text; each run of
    // equal ones is a set of copies, joined link by link. (Sorting rather
    // than hashing keeps the memory small and the order the same from run
    // to run.)
    let mut by_text: Vec<(TextKind, u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(n, (_, t))| (t.kind, t.exact, n))
        .collect();
    by_text.sort_unstable();
    let mut representatives = Vec::new();
    for run in by_text.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        for w in run.windows(2) {
            work::add(1);
            if apart(w[0].2, w[1].2) {
                sets.join(w[0].2, w[1].2);
            }
        }
        representatives.push(run[0].2);
    }
    representatives.sort_unstable();
    drop(by_text);
    // Near copies: locality-sensitive hashing over the MinHash bands, one
    // band at a time; texts that agree on a whole band are compared, unless
    // they are joined already (which changes no group, and keeps neither a
    // list of pairs nor repeated comparisons).
    let near = |a: usize, b: usize| match (&items[a].1.minhash, &items[b].1.minhash) {
        (Some(x), Some(y)) => similarity(x, y) >= settings.min_similarity,
        _ => false,
    };
    let compare = |sets: &mut UnionFind, a: usize, b: usize| {
        work::add(1);
        if apart(a, b) && !sets.joined(a, b) && near(a, b) {
            sets.join(a, b);
        }
    };
    let mut keyed: Vec<(TextKind, [u16; BAND], usize)> = Vec::with_capacity(representatives.len());
    for band in 0..MINHASH_LEN / BAND {
        keyed.clear();
        for &n in &representatives {
            if let Some(sig) = &items[n].1.minhash {
                let mut key = [0; BAND];
                key.copy_from_slice(&sig[band * BAND..(band + 1) * BAND]);
                keyed.push((items[n].1.kind, key, n));
            }
        }
        keyed.sort_unstable();
        for run in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            if run.len() <= FULL_COMPARE {
                for (k, a) in run.iter().enumerate() {
                    for b in &run[k + 1..] {
                        compare(&mut sets, a.2, b.2);
                    }
                }
            } else {
                for w in run.windows(2) {
                    compare(&mut sets, w[0].2, w[1].2);
                }
            }
        }
    }
    for group in sets.groups() {
        let first = prints[items[group[0]].0].name_at(&items[group[0]].1.place);
        // How many texts of the group each campaign has: a finding names
        // the texts of the other campaigns.
        let mut in_campaign: HashMap<_, usize> = HashMap::new();
        for &m in &group {
            work::add(1);
            *in_campaign
                .entry(prints[items[m].0].campaign_key())
                .or_default() += 1;
        }
        for &m in &group {
            let (pi, t) = items[m];
            let label = t.kind.label();
            let mut same = Vec::new();
            let mut nearly = Vec::new();
            let mut related = Vec::new();
            let total = group.len() - in_campaign[&prints[pi].campaign_key()];
            let (others, hidden) = name_others(&group, total, m == group[0], |o| {
                !prints[items[o].0].same_campaign(&prints[pi])
            });
            for o in others {
                let (oi, ot) = items[o];
                let name = prints[oi].name_at(&ot.place);
                if ot.exact == t.exact {
                    same.push(name);
                    related.push((oi, ot.place, format!("the same {label}")));
                } else {
                    nearly.push(name);
                    related.push((oi, ot.place, format!("a nearly identical {label}")));
                }
            }
            if related.is_empty() {
                continue;
            }
            let mut parts = Vec::new();
            if !same.is_empty() {
                parts.push(format!("the same as in {}", and_list(&same)));
            }
            if !nearly.is_empty() {
                parts.push(format!("nearly the same as in {}", and_list(&nearly)));
            }
            if hidden > 0 {
                parts.push(format!(
                    "in {hidden} more campaigns (the finding on {first} names them all)"
                ));
            }
            out.push(Cross {
                rule: &REPEATED_CONTENT,
                at: pi,
                place: t.place,
                message: format!("This {label} is {}", parts.join(", and ")),
                help: "Give each campaign its own copy: people stop opening messages they have seen before, and mailbox providers treat repeated bulk content as spam".into(),
                related,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::fingerprint::{similarity, Fingerprint, TextKind, TextPrint, MINHASH_LEN};
    use crate::knowledge::settings::Settings;
    use crate::model::campaign::Channel;
    use crate::rules::across::testing::{place, print, shown, Rng};
    use crate::rules::across::{and_list, groups, limit_others, Cross};
    use crate::rules::testing::{lint_many, BASE};
    use crate::work;

    use super::{BAND, FULL_COMPARE};

    /// The version this replaced, which kept every pair found and listed
    /// every other member for every finding; kept to check that the output
    /// is unchanged.
    fn before(prints: &[Fingerprint], settings: &Settings, out: &mut Vec<Cross>) {
        let items: Vec<(usize, &TextPrint)> = prints
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.texts.iter().map(move |t| (i, t)))
            .collect();
        let mut pairs = Vec::new();
        // Exact copies: texts sorted by kind and normalised text; each run of
        // equal ones is a set of copies. (Sorting rather than hashing keeps the
        // memory small and the order the same from run to run.)
        let mut by_text: Vec<(TextKind, u64, usize)> = items
            .iter()
            .enumerate()
            .map(|(n, (_, t))| (t.kind, t.exact, n))
            .collect();
        by_text.sort_unstable();
        let mut representatives = Vec::new();
        for run in by_text.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            pairs.extend(run.windows(2).map(|w| (w[0].2, w[1].2)));
            representatives.push(run[0].2);
        }
        representatives.sort_unstable();
        drop(by_text);
        // Near copies: locality-sensitive hashing over the MinHash bands, one
        // band at a time; texts that agree on a whole band are compared.
        let near = |a: usize, b: usize| match (&items[a].1.minhash, &items[b].1.minhash) {
            (Some(x), Some(y)) => similarity(x, y) >= settings.min_similarity,
            _ => false,
        };
        let mut keyed: Vec<(TextKind, [u16; BAND], usize)> =
            Vec::with_capacity(representatives.len());
        for band in 0..MINHASH_LEN / BAND {
            keyed.clear();
            for &n in &representatives {
                if let Some(sig) = &items[n].1.minhash {
                    let mut key = [0; BAND];
                    key.copy_from_slice(&sig[band * BAND..(band + 1) * BAND]);
                    keyed.push((items[n].1.kind, key, n));
                }
            }
            keyed.sort_unstable();
            for run in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
                if run.len() <= FULL_COMPARE {
                    for (k, a) in run.iter().enumerate() {
                        for b in &run[k + 1..] {
                            if near(a.2, b.2) {
                                pairs.push((a.2, b.2));
                            }
                        }
                    }
                } else {
                    for w in run.windows(2) {
                        if near(w[0].2, w[1].2) {
                            pairs.push((w[0].2, w[1].2));
                        }
                    }
                }
            }
        }
        // Texts of one campaign never count against each other.
        pairs.retain(|&(a, b)| !prints[items[a].0].same_campaign(&prints[items[b].0]));
        for group in groups(items.len(), pairs) {
            let first = prints[items[group[0]].0].name_at(&items[group[0]].1.place);
            for &m in &group {
                let (pi, t) = items[m];
                let label = t.kind.label();
                let mut same = Vec::new();
                let mut nearly = Vec::new();
                let mut related = Vec::new();
                let others: Vec<usize> = group
                    .iter()
                    .copied()
                    .filter(|&o| o != m && !prints[items[o].0].same_campaign(&prints[pi]))
                    .collect();
                let (others, hidden) = limit_others(others, m == group[0]);
                for o in others {
                    let (oi, ot) = items[o];
                    let name = prints[oi].name_at(&ot.place);
                    if ot.exact == t.exact {
                        same.push(name);
                        related.push((oi, ot.place, format!("the same {label}")));
                    } else {
                        nearly.push(name);
                        related.push((oi, ot.place, format!("a nearly identical {label}")));
                    }
                }
                if related.is_empty() {
                    continue;
                }
                let mut parts = Vec::new();
                if !same.is_empty() {
                    parts.push(format!("the same as in {}", and_list(&same)));
                }
                if !nearly.is_empty() {
                    parts.push(format!("nearly the same as in {}", and_list(&nearly)));
                }
                if hidden > 0 {
                    parts.push(format!(
                        "in {hidden} more campaigns (the finding on {first} names them all)"
                    ));
                }
                out.push(Cross {
                    rule: &super::REPEATED_CONTENT,
                    at: pi,
                    place: t.place,
                    message: format!("This {label} is {}", parts.join(", and ")),
                    help: "Give each campaign its own copy: people stop opening messages they have seen before, and mailbox providers treat repeated bulk content as spam".into(),
                    related,
                });
            }
        }
    }

    fn random_prints(rng: &mut Rng) -> Vec<Fingerprint> {
        let n = 2 + rng.below(10) as usize;
        let bases: Vec<[u16; MINHASH_LEN]> = (0..2)
            .map(|_| std::array::from_fn(|_| rng.below(1 << 16) as u16))
            .collect();
        (0..n)
            .map(|k| {
                let mut p = print(&format!("f{}.yaml", rng.below(3)), &format!("c{k}"));
                // Now and then the same file and place as another one: the
                // same campaign, as far as the rule can tell.
                p.anchor = place(1 + rng.below(n as u64 + 3) as usize, 2);
                p.texts = (0..rng.below(4))
                    .map(|t| {
                        let mut sig = bases[rng.below(2) as usize];
                        for _ in 0..rng.below(12) {
                            sig[rng.below(MINHASH_LEN as u64) as usize] = rng.below(1 << 16) as u16;
                        }
                        TextPrint {
                            kind: [TextKind::Subject, TextKind::Body(Channel::Email)]
                                [rng.below(2) as usize],
                            exact: rng.below(4),
                            minhash: (rng.below(4) != 0).then(|| Box::new(sig)),
                            place: place(100 * k + 10 * t as usize + 2, 5),
                            from_file: None,
                        }
                    })
                    .collect();
                p
            })
            .collect()
    }

    #[test]
    fn joining_as_found_groups_as_the_list_of_pairs_did() {
        let mut rng = Rng(0x5eed_0701);
        let settings = Settings::default();
        let mut found = 0;
        for _ in 0..3_000 {
            let prints = random_prints(&mut rng);
            let (mut old, mut new) = (Vec::new(), Vec::new());
            before(&prints, &settings, &mut old);
            super::check(&prints, &settings, &mut new);
            assert_eq!(shown(&new), shown(&old), "{prints:#?}");
            found += new.len();
        }
        assert!(found > 1_000, "{found}");
    }

    /// `n` campaigns with one text each, made by `text`; the rule's
    /// findings and the steps they took.
    fn run(n: usize, text: impl Fn(usize) -> TextPrint) -> (Vec<Cross>, u64) {
        let prints: Vec<Fingerprint> = (0..n)
            .map(|k| {
                let mut p = print(&format!("f{k}.yaml"), &format!("c{k}"));
                p.texts.push(text(k));
                p
            })
            .collect();
        let mut out = Vec::new();
        let ((), steps) = work::count(|| super::check(&prints, &Settings::default(), &mut out));
        (out, steps)
    }

    #[test]
    fn many_copies_of_one_subject_take_linear_steps() {
        let subject = |_| TextPrint {
            kind: TextKind::Subject,
            exact: 7,
            minhash: None,
            place: place(5, 10),
            from_file: None,
        };
        let (small, small_steps) = run(2_000, subject);
        let (large, large_steps) = run(4_000, subject);
        assert!(
            work::at_most_doubled(small_steps, large_steps, 64),
            "{small_steps} then {large_steps}"
        );
        for (out, n) in [(&small, 2_000), (&large, 4_000)] {
            assert_eq!(out.len(), n);
            assert!(
                out[0].message.starts_with(
                    "This email subject is the same as in `c1` (f1.yaml:5), `c2` (f2.yaml:5), `c3`"
                ),
                "{}",
                &out[0].message[..200]
            );
            assert_eq!(out[0].related.len(), n - 1);
            assert_eq!(
                out[1].message,
                format!(
                    "This email subject is the same as in `c0` (f0.yaml:5), `c2` (f2.yaml:5), `c3` (f3.yaml:5), `c4` (f4.yaml:5), `c5` (f5.yaml:5), `c6` (f6.yaml:5), `c7` (f7.yaml:5) and `c8` (f8.yaml:5), and in {} more campaigns (the finding on `c0` (f0.yaml:5) names them all)",
                    n - 9
                )
            );
        }
    }

    #[test]
    fn many_nearly_identical_bodies_take_linear_steps() {
        // Signatures as MinHash gives them for long bodies that differ in a
        // word or two: one or two of the 64 values differ from a shared one,
        // and bodies `2j` and `2j + 1` differ alike (so both ways of
        // comparing a bucket are taken).
        let mut rng = Rng(0x5eed_b0d7);
        let shared: [u16; MINHASH_LEN] = std::array::from_fn(|_| rng.below(1 << 16) as u16);
        let body = |k: usize| {
            let mut sig = shared;
            sig[k / 2 * 7 % MINHASH_LEN] = (k / 2) as u16;
            if k % 3 == 0 {
                sig[k * 11 % MINHASH_LEN] = (k + 20_000) as u16;
            }
            TextPrint {
                kind: TextKind::Body(Channel::Email),
                exact: k as u64,
                minhash: Some(Box::new(sig)),
                place: place(7, 40),
                from_file: None,
            }
        };
        let (small, small_steps) = run(2_000, body);
        let (large, large_steps) = run(4_000, body);
        // The margin: a few steps for each of the 16 bands.
        assert!(
            work::at_most_doubled(small_steps, large_steps, 256),
            "{small_steps} then {large_steps}"
        );
        for (out, n) in [(&small, 2_000), (&large, 4_000)] {
            assert_eq!(out.len(), n);
            assert!(
                out[0].message.starts_with(
                    "This email body is nearly the same as in `c1` (f1.yaml:7), `c2` (f2.yaml:7)"
                ),
                "{}",
                &out[0].message[..200]
            );
        }
    }

    #[test]
    fn same_subject_in_two_files_is_reported_at_both() {
        let other = BASE
            .replace("spring-running-shoes", "other-campaign")
            .replace(
                "Our spring running range has landed.",
                "Something else entirely.",
            );
        let f = lint_many(&[("a.yaml", BASE), ("b.yaml", &other)], "repeated-content");
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].file, "a.yaml");
        assert_eq!(f[1].file, "b.yaml");
        assert!(
            f[0].message
                .contains("email subject is the same as in `other-campaign` (b.yaml:"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 1);
        assert_eq!(f[0].related[0].file, "b.yaml");
    }

    #[test]
    fn an_acknowledgement_silences_one_side_and_is_counted() {
        let other = BASE
            .replace("spring-running-shoes", "other-campaign")
            .replace("Our spring running range has landed.", "Something else entirely.")
            + "acknowledge:\n  - rule: repeated-content\n    reason: a reminder that repeats on purpose\n";
        let report = crate::engine::run::run_texts(
            &[("a.yaml", BASE), ("b.yaml", &other)],
            &crate::engine::lint::Options::new(crate::rules::testing::now()),
        );
        let f: Vec<_> = report
            .findings()
            .filter(|f| f.rule.name == "repeated-content")
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].file, "a.yaml");
        assert_eq!(report.suppressed(), 1);
    }

    #[test]
    fn near_duplicate_bodies_and_token_spellings() {
        let body = "Our spring running range has landed, with new trail shoes for every runner and every distance this season. Come and try them on in store.";
        let a = BASE
            .replace("New season, new shoes", "First subject")
            .replace("Our spring running range has landed.", body);
        let b = a
            .replace("spring-running-shoes", "copy-two")
            .replace("First subject", "Second subject")
            .replace("in store.", "in store!")
            .replace(
                "{{ first_name | default: 'there' }}",
                "{{first_name|default:'friend'}}",
            );
        let f = lint_many(&[("a.yaml", &a), ("b.yaml", &b)], "repeated-content");
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(
            f[0].message.contains("email body is the same as in"),
            "{}",
            f[0].message
        );
        // One changed sentence in a long body is still nearly the same.
        let c = b.replace(
            "Come and try them on in store!",
            "Come and try them on in store today, please!",
        );
        let f = lint_many(&[("a.yaml", &a), ("c.yaml", &c)], "repeated-content");
        assert!(
            f.iter().all(|f| f.message.contains("nearly the same")),
            "{f:#?}"
        );
    }

    #[test]
    fn different_copy_and_one_campaign_alone_are_clean() {
        let other = BASE
            .replace("spring-running-shoes", "other")
            .replace("New season, new shoes", "Your order has shipped")
            .replace("Our spring running range has landed.", "It is on its way.")
            .replace("Our spring range is here", "Track it any time");
        assert!(lint_many(&[("a.yaml", BASE), ("b.yaml", &other)], "repeated-content").is_empty());
        assert!(lint_many(&[("a.yaml", BASE)], "repeated-content").is_empty());
    }
}
