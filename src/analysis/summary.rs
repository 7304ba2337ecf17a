//! A campaign in a few facts, for reports that show campaigns rather than
//! findings (the HTML report's cards and send calendar, the Markdown
//! summary's table): its name, channels, when it sends and to whom.

use serde::Serialize;

use crate::model::campaign::{Campaign, Zone};

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
        audience: None,
    }
}
