use chrono::NaiveDateTime;

use crate::analysis::fingerprint::{Fingerprint, Place};
use crate::knowledge::settings::Settings;
use crate::model::calendar::Rate;
use crate::model::campaign::Channel;
use crate::rules::across::{and_more, groups, name_others, Cross};
use crate::rules::SettingDoc;
use crate::work;

declare_rule! {
    /// ## What it does
    /// Puts every campaign of the run on one calendar and reports when the
    /// campaigns that reach the same people on the same channel send more
    /// than `max_per_channel` (default 3 in 7 days) to them. Campaigns reach
    /// the same people when they name the same `segment`, or when their
    /// include and exclude conditions mean the same, whatever their segment
    /// names: conditions are compared in any order, a group of one member
    /// is its member, a group inside a group of its kind joins it, several
    /// `eq` on one attribute in an `any_of` are one `in`, and values are
    /// compared as the contradiction check compares them (`Gold` is `gold`).
    ///
    /// A one-off send counts once. A campaign that runs over a period
    /// (`ends_at`, or retargeting) counts as many messages as its
    /// `frequency` cap allows in the window, or once when it has no cap (the
    /// message then says "at least"). Each campaign in the busiest window
    /// gets a finding that names the others.
    ///
    /// ## Why is this bad?
    /// Each campaign looks reasonable alone; together they bury the same
    /// people. Send-time platforms then skip messages silently, or the
    /// recipients unsubscribe from all of them.
    ///
    /// ## Example
    /// Four email campaigns to `segment: runners` between 2027-06-01 and
    /// 2027-06-06.
    ///
    /// ## Use instead
    /// Spread them out, merge them, or give some of them a narrower segment.
    ///
    /// ## Configuration
    /// - `max_per_channel` (default `3/7d`): the most messages one segment
    ///   may get on one channel, written `cap/per`.
    pub static AUDIENCE_OVERLOAD = {
        code: "PF702",
        name: "audience-overload",
        severity: Warning,
        summary: "Campaigns to the same segment on the same channel send more than 3 messages in 7 days, taken together.",
        settings: &[SettingDoc {
            name: "max_per_channel",
            default: "3/7d",
            about: "most messages one segment may get on one channel across campaigns",
        }],
    }
}

fn noun(ch: Channel) -> &'static str {
    match ch {
        Channel::Email => "emails",
        Channel::Sms => "texts",
        Channel::Push => "push notifications",
        Channel::Ad | Channel::Web => "messages",
    }
}

