use crate::analysis::wording::{copy, excerpt};
use crate::knowledge::world_calendar::{country, WorldCalendar};
use crate::model::campaign::Season;
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports copy that promotes season-bound goods (winter boots, parkas,
    /// snow, skiing; swimwear, sunscreen, sandals; the list is
    /// `checks/seasonal.yaml`) when `send_at` falls out of that season where
    /// the recipients live. The hemisphere comes from `region`: winter boots
    /// in May are wrong for the US and right for Australia. Countries near
    /// the equator, and campaigns without a `region`, are not checked.
    ///
    /// When the copy alone does not tell, set `season:` on the campaign
    /// (`winter`, `spring`, `summer`, `autumn`); `season: any` turns the
    /// check off for a campaign that is meant for the off season, such as a
    /// clearance sale.
    ///
    /// Out of season, by default (northern hemisphere; six months later in
    /// the southern): winter goods May to August, spring goods September to
    /// November, summer goods November to February, autumn goods March to
    /// May. The months are in `checks/calendar.yaml`.
    ///
    /// ## Why is this bad?
    /// A push for winter boots in May tells people the brand does not know
    /// or care where they are; it wastes the send and the goodwill.
    ///
    /// ## Example
    /// ```yaml
    /// region: US
    /// schedule:
    ///   send_at: 2027-05-20T09:00:00
    /// content:
    ///   email:
    ///     subject: "Winter boots, 20% off"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-10-20T09:00:00
    /// ```
    /// Or, for an off-season clearance: `season: any`.
    ///
    /// ## Configuration
    /// The vocabulary is `checks/seasonal.yaml`; the months and hemispheres
    /// are in `checks/calendar.yaml`.
    pub static SEASONAL_MISMATCH = {
        code: "PF601",
        name: "seasonal-mismatch",
        severity: Warning,
        summary: "The copy promotes season-bound goods while the campaign sends out of season for the recipients' hemisphere.",
        settings: &[],
    }
}

fn month_name(m: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(m as usize + 11) % 12]
}

/// "May to August", from a list of consecutive months.
fn months_phrase(months: &[u32]) -> String {
    match months {
        [] => String::new(),
        [one] => month_name(*one).to_string(),
        [first, .., last] => format!("{} to {}", month_name(*first), month_name(*last)),
    }
}

pub fn check(ctx: &mut Ctx) {
    use chrono::Datelike;
    let c = ctx.campaign;
    let (Some(send), Some(region)) = (c.schedule.send_at, c.region) else {
        return;
    };
    // The season: declared, or read from the copy.
    let (season, span, what) = match c.season {
        Some(s) if s.value == Season::Any => return,
        Some(s) => (
            s.value,
            s.span,
            format!("is set to `season: {}`", s.value.as_str()),
        ),
        None => {
            let lex = &ctx.checks.seasonal;
            let Some((entry, span, quoted)) = copy(c).into_iter().find_map(|w| {
                let m = lex.find_all(&w.search).into_iter().next()?;
                Some((
                    m.entry,
                    ctx.locate(w.node, w.value_range(m.range.clone())),
                    excerpt(&w.text()[m.range]),
                ))
            }) else {
                return;
            };
            let e = &lex.entries[entry];
            let Some(season) = Season::parse(&e.category) else {
                return;
            };
            (
                season,
                span,
                format!("promotes {} (“{quoted}”)", e.display()),
            )
        }
    };
    let cal = WorldCalendar::builtin();
    let country = country(region.value);
    let hemisphere = cal.hemisphere(country);
    let off = cal.out_of_season(season, hemisphere);
    let month = send.value.date().month();
    if !off.contains(&month) {
        return;
    }
    let subject = if c.season.is_some() {
        "This campaign"
    } else {
        "The copy"
    };
    ctx.report(
        &SEASONAL_MISMATCH,
        span,
        format!(
            "{subject} {what}, but it sends on {}: in {country} ({}) {} goods are out of season from {}",
            send.value.date(),
            hemisphere.name(),
            season.as_str(),
            months_phrase(&off)
        ),
        "Send it in season, or change the goods to suit the recipients' season; if it is meant for the off season (a clearance sale), set `season: any`",
    )
    .related(send.span, "sends here");
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "seasonal-mismatch";

    fn boots(region: &str, send: &str) -> String {
        BASE.replace("region: US", &format!("region: {region}"))
            .replace("send_at: 2027-04-10T09:00:00", &format!("send_at: {send}"))
            .replace("New season, new shoes", "Winter boots are back")
    }

    #[test]
    fn failing() {
        let f = assert_fires(&boots("US", "2027-05-20T09:00:00"), RULE, "Winter boots");
        assert!(
            f[0].message.contains("northern hemisphere"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("May to August"), "{}", f[0].message);
        // Sunscreen in an Australian winter.
        let yaml = BASE
            .replace("region: US", "region: AU")
            .replace(
                "send_at: 2027-04-10T09:00:00",
                "send_at: 2027-07-01T09:00:00",
            )
            .replace(
                "Our spring running range has landed.",
                "Don't forget the sunscreen.",
            );
        let f = assert_fires(&yaml, RULE, "sunscreen");
        assert!(
            f[0].message
                .contains("summer goods are out of season from May to August"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("southern hemisphere"),
            "{}",
            f[0].message
        );
        // A declared season.
        let yaml = format!(
            "{}season: winter\n",
            BASE.replace("2027-04-10T09:00:00", "2027-06-10T09:00:00")
        );
        assert_fires(&yaml, RULE, "winter");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&boots("US", "2027-11-20T09:00:00"), RULE);
        // Winter boots in May are right for Australia.
        assert_clean(&boots("AU", "2027-05-20T09:00:00"), RULE);
        // Near the equator, and without a region, nothing is checked.
        assert_clean(&boots("SG", "2027-05-20T09:00:00"), RULE);
        assert_clean(
            &boots("US", "2027-05-20T09:00:00").replace("region: US\n", ""),
            RULE,
        );
        // An off-season sale says so.
        assert_clean(
            &format!("{}season: any\n", boots("US", "2027-05-20T09:00:00")),
            RULE,
        );
        // Look-alikes.
        let yaml = BASE.replace("New season, new shoes", "Snow White on stage");
        assert_clean(&yaml.replace("2027-04-10", "2027-06-10"), RULE);
    }
}
