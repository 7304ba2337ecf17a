use crate::model::calendar::days_phrase;
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports a campaign whose `send_at` is before today (or before the date
    /// given with `--now`). A campaign with an `ends_at` still in the future is
    /// running, and is not reported.
    ///
    /// ## Why is this bad?
    /// A send date in the past usually means the file was copied from an old
    /// campaign and not updated: its copy, audience and data are last year's.
    /// Some platforms send a past-dated campaign at once.
    ///
    /// ## Example
    /// ```yaml
    /// schedule:
    ///   send_at: 2025-06-10T09:00:00
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-06-10T09:00:00
    /// ```
    pub static PAST_SEND_DATE = {
        code: "PF403",
        name: "past-send-date",
        severity: Error,
        summary: "send_at is before today: probably a copied, stale campaign.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let s = &ctx.campaign.schedule;
    let Some(send) = s.send_at else { return };
    let today = ctx.now;
    if send.value.date() >= today || s.ends_at.is_some_and(|e| e.value.date() >= today) {
        return;
    }
    let days = (today - send.value.date()).num_days();
    let ended = match s.ends_at {
        Some(e) => format!(", and it ended on {}", e.value.date()),
        None => String::new(),
    };
    ctx.report(
        &PAST_SEND_DATE,
        send.span,
        format!(
            "This campaign is scheduled for {}, {} before today ({today}){ended}.",
            send.value.date(),
            days_phrase(days)
        ),
        "Set `send_at` to the date the campaign should really go out, and check that its copy, audience and data are up to date; if it is kept for reference, move it out of the checked folder.",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "past-send-date";

    #[test]
    fn failing() {
        let old = BASE
            .replace(
                "send_at: 2027-04-10T09:00:00",
                "send_at: 2026-12-01T09:00:00",
            )
            .replace("refreshed_at: 2027-04-05", "refreshed_at: 2026-11-30")
            .replace(
                "refreshed_at: 2027-04-09T23:00:00",
                "refreshed_at: 2026-11-30",
            );
        let f = assert_fires(&old, RULE, "2026-12-01T09:00:00");
        assert!(
            f[0].message.contains("31 days before today (2027-01-01)"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let running = BASE.replace(
            "send_at: 2027-04-10T09:00:00",
            "send_at: 2026-12-01T09:00:00\n  ends_at: 2027-03-01",
        );
        assert_clean(&running, RULE);
        let today = BASE.replace(
            "send_at: 2027-04-10T09:00:00",
            "send_at: 2027-01-01T18:00:00",
        );
        assert_clean(&today, RULE);
    }
}