pub fn check(prints: &[Fingerprint], settings: &Settings, out: &mut Vec<Cross>) {
    let limit = settings.max_per_channel;
    // Campaigns that reach the same people, joined by segment or conditions.
    let eligible: Vec<usize> = (0..prints.len())
        .filter(|&i| {
            prints[i].send_at.is_some()
                && (prints[i].segment.is_some() || prints[i].audience.is_some())
        })
        .collect();
    let mut pairs = Vec::new();
    let mut by_segment: std::collections::HashMap<&str, usize> = Default::default();
    let mut by_audience: std::collections::HashMap<u64, usize> = Default::default();
    for (k, &i) in eligible.iter().enumerate() {
        if let Some((s, _)) = &prints[i].segment {
            if let Some(&first) = by_segment.get(s.as_str()) {
                pairs.push((first, k));
            } else {
                by_segment.insert(s, k);
            }
        }
        if let Some(a) = prints[i].audience {
            if let Some(&first) = by_audience.get(&a) {
                pairs.push((first, k));
            } else {
                by_audience.insert(a, k);
            }
        }
    }
    for group in groups(eligible.len(), pairs) {
        let members: Vec<usize> = group.iter().map(|&k| eligible[k]).collect();
        for ch in [Channel::Email, Channel::Sms, Channel::Push] {
            let on: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| prints[i].channels.contains(&ch))
                .collect();
            if on.len() < 2 {
                continue;
            }
            let Some((total, t, inside, at_least)) = busiest(prints, &on, limit) else {
                continue;
            };
            let place = |i: usize| -> Place {
                prints[i]
                    .segment
                    .as_ref()
                    .map(|(_, p)| *p)
                    .unwrap_or(prints[i].anchor)
            };
            // The segment's name when every campaign gives the same one; campaigns
            // joined by what their conditions mean may give others.
            let named = &prints[inside[0]].segment;
            let who = match named {
                Some((s, _))
                    if inside
                        .iter()
                        .all(|&o| prints[o].segment.as_ref().is_some_and(|(t, _)| t == s)) =>
                {
                    format!("the `{s}` segment")
                }
                _ => "the same audience".to_string(),
            };
            let first = prints[inside[0]].name_at(&place(inside[0]));
            for &i in &inside {
                let (others, hidden) =
                    name_others(&inside, inside.len() - 1, i == inside[0], |o| o != i);
                let names: Vec<String> = others
                    .iter()
                    .map(|&o| prints[o].name_at(&place(o)))
                    .collect();
                out.push(Cross {
                    rule: &AUDIENCE_OVERLOAD,
                    at: i,
                    place: place(i),
                    message: format!(
                        "In the {} from {}, {who} would get {}{total} {} from {} campaigns: this one and {}; the limit is {} per channel",
                        if limit.per.minutes % 1440 == 0 {
                            crate::model::calendar::days_phrase(limit.per.minutes / 1440)
                        } else {
                            limit.per.phrase()
                        },
                        t.date(),
                        if at_least { "at least " } else { "" },
                        noun(ch),
                        inside.len(),
                        and_more(&names, hidden, &first),
                        limit.phrase(),
                    ),
                    help: "Spread these campaigns out, merge some of them, or narrow their segments so each person gets fewer messages".into(),
                    related: others
                        .iter()
                        .map(|&o| (o, place(o), format!("also sends {} to these people", noun(ch))))
                        .collect(),
                });
            }
        }
    }
}

