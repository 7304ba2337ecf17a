use chrono::{Datelike, NaiveDate};

use crate::analysis::wording::{copy, excerpt};
use crate::input::source::Span;
use crate::knowledge::world_calendar::{country, WorldCalendar};
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports copy that names a dated occasion (Mother's Day, Father's Day,
    /// Valentine's Day, Siblings Day) when the send does not fit the
    /// occasion's date in the campaign's `region`:
    /// - the occasion has already passed there (the send is nearer the last
    ///   occurrence than the next), such as Mother's Day copy sent to the UK
    ///   in May, after Mothering Sunday in March; or
    /// - the send is more than `lead_time` (default 42 days) before the
    ///   occasion there, but just before its date in another country, such as
    ///   Father's Day copy sent to Australia in June, on the US date, when
    ///   Australia celebrates in September.
    ///
    /// Dates per country are rules in `checks/calendar.yaml` ("second Sunday
    /// of May", "Easter - 21 days", "March 19"). Campaigns without a
    /// `region`, and countries the calendar does not list, are not checked.
    ///
    /// ## Why is this bad?
    /// An occasion campaign on the wrong date shows that the brand is not
    /// speaking to the reader's country, and a late one pushes gifts for a
    /// day that is over.
    ///
    /// ## Example
    /// ```yaml
    /// region: GB
    /// schedule:
    ///   send_at: 2027-05-02T09:00:00
    /// content:
    ///   email:
    ///     subject: "Spoil her this Mother's Day"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-02-20T09:00:00   # before Mothering Sunday, 2027-03-07
    /// ```
    ///
    /// ## Configuration
    /// - `lead_time` (default `42d`): how long before the occasion its
    ///   campaign may go out without looking mistimed.
    pub static OCCASION_DATE_MISMATCH = {
        code: "PF602",
        name: "occasion-date-mismatch",
        severity: Warning,
        summary: "The copy names a dated occasion that has passed, or that falls on another country's date, in the campaign's region.",
        settings: &[SettingDoc {
            name: "lead_time",
            default: "42d",
            about: "how long before an occasion its campaign may go out",
        }],
    }
}

