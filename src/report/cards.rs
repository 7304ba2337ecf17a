//! Findings gathered by campaign, for the reports that show campaigns (the
//! HTML page's cards, the Markdown table), and the count of each kind of
//! mistake in plain words.

use std::collections::{BTreeSet, HashMap};

use crate::analysis::summary::CampaignSummary;
use crate::engine::run::Report;
use crate::rule_meta::Severity;
use crate::rules::diagnostic::Finding;

/// A campaign with its findings, or a file whose findings belong to no
/// campaign (a file that is not valid YAML).
#[derive(Debug)]
pub struct Card<'r> {
    pub index: usize,
    pub summary: Option<&'r CampaignSummary>,
    pub file: &'r str,
    pub findings: Vec<&'r Finding>,
}

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No error and no warning (advice allowed).
    Ready,
    Errors,
    /// Warnings, no error.
    Warnings,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::Errors => "errors",
            Status::Warnings => "warnings",
        }
    }
}

impl Card<'_> {
    /// Errors, warnings, advice.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (
            n(Severity::Error),
            n(Severity::Warning),
            n(Severity::Advice),
        )
    }

    pub fn status(&self) -> Status {
        match self.counts() {
            (e, _, _) if e > 0 => Status::Errors,
            (_, w, _) if w > 0 => Status::Warnings,
            _ => Status::Ready,
        }
    }

    /// The campaign's name, else its id, else the file.
    pub fn title(&self) -> String {
        self.summary
            .and_then(|s| s.name.clone().or_else(|| s.id.clone()))
            .unwrap_or_else(|| self.file.to_string())
    }

    /// The card's id in the page.
    pub fn anchor(&self) -> String {
        format!("c{}", self.index + 1)
    }
}

/// The campaigns of each file by starting line, to find the campaign that
/// contains a place in time logarithmic in the file's campaigns.
pub struct Places<'r> {
    by_file: HashMap<&'r str, Vec<(usize, usize)>>,
}

impl<'r> Places<'r> {
    pub fn new(cards: &[Card<'r>]) -> Self {
        let mut by_file: HashMap<&'r str, Vec<(usize, usize)>> = HashMap::new();
        for c in cards {
            if let Some(s) = c.summary {
                by_file.entry(c.file).or_default().push((s.line, c.index));
            }
        }
        for list in by_file.values_mut() {
            list.sort();
        }
        Places { by_file }
    }

    /// The card of the campaign that contains `file:line` (the last
    /// campaign starting at or before the line), if any.
    pub fn card_at(&self, file: &str, line: usize) -> Option<usize> {
        let list = self.by_file.get(file)?;
        let n = list.partition_point(|(l, _)| *l <= line);
        n.checked_sub(1).map(|i| list[i].1)
    }
}

/// Every campaign of the run in order, each with its findings; then the
/// files whose findings name no campaign. A finding in a template goes to
/// the campaign it names (found through its related places).
pub fn cards(report: &Report) -> Vec<Card<'_>> {
    let mut cards: Vec<Card> = report
        .summaries()
        .enumerate()
        .map(|(index, s)| Card {
            index,
            summary: Some(s),
            file: &s.file,
            findings: Vec::new(),
        })
        .collect();
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for c in &cards {
        if let Some(id) = c.summary.and_then(|s| s.id.as_deref()) {
            by_id.entry(id).or_default().push(c.index);
        }
    }
    let places = Places::new(&cards);
    for f in report.findings() {
        let same_id = f.campaign.as_deref().and_then(|id| by_id.get(id));
        let pick = same_id
            .and_then(|list| {
                let in_file = |file: &str| list.iter().copied().find(|&i| cards[i].file == file);
                in_file(&f.file).or_else(|| f.related.iter().find_map(|r| in_file(&r.file)))
            })
            .or_else(|| {
                // No id to go by: the campaign that contains the finding.
                places.card_at(&f.file, f.start.line)
            })
            .or_else(|| same_id.and_then(|l| l.first().copied()));
        match pick {
            Some(i) => cards[i].findings.push(f),
            None => match cards
                .iter()
                .position(|c| c.summary.is_none() && c.file == f.file)
            {
                Some(i) => cards[i].findings.push(f),
                None => {
                    let index = cards.len();
                    cards.push(Card {
                        index,
                        summary: None,
                        file: &f.file,
                        findings: vec![f],
                    });
                }
            },
        }
    }
    cards
}

