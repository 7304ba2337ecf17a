use crate::across::{and_more, groups, limit_others, Cross, Fingerprint, Place};
use crate::rules::SettingDoc;
use crate::settings::Settings;

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

#[cfg(test)]
mod tests {
    use crate::rules::testing::{lint_many, BASE};

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
