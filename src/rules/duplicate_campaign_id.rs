use std::collections::HashMap;

use crate::analysis::fingerprint::Fingerprint;
use crate::knowledge::settings::Settings;
use crate::rules::across::{and_more, name_others, Cross};

declare_rule! {
    /// ## What it does
    /// Reports campaigns in one run that share a `campaign` id, at each of
    /// them, with a label on the others. A campaign copied to start a new
    /// one, with the id left unchanged, is the usual cause. Campaigns read
    /// from a platform's export are left out: the platform gives each its
    /// own id, and their names may repeat.
    ///
    /// ## Why is this bad?
    /// Sending platforms, dashboards and preflight itself tell campaigns
    /// apart by id: a repeated id can overwrite the earlier campaign when
    /// published, merge two campaigns' results, and make an acknowledgement
    /// meant for one apply to the other.
    ///
    /// ## Example
    /// Two files, each with `campaign: spring-sale-2027`.
    ///
    /// ## Use instead
    /// Give the copy its own id, such as `spring-sale-2027-reminder`.
    ///
    /// ## Configuration
    /// None.
    pub static DUPLICATE_CAMPAIGN_ID = {
        code: "PF704",
        name: "duplicate-campaign-id",
        severity: Error,
        summary: "Two campaigns in the run share an id.",
        settings: &[],
    }
}