/// The files' texts by name, for quoting copy.
pub fn texts(report: &Report) -> HashMap<&str, &str> {
    report
        .files
        .iter()
        .filter_map(|f| f.text.as_deref().map(|t| (f.path.as_str(), t)))
        .collect()
}

/// One kind of mistake and how many campaigns make it, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainCount {
    pub severity: Severity,
    pub code: &'static str,
    pub campaigns: usize,
    /// "3 campaigns mention a painful occasion without an opt-out".
    pub sentence: String,
}

/// What each rule says a campaign does, for one campaign and for several:
/// ("mentions …", "mention …").
fn phrase(rule: &str) -> Option<(&'static str, &'static str)> {
    Some(match rule {
        "invalid-campaign" => (
            "has YAML or values that cannot be read",
            "have YAML or values that cannot be read",
        ),
        "unknown-field" => (
            "has a field the format does not know (a typo?)",
            "have a field the format does not know (a typo?)",
        ),
        "unused-suppression" => (
            "has an ignore comment that silences nothing",
            "have an ignore comment that silences nothing",
        ),
        "duplicate-key" => ("writes a key twice", "write a key twice"),
        "internal-error" => (
            "could not be fully checked (a preflight bug)",
            "could not be fully checked (a preflight bug)",
        ),
        "segment-too-broad" => ("goes to almost everyone", "go to almost everyone"),
        "segment-one-dimensional" => (
            "picks its audience on one kind of data only",
            "pick their audience on one kind of data only",
        ),
        "segment-too-narrow" => (
            "has an audience too small to measure",
            "have an audience too small to measure",
        ),
        "segment-contradiction" => (
            "has an audience no one can be in",
            "have an audience no one can be in",
        ),
        "single-signal-inference" => (
            "guesses a life stage from a single signal",
            "guess a life stage from a single signal",
        ),
        "sensitive-occasion" => (
            "mentions a painful occasion without an opt-out",
            "mention a painful occasion without an opt-out",
        ),
        "sensitive-topic" => (
            "speaks about a sensitive subject",
            "speak about a sensitive subject",
        ),
        "sensitive-targeting" => (
            "targets health or other sensitive data without consent",
            "target health or other sensitive data without consent",
        ),
        "personal-token" => (
            "pastes overly personal data into the copy",
            "paste overly personal data into the copy",
        ),
        "creepy-phrasing" => (
            "tells readers they were watched",
            "tell readers they were watched",
        ),
        "token-missing-fallback" => (
            "can show an empty name (\"Hi ,\")",
            "can show an empty name (\"Hi ,\")",
        ),
        "malformed-template" => ("has broken template syntax", "have broken template syntax"),
        "unknown-token" => (
            "uses a merge field nothing fills",
            "use a merge field nothing fills",
        ),
        "stale-data" => (
            "relies on data that will be out of date",
            "rely on data that will be out of date",
        ),
        "unverified-data" => (
            "uses data of unknown freshness",
            "use data of unknown freshness",
        ),
        "past-send-date" => ("is scheduled in the past", "are scheduled in the past"),
        "stale-event-window" => (
            "looks back over a window with no fresh data",
            "look back over a window with no fresh data",
        ),
        "low-coverage-data" => (
            "relies on data most people lack",
            "rely on data most people lack",
        ),
        "frequency-cap-missing" => (
            "can message people repeatedly with no cap",
            "can message people repeatedly with no cap",
        ),
        "frequency-too-high" => (
            "allows too many messages per person",
            "allow too many messages per person",
        ),
        "retargeting-too-soon" => (
            "retargets people within minutes",
            "retarget people within minutes",
        ),
        "retargeting-too-long" => ("follows people for weeks", "follow people for weeks"),
        "seasonal-mismatch" => ("sells out-of-season goods", "sell out-of-season goods"),
        "occasion-date-mismatch" => (
            "names an occasion on the wrong date for its region",
            "name an occasion on the wrong date for their region",
        ),
        "repeated-content" => (
            "repeats another campaign's copy",
            "repeat another campaign's copy",
        ),
        "audience-overload" => (
            "lands in an audience that gets too many messages that week",
            "land in an audience that gets too many messages that week",
        ),
        "duplicate-occasion-opt-out" => (
            "asks for an occasion opt-out another campaign also asks for",
            "ask for an occasion opt-out another campaign also asks for",
        ),
        "duplicate-campaign-id" => (
            "shares its id with another campaign",
            "share their id with another campaign",
        ),
        "missing-unsubscribe" => (
            "has an email with no unsubscribe link",
            "have an email with no unsubscribe link",
        ),
        "missing-postal-address" => (
            "has an email with no postal address",
            "have an email with no postal address",
        ),
        "subject-too-long" => (
            "has a subject line phones cut off",
            "have a subject line phones cut off",
        ),
        "preheader-missing" => (
            "has an email with no preheader",
            "have an email with no preheader",
        ),
        "sms-segments" => (
            "has a text billed as several messages",
            "have a text billed as several messages",
        ),
        "sms-quiet-hours" => (
            "sends texts at night in the recipients' time",
            "send texts at night in the recipients' time",
        ),
        "sms-missing-opt-out" => (
            "has a text that does not say how to stop",
            "have a text that does not say how to stop",
        ),
        "push-too-long" => (
            "has a push notification lock screens cut off",
            "have a push notification lock screens cut off",
        ),
        "special-ad-category" => (
            "targets a housing, job or credit ad by age, gender or postcode",
            "target a housing, job or credit ad by age, gender or postcode",
        ),
        "personal-attribute-copy" => (
            "tells readers what it assumes about them",
            "tell readers what they assume about them",
        ),
        "audience-below-platform-minimum" => (
            "has an ad audience too small for ad platforms",
            "have an ad audience too small for ad platforms",
        ),
        "channel-without-content" => (
            "sends on a channel it has no copy for",
            "send on a channel they have no copy for",
        ),
        "content-without-channel" => (
            "has copy for a channel it never sends on",
            "have copy for a channel they never send on",
        ),
        "missing-consent" => (
            "sends on a channel without the consent it needs",
            "send on a channel without the consent it needs",
        ),
        _ => return None,
    })
}

