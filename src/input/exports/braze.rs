//! Braze, copy only: campaign details (`/campaigns/details`: `messages`
//! keyed by message variation, each with its `channel`), Canvas details
//! (`/canvas/details`: `steps`, each with its messages), and the bodies of
//! scheduled-send requests (`/campaigns/trigger/schedule/create`,
//! `/messages/schedule/create`: `schedule.time`, `in_local_time`,
//! `recipient_subscription_state`, `override_frequency_capping`).
//!
//! Braze does not export who a campaign reaches (its segments and filters
//! live on the platform): the audience is unknown, never "everyone".

use super::{
    at, copy_at, is_true, plain, text_at, Builder, Export, ExportCampaign, Part, Platform,
    ReadOptions, Reading,
};
use crate::input::yaml::Node;

fn has_channel_messages(n: &Node) -> bool {
    at(n, &["messages"])
        .and_then(Node::as_map)
        .is_some_and(|m| !m.is_empty() && m.iter().all(|e| e.value.get("channel").is_some()))
}

fn is_campaign(n: &Node) -> bool {
    has_channel_messages(n)
        && (n.get("schedule_type").is_some()
            || n.get("first_sent").is_some()
            || n.get("conversion_behaviors").is_some())
}

fn is_canvas(n: &Node) -> bool {
    at(n, &["steps"]).and_then(Node::as_seq).is_some()
        && (n.get("first_entry").is_some()
            || n.get("variants").is_some()
            || n.get("schedule_type").is_some())
}

fn is_schedule(n: &Node) -> bool {
    at(n, &["schedule", "time"]).is_some()
        && (n.get("campaign_id").is_some()
            || n.get("canvas_id").is_some()
            || at(n, &["messages"]).and_then(Node::as_map).is_some())
}

pub fn detect(root: &Node) -> bool {
    is_campaign(root) || is_canvas(root) || is_schedule(root)
}

pub fn read(root: &Node, _opts: &ReadOptions) -> Option<Reading> {
    let (campaigns, what) = if is_campaign(root) {
        (campaign(root), "a Braze campaign's details")
    } else if is_canvas(root) {
        (canvas(root), "a Braze Canvas's details")
    } else {
        (schedule_request(root), "a Braze scheduled-send request")
    };
    Some(Reading::Campaigns(Export {
        platform: Platform::Braze,
        read_as: format!(
            "{what} ({})",
            match at(root, &["messages"]).and_then(Node::as_map) {
                Some(m) if is_campaign(root) => super::count(m.len(), "message"),
                _ => super::count(campaigns.len(), "message"),
            }
        ),
        campaigns,
    }))
}

/// One message's copy on its channel.
fn message(b: &mut Builder, m: &Node, channel: &str) {
    let here = m.span;
    match channel {
        "email" => b.channel(
            "email",
            copy_at(m, &["body"]).map_or(here, |n| n.span),
            vec![
                ("from", copy_at(m, &["from"])),
                ("subject", copy_at(m, &["subject"])),
                (
                    "preheader",
                    at(m, &["preheader"])
                        .filter(|n| n.as_str().is_some())
                        .cloned(),
                ),
                ("body", copy_at(m, &["body"])),
            ],
        ),
        "sms" | "whats_app" => b.channel("sms", here, vec![("body", copy_at(m, &["body"]))]),
        c if c.ends_with("_push") || c == "push" => b.channel(
            "push",
            here,
            vec![
                ("title", copy_at(m, &["title"])),
                (
                    "body",
                    copy_at(m, &["alert"]).or_else(|| copy_at(m, &["body"])),
                ),
            ],
        ),
        _ => {}
    }
}

/// What a details export never says.
fn unknowns(b: &mut Builder) {
    for p in [
        Part::Audience,
        Part::Schedule,
        Part::DataSources,
        Part::Consent,
        Part::Frequency,
    ] {
        b.unknown(p);
    }
}

fn campaign(n: &Node) -> Vec<ExportCampaign> {
    let mut b = Builder::new(n.span, super::campaign_id(at(n, &["name"]), None, n.span));
    if let Some(name) = copy_at(n, &["name"]) {
        b.set("name", name);
    }
    for e in at(n, &["messages"])
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        b.objects.push(format!(
            "braze:message:{}",
            e.key.as_str().unwrap_or_default()
        ));
        let ch = text_at(&e.value, &["channel"]).unwrap_or_default();
        message(&mut b, &e.value, ch);
    }
    unknowns(&mut b);
    b.finish()
}