pub fn check(prints: &[Fingerprint], _settings: &Settings, out: &mut Vec<Cross>) {
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in prints.iter().enumerate().filter(|(_, p)| !p.exported) {
        if let Some(id) = &p.campaign {
            by_id.entry(id.as_str()).or_default().push(i);
        }
    }
    let mut groups: Vec<(&str, Vec<usize>)> =
        by_id.into_iter().filter(|(_, v)| v.len() > 1).collect();
    groups.sort_by_key(|(_, v)| v[0]);
    for (id, members) in groups {
        let first = prints[members[0]].name_at(&prints[members[0]].anchor);
        for &m in &members {
            let (others, hidden) =
                name_others(&members, members.len() - 1, m == members[0], |o| o != m);
            let names: Vec<String> = others
                .iter()
                .map(|&o| format!("{}:{}", prints[o].file, prints[o].anchor.start.line))
                .collect();
            out.push(Cross {
                rule: &DUPLICATE_CAMPAIGN_ID,
                at: m,
                place: prints[m].anchor,
                message: format!(
                    "The campaign id `{id}` is also used at {}: ids must be unique, or campaigns overwrite each other when published and their results mix",
                    and_more(&names, hidden, &first)
                ),
                help: "Give each campaign its own id, such as by adding the date or the purpose (`-reminder`)".into(),
                related: others
                    .iter()
                    .map(|&o| (o, prints[o].anchor, "the same id".to_string()))
                    .collect(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::analysis::fingerprint::Fingerprint;
    use crate::knowledge::settings::Settings;
    use crate::rules::across::testing::{place, print, shown, Rng};
    use crate::rules::across::{and_more, limit_others, Cross};
    use crate::rules::testing::{lint_many, BASE};
    use crate::work;

    /// The version this replaced, which listed every other member for
    /// every finding; kept to check that the output is unchanged.
    fn before(prints: &[Fingerprint], _settings: &Settings, out: &mut Vec<Cross>) {
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in prints.iter().enumerate() {
            if let Some(id) = &p.campaign {
                by_id.entry(id.as_str()).or_default().push(i);
            }
        }
        let mut groups: Vec<(&str, Vec<usize>)> =
            by_id.into_iter().filter(|(_, v)| v.len() > 1).collect();
        groups.sort_by_key(|(_, v)| v[0]);
        for (id, members) in groups {
            let first = prints[members[0]].name_at(&prints[members[0]].anchor);
            for &m in &members {
                let others: Vec<usize> = members.iter().copied().filter(|&o| o != m).collect();
                let (others, hidden) = limit_others(others, m == members[0]);
                let names: Vec<String> = others
                    .iter()
                    .map(|&o| format!("{}:{}", prints[o].file, prints[o].anchor.start.line))
                    .collect();
                out.push(Cross {
                    rule: &super::DUPLICATE_CAMPAIGN_ID,
                    at: m,
                    place: prints[m].anchor,
                    message: format!(
                        "The campaign id `{id}` is also used at {}: ids must be unique, or campaigns overwrite each other when published and their results mix",
                        and_more(&names, hidden, &first)
                    ),
                    help: "Give each campaign its own id, such as by adding the date or the purpose (`-reminder`)".into(),
                    related: others
                        .iter()
                        .map(|&o| (o, prints[o].anchor, "the same id".to_string()))
                        .collect(),
                });
            }
        }
    }

    #[test]
    fn the_findings_are_those_of_the_full_lists() {
        let mut rng = Rng(0x5eed_0704);
        for _ in 0..500 {
            let prints: Vec<Fingerprint> = (0..2 + rng.below(30) as usize)
                .map(|k| {
                    let mut p = print(&format!("f{k}.yaml"), &format!("c{}", rng.below(4)));
                    p.anchor = place(1 + rng.below(5) as usize, 2);
                    p
                })
                .collect();
            let (mut old, mut new) = (Vec::new(), Vec::new());
            before(&prints, &Settings::default(), &mut old);
            super::check(&prints, &Settings::default(), &mut new);
            assert_eq!(shown(&new), shown(&old));
        }
    }

    #[test]
    fn many_copies_of_one_id_take_linear_steps() {
        let run = |n: usize| {
            let prints: Vec<Fingerprint> = (0..n)
                .map(|k| print(&format!("f{k}.yaml"), "spring"))
                .collect();
            let mut out = Vec::new();
            let ((), steps) = work::count(|| super::check(&prints, &Settings::default(), &mut out));
            (out, steps)
        };
        let (small, small_steps) = run(2_000);
        let (large, large_steps) = run(4_000);
        assert!(
            work::at_most_doubled(small_steps, large_steps, 64),
            "{small_steps} then {large_steps}"
        );
        for (out, n) in [(&small, 2_000), (&large, 4_000)] {
            assert_eq!(out.len(), n);
            assert!(
                out[0].message.starts_with(
                    "The campaign id `spring` is also used at f1.yaml:1, f2.yaml:1, f3.yaml:1"
                ),
                "{}",
                &out[0].message[..200]
            );
            assert_eq!(out[0].related.len(), n - 1);
            assert!(out[1].message.starts_with(&format!(
                "The campaign id `spring` is also used at f0.yaml:1, f2.yaml:1, f3.yaml:1, f4.yaml:1, f5.yaml:1, f6.yaml:1, f7.yaml:1, f8.yaml:1 and {} more campaigns (the finding on `spring` (f0.yaml:1) names them all): ids must be unique",
                n - 9
            )), "{}", out[1].message);
            assert_eq!(out[1].related.len(), 8);
        }
    }

    #[test]
    fn both_places_are_shown() {
        let f = lint_many(
            &[("a.yaml", BASE), ("b.yaml", BASE)],
            "duplicate-campaign-id",
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].file, "a.yaml");
        assert!(
            f[0].message.contains("also used at b.yaml:1"),
            "{}",
            f[0].message
        );
        assert_eq!(f[1].related[0].file, "a.yaml");
        // Two documents of one file count too.
        let two = format!("{BASE}---\n{BASE}");
        assert_eq!(
            lint_many(&[("a.yaml", &two)], "duplicate-campaign-id").len(),
            2
        );
        let other = BASE.replace("spring-running-shoes", "other");
        assert!(lint_many(
            &[("a.yaml", BASE), ("b.yaml", &other)],
            "duplicate-campaign-id"
        )
        .is_empty());
    }
}
