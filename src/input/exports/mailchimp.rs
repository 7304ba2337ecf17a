//! Mailchimp Marketing API JSON: a campaign (`GET /campaigns/{id}`), or a
//! list of them (`{"campaigns": [...]}`), read with the files beside it
//! that the API returns apart: the campaign's content
//! (`/campaigns/{id}/content`: `html`, `plain_text`), the list's merge
//! fields (`/lists/{id}/merge-fields`) and saved segments.
//!
//! `recipients.segment_opts` is read as conditions (`match: all` ANDs
//! them, `any` ORs them); merge fields are named by their labels ("Home
//! Store" for `MMERGE5`); a merge field's `default_value` is the fallback
//! of `*|FNAME|*`; `auto_footer` adds the unsubscribe link and postal
//! address; `timewarp` sends in each recipient's time zone.

use super::{
    at, attribute, copy_at, event, group, is_true, map, plain, seq, text_at, Addition, Builder,
    Companion, Export, ExportCampaign, Part, Platform, ReadOptions, Reading,
};
use crate::input::source::Span;
use crate::input::yaml::Node;

/// Mailchimp's campaign types.
const TYPES: &[&str] = &["regular", "plaintext", "absplit", "rss", "variate"];

fn is_campaign(n: &Node) -> bool {
    text_at(n, &["type"]).is_some_and(|t| TYPES.contains(&t))
        && at(n, &["settings"]).and_then(Node::as_map).is_some()
        && at(n, &["recipients"]).is_some()
}

