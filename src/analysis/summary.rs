//! A campaign in a few facts, for reports that show campaigns rather than
//! findings (the HTML report's cards and send calendar, the Markdown
//! summary's table): its name, channels, when it sends and to whom.

use serde::Serialize;

use crate::input::yaml::Node;
use crate::model::campaign::{
    Audience, Campaign, Condition, ConditionKind, GroupKind, Op, Term, Zone,
};

/// What a report shows of one campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignSummary {
    /// The file the campaign is in.
    pub file: String,
    /// Its line there (of the `campaign:` key, or the document's start).
    pub line: usize,
    pub id: Option<String>,
    pub name: Option<String>,
    /// `email`, `sms`, `push`, `ad`, `web`.
    pub channels: Vec<String>,
    pub region: Option<String>,
    /// The local send time as written (`2027-06-10T09:00`), if any.
    pub send_at: Option<String>,
    /// The IANA zone, `recipient` for recipient-local sends, if any.
    pub timezone: Option<String>,
    /// The last send, for campaigns that run over days.
    pub ends_at: Option<String>,
    pub segment: Option<String>,
    pub list_size: Option<u64>,
    pub estimated_size: Option<u64>,
    /// The audience in one sentence for marketers, if it has conditions.
    pub audience: Option<String>,
}

/// The summary of a loaded campaign; `line` is where it starts in `file`.
pub fn summarize(file: &str, line: usize, c: &Campaign) -> CampaignSummary {
    let when = |w: Option<crate::model::campaign::Spanned<crate::model::calendar::When>>| {
        w.map(|w| {
            if w.value.has_time {
                w.value.at.format("%Y-%m-%dT%H:%M").to_string()
            } else {
                w.value.at.format("%Y-%m-%d").to_string()
            }
        })
    };
    let audience = c.audience.as_ref();
    CampaignSummary {
        file: file.to_string(),
        line,
        id: c.id_str().map(str::to_string),
        name: c.name.and_then(|n| n.as_str()).map(str::to_string),
        channels: c.channels.iter().map(|ch| ch.value.to_string()).collect(),
        region: c.region.map(|r| r.value.to_string()),
        send_at: when(c.schedule.send_at),
        timezone: c.schedule.timezone.map(|z| match z.value {
            Zone::Recipient => "recipient".to_string(),
            Zone::Fixed(tz) => tz.name().to_string(),
        }),
        ends_at: when(c.schedule.ends_at),
        segment: audience
            .and_then(|a| a.segment)
            .and_then(|s| s.as_str())
            .map(str::to_string),
        list_size: audience.and_then(|a| a.list_size).map(|s| s.value),
        estimated_size: audience.and_then(|a| a.estimated_size).map(|s| s.value),
        audience: audience.and_then(audience_sentence),
    }
}

/// The audience in one sentence for marketers: "People who had “order
/// placed” in the last 90 days, except those whose “email opt out” is yes;
/// about 12,000 of 480,000." None when the audience has no conditions and
/// no sizes.
///
/// Include conditions are joined with "and", exclusions with "or". This is
/// the one place that words an audience: when the model grows nested
/// groups, each group becomes a clause here.
pub fn audience_sentence(a: &Audience) -> Option<String> {
    if a.include.is_empty() && a.exclude.is_empty() && a.estimated_size.is_none() {
        return None;
    }
    // With groups, every join is spelled out, so that "either a or b" never
    // runs into the clause after it.
    let grouped = a
        .include_terms
        .iter()
        .chain(&a.exclude_terms)
        .any(Term::is_group);
    let join = |items: Vec<String>, word: &str| {
        if grouped {
            items.join(&format!(", {word} "))
        } else {
            join(items.into_iter(), word)
        }
    };
    let mut s = if a.include_terms.is_empty() {
        "Everyone on the list".to_string()
    } else {
        format!(
            "People {}",
            join(
                a.include_terms
                    .iter()
                    .map(|t| term_clause(t, &a.include, "and"))
                    .collect(),
                "and"
            )
        )
    };
    if !a.exclude_terms.is_empty() {
        s.push_str(", except those ");
        s.push_str(&join(
            a.exclude_terms
                .iter()
                .map(|t| term_clause(t, &a.exclude, "or"))
                .collect(),
            "or",
        ));
    }
    match (a.estimated_size, a.list_size) {
        (Some(e), Some(l)) => s.push_str(&format!(
            "; about {} of {}",
            thousands(e.value),
            thousands(l.value)
        )),
        (Some(e), None) => s.push_str(&format!("; about {} people", thousands(e.value))),
        _ => {}
    }
    s.push('.');
    Some(s)
}

/// An item of an include or exclude list as a clause: a condition, or a
/// group read out ("either … or …" for `any_of`, "… and …" for `all_of`).
/// `inside` is how the items of the list around it combine.
fn term_clause(t: &Term, conditions: &[Condition], inside: &str) -> String {
    match t {
        Term::Leaf(i) => conditions.get(*i).map(clause).unwrap_or_default(),
        Term::Unreadable => "(a condition that could not be read)".to_string(),
        Term::Group { kind, members, .. } => {
            let word = match kind {
                GroupKind::AnyOf => "or",
                GroupKind::AllOf => "and",
            };
            let parts = members.iter().map(|m| term_clause(m, conditions, word));
            match (kind, members.len()) {
                (_, 1) => join(parts, word),
                (GroupKind::AnyOf, _) if inside != "or" => format!("either {}", join(parts, word)),
                _ => join(parts, word),
            }
        }
    }
}

