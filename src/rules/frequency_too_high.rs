use crate::model::calendar::Rate;
use crate::model::campaign::Channel;
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports a `frequency` cap that allows more messages than the limit of
    /// one of the campaign's channels: by default email 1 a day, SMS 3 in 7
    /// days, push 2 a day. Rates are compared on average (a cap of 3 per 7
    /// days is under 1 a day). A campaign's cap counts all its messages, and
    /// any channel may carry them, so each channel's limit applies. Ads and
    /// web placements have no limit here.
    ///
    /// ## Why is this bad?
    /// People unsubscribe, mark mail as spam and turn notifications off when
    /// a brand writes too often; mailbox providers then send the rest to
    /// spam. Texts are the most intrusive: Florida limits marketing texts to
    /// 3 per 24 hours on one subject, and carriers filter senders that text
    /// too often.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [sms]
    /// frequency: {cap: 1, per: 1d}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// frequency: {cap: 2, per: 7d}
    /// ```
    ///
    /// ## Configuration
    /// - `email_max` (default `1/1d`), `sms_max` (default `3/7d`),
    ///   `push_max` (default `2/1d`): the most messages per person on each
    ///   channel, written `cap/per`.
    pub static FREQUENCY_TOO_HIGH = {
        code: "PF502",
        name: "frequency-too-high",
        severity: Warning,
        summary: "The `frequency` cap allows more messages than a channel's limit (email 1 a day, SMS 3 in 7 days, push 2 a day).",
        settings: &[
            SettingDoc { name: "email_max", default: "1/1d", about: "most emails per person" },
            SettingDoc { name: "sms_max", default: "3/7d", about: "most texts per person" },
            SettingDoc { name: "push_max", default: "2/1d", about: "most push notifications per person" },
        ],
    }
}

fn noun(ch: Channel, n: u64) -> &'static str {
    match (ch, n == 1) {
        (Channel::Email, true) => "email",
        (Channel::Email, false) => "emails",
        (Channel::Sms, true) => "text",
        (Channel::Sms, false) => "texts",
        (Channel::Push, true) => "push notification",
        (Channel::Push, false) => "push notifications",
        _ => "messages",
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let Some(f) = c.frequency else {
        return;
    };
    let (Some(cap), Some(per)) = (f.cap, f.per) else {
        return;
    };
    let rate = Rate::new(cap.value, per.value);
    let s = ctx.settings;
    for ch in &c.channels {
        let limit = match ch.value {
            Channel::Email => s.email_max,
            Channel::Sms => s.sms_max,
            Channel::Push => s.push_max,
            Channel::Ad | Channel::Web => continue,
        };
        if rate.per_day() <= limit.per_day() + 1e-9 {
            continue;
        }
        // What the cap allows over the limit's own window, said exactly:
        // a cap over a longer window lets all its messages come at once (10
        // a week can all arrive in one day), so it is never averaged down.
        let (cap_m, limit_m) = (per.value.minutes.max(1), limit.per.minutes.max(1));
        let allows = if cap_m == limit_m {
            format!(
                "up to {} {} {}",
                cap.value,
                noun(ch.value, cap.value),
                limit.per.per_phrase()
            )
        } else if cap_m < limit_m && limit_m % cap_m == 0 {
            let n = cap.value.saturating_mul((limit_m / cap_m) as u64);
            format!(
                "up to {n} {} {} (its cap is {})",
                noun(ch.value, n),
                limit.per.per_phrase(),
                rate.phrase()
            )
        } else if cap_m > limit_m {
            format!(
                "all {} {} of its cap ({}) within {}",
                cap.value,
                noun(ch.value, cap.value),
                rate.phrase(),
                limit.per.within_phrase()
            )
        } else {
            format!(
                "more than {} {} {} (its cap is {})",
                limit.cap,
                noun(ch.value, 2),
                limit.per.per_phrase(),
                rate.phrase()
            )
        };
        ctx.report(
            &FREQUENCY_TOO_HIGH,
            cap.span,
            format!(
                "This campaign may send one person {allows}; keep {} to {} per person",
                noun(ch.value, 2),
                limit.phrase()
            ),
            format!(
                "Lower the cap, for example `frequency: {{cap: {}, per: {}}}`",
                limit.cap, limit.per
            ),
        )
        .related(ch.span, "on this channel");
        return;
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "frequency-too-high";

    fn capped(channel: &str, cap: &str, per: &str) -> String {
        let yaml = format!("{BASE}frequency: {{cap: {cap}, per: {per}}}\n");
        match channel {
            "email" => yaml,
            "sms" => yaml
                .replace("channels: [email]", "channels: [email, sms]")
                .replace(
                    "content:\n",
                    "content:\n  sms:\n    body: New shoes. Reply STOP to opt out\n",
                ),
            _ => yaml
                .replace("channels: [email]", "channels: [email, push]")
                .replace(
                    "content:\n",
                    "content:\n  push:\n    title: New shoes\n    body: Spring\n",
                ),
        }
    }

    #[test]
    fn failing() {
        let f = assert_fires(&capped("email", "3", "1d"), RULE, "3");
        assert!(
            f[0].message.contains("up to 3 emails a day;"),
            "{}",
            f[0].message
        );
        let f = assert_fires(&capped("sms", "1", "1d"), RULE, "1");
        assert!(
            f[0].message.contains("up to 7 texts a week"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("3 a week"), "{}", f[0].message);
        assert_fires(&capped("push", "1", "1h"), RULE, "1");
        // A cap over a longer window is never averaged into a smaller
        // figure: 10 a week can all come in one day.
        let f = assert_fires(&capped("email", "10", "7d"), RULE, "10");
        assert!(
            f[0].message
                .contains("all 10 emails of its cap (10 a week) within one day"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("up to 1 email"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(&capped("email", "1", "1d"), RULE);
        assert_clean(&capped("email", "3", "7d"), RULE);
        assert_clean(&capped("sms", "1", "7d"), RULE);
        assert_clean(&capped("push", "1", "1d"), RULE);
    }
}