/// How many campaigns make each kind of mistake, errors first, then by
/// how many campaigns, then by rule code.
pub fn plain_counts(cards: &[Card]) -> Vec<PlainCount> {
    let mut by_rule: Vec<(
        &'static crate::rule_meta::RuleMeta,
        Severity,
        BTreeSet<usize>,
    )> = Vec::new();
    for c in cards {
        for f in &c.findings {
            match by_rule
                .iter_mut()
                .find(|(r, s, _)| std::ptr::eq(*r, f.rule) && *s == f.severity)
            {
                Some((_, _, set)) => {
                    set.insert(c.index);
                }
                None => by_rule.push((f.rule, f.severity, [c.index].into())),
            }
        }
    }
    let mut out: Vec<PlainCount> = by_rule
        .into_iter()
        .map(|(rule, severity, set)| {
            let n = set.len();
            let noun = if n == 1 { "campaign" } else { "campaigns" };
            let sentence = match phrase(rule.name) {
                Some((one, many)) => format!("{n} {noun} {}", if n == 1 { one } else { many }),
                None => format!("{n} {noun}: {}", rule.summary),
            };
            PlainCount {
                severity,
                code: rule.code,
                campaigns: n,
                sentence,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.severity),
            std::cmp::Reverse(a.campaigns),
            a.code,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                std::cmp::Reverse(b.campaigns),
                b.code,
            ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_plain_words() {
        for r in crate::rules::RULES {
            assert!(
                phrase(r.meta.name).is_some(),
                "{} has no plain words",
                r.meta.name
            );
        }
    }
}