/// Each message step of a Canvas, as a campaign of its own.
fn canvas(n: &Node) -> Vec<ExportCampaign> {
    let canvas_name = text_at(n, &["name"]).unwrap_or("Canvas");
    let mut out = Vec::new();
    for step in at(n, &["steps"]).and_then(Node::as_seq).unwrap_or_default() {
        let Some(messages) = at(step, &["messages"]).and_then(Node::as_map) else {
            continue;
        };
        if messages.is_empty() {
            continue;
        }
        let name = match at(step, &["name"]).filter(|s| s.as_str().is_some()) {
            Some(s) => plain(
                format!("{canvas_name} / {}", s.as_str().unwrap_or_default()),
                s.span,
            ),
            None => plain(canvas_name, step.span),
        };
        let mut b = Builder::new(step.span, name);
        for e in messages {
            b.objects.push(format!(
                "braze:message:{}",
                e.key.as_str().unwrap_or_default()
            ));
            let ch = text_at(&e.value, &["channel"]).unwrap_or_default();
            message(&mut b, &e.value, ch);
        }
        unknowns(&mut b);
        out.extend(b.finish());
    }
    out
}

/// A scheduled send: when, and to whom by subscription state; the copy is
/// the campaign's, on the platform (unless the request carries messages).
fn schedule_request(n: &Node) -> Vec<ExportCampaign> {
    let id = at(n, &["send_id"])
        .or(at(n, &["campaign_id"]))
        .or(at(n, &["canvas_id"]));
    let mut b = Builder::new(n.span, super::campaign_id(id, None, n.span));
    if let Some(id) = text_at(n, &["campaign_id"]) {
        b.objects.push(format!("braze:campaign:{id}"));
    }
    let mut any_copy = false;
    for e in at(n, &["messages"])
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        let ch = e.key.as_str().unwrap_or_default();
        message(&mut b, &e.value, ch);
        any_copy = true;
    }
    if !any_copy {
        b.unknown(Part::Body);
    }
    let s = at(n, &["schedule"]).unwrap_or(n);
    match at(s, &["time"]).filter(|t| t.as_str().is_some()) {
        Some(t) => {
            let local = is_true(s, &["in_local_time"]) || is_true(s, &["at_optimal_time"]);
            // Braze reads a time with no offset as UTC.
            b.send_at(t, local, Some("Z"));
        }
        None => b.unknown(Part::Schedule),
    }
    // `recipient_subscription_state`: `subscribed` or `opted_in` send only
    // to people who agreed; `all` sends to everyone, unsubscribed too.
    match text_at(n, &["recipient_subscription_state"]) {
        Some("subscribed") | Some("opted_in") => {
            let at_ = at(n, &["recipient_subscription_state"]).map_or(n.span, |x| x.span);
            b.consent_of_channels(at_);
        }
        Some("all") => {}
        _ => b.unknown(Part::Consent),
    }
    // Braze's global frequency cap applies unless the send overrides it.
    if !is_true(n, &["override_frequency_capping"]) {
        b.unknown(Part::Frequency);
    }
    b.unknown(Part::Audience);
    b.unknown(Part::DataSources);
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(json: &str) -> Vec<ExportCampaign> {
        let docs = crate::input::json::parse(json, 0, Default::default()).expect("json");
        assert!(detect(&docs[0].root), "not detected");
        match read(&docs[0].root, &ReadOptions::default()) {
            Some(Reading::Campaigns(e)) => e.campaigns,
            _ => panic!("not read"),
        }
    }

    #[test]
    fn details_have_copy_and_no_audience() {
        let c = read_text(
            r#"{"name":"n","schedule_type":"time_based","messages":{"m1":{"channel":"email","subject":"S","body":"B","preheader":""},
            "m2":{"channel":"ios_push","alert":"Hello","title":"T"}}}"#,
        );
        assert_eq!(c.len(), 1);
        let r = &c[0].root;
        assert_eq!(
            at(r, &["content", "push", "body"]).and_then(Node::as_str),
            Some("Hello")
        );
        assert_eq!(
            at(r, &["content", "email", "preheader"]).and_then(Node::as_str),
            Some("")
        );
        assert!(c[0].unknown.contains(&Part::Audience));
    }

    #[test]
    fn local_schedules_read_the_wall_clock() {
        let c = read_text(
            r#"{"campaign_id":"x","schedule":{"time":"2027-06-20T09:00:00","in_local_time":true},"recipient_subscription_state":"all","override_frequency_capping":true}"#,
        );
        let r = &c[0].root;
        assert_eq!(
            at(r, &["schedule", "send_at"]).and_then(Node::as_str),
            Some("2027-06-20T09:00:00")
        );
        assert_eq!(
            at(r, &["schedule", "timezone"]).and_then(Node::as_str),
            Some("recipient")
        );
        assert!(!c[0].unknown.contains(&Part::Consent));
        assert!(!c[0].unknown.contains(&Part::Frequency));
    }
}
