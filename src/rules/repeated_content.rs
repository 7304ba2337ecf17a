use crate::across::{
    and_list, groups, limit_others, similarity, Cross, Fingerprint, TextKind, TextPrint,
    MINHASH_LEN,
};
use crate::rules::SettingDoc;
use crate::settings::Settings;

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
    use crate::rules::testing::{lint_many, BASE};

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
        let report = crate::run::run_texts(
            &[("a.yaml", BASE), ("b.yaml", &other)],
            &crate::lint::Options::new(crate::rules::testing::now()),
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