/// One condition as a relative clause: "whose “age” is over 40", "who had
/// “product viewed” at least 2 times in the last 14 days".
fn clause(c: &Condition) -> String {
    match &c.kind {
        ConditionKind::Attribute { name, op, value } => {
            let v = value.map(value_text).unwrap_or_default();
            let is = match op.map(|o| o.value) {
                None | Some(Op::Eq) => format!("is {v}"),
                Some(Op::Ne) => format!("is not {v}"),
                Some(Op::In) => format!("is {}", list_or(value, "or")),
                Some(Op::NotIn) => format!("is neither {}", list_or(value, "nor")),
                Some(Op::Gt) => format!("is over {v}"),
                Some(Op::Gte) => format!("is {v} or more"),
                Some(Op::Lt) => format!("is under {v}"),
                Some(Op::Lte) => format!("is {v} or less"),
                Some(Op::Contains) => format!("includes {v}"),
                Some(Op::Exists) => "is known".to_string(),
                Some(Op::NotExists) => "is not known".to_string(),
            };
            format!("whose “{}” {is}", words(name.value))
        }
        ConditionKind::Event {
            name,
            within,
            min_count,
            filters,
        } => {
            let mut s = format!("who had “{}”", words(name.value));
            if !filters.is_empty() {
                let f: Vec<String> = filters
                    .iter()
                    .map(|(k, v)| format!("{} {}", words(k.value), list_or(&Some(*v), "or")))
                    .collect();
                s.push_str(&format!(" ({})", f.join(", ")));
            }
            if let Some(n) = min_count.filter(|n| n.value > 1) {
                s.push_str(&format!(" at least {} times", n.value));
            }
            if let Some(w) = within {
                let span = w.value.phrase();
                // "in the last week", not "in the last 1 week".
                let span = span.strip_prefix("1 ").unwrap_or(&span);
                s.push_str(&format!(" in the last {span}"));
            }
            s
        }
    }
}

/// `preferences.restock_alerts` → "restock alerts": the last part of a
/// dotted name, with `_` and `-` as spaces.
fn words(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.replace(['_', '-'], " ")
}

/// A value as it reads: `true` → "yes", `false` → "no", text as written.
fn value_text(n: &Node) -> String {
    match n.as_str() {
        Some("true") => "yes".to_string(),
        Some("false") => "no".to_string(),
        Some(t) => t.to_string(),
        None => list_or(&Some(n), "or"),
    }
}

/// A list value as "A, B or C" (a single value as itself).
fn list_or(n: &Option<&Node>, word: &str) -> String {
    match n {
        Some(n) => match n.as_seq() {
            Some(items) => join(items.iter().map(value_text), word),
            None => value_text(n),
        },
        None => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: impl Iterator<Item = String>, word: &str) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
    }
}

/// 12000 → "12,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(yaml: &str) -> Option<String> {
        let text = format!("campaign: c\nname: n\nchannels: [email]\n{yaml}");
        let report = crate::engine::run::run_text(
            "c.yaml",
            &text,
            &crate::engine::lint::Options::new(
                chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            ),
        );
        let first = report.summaries().next().and_then(|s| s.audience.clone());
        first
    }

    #[test]
    fn includes_exclusions_and_sizes_read_as_one_sentence() {
        let s = sentence(
            "audience:\n  segment: s\n  list_size: 480000\n  estimated_size: 12000\n  include:\n    - event: order_placed\n      within: 90d\n      where: {category: [tents, boots]}\n    - attribute: profile.age\n      op: gt\n      value: 40\n  exclude:\n    - attribute: mothers_day_opt_out\n      op: eq\n      value: true\n    - attribute: email_opt_out\n      op: exists\n",
        );
        assert_eq!(
            s.as_deref(),
            Some("People who had “order placed” (category tents or boots) in the last 90 days and whose “age” is over 40, except those whose “mothers day opt out” is yes or whose “email opt out” is known; about 12,000 of 480,000.")
        );
    }

    #[test]
    fn groups_read_as_either_or() {
        let s = sentence(
            "audience:\n  segment: s\n  include:\n    - attribute: tier\n      op: eq\n      value: gold\n    - any_of:\n        - event: order_placed\n          within: 30d\n        - all_of:\n            - attribute: city\n              op: eq\n              value: Leeds\n            - attribute: age\n              op: gt\n              value: 30\n  exclude:\n    - any_of:\n        - attribute: email_opt_out\n          op: eq\n          value: true\n        - attribute: bounced\n          op: eq\n          value: true\n",
        );
        assert_eq!(
            s.as_deref(),
            Some("People whose “tier” is gold, and either who had “order placed” in the last 30 days or whose “city” is Leeds and whose “age” is over 30, except those whose “email opt out” is yes or whose “bounced” is yes.")
        );
    }

    #[test]
    fn no_include_is_everyone() {
        let s = sentence("audience:\n  segment: s\n  estimated_size: 900\n");
        assert_eq!(
            s.as_deref(),
            Some("Everyone on the list; about 900 people.")
        );
        assert_eq!(sentence("audience:\n  segment: s\n"), None);
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