/// The busiest window of `limit.per` for the campaigns `on` (indices into
/// `prints`, in order, each with a `send_at`), when it holds more than
/// `limit.cap` messages: (messages, start, the campaigns in it in the order
/// of `on`, whether a campaign without a cap counts once, "at least").
///
/// A campaign counts in the window `[t, t + per)` when it starts before
/// `t + per` and its last send is at or after `t`. The busiest window starts
/// at some campaign's last send; of equally busy ones, the earliest is
/// taken. The campaigns are sorted once by start and by last send, and the
/// window swept over them with two pointers: each campaign enters once and
/// leaves once, so this takes n·log n for the sorting and n for the rest.
fn busiest(
    prints: &[Fingerprint],
    on: &[usize],
    limit: Rate,
) -> Option<(u64, NaiveDateTime, Vec<usize>, bool)> {
    let window = limit.per.to_chrono();
    let span_of = |i: usize| {
        let s = prints[i].send_at.expect("eligible");
        (s, prints[i].last_send.unwrap_or(s).max(s))
    };
    // How many messages a campaign counts for in a window, and whether that
    // is a lower bound.
    let weight = |i: usize| -> (u64, bool) {
        if prints[i].last_send.is_none() {
            (1, false)
        } else if let Some(f) = prints[i].frequency {
            let per = f.per.minutes.max(1);
            (
                f.cap
                    .saturating_mul((limit.per.minutes.max(1) as u64).div_ceil(per as u64)),
                false,
            )
        } else {
            (1, true)
        }
    };
    let mut by_start: Vec<(NaiveDateTime, usize)> = on.iter().map(|&i| (span_of(i).0, i)).collect();
    let mut by_end: Vec<(NaiveDateTime, usize)> = on.iter().map(|&i| (span_of(i).1, i)).collect();
    by_start.sort_unstable();
    by_end.sort_unstable();
    // The window's messages (wide, so that adding before removing cannot
    // overflow) and how many of its campaigns count "at least".
    let (mut total, mut open): (u128, usize) = (0, 0);
    let (mut entered, mut left) = (0, 0);
    let mut best: Option<(u128, NaiveDateTime, bool)> = None;
    let mut k = 0;
    while k < by_end.len() {
        let t = by_end[k].0;
        while k < by_end.len() && by_end[k].0 == t {
            work::add(1);
            k += 1;
        }
        // Every campaign that starts before the window ends has entered...
        while entered < by_start.len() && by_start[entered].0 < t + window {
            work::add(1);
            let (n, at_least) = weight(by_start[entered].1);
            total += u128::from(n);
            open += usize::from(at_least);
            entered += 1;
        }
        // ...and every one whose last send is before it starts has left
        // (it started before then too, so it had entered).
        while left < by_end.len() && by_end[left].0 < t {
            work::add(1);
            let (n, at_least) = weight(by_end[left].1);
            total -= u128::from(n);
            open -= usize::from(at_least);
            left += 1;
        }
        if total > u128::from(limit.cap) && best.is_none_or(|b| total > b.0) {
            best = Some((total, t, open > 0));
        }
    }
    let (total, t, at_least) = best?;
    let inside: Vec<usize> = on
        .iter()
        .copied()
        .filter(|&i| {
            work::add(1);
            let (s, e) = span_of(i);
            s < t + window && e >= t
        })
        .collect();
    Some((
        u64::try_from(total).unwrap_or(u64::MAX),
        t,
        inside,
        at_least,
    ))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use crate::analysis::fingerprint::{Fingerprint, Place};
    use crate::knowledge::settings::Settings;
    use crate::model::calendar::{Duration, Rate};
    use crate::model::campaign::Channel;
    use crate::rules::across::testing::{at, place, print, shown, Rng};
    use crate::rules::across::{and_more, groups, limit_others, Cross};
    use crate::rules::testing::{lint_many, BASE};
    use crate::work;

    use super::noun;

    /// The version this replaced, which tried every window start against
    /// every campaign and listed every other member for every finding; kept
    /// to check that the output is unchanged.
    fn before(prints: &[Fingerprint], settings: &Settings, out: &mut Vec<Cross>) {
        let limit = settings.max_per_channel;
        let window = limit.per.to_chrono();
        // Campaigns that reach the same people, joined by segment or conditions.
        let eligible: Vec<usize> = (0..prints.len())
            .filter(|&i| {
                prints[i].send_at.is_some()
                    && (prints[i].segment.is_some() || prints[i].audience.is_some())
            })
            .collect();
        let mut pairs = Vec::new();
        let mut by_segment: std::collections::HashMap<&str, usize> = Default::default();
        let mut by_audience: std::collections::HashMap<u64, usize> = Default::default();
        for (k, &i) in eligible.iter().enumerate() {
            if let Some((s, _)) = &prints[i].segment {
                if let Some(&first) = by_segment.get(s.as_str()) {
                    pairs.push((first, k));
                } else {
                    by_segment.insert(s, k);
                }
            }
            if let Some(a) = prints[i].audience {
                if let Some(&first) = by_audience.get(&a) {
                    pairs.push((first, k));
                } else {
                    by_audience.insert(a, k);
                }
            }
        }
        for group in groups(eligible.len(), pairs) {
            let members: Vec<usize> = group.iter().map(|&k| eligible[k]).collect();
            for ch in [Channel::Email, Channel::Sms, Channel::Push] {
                let on: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&i| prints[i].channels.contains(&ch))
                    .collect();
                if on.len() < 2 {
                    continue;
                }
                // The busiest window starts at some campaign's last send.
                let span_of = |i: usize| {
                    let s = prints[i].send_at.expect("eligible");
                    (s, prints[i].last_send.unwrap_or(s).max(s))
                };
                let mut best: Option<(u64, NaiveDateTime, Vec<usize>, bool)> = None;
                let mut starts: Vec<NaiveDateTime> = on.iter().map(|&i| span_of(i).1).collect();
                starts.sort();
                starts.dedup();
                for t in starts {
                    let mut total = 0;
                    let mut inside = Vec::new();
                    let mut at_least = false;
                    for &i in &on {
                        let (s, e) = span_of(i);
                        if s >= t + window || e < t {
                            continue;
                        }
                        let n = if prints[i].last_send.is_none() {
                            1
                        } else if let Some(f) = prints[i].frequency {
                            let per = f.per.minutes.max(1);
                            f.cap * (limit.per.minutes.max(1) as u64).div_ceil(per as u64)
                        } else {
                            at_least = true;
                            1
                        };
                        total += n;
                        inside.push(i);
                    }
                    if total > limit.cap && best.as_ref().is_none_or(|b| total > b.0) {
                        best = Some((total, t, inside, at_least));
                    }
                }
                let Some((total, t, inside, at_least)) = best else {
                    continue;
                };
                let place = |i: usize| -> Place {
                    prints[i]
                        .segment
                        .as_ref()
                        .map(|(_, p)| *p)
                        .unwrap_or(prints[i].anchor)
                };
                // The segment's name when every campaign gives the same one; campaigns
                // joined by what their conditions mean may give others.
                let named = &prints[inside[0]].segment;
                let who = match named {
                    Some((s, _))
                        if inside
                            .iter()
                            .all(|&o| prints[o].segment.as_ref().is_some_and(|(t, _)| t == s)) =>
                    {
                        format!("the `{s}` segment")
                    }
                    _ => "the same audience".to_string(),
                };
                let first = prints[inside[0]].name_at(&place(inside[0]));
                for &i in &inside {
                    let others: Vec<usize> = inside.iter().copied().filter(|&o| o != i).collect();
                    let (others, hidden) = limit_others(others, i == inside[0]);
                    let names: Vec<String> = others
                        .iter()
                        .map(|&o| prints[o].name_at(&place(o)))
                        .collect();
                    out.push(Cross {
                        rule: &super::AUDIENCE_OVERLOAD,
                        at: i,
                        place: place(i),
                        message: format!(
                            "In the {} from {}, {who} would get {}{total} {} from {} campaigns: this one and {}; the limit is {} per channel",
                            if limit.per.minutes % 1440 == 0 {
                                crate::model::calendar::days_phrase(limit.per.minutes / 1440)
                            } else {
                                limit.per.phrase()
                            },
                            t.date(),
                            if at_least { "at least " } else { "" },
                            noun(ch),
                            inside.len(),
                            and_more(&names, hidden, &first),
                            limit.phrase(),
                        ),
                        help: "Spread these campaigns out, merge some of them, or narrow their segments so each person gets fewer messages".into(),
                        related: others
                            .iter()
                            .map(|&o| (o, place(o), format!("also sends {} to these people", noun(ch))))
                            .collect(),
                    });
                }
            }
        }
    }

    fn random_run(rng: &mut Rng) -> (Vec<Fingerprint>, Settings) {
        let n = 2 + rng.below(10) as usize;
        let prints = (0..n)
            .map(|k| {
                let mut p = print(&format!("f{}.yaml", rng.below(3)), &format!("c{k}"));
                p.anchor = place(10 * k + 1, 2);
                p.segment = match rng.below(3) {
                    0 => None,
                    s => Some((format!("s{s}"), place(10 * k + 2, 2))),
                };
                p.audience = match rng.below(3) {
                    0 => None,
                    a => Some(a),
                };
                p.channels = [Channel::Email, Channel::Sms, Channel::Push]
                    .into_iter()
                    .filter(|_| rng.below(3) != 0)
                    .collect();
                // On a grid of 12 hours, so that windows often meet exactly.
                let send = at(720 * rng.below(24) as i64);
                p.send_at = (rng.below(8) != 0).then_some(send);
                p.last_send = match rng.below(4) {
                    0 | 1 => None,
                    2 => Some(send + chrono::Duration::minutes(720 * rng.below(20) as i64)),
                    // Before the send: it then counts from the send only.
                    _ => Some(send - chrono::Duration::minutes(720)),
                };
                p.frequency = (rng.below(2) == 0).then(|| {
                    Rate::new(
                        1 + rng.below(3),
                        Duration::hours(12 * (1 + rng.below(14) as i64)),
                    )
                });
                p
            })
            .collect();
        let per = [
            Duration::days(1),
            Duration::days(3),
            Duration::days(7),
            Duration::hours(36),
        ];
        let settings = Settings {
            max_per_channel: Rate::new(1 + rng.below(4), per[rng.below(4) as usize]),
            ..Settings::default()
        };
        (prints, settings)
    }

    #[test]
    fn the_sweep_finds_what_trying_every_window_found() {
        let mut rng = Rng(0x5eed_0702);
        let mut found = 0;
        for _ in 0..3_000 {
            let (prints, settings) = random_run(&mut rng);
            let (mut old, mut new) = (Vec::new(), Vec::new());
            before(&prints, &settings, &mut old);
            super::check(&prints, &settings, &mut new);
            assert_eq!(shown(&new), shown(&old), "{prints:#?} {settings:?}");
            found += new.len();
        }
        // The cases are not all clean.
        assert!(found > 1_000, "{found}");
    }

    #[test]
    fn the_busiest_window_takes_one_sweep() {
        // `n` campaigns a minute apart to one segment, every tenth running
        // on for a month without a cap: all in one window.
        let run = |n: usize| {
            let prints: Vec<Fingerprint> = (0..n)
                .map(|k| {
                    let mut p = print(&format!("f{k}.yaml"), &format!("c{k}"));
                    p.segment = Some(("runners".to_string(), place(9, 7)));
                    p.channels = vec![Channel::Email];
                    p.send_at = Some(at(k as i64));
                    if k % 10 == 5 {
                        p.last_send = Some(at(k as i64 + 30 * 1440));
                    }
                    p
                })
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
            assert!(out[0].message.starts_with(&format!(
                "In the 7 days from 2027-04-10, the `runners` segment would get at least {n} emails from {n} campaigns: this one and `c1` (f1.yaml:9), `c2` (f2.yaml:9)"
            )), "{}", &out[0].message[..300]);
            assert_eq!(out[0].related.len(), n - 1);
            assert!(out[1].message.contains(&format!(
                "this one and `c0` (f0.yaml:9), `c2` (f2.yaml:9), `c3` (f3.yaml:9), `c4` (f4.yaml:9), `c5` (f5.yaml:9), `c6` (f6.yaml:9), `c7` (f7.yaml:9), `c8` (f8.yaml:9) and {} more campaigns (the finding on `c0` (f0.yaml:9) names them all); the limit is",
                n - 9
            )), "{}", out[1].message);
            assert_eq!(out[1].related.len(), 8);
        }
    }

    fn on(day: u32, id: &str) -> String {
        BASE.replace("spring-running-shoes", id)
            .replace("2027-04-10T09:00:00", &format!("2027-04-{day:02}T09:00:00"))
            .replace("New season, new shoes", &format!("Subject {id}"))
            .replace(
                "Our spring running range has landed.",
                &format!("Body of {id}."),
            )
            .replace("Our spring range is here", &format!("Preheader {id}"))
    }

    #[test]
    fn four_sends_in_a_week_to_one_segment() {
        let files = [
            ("a.yaml", on(10, "a")),
            ("b.yaml", on(11, "b")),
            ("c.yaml", on(13, "c")),
            ("d.yaml", on(15, "d")),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let f = crate::rules::testing::lint_many(&refs, "audience-overload");
        assert_eq!(f.len(), 4, "{f:#?}");
        let m = &f[0].message;
        assert!(m.contains("In the 7 days from 2027-04-10"), "{m}");
        assert!(m.contains("would get 4 emails from 4 campaigns"), "{m}");
        assert!(
            m.contains("`b` (b.yaml:") && m.contains("`d` (d.yaml:"),
            "{m}"
        );
        assert_eq!(f[0].related.len(), 3);
    }

    #[test]
    fn a_capped_campaign_counts_its_cap() {
        let running = on(10, "a").replace(
            "  timezone: America/New_York\n",
            "  timezone: America/New_York\n  ends_at: 2027-04-30\n",
        ) + "frequency: {cap: 3, per: 7d}\n";
        let refs = [("a.yaml", running.as_str()), ("b.yaml", &on(20, "b"))];
        let f = lint_many(&refs, "audience-overload");
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f[0].message.contains("4 emails"), "{}", f[0].message);
    }

    #[test]
    fn spread_out_or_different_segments_are_clean() {
        let spread = [on(1, "a"), on(9, "b"), on(17, "c"), on(25, "d")];
        let refs: Vec<(&str, &str)> = ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
            .into_iter()
            .zip(spread.iter().map(String::as_str))
            .collect();
        assert!(lint_many(&refs, "audience-overload").is_empty());
        let other = |d, id: &str, seg: &str| {
            on(d, id)
                .replace("runners-who-opted-in", seg)
                .replace("value: running", &format!("value: {seg}"))
        };
        let refs = [
            ("a.yaml", on(10, "a")),
            ("b.yaml", other(11, "b", "walkers")),
            ("c.yaml", other(12, "c", "swimmers")),
            ("d.yaml", other(13, "d", "cyclists")),
        ];
        let refs: Vec<(&str, &str)> = refs.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert!(lint_many(&refs, "audience-overload").is_empty());
    }

    /// `on(day, id)` under its own segment name, with `include` items.
    fn audience(day: u32, id: &str, include: &str) -> String {
        on(day, id)
            .replace("runners-who-opted-in", &format!("segment-{id}"))
            .replace(
                "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n      where: {category: running}\n",
                include,
            )
    }

    fn tier(indent: usize, op: &str, value: &str) -> String {
        let pad = " ".repeat(indent);
        format!("{pad}- attribute: loyalty.tier\n{pad}  op: {op}\n{pad}  value: {value}\n")
    }

    fn runs(indent: usize) -> String {
        let pad = " ".repeat(indent);
        format!(
            "{pad}- event: order_placed\n{pad}  within: 90d\n{pad}  where: {{category: running}}\n"
        )
    }

    #[test]
    fn the_same_audience_by_meaning_under_other_names() {
        // Four ways of writing "gold or silver members who ordered running
        // gear in 90 days".
        let written = [
            format!("{}{}", tier(4, "in", "[gold, silver]"), runs(4)),
            format!(
                "{}    - any_of:\n{}{}",
                runs(4),
                tier(8, "eq", "Silver"),
                tier(8, "eq", "gold")
            ),
            format!(
                "    - all_of:\n        - any_of:\n{}        - all_of:\n{}",
                tier(12, "in", "[gold, silver]"),
                runs(12)
            ),
            format!(
                "    - any_of:\n{}        - any_of:\n{}{}",
                tier(8, "eq", "gold"),
                tier(12, "eq", "silver"),
                runs(4)
            ),
        ];
        let files: Vec<(String, String)> = written
            .iter()
            .enumerate()
            .map(|(i, inc)| {
                (
                    format!("f{i}.yaml"),
                    audience(10 + i as u32, &format!("c{i}"), inc),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let f = lint_many(&refs, "audience-overload");
        assert_eq!(f.len(), 4, "{f:#?}");
        assert!(
            f[0].message
                .contains("the same audience would get 4 emails from 4 campaigns"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn audiences_that_differ_are_not_merged() {
        let written = [
            format!("{}{}", tier(4, "in", "[gold, silver]"), runs(4)),
            // Gold only.
            format!("{}{}", tier(4, "eq", "gold"), runs(4)),
            // Gold and silver at once: an all_of, not an any_of.
            format!(
                "{}    - all_of:\n{}{}",
                runs(4),
                tier(8, "eq", "silver"),
                tier(8, "eq", "gold")
            ),
            // Either tier, or running gear: not both.
            format!(
                "    - any_of:\n{}{}",
                tier(8, "in", "[gold, silver]"),
                runs(8)
            ),
        ];
        let files: Vec<(String, String)> = written
            .iter()
            .enumerate()
            .map(|(i, inc)| {
                (
                    format!("f{i}.yaml"),
                    audience(10 + i as u32, &format!("c{i}"), inc),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        assert!(lint_many(&refs, "audience-overload").is_empty());
    }
}