/// The occurrences of a rule around `day`: the last one before it and the
/// next one on or after it.
fn around(
    rule: &crate::knowledge::world_calendar::DateRule,
    day: NaiveDate,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let dates: Vec<NaiveDate> = (day.year() - 1..=day.year() + 1)
        .filter_map(|y| rule.date_in(y))
        .collect();
    let prev = dates.iter().filter(|d| **d < day).max().copied();
    let next = dates.iter().filter(|d| **d >= day).min().copied();
    (prev, next)
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let (Some(send), Some(region)) = (c.schedule.send_at, c.region) else {
        return;
    };
    let cal = WorldCalendar::builtin();
    let lead = ctx.settings.lead_time.to_chrono();
    let here = country(region.value);
    let day = send.value.date();
    let lex = &ctx.checks.occasions;
    // The first mention of each occasion in the copy.
    let mut seen: Vec<(usize, Span, String)> = Vec::new();
    for w in copy(c) {
        for m in lex.find_all(&w.search) {
            if !seen.iter().any(|(e, _, _)| *e == m.entry) {
                let span = ctx.locate(w.node, w.value_range(m.range.clone()));
                seen.push((m.entry, span, excerpt(&w.text()[m.range.clone()])));
            }
        }
    }
    for (entry, span, quoted) in seen {
        let e = &lex.entries[entry];
        let Some((rule_text, rule)) = cal.rule_for(&e.id, here) else {
            continue;
        };
        let (prev, next) = around(rule, day);
        let Some(next) = next else { continue };
        if next - day <= lead {
            continue;
        }
        // Other countries whose date is just ahead of the send.
        let elsewhere: Vec<(String, NaiveDate)> = cal
            .occasion(&e.id)
            .iter()
            .filter(|(c, _, _)| c != here && c != "default")
            .filter_map(|(c, _, r)| {
                let (_, n) = around(r, day);
                n.filter(|n| *n - day <= lead && *n != next)
                    .map(|n| (c.clone(), n))
            })
            .collect();
        let also = match elsewhere.first() {
            Some((_, d)) => {
                let mut names: Vec<&str> = elsewhere
                    .iter()
                    .filter(|(_, x)| x == d)
                    .map(|(c, _)| c.as_str())
                    .collect();
                names.truncate(4);
                Some((names.join(", "), *d))
            }
            None => None,
        };
        let passed = prev.filter(|p| day - *p < next - day);
        let message = match (passed, &also) {
            (Some(p), _) => {
                let mut m = format!(
                    "The copy names {} (“{quoted}”), but in {here} it was on {p} ({rule_text}); this campaign sends on {day}, {} days after it",
                    e.display(),
                    (day - p).num_days()
                );
                if let Some((names, d)) = &also {
                    m.push_str(&format!(". It falls on {d} in {names}: is the copy meant for another country?"));
                }
                m
            }
            (None, Some((names, d))) => format!(
                "The copy names {} (“{quoted}”), which in {here} is on {next} ({rule_text}), but this campaign sends on {day}, just before the date in {names} ({d}): is the copy meant for another country?",
                e.display()
            ),
            (None, None) => continue,
        };
        ctx.report(
            &OCCASION_DATE_MISMATCH,
            span,
            message,
            format!(
                "Send it in the weeks before {next}, the date in {here}, or set `region` to the country the copy is written for"
            ),
        )
        .related(send.span, "sends here");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "occasion-date-mismatch";

    fn occasion(region: &str, send: &str, subject: &str) -> String {
        BASE.replace("region: US", &format!("region: {region}"))
            .replace("send_at: 2027-04-10T09:00:00", &format!("send_at: {send}"))
            .replace("New season, new shoes", subject)
    }

    #[test]
    fn failing() {
        // UK Mothering Sunday 2027 is March 7; US Mother's Day is May 9.
        let f = assert_fires(
            &occasion("GB", "2027-05-02T09:00:00", "Spoil her this Mother's Day"),
            RULE,
            "Mother's Day",
        );
        let m = &f[0].message;
        assert!(m.contains("in GB it was on 2027-03-07"), "{m}");
        assert!(m.contains("56 days after"), "{m}");
        assert!(m.contains("2027-05-09 in"), "{m}");
        // Australia celebrates Father's Day in September, the US in June.
        let f = assert_fires(
            &occasion("AU", "2027-06-10T09:00:00", "Father's Day gifts"),
            RULE,
            "Father's Day",
        );
        let m = &f[0].message;
        assert!(m.contains("in AU is on 2027-09-05"), "{m}");
        assert!(m.contains("US"), "{m}");
        // Valentine's Day a week late.
        assert_fires(
            &occasion("US", "2027-02-21T09:00:00", "Valentine's treats"),
            RULE,
            "Valentine's",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &occasion("US", "2027-04-28T09:00:00", "Mother's Day is coming"),
            RULE,
        );
        assert_clean(
            &occasion("GB", "2027-02-20T09:00:00", "Mothering Sunday"),
            RULE,
        );
        assert_clean(
            &occasion("AU", "2027-08-20T09:00:00", "Father's Day gifts"),
            RULE,
        );
        // An early Valentine's campaign for next year is not "after" it.
        assert_clean(
            &occasion("US", "2027-12-20T09:00:00", "Valentine's gift cards"),
            RULE,
        );
        // No region, or a country the calendar does not list.
        assert_clean(
            &occasion("US", "2027-05-20T09:00:00", "Father's Day").replace("region: US\n", ""),
            RULE,
        );
        assert_clean(&occasion("KR", "2027-05-20T09:00:00", "Father's Day"), RULE);
    }
}
