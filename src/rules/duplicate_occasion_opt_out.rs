use chrono::{NaiveDateTime, TimeDelta};

use crate::analysis::fingerprint::{Fingerprint, Place};
use crate::knowledge::settings::Settings;
use crate::rules::across::{and_more, name_others, Cross, UnionFind};
use crate::rules::SettingDoc;
use crate::work;

declare_rule! {
    /// ## What it does
    /// Reports an occasion opt-out prompt ("Would you rather not hear about
    /// Father's Day? Opt out here") when another campaign of the run sends
    /// one for the same occasion in the same season: their `send_at` dates
    /// are within `season_length` (default 90 days) of each other. A prompt
    /// is copy that names an occasion (`checks/occasions.yaml`) and asks
    /// people to opt out (`checks/opt-out-prompts.yaml`).
    ///
    /// ## Why is this bad?
    /// The opt-out prompt is a kindness, but each extra one is another
    /// message about the day to the very people who find it painful. One
    /// prompt per occasion and season is enough; every campaign should then
    /// honour the answer.
    ///
    /// ## Example
    /// Two campaigns in May, both with:
    /// ```yaml
    /// body: "Would you rather not hear about Father's Day this year? Opt out here."
    /// ```
    ///
    /// ## Use instead
    /// Keep the prompt in one campaign, and have the others exclude the
    /// people who opted out.
    ///
    /// ## Configuration
    /// - `season_length` (default `90d`): sends of one occasion this close
    ///   together belong to the same season.
    pub static DUPLICATE_OCCASION_OPT_OUT = {
        code: "PF703",
        name: "duplicate-occasion-opt-out",
        severity: Advice,
        summary: "More than one campaign asks people to opt out of the same occasion in one season.",
        settings: &[SettingDoc {
            name: "season_length",
            default: "90d",
            about: "sends of one occasion this close together are one season",
        }],
    }
}

pub fn check(prints: &[Fingerprint], settings: &Settings, out: &mut Vec<Cross>) {
    // (fingerprint, occasion id, occasion label, place)
    let prompts: Vec<(usize, &str, &str, Place)> = prints
        .iter()
        .enumerate()
        .filter(|(_, p)| p.send_at.is_some())
        .flat_map(|(i, p)| {
            p.opt_out_prompts
                .iter()
                .map(move |(id, label, place)| (i, id.as_str(), label.as_str(), *place))
        })
        .collect();
    let season = settings.season_length.to_chrono();
    // Two prompts go together when they are for the same occasion, their
    // sends are at most a season apart, and they are not in one campaign.
    // The prompts of each occasion are sorted by send time and swept once
    // (see `join_seasons`), rather than compared pair by pair.
    let mut order: Vec<usize> = (0..prompts.len()).collect();
    order.sort_unstable_by_key(|&n| (prompts[n].1, prints[prompts[n].0].send_at, n));
    let mut sets = UnionFind::new(prompts.len());
    for run in order.chunk_by(|&a, &b| prompts[a].1 == prompts[b].1) {
        join_seasons(
            run,
            |n| {
                prints[prompts[n].0]
                    .send_at
                    .expect("prompts have a send_at")
            },
            |a, b| prints[prompts[a].0].same_campaign(&prints[prompts[b].0]),
            season,
            &mut sets,
        );
    }
    for group in sets.groups() {
        let first = prints[prompts[group[0]].0].name_at(&prompts[group[0]].3);
        for &m in &group {
            let (i, _, label, place) = prompts[m];
            let (others, hidden) = name_others(&group, group.len() - 1, m == group[0], |o| o != m);
            let names: Vec<String> = others
                .iter()
                .map(|&o| prints[prompts[o].0].name_at(&prompts[o].3))
                .collect();
            out.push(Cross {
                rule: &DUPLICATE_OCCASION_OPT_OUT,
                at: i,
                place,
                message: format!(
                    "This campaign asks people to opt out of {label} messages, and so does {} in the same season; each extra prompt is one more message about the day to the people who find it painful",
                    and_more(&names, hidden, &first)
                ),
                help: "Keep one opt-out prompt per occasion and season, and have every campaign exclude the people who opted out".into(),
                related: others
                    .iter()
                    .map(|&o| (prompts[o].0, prompts[o].3, "another opt-out prompt for this occasion".to_string()))
                    .collect(),
            });
        }
    }
}

