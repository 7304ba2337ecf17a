use chrono::TimeZone;

use crate::knowledge::quiet_hours::QuietHours;
use crate::model::campaign::{Channel, Zone};
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports an SMS campaign whose send time falls outside the hours when
    /// marketing texts may be sent in the recipients' local time: by default
    /// 08:00–21:00 (the US TCPA), 08:00–20:00 in Florida, 08:00–22:00 in
    /// France and never on a Sunday or public holiday there. The windows are
    /// listed by region in `checks/quiet-hours.yaml` (a subdivision such as
    /// `US-FL` wins over its country).
    ///
    /// With `timezone: recipient` (or no timezone) the send time itself is
    /// the recipients' local time. With a fixed zone, the send time is
    /// converted to every time zone of the `region`: 09:00 in New York is
    /// 03:00 in Honolulu.
    ///
    /// ## Why is this bad?
    /// A text at 06:30 wakes people up. US law (the TCPA and state laws)
    /// allows damages per message sent outside the permitted hours, and
    /// several states set stricter windows than federal law.
    ///
    /// ## Example
    /// ```yaml
    /// region: US
    /// schedule:
    ///   send_at: 2027-06-10T09:00:00
    ///   timezone: America/New_York
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-06-10T14:00:00   # 08:00 in Honolulu
    ///   timezone: America/New_York
    /// ```
    /// Or send in each person's own time: `timezone: recipient`.
    ///
    /// ## Configuration
    /// The windows are `checks/quiet-hours.yaml`.
    pub static SMS_QUIET_HOURS = {
        code: "PF812",
        name: "sms-quiet-hours",
        severity: Error,
        summary: "An SMS goes out outside the permitted hours in the recipients' local time (TCPA 08:00–21:00; stricter in some regions).",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if !c.channels.iter().any(|ch| ch.value == Channel::Sms) {
        return;
    }
    let Some(send) = c.schedule.send_at.filter(|s| s.value.has_time) else {
        return;
    };
    let (region, window) = QuietHours::builtin().for_region(c.region.map(|r| r.value));
    // (the recipients' local time, where)
    let mut local: Vec<(chrono::NaiveDateTime, String)> = Vec::new();
    match c.schedule.timezone.map(|t| t.value) {
        None | Some(Zone::Recipient) => {
            local.push((send.value.at, "the recipients' local time".into()))
        }
        Some(Zone::Fixed(tz)) => {
            let Some(at) = tz.from_local_datetime(&send.value.at).earliest() else {
                return;
            };
            let zones = if window.zones.is_empty() {
                vec![tz]
            } else {
                window.zones.clone()
            };
            for z in zones {
                local.push((at.with_timezone(&z).naive_local(), z.name().to_string()));
            }
        }
    }
    for (t, place) in local {
        if let Err(why) = window.allows(t) {
            let region_said = if region == "default" {
                String::new()
            } else {
                format!(" in {region}")
            };
            let may = if region == "default" { "should" } else { "may" };
            let pending = ctx.report(
                &SMS_QUIET_HOURS,
                send.span,
                format!(
                    "This SMS would arrive at {} on {} in {place}, {why}: marketing texts{region_said} {may} go out only from {} to {} ({})",
                    t.format("%H:%M"),
                    t.date(),
                    window.from.format("%H:%M"),
                    window.to.format("%H:%M"),
                    window.law,
                ),
                "Move the send time into the allowed hours in every recipient time zone, or use `timezone: recipient` so each person gets it at the same local time",
            );
            if let Some(tz) = c.schedule.timezone {
                pending.related(tz.span, "sent in this time zone");
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sms-quiet-hours";

    fn sms(region: &str, send: &str, zone: &str) -> String {
        BASE.replace("channels: [email]", "channels: [email, sms]")
            .replace("region: US", &format!("region: {region}"))
            .replace("send_at: 2027-04-10T09:00:00", &format!("send_at: {send}"))
            .replace("timezone: America/New_York", &format!("timezone: {zone}"))
            .replace(
                "content:\n",
                "content:\n  sms:\n    body: \"Spring sale. Reply STOP to opt out\"\n",
            )
    }

    #[test]
    fn failing() {
        // 09:00 in New York is 03:00 in Honolulu.
        let f = assert_fires(
            &sms("US", "2027-04-10T09:00:00", "America/New_York"),
            RULE,
            "2027-04-10T09:00:00",
        );
        let m = &f[0].message;
        assert!(
            m.contains("at 03:00 on 2027-04-10 in Pacific/Honolulu"),
            "{m}"
        );
        assert!(
            m.contains("marketing texts in US may go out only from 08:00 to 21:00 (the TCPA)"),
            "{m}"
        );
        // Florida stops at 20:00.
        assert_fires(
            &sms("US-FL", "2027-04-10T20:30:00", "recipient"),
            RULE,
            "2027-04-10T20:30:00",
        );
        // France: not on a Sunday.
        let f = assert_fires(
            &sms("FR", "2027-04-11T10:00:00", "Europe/Paris"),
            RULE,
            "2027-04-11T10:00:00",
        );
        assert!(f[0].message.contains("on a Sunday"), "{}", f[0].message);
        // Recipient time before 08:00.
        assert_fires(
            &sms("GB", "2027-04-10T07:30:00", "recipient"),
            RULE,
            "2027-04-10T07:30:00",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        // 14:00 in New York is 08:00 in Honolulu.
        assert_clean(&sms("US", "2027-04-10T14:00:00", "America/New_York"), RULE);
        assert_clean(&sms("US", "2027-04-10T10:00:00", "recipient"), RULE);
        assert_clean(&sms("US", "2027-04-10T21:00:00", "recipient"), RULE);
        assert_clean(&sms("FR", "2027-04-12T10:00:00", "Europe/Paris"), RULE);
    }
}
