use crate::model::calendar::{age_between, age_phrase};
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports a data source whose last refresh (`refreshed_at`) plus its
    /// `max_age` (default 30 days) falls before the campaign's `send_at`: the
    /// message will go out on data older than the source allows. The message
    /// says how old the data will be at send time.
    ///
    /// ## Why is this bad?
    /// Offers that rest on months-old data reach people whose lives moved on:
    /// the baby offer after a loss, the "welcome to your new home" a year
    /// late, the discount on something already bought elsewhere.
    ///
    /// ## Example
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-06-10T09:00:00
    /// data_sources:
    ///   - name: crm
    ///     refreshed_at: 2027-03-01
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data_sources:
    ///   - name: crm
    ///     refreshed_at: 2027-06-01   # refresh before sending
    /// ```
    ///
    /// ## Configuration
    /// - `default_max_age` (default `30d`): the age limit for a source that
    ///   does not set its own `max_age`.
    pub static STALE_DATA = {
        code: "PF401",
        name: "stale-data",
        severity: Error,
        summary: "A data source will be older than its max_age (default 30 days) when the campaign sends.",
        settings: &[SettingDoc {
            name: "default_max_age",
            default: "30d",
            about: "age limit of a data source without its own max_age",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let Some(send) = c.schedule.send_at else {
        return;
    };
    for ds in &c.data_sources {
        let Some(refreshed) = ds.refreshed_at else {
            continue;
        };
        let max_age = ds
            .max_age
            .map(|m| m.value)
            .unwrap_or(ctx.settings.default_max_age);
        let age = age_between(refreshed.value, send.value);
        if age <= max_age.to_chrono() {
            continue;
        }
        let name = ds.name.map(|n| n.value).unwrap_or("this source");
        let old = age_phrase(age);
        let limit = match ds.max_age {
            Some(m) => format!("its `max_age` is {}", m.value.phrase()),
            None => format!("the limit is {}", ctx.settings.default_max_age.phrase()),
        };
        ctx.report(
            &STALE_DATA,
            refreshed.span,
            format!(
                "`{name}` was last refreshed on {}, so its data will be {old} old when this campaign sends on {} ({limit}).",
                refreshed.value.date(),
                send.value.date()
            ),
            "Refresh the source before sending and update `refreshed_at`, or move the send date earlier; if this data can safely be older, set a longer `max_age` on the source.",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "stale-data";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("refreshed_at: 2027-04-05", "refreshed_at: 2027-01-10"),
            RULE,
            "2027-01-10",
        );
        assert!(f[0].message.contains("90 days old"), "{}", f[0].message);
        assert!(
            f[0].message.contains("the limit is 30 days"),
            "{}",
            f[0].message
        );
        let own = BASE.replace(
            "refreshed_at: 2027-04-05",
            "refreshed_at: 2027-04-05\n    max_age: 2d",
        );
        let f = assert_fires(&own, RULE, "2027-04-05");
        assert!(
            f[0].message.contains("`max_age` is 2 days"),
            "{}",
            f[0].message
        );
        let hours = BASE.replace(
            "refreshed_at: 2027-04-09T23:00:00",
            "refreshed_at: 2027-04-09T23:00:00\n    max_age: 6h",
        );
        let f = assert_fires(&hours, RULE, "2027-04-09T23:00:00");
        assert!(f[0].message.contains("10 hours old"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE.replace("refreshed_at: 2027-04-05", "refreshed_at: 2027-03-11"),
            RULE,
        );
        let longer = BASE.replace(
            "refreshed_at: 2027-04-05",
            "refreshed_at: 2027-01-10\n    max_age: 120d",
        );
        assert_clean(&longer, RULE);
    }
}
