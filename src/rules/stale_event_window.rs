use crate::model::calendar::{age_between, age_phrase};
use crate::model::campaign::ConditionKind;
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports an event condition whose `within` window is shorter than the
    /// time between its data source's last refresh (`refreshed_at`) and the
    /// campaign's `send_at`. The source is the one that lists the event in
    /// `provides`.
    ///
    /// ## Why is this bad?
    /// The source holds no events after its last refresh. A 30-day window
    /// measured at a send 45 days after that refresh looks at a stretch with
    /// no data in it: the condition can only match events older than it
    /// claims, or nobody at all. "Bought in the last 30 days" quietly turns
    /// into "bought some time ago".
    ///
    /// ## Example
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-06-10T09:00:00
    /// audience:
    ///   include:
    ///     - event: cart_abandoned
    ///       within: 7d
    /// data_sources:
    ///   - name: web-events
    ///     provides: [cart_abandoned]
    ///     refreshed_at: 2027-05-20
    /// ```
    ///
    /// ## Use instead
    /// Refresh the source shortly before the send:
    /// ```yaml
    /// data_sources:
    ///   - name: web-events
    ///     provides: [cart_abandoned]
    ///     refreshed_at: 2027-06-09T23:00:00
    /// ```
    ///
    /// ## Configuration
    /// None.
    pub static STALE_EVENT_WINDOW = {
        code: "PF404",
        name: "stale-event-window",
        severity: Warning,
        summary: "An event condition's `within` window is shorter than the gap between its source's last refresh and the send.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let Some(send) = c.schedule.send_at else {
        return;
    };
    for cond in c.include().iter().chain(c.exclude()) {
        let ConditionKind::Event {
            name,
            within: Some(within),
            ..
        } = &cond.kind
        else {
            continue;
        };
        let Some(ds) = c.source_of(name.value) else {
            continue;
        };
        let Some(refreshed) = ds.refreshed_at else {
            continue;
        };
        let gap = age_between(refreshed.value, send.value);
        if gap <= within.value.to_chrono() {
            continue;
        }
        let source = ds.name.map(|n| n.value).unwrap_or("its source");
        ctx.report(
            &STALE_EVENT_WINDOW,
            within.span,
            format!(
                "`{}` looks back {}, but `{source}` was last refreshed {} before the send: the window holds no data, so it can only match older events, or nobody",
                name.value,
                within.value.phrase(),
                age_phrase(gap),
            ),
            format!(
                "Refresh `{source}` closer to the send and update `refreshed_at`, or widen `within` to more than {} if older events are really meant",
                age_phrase(gap)
            ),
        )
        .related(refreshed.span, "last refreshed here");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "stale-event-window";

    #[test]
    fn failing() {
        let yaml = BASE.replace("within: 90d", "within: 7d").replace(
            "refreshed_at: 2027-04-09T23:00:00",
            "refreshed_at: 2027-03-20",
        );
        let f = assert_fires(&yaml, RULE, "7d");
        assert!(f[0].message.contains("21 days"), "{}", f[0].message);
        assert!(
            f[0].message.contains("looks back 1 week"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 1);
        // Hours count when both sides have a time.
        let yaml = BASE.replace("within: 90d", "within: 6h").replace(
            "refreshed_at: 2027-04-09T23:00:00",
            "refreshed_at: 2027-04-09T20:00:00",
        );
        let f = assert_fires(&yaml, RULE, "6h");
        assert!(f[0].message.contains("13 hours"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        // Refreshed within the window.
        assert_clean(&BASE.replace("within: 90d", "within: 1d"), RULE);
        // No source provides the event: unverified-data reports that instead.
        assert_clean(
            &BASE
                .replace("within: 90d", "within: 1h")
                .replace("provides: [order_placed]", "provides: [other]"),
            RULE,
        );
    }

    #[test]
    fn wherever_the_condition_sits() {
        let stale = BASE.replace("within: 90d", "within: 7d").replace(
            "refreshed_at: 2027-04-09T23:00:00",
            "refreshed_at: 2027-03-20",
        );
        for kind in ["any_of", "all_of"] {
            let f = assert_fires(&grouped(&stale, kind), RULE, "7d");
            assert!(f[0].message.contains("21 days"), "{}", f[0].message);
            assert_clean(
                &grouped(&BASE.replace("within: 90d", "within: 1d"), kind),
                RULE,
            );
        }
    }
}
