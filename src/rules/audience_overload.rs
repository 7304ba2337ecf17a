use chrono::NaiveDateTime;

use crate::across::{and_more, groups, limit_others, Cross, Fingerprint, Place};
use crate::campaign::Channel;
use crate::rules::SettingDoc;
use crate::settings::Settings;

declare_rule! {
    /// ## What it does
    /// Puts every campaign of the run on one calendar and reports when the
    /// campaigns that reach the same people on the same channel send more
    /// than `max_per_channel` (default 3 in 7 days) to them. Campaigns reach
    /// the same people when they name the same `segment`, or when their
    /// include and exclude conditions are written the same way.
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
            let who = match &prints[inside[0]].segment {
                Some((s, _)) => format!("the `{s}` segment"),
                None => "the same audience".to_string(),
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
                    rule: &AUDIENCE_OVERLOAD,
                    at: i,
                    place: place(i),
                    message: format!(
                        "In the {} from {}, {who} would get {}{total} {} from {} campaigns: this one and {}; the limit is {} per channel",
                        if limit.per.minutes % 1440 == 0 {
                            crate::calendar::days_phrase(limit.per.minutes / 1440)
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

#[cfg(test)]
mod tests {
    use crate::rules::testing::{lint_many, BASE};

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
}