/// Joins the items of `run` (sorted by `at`) that are at most `season`
/// apart and not `same` (one campaign), so that `sets` ends with the
/// connected parts of that "close and not the same campaign" relation,
/// in one sweep.
///
/// Each item `x` is joined with some of the earlier items at most a season
/// before it (the window), and the sweep keeps this true: every item is
/// joined with each earlier item in its window of another campaign. Then if
/// the window holds two campaigns, it is already all one set (each of its
/// items is joined with every later one of another campaign, and the
/// window's last item and the last one of another campaign than it are
/// joined), and one join with an item of another campaign than `x`'s
/// suffices: the window's last item, or else the last one of another
/// campaign than it. If the window holds one campaign, `x` is joined with
/// each of its items when that campaign is not `x`'s (an item is in such a
/// window at most once: `x` is in every later window that holds it), and
/// with none when it is.
fn join_seasons(
    run: &[usize],
    at: impl Fn(usize) -> NaiveDateTime,
    same: impl Fn(usize, usize) -> bool,
    season: TimeDelta,
    sets: &mut UnionFind,
) {
    // For each position, the latest earlier one of another campaign.
    let mut other_before: Vec<Option<usize>> = Vec::with_capacity(run.len());
    let mut lo = 0;
    for (j, &x) in run.iter().enumerate() {
        work::add(1);
        while at(x) - at(run[lo]) > season {
            work::add(1);
            lo += 1;
        }
        let Some(p) = j.checked_sub(1) else {
            other_before.push(None);
            continue;
        };
        let same_as_last = same(run[p], x);
        other_before.push(if same_as_last {
            other_before[p]
        } else {
            Some(p)
        });
        if lo == j {
            continue;
        }
        // The window is run[lo..j]; its last item is run[p].
        match other_before[p].filter(|&q| q >= lo) {
            Some(_) if !same_as_last => sets.join(x, run[p]),
            Some(q) => sets.join(x, run[q]),
            None if !same_as_last => {
                for &z in &run[lo..j] {
                    sets.join(x, z);
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::fingerprint::{Fingerprint, Place};
    use crate::knowledge::settings::Settings;
    use crate::model::calendar::Duration;
    use crate::rules::across::testing::{at, place, print, shown, Rng};
    use crate::rules::across::{and_more, groups, limit_others, Cross};
    use crate::rules::testing::{lint_many, BASE};
    use crate::work;

    /// The version this replaced, which compared every prompt with every
    /// other and listed every other member for every finding; kept to check
    /// that the output is unchanged.
    fn before(prints: &[Fingerprint], settings: &Settings, out: &mut Vec<Cross>) {
        // (fingerprint, occasion id, occasion label, place)
        let prompts: Vec<(usize, &str, &str, Place)> = prints
            .iter()
            .enumerate()
            .filter(|(_, p)| p.send_at.is_some())
            .flat_map(|(i, p)| {
                p.opt_out_prompts
                    .iter()
                    .map(move |(id, label, place)| (i, id.as_str(), label.as_str(), *place))
            })
            .collect();
        let season = settings.season_length.to_chrono();
        let mut pairs = Vec::new();
        for (a, x) in prompts.iter().enumerate() {
            for (b, y) in prompts.iter().enumerate().skip(a + 1) {
                let (sx, sy) = (prints[x.0].send_at, prints[y.0].send_at);
                let close = match (sx, sy) {
                    (Some(sx), Some(sy)) => (sx - sy).abs() <= season,
                    _ => false,
                };
                if x.1 == y.1 && close && !prints[x.0].same_campaign(&prints[y.0]) {
                    pairs.push((a, b));
                }
            }
        }
        for group in groups(prompts.len(), pairs) {
            let first = prints[prompts[group[0]].0].name_at(&prompts[group[0]].3);
            for &m in &group {
                let (i, _, label, place) = prompts[m];
                let others: Vec<usize> = group.iter().copied().filter(|&o| o != m).collect();
                let (others, hidden) = limit_others(others, m == group[0]);
                let names: Vec<String> = others
                    .iter()
                    .map(|&o| prints[prompts[o].0].name_at(&prompts[o].3))
                    .collect();
                out.push(Cross {
                    rule: &super::DUPLICATE_OCCASION_OPT_OUT,
                    at: i,
                    place,
                    message: format!(
                        "This campaign asks people to opt out of {label} messages, and so does {} in the same season; each extra prompt is one more message about the day to the people who find it painful",
                        and_more(&names, hidden, &first)
                    ),
                    help: "Keep one opt-out prompt per occasion and season, and have every campaign exclude the people who opted out".into(),
                    related: others
                        .iter()
                        .map(|&o| (prompts[o].0, prompts[o].3, "another opt-out prompt for this occasion".to_string()))
                        .collect(),
                });
            }
        }
    }

    #[test]
    fn the_sweep_joins_what_comparing_every_pair_joined() {
        let mut rng = Rng(0x5eed_0703);
        let mut found = 0;
        for _ in 0..3_000 {
            let n = 2 + rng.below(14) as usize;
            let prints: Vec<Fingerprint> = (0..n)
                .map(|k| {
                    let mut p = print(&format!("f{}.yaml", rng.below(3)), &format!("c{k}"));
                    // Now and then the same file and place as another one:
                    // the same campaign, as far as the rule can tell.
                    p.anchor = place(1 + rng.below(n as u64 + 2) as usize, 2);
                    p.send_at = (rng.below(8) != 0).then(|| at(1440 * rng.below(200) as i64));
                    for (o, label) in [
                        ("fathers-day", "Father's Day"),
                        ("mothers-day", "Mother's Day"),
                    ] {
                        if rng.below(3) != 0 {
                            let line = 100 * k + 10 + rng.below(5) as usize;
                            p.opt_out_prompts.push((
                                o.to_string(),
                                label.to_string(),
                                place(line, 4),
                            ));
                        }
                    }
                    p
                })
                .collect();
            let settings = Settings {
                season_length: Duration::days([0, 10, 30, 90][rng.below(4) as usize]),
                ..Settings::default()
            };
            let (mut old, mut new) = (Vec::new(), Vec::new());
            before(&prints, &settings, &mut old);
            super::check(&prints, &settings, &mut new);
            assert_eq!(shown(&new), shown(&old), "{prints:#?} {settings:?}");
            found += new.len();
        }
        assert!(found > 1_000, "{found}");
    }

    #[test]
    fn many_prompts_take_linear_steps() {
        // A prompt every day, so each one's season holds 180 others and the
        // seasons chain into one group.
        let run = |n: usize| {
            let prints: Vec<Fingerprint> = (0..n)
                .map(|k| {
                    let mut p = print(&format!("f{k}.yaml"), &format!("c{k}"));
                    p.send_at = Some(at(1440 * k as i64));
                    p.opt_out_prompts.push((
                        "fathers-day".to_string(),
                        "Father's Day".to_string(),
                        place(20, 12),
                    ));
                    p
                })
                .collect();
            let mut out = Vec::new();
            let ((), steps) = work::count(|| super::check(&prints, &Settings::default(), &mut out));
            (out, steps)
        };
        let (small, small_steps) = run(2_000);
        let (large, large_steps) = run(4_000);
        // The margin: the window's start moves a season's worth of prompts
        // (91) fewer times than there are prompts.
        assert!(
            work::at_most_doubled(small_steps, large_steps, 256),
            "{small_steps} then {large_steps}"
        );
        for (out, n) in [(&small, 2_000), (&large, 4_000)] {
            assert_eq!(out.len(), n);
            assert!(
                out[0].message.starts_with(
                    "This campaign asks people to opt out of Father's Day messages, and so does `c1` (f1.yaml:20), `c2` (f2.yaml:20), `c3`"
                ),
                "{}",
                &out[0].message[..200]
            );
            assert_eq!(out[0].related.len(), n - 1);
            assert!(out[1].message.starts_with(&format!(
                "This campaign asks people to opt out of Father's Day messages, and so does `c0` (f0.yaml:20), `c2` (f2.yaml:20), `c3` (f3.yaml:20), `c4` (f4.yaml:20), `c5` (f5.yaml:20), `c6` (f6.yaml:20), `c7` (f7.yaml:20), `c8` (f8.yaml:20) and {} more campaigns (the finding on `c0` (f0.yaml:20) names them all) in the same season",
                n - 9
            )), "{}", out[1].message);
        }
    }

    fn prompt(id: &str, send: &str) -> String {
        BASE.replace("spring-running-shoes", id)
            .replace("2027-04-10T09:00:00", send)
            .replace("New season, new shoes", &format!("Subject {id}"))
            .replace(
                "Our spring running range has landed.",
                "Would you rather not hear about Father's Day this year? Opt out here.",
            )
    }

    #[test]
    fn two_prompts_in_one_season() {
        let a = prompt("a", "2027-05-01T09:00:00");
        let b = prompt("b", "2027-05-20T09:00:00");
        let f = lint_many(
            &[("a.yaml", &a), ("b.yaml", &b)],
            "duplicate-occasion-opt-out",
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(
            f[0].message
                .contains("opt out of Father's Day messages, and so does `b` (b.yaml:"),
            "{}",
            f[0].message
        );
        assert_eq!(f[1].related[0].file, "a.yaml");
    }

    #[test]
    fn one_prompt_or_different_seasons_are_clean() {
        let a = prompt("a", "2027-05-01T09:00:00");
        let later = prompt("b", "2028-05-01T09:00:00");
        assert!(lint_many(
            &[("a.yaml", &a), ("b.yaml", &later)],
            "duplicate-occasion-opt-out"
        )
        .is_empty());
        // A mention of the occasion without a prompt is not a prompt.
        let plain = BASE
            .replace("spring-running-shoes", "b")
            .replace("New season, new shoes", "Father's Day gifts");
        assert!(lint_many(
            &[("a.yaml", &a), ("b.yaml", &plain)],
            "duplicate-occasion-opt-out"
        )
        .is_empty());
    }
}