fn campaigns(root: &Node) -> Vec<&Node> {
    if is_campaign(root) {
        return vec![root];
    }
    at(root, &["campaigns"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter(|c| is_campaign(c))
        .collect()
}

/// A campaign's content (`html`, `plain_text` and the API's links).
fn is_content(n: &Node) -> bool {
    (n.get("html").is_some() || n.get("plain_text").is_some())
        && (n.get("archive_html").is_some() || links_to(n, "/content"))
}

fn links_to(n: &Node, part: &str) -> bool {
    at(n, &["_links"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .any(|l| {
            text_at(l, &["href"])
                .is_some_and(|h| h.contains("api.mailchimp.com") && h.contains(part))
        })
}

fn is_merge_fields(n: &Node) -> bool {
    at(n, &["merge_fields"])
        .and_then(Node::as_seq)
        .is_some_and(|m| m.iter().all(|f| f.get("tag").is_some()))
}

fn is_segments(n: &Node) -> bool {
    at(n, &["segments"])
        .and_then(Node::as_seq)
        .is_some_and(|m| {
            m.iter()
                .all(|f| f.get("member_count").is_some() || f.get("options").is_some())
        })
}

pub fn detect(root: &Node) -> bool {
    !campaigns(root).is_empty() || is_content(root) || is_merge_fields(root) || is_segments(root)
}

/// The JSON files beside a campaign that may hold its content, merge
/// fields or segments: named for one of them or for the campaign.
pub fn companions(root: &Node, path: &str) -> Vec<String> {
    let ids: Vec<&str> = campaigns(root)
        .iter()
        .filter_map(|c| text_at(c, &["id"]))
        .collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let own = super::file_name(path);
    let folder = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != own && n.to_ascii_lowercase().ends_with(".json"))
        .filter(|n| {
            let l = n.to_ascii_lowercase();
            ["content", "merge", "segment"]
                .iter()
                .any(|w| l.contains(w))
                || ids.iter().any(|id| l.contains(&id.to_ascii_lowercase()))
        })
        .collect();
    names.sort();
    names.truncate(16);
    names
}

pub fn read(root: &Node, companions: &[Companion], opts: &ReadOptions) -> Option<Reading> {
    let list = campaigns(root);
    if list.is_empty() {
        let what = if is_content(root) {
            "a Mailchimp campaign's content"
        } else if is_merge_fields(root) {
            "a Mailchimp list's merge fields"
        } else {
            "a Mailchimp list's segments"
        };
        return Some(Reading::Part(
            Platform::Mailchimp,
            format!("{what} (checked with the campaign beside it)"),
        ));
    }
    let mut out = Vec::new();
    let mut read_with = Vec::new();
    for c in &list {
        out.extend(campaign(c, companions, opts, &mut read_with));
    }
    read_with.sort_unstable();
    read_with.dedup();
    Some(Reading::Campaigns(Export {
        platform: Platform::Mailchimp,
        read_as: format!(
            "a Mailchimp campaign export ({}){}",
            super::count(list.len(), "campaign"),
            if read_with.is_empty() {
                String::new()
            } else {
                format!(", with {}", read_with.join(", "))
            }
        ),
        campaigns: out,
    }))
}

fn campaign(
    c: &Node,
    companions: &[Companion],
    opts: &ReadOptions,
    read_with: &mut Vec<String>,
) -> Vec<ExportCampaign> {
    let id = text_at(c, &["id"]).unwrap_or_default();
    let list_id = text_at(c, &["recipients", "list_id"]);
    let settings = at(c, &["settings"]).unwrap_or(c);
    let mut b = Builder::new(
        c.span,
        super::campaign_id(at(settings, &["title"]), at(c, &["id"]), c.span),
    );
    if !id.is_empty() {
        b.objects.push(format!("mailchimp:campaign:{id}"));
    }
    if let Some(t) = copy_at(settings, &["title"]) {
        b.set("name", t);
    }
    // The files beside it that belong to it.
    let content = companions.iter().find(|f| {
        is_content(&f.node)
            && (!links_to(&f.node, "/campaigns/") || links_to(&f.node, &format!("/campaigns/{id}")))
    });
    let fields = companions.iter().find(|f| {
        is_merge_fields(&f.node)
            && at(&f.node, &["merge_fields"])
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .all(|m| text_at(m, &["list_id"]).is_none() || text_at(m, &["list_id"]) == list_id)
    });
    let segments = companions.iter().find(|f| is_segments(&f.node));
    for (f, what) in [
        (content, "its content"),
        (fields, "the list's merge fields"),
        (segments, "the list's segments"),
    ] {
        if let Some(f) = f {
            read_with.push(format!("{what} ({})", f.name));
        }
    }
    let merge: Vec<&Node> = fields
        .and_then(|f| at(&f.node, &["merge_fields"]))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .collect();
    for m in &merge {
        if let (Some(tag), Some(_)) = (text_at(m, &["tag"]), text_at(m, &["default_value"])) {
            b.token_defaults.push(tag.to_string());
        }
    }
    // The email.
    let from = match (
        at(settings, &["from_name"]).filter(|n| n.as_str().is_some_and(|s| !s.is_empty())),
        at(settings, &["reply_to"]).filter(|n| n.as_str().is_some_and(|s| !s.is_empty())),
    ) {
        (Some(n), Some(e)) => Some(plain(
            format!(
                "{} <{}>",
                n.as_str().unwrap_or_default(),
                e.as_str().unwrap_or_default()
            ),
            Span::new(n.span.start.min(e.span.start), n.span.end.max(e.span.end)),
        )),
        (n, e) => n.or(e).cloned(),
    };
    let body = content.and_then(|f| copy_at(&f.node, &["html"]));
    let text = content.and_then(|f| copy_at(&f.node, &["plain_text"]));
    if body.is_none() && text.is_none() {
        b.unknown(Part::Body);
    }
    // Findings about the whole email point at its body when there is one.
    let email_at = body.as_ref().map_or(settings.span, |n| n.span);
    b.channel(
        "email",
        email_at,
        vec![
            ("from", from),
            ("subject", copy_at(settings, &["subject_line"])),
            ("preheader", copy_at(settings, &["preview_text"])),
            ("body", body),
            ("text", text),
        ],
    );
    if is_true(settings, &["auto_footer"]) {
        b.adds.push(Addition::Footer);
    }
    // The audience: the segment's conditions, named by the merge fields.
    let opts_node = at(c, &["recipients", "segment_opts"]);
    let saved = opts_node
        .and_then(|o| at(o, &["saved_segment_id"]))
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty() && *s != "0");
    let saved_segment = saved.and_then(|sid| {
        segments
            .and_then(|f| at(&f.node, &["segments"]))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .find(|s| text_at(s, &["id"]) == Some(sid))
    });
    let (conditions_of, match_of) = match (opts_node, saved_segment) {
        (Some(o), _)
            if at(o, &["conditions"])
                .and_then(Node::as_seq)
                .is_some_and(|c| !c.is_empty()) =>
        {
            (Some(o), text_at(o, &["match"]))
        }
        (_, Some(s)) => (
            at(s, &["options"]),
            at(s, &["options"]).and_then(|o| text_at(o, &["match"])),
        ),
        _ => (None, None),
    };
    let recipients = at(c, &["recipients"]).unwrap_or(c);
    let mut aud = Vec::new();
    let segment_name = saved_segment
        .and_then(|s| copy_at(s, &["name"]))
        .map(|n| {
            let sid = saved.unwrap_or_default();
            let mapped = opts
                .same_audience
                .get(&format!("mailchimp:{sid}"))
                .cloned()
                .unwrap_or_else(|| format!("{} (mailchimp:{sid})", n.as_str().unwrap_or_default()));
            plain(mapped, n.span)
        })
        .or_else(|| {
            list_id.map(|l| {
                let span = at(recipients, &["list_id"]).map_or(c.span, |n| n.span);
                plain(opts.audience_name(Platform::Mailchimp, l), span)
            })
        });
    if let Some(s) = segment_name {
        aud.push(("segment", s));
    }
    let mut known = false;
    if let Some(o) = conditions_of {
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        let mut all_read = true;
        for cond in at(o, &["conditions"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            match condition(cond, &merge) {
                Some((node, false)) => include.push(node),
                Some((node, true)) => exclude.push(node),
                None => all_read = false,
            }
        }
        let at_ = o.span;
        let any = match_of == Some("any");
        if any {
            // ORed: a negative condition is one more way in, not a
            // suppression.
            let mut ways = include;
            ways.extend(exclude.drain(..).map(negate));
            if let Some(g) = group("any_of", at_, ways) {
                aud.push(("include", seq(at_, vec![g])));
            }
        } else if !include.is_empty() {
            aud.push(("include", seq(at_, include)));
        }
        if !exclude.is_empty() {
            aud.push(("exclude", seq(at_, exclude)));
        }
        known = all_read;
    }
    if let Some(n) =
        at(recipients, &["recipient_count"]).filter(|n| n.as_str().is_some_and(|s| s != "0"))
    {
        aud.push(("estimated_size", n.clone()));
    }
    if !known {
        // A whole list, or a segment not in the export: who is in it is
        // not described here.
        b.unknown(Part::Audience);
    }
    if !aud.is_empty() {
        b.set("audience", map(recipients.span, aud));
    }
    // The schedule: `send_time` once scheduled (a sent campaign's is
    // history, not a plan).
    let sent = matches!(
        text_at(c, &["status"]),
        Some("sent" | "sending" | "canceled")
    );
    match at(c, &["send_time"])
        .filter(|n| n.as_str().is_some_and(|s| !s.trim().is_empty()))
        .filter(|_| !sent)
    {
        Some(t) => b.send_at(t, is_true(settings, &["timewarp"]), None),
        None => b.unknown(Part::Schedule),
    }
    // Mailchimp sends only to subscribed contacts.
    b.set(
        "consent",
        seq(c.span, vec![plain("email_marketing", c.span)]),
    );
    b.unknown(Part::DataSources);
    b.unknown(Part::Frequency);
    b.finish()
}

/// One segment condition in preflight's shape, and whether it excludes.
/// `None`: a condition preflight does not read.
fn condition(c: &Node, merge: &[&Node]) -> Option<(Node, bool)> {
    let kind = text_at(c, &["condition_type"])?;
    let field = at(c, &["field"])?;
    let field_text = field.as_str()?;
    let op = text_at(c, &["op"]).unwrap_or("is");
    let value = at(c, &["value"]).filter(|v| v.as_str().is_some()).cloned();
    let span = c.span;
    match kind {
        "Aim" | "Automation" | "CampaignPoll" | "Conversation" | "EcommPurchased"
        | "EcommCategory" | "EcommProd" | "EcommSpent" | "EcommNumberOrders" | "GoalActivity"
        | "Ecomm" | "EcommOrders" => {
            let negative = op.starts_with("not") || op.starts_with("no");
            let what = format!(
                "{}{}",
                op.trim_start_matches("not")
                    .trim_start_matches("no")
                    .trim_start_matches('_'),
                value
                    .as_ref()
                    .and_then(Node::as_str)
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            );
            let name = if kind == "Aim" {
                format!("{what} campaign")
            } else {
                format!("{field_text} {what}")
            };
            Some((
                event(span, plain(name.trim(), field.span), None, None),
                negative,
            ))
        }
        _ => {
            // A merge field by its label.
            let label = merge
                .iter()
                .find(|m| text_at(m, &["tag"]) == Some(field_text))
                .and_then(|m| text_at(m, &["name"]))
                .unwrap_or(field_text);
            let (op, negative) = match op {
                "is" | "interestcontains" | "interestcontainsall" | "member" => ("eq", false),
                "not" | "interestnotcontains" | "interestnone" | "notmember" => ("eq", true),
                "contains" => ("contains", false),
                "notcontain" => ("contains", true),
                "starts" | "ends" => ("contains", false),
                "greater" => ("gt", false),
                "less" => ("lt", false),
                "blank" => ("not_exists", false),
                "blank_not" => ("exists", false),
                _ => ("eq", false),
            };
            let value = if op.ends_with("exists") {
                Some(plain("true", span))
            } else {
                value
            };
            Some((
                attribute(span, plain(label, field.span), op, value),
                negative,
            ))
        }
    }
}

/// A condition that must not hold, written as one that must.
fn negate(n: Node) -> Node {
    let span = n.span;
    if let Some(ev) = n.get("event") {
        return attribute(span, ev.value.clone(), "not_exists", None);
    }
    let get = |k: &str| n.get(k).map(|e| e.value.clone());
    let (Some(name), Some(op)) = (get("attribute"), get("op")) else {
        return n;
    };
    let flipped = match op.as_str() {
        Some("eq") => "ne",
        Some("exists") => "not_exists",
        Some("not_exists") => "exists",
        Some("in") => "not_in",
        Some("gt") => "lte",
        Some("lt") => "gte",
        _ => return n,
    };
    attribute(span, name, flipped, get("value"))
}
