//! Klaviyo's API documents (JSON:API): campaigns with their campaign
//! messages, templates, segments and lists, as `klaviyo api …` prints them
//! (`data` and `included`), one resource or a bundle; the classic message
//! shape (`attributes.channel`, `attributes.content`) and the newer one
//! (`attributes.definition`).
//!
//! A segment's `definition.condition_groups` are ANDed and the conditions
//! of one group ORed. A count `equals 0` or `is_member: false` is an
//! exclusion. Klaviyo sends marketing only to profiles that consented on
//! the channel, so consent is known; data sources and frequency are not
//! exported.

use super::{
    at, attribute, copy_at, event, group, is_true, map, plain, seq, text_at, times, Addition,
    Builder, Export, ExportCampaign, Index, Part, Platform, ReadOptions, Reading,
};
use crate::input::source::Span;
use crate::input::yaml::Node;

/// The resource types of Klaviyo's API that preflight knows.
const TYPES: &[&str] = &[
    "campaign",
    "campaign-message",
    "template",
    "segment",
    "list",
    "metric",
    "tag",
    "account",
    "flow",
    "flow-action",
    "flow-message",
    "image",
    "profile",
];

fn resources(root: &Node) -> Vec<&Node> {
    fn take<'n>(n: &'n Node, out: &mut Vec<&'n Node>) {
        if let Some(items) = n.as_seq() {
            out.extend(items.iter());
        } else if n.as_map().is_some() {
            out.push(n);
        }
    }
    let docs: Vec<&Node> = match root.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![root],
    };
    let mut all = Vec::new();
    for d in docs {
        let before = all.len();
        if let Some(data) = at(d, &["data"]) {
            take(data, &mut all);
        }
        if let Some(inc) = at(d, &["included"]) {
            take(inc, &mut all);
        }
        if all.len() == before && is_resource(d) {
            all.push(d);
        }
    }
    all
}

fn is_resource(n: &Node) -> bool {
    text_at(n, &["type"]).is_some_and(|t| TYPES.contains(&t))
        && at(n, &["attributes"]).is_some_and(|a| a.as_map().is_some())
}

/// A JSON:API document (or a list of them) of Klaviyo resources.
pub fn detect(root: &Node) -> bool {
    let r = resources(root);
    !r.is_empty() && r.iter().all(|n| is_resource(n))
}

pub fn read(root: &Node, opts: &ReadOptions) -> Option<Reading> {
    let all = resources(root);
    let index = Index::new(all.iter().copied());
    let campaigns: Vec<&Node> = all
        .iter()
        .copied()
        .filter(|r| text_at(r, &["type"]) == Some("campaign"))
        .collect();
    let mut out = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for c in &campaigns {
        out.extend(campaign(c, &all, &index, opts, &mut kinds));
    }
    if campaigns.is_empty() {
        // A segment exported on its own is an audience to check.
        for s in all
            .iter()
            .filter(|r| text_at(r, &["type"]) == Some("segment"))
            .filter(|s| at(s, &["attributes", "definition"]).is_some())
        {
            let span = s.span;
            let mut b = Builder::new(
                span,
                super::campaign_id(at(s, &["attributes", "name"]), at(s, &["id"]), span),
            );
            let (include, name) = audience_of(s, &index, opts);
            let mut aud = vec![("segment", name)];
            if let Some(i) = include {
                aud.push(("include", seq(span, vec![i])));
            }
            b.set("audience", map(span, aud));
            for p in [
                Part::Schedule,
                Part::DataSources,
                Part::Consent,
                Part::Frequency,
            ] {
                b.unknown(p);
            }
            let mut built = b.finish();
            for c in &mut built {
                c.unknown.retain(|p| *p != Part::Audience);
            }
            out.extend(built);
            kinds.push("segment");
        }
        if out.is_empty() {
            let mut types: Vec<&str> = all.iter().filter_map(|r| text_at(r, &["type"])).collect();
            types.sort_unstable();
            types.dedup();
            return Some(Reading::Part(
                Platform::Klaviyo,
                format!(
                    "Klaviyo {} with no campaign or segment to check (a template, list or metric is checked with the campaign that names it)",
                    types.join(", ")
                ),
            ));
        }
    }
    kinds.sort_unstable();
    kinds.dedup();
    let read_as = if campaigns.is_empty() {
        format!(
            "a Klaviyo segment export ({})",
            super::count(out.len(), "segment")
        )
    } else {
        format!(
            "a Klaviyo campaign export: {}{}",
            super::count(campaigns.len(), "campaign"),
            if kinds.is_empty() {
                String::new()
            } else {
                format!(
                    ", with {} {}",
                    if campaigns.len() == 1 { "its" } else { "their" },
                    kinds.join(", ")
                )
            }
        )
    };
    Some(Reading::Campaigns(Export {
        platform: Platform::Klaviyo,
        read_as,
        campaigns: out,
    }))
}

fn campaign<'n>(
    c: &'n Node,
    all: &[&'n Node],
    index: &Index<'n>,
    opts: &ReadOptions,
    kinds: &mut Vec<&'static str>,
) -> Vec<ExportCampaign> {
    let span = c.span;
    let attrs = at(c, &["attributes"]).unwrap_or(c);
    let id = text_at(c, &["id"]).unwrap_or_default();
    let mut b = Builder::new(
        span,
        super::campaign_id(at(attrs, &["name"]), at(c, &["id"]), span),
    );
    if let Some(n) = at(attrs, &["name"]).filter(|n| n.as_str().is_some()) {
        b.set("name", n.clone());
    }
    if !id.is_empty() {
        b.objects.push(format!("klaviyo:campaign:{id}"));
    }
    // The messages: named by the campaign, or naming it.
    let mut messages: Vec<&Node> = at(c, &["relationships", "campaign-messages", "data"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| text_at(r, &["id"]))
        .filter_map(|m| index.get("campaign-message", m))
        .collect();
    for m in all {
        if text_at(m, &["type"]) == Some("campaign-message")
            && text_at(m, &["relationships", "campaign", "data", "id"]) == Some(id)
            && !messages.iter().any(|x| std::ptr::eq(*x, *m))
        {
            messages.push(m);
        }
    }
    let channel_hint = text_at(attrs, &["channel"]).or(text_at(attrs, &["send_channel"]));
    let mut body_known = true;
    for m in &messages {
        kinds.push("messages");
        let a = at(m, &["attributes"]).unwrap_or(m);
        let def = at(a, &["definition"]).unwrap_or(a);
        let content = at(def, &["content"]).unwrap_or(def);
        let ch = text_at(def, &["channel"])
            .or(text_at(a, &["channel"]))
            .or(channel_hint)
            .unwrap_or("email");
        let here = m.span;
        match ch {
            "sms" => {
                if is_true(def, &["render_options", "add_opt_out_language"]) {
                    b.adds.push(Addition::OptOutLanguage);
                }
                b.channel("sms", here, vec![("body", copy_at(content, &["body"]))]);
            }
            "mobile_push" | "push" => b.channel(
                "push",
                here,
                vec![
                    ("title", copy_at(content, &["title"])),
                    ("body", copy_at(content, &["body"])),
                ],
            ),
            _ => {
                let template = text_at(m, &["relationships", "template", "data", "id"])
                    .and_then(|t| index.get("template", t));
                if template.is_some() {
                    kinds.push("templates");
                } else {
                    body_known = false;
                }
                let html = template.and_then(|t| copy_at(t, &["attributes", "html"]));
                let text = template.and_then(|t| copy_at(t, &["attributes", "text"]));
                let from = match (
                    at(content, &["from_label"]).filter(|n| n.as_str().is_some()),
                    at(content, &["from_email"]).filter(|n| n.as_str().is_some()),
                ) {
                    (Some(l), Some(e)) => Some(plain(
                        format!(
                            "{} <{}>",
                            l.as_str().unwrap_or_default(),
                            e.as_str().unwrap_or_default()
                        ),
                        Span::new(l.span.start.min(e.span.start), l.span.end.max(e.span.end)),
                    )),
                    (l, e) => l.or(e).cloned(),
                };
                b.channel(
                    "email",
                    here,
                    vec![
                        ("from", from),
                        ("subject", copy_at(content, &["subject"])),
                        ("preheader", copy_at(content, &["preview_text"])),
                        ("body", html),
                        ("text", text),
                    ],
                );
            }
        }
    }
    if messages.is_empty() {
        body_known = false;
    }
    if !body_known {
        b.unknown(Part::Body);
    }
    // The audience.
    let included: Vec<&Node> = at(attrs, &["audiences", "included"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .collect();
    let excluded: Vec<&Node> = at(attrs, &["audiences", "excluded"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .collect();
    let mut names = Vec::new();
    let mut ways = Vec::new();
    let mut defined = !included.is_empty();
    for i in &included {
        let Some(gid) = i.as_str() else { continue };
        let resource = index.any(&["segment", "list"], gid);
        let name = resource
            .and_then(|r| at(r, &["attributes", "name"]))
            .and_then(Node::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| opts.audience_name(Platform::Klaviyo, gid));
        names.push((name, i.span));
        match resource {
            Some(r) if text_at(r, &["type"]) == Some("segment") => {
                kinds.push("segments");
                match audience_of(r, index, opts).0 {
                    Some(tree) => ways.push(tree),
                    None => defined = false,
                }
            }
            // A list is who was added to it: its members are not
            // described by conditions.
            _ => defined = false,
        }
    }
    let mut exclude = Vec::new();
    for e in &excluded {
        let Some(gid) = e.as_str() else { continue };
        let resource = index.any(&["segment", "list"], gid);
        let name = resource
            .and_then(|r| at(r, &["attributes", "name"]))
            .cloned()
            .map(|n| plain(n.as_str().unwrap_or_default(), e.span))
            .unwrap_or_else(|| plain(opts.audience_name(Platform::Klaviyo, gid), e.span));
        exclude.push(attribute(e.span, name, "eq", Some(plain("true", e.span))));
    }
    if included.is_empty() && excluded.is_empty() {
        b.unknown(Part::Audience);
    } else {
        let key = at(attrs, &["audiences"]).map_or(span, |n| n.span);
        let segment = match names.as_slice() {
            [] => None,
            [(n, s)] => {
                let id = included
                    .first()
                    .and_then(|i| i.as_str())
                    .unwrap_or_default();
                let mapped = opts
                    .same_audience
                    .get(&format!("klaviyo:{id}"))
                    .cloned()
                    .unwrap_or_else(|| format!("{n} (klaviyo:{id})"));
                Some(plain(mapped, *s))
            }
            many => Some(plain(
                many.iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" + ")
                    + " (klaviyo)",
                many[0].1,
            )),
        };
        let mut aud = Vec::new();
        if let Some(s) = segment {
            aud.push(("segment", s));
        }
        if defined {
            if let Some(any) = group("any_of", key, ways) {
                aud.push(("include", seq(key, vec![any])));
            }
        } else {
            b.unknown(Part::Audience);
        }
        if !exclude.is_empty() {
            aud.push(("exclude", seq(key, exclude)));
        }
        b.set("audience", map(key, aud));
    }
    // The schedule.
    match schedule(attrs) {
        Some(s) => b.set("schedule", s),
        None => b.unknown(Part::Schedule),
    }
    // Klaviyo sends marketing only to profiles subscribed on the channel.
    b.consent_of_channels(span);
    b.unknown(Part::DataSources);
    b.unknown(Part::Frequency);
    b.finish()
}

/// `send_strategy` in preflight's `schedule:` shape.
fn schedule(attrs: &Node) -> Option<Node> {
    // A sent campaign's send time is history, not a plan.
    if matches!(
        text_at(attrs, &["status"]),
        Some("Sent" | "Sending" | "Cancelled" | "Canceled" | "Cancelled: No Recipients")
    ) {
        return None;
    }
    let s = at(attrs, &["send_strategy"])?;
    let method = text_at(s, &["method"])?;
    let local = is_true(s, &["options", "is_local"])
        || is_true(s, &["options_static", "is_local"])
        || method == "smart_send_time";
    let when = match method {
        "static" | "throttled" => at(s, &["datetime"])
            .or(at(s, &["options_static", "datetime"]))
            .or(at(s, &["options_throttled", "datetime"])),
        "smart_send_time" => at(s, &["date"]).or(at(s, &["options_sto", "date"])),
        _ => None,
    }
    .or(at(attrs, &["scheduled_at"]))
    .filter(|n| n.as_str().is_some())?;
    let text = when.as_str()?;
    let value = if local {
        times::wall_clock(text)
    } else {
        times::iso(text, None)
    }?;
    let mut entries = vec![("send_at", times::node(value, when))];
    if local {
        entries.push(("timezone", plain("recipient", s.span)));
    }
    Some(map(s.span, entries))
}

/// A segment's definition as preflight's conditions (one `all_of` of its
/// groups, each an `any_of` of its conditions), with its name.
fn audience_of(segment: &Node, index: &Index, opts: &ReadOptions) -> (Option<Node>, Node) {
    let id = text_at(segment, &["id"]).unwrap_or_default();
    let name = at(segment, &["attributes", "name"])
        .filter(|n| n.as_str().is_some())
        .cloned()
        .unwrap_or_else(|| plain(opts.audience_name(Platform::Klaviyo, id), segment.span));
    let Some(groups) =
        at(segment, &["attributes", "definition", "condition_groups"]).and_then(Node::as_seq)
    else {
        return (None, name);
    };
    let mut all = Vec::new();
    for g in groups {
        let conditions = at(g, &["conditions"])
            .and_then(Node::as_seq)
            .unwrap_or_default();
        let mut any = Vec::new();
        let mut negatives = Vec::new();
        for c in conditions {
            if let Some((node, negative)) = condition(c, index) {
                if negative {
                    negatives.push(node);
                } else {
                    any.push(node);
                }
            }
        }
        // A group of only exclusions (“has not ordered”) excludes: kept
        // as a condition that must hold, written the negative way.
        match (any.is_empty(), negatives.is_empty()) {
            (_, true) => all.extend(group("any_of", g.span, any)),
            (true, false) => all.extend(negatives.into_iter().map(negate)),
            (false, false) => {
                any.extend(negatives.into_iter().map(negate));
                all.extend(group("any_of", g.span, any));
            }
        }
    }
    (group("all_of", segment.span, all), name)
}

/// A negative condition written as one that must hold.
pub(super) fn negate(n: Node) -> Node {
    let at = n.span;
    if let Some(ev) = n.get("event") {
        return attribute(at, ev.value.clone(), "not_exists", None);
    }
    if let Some(a) = n.get("attribute") {
        return attribute(at, a.value.clone(), "ne", Some(plain("true", at)));
    }
    n
}

/// One condition: preflight's shape, and whether it is an exclusion.
fn condition(c: &Node, index: &Index) -> Option<(Node, bool)> {
    let here = c.span;
    match text_at(c, &["type"])? {
        "profile-property" => {
            let prop = at(c, &["property"])?;
            let name = plain(property_name(prop.as_str()?), prop.span);
            let filter = at(c, &["filter"]);
            let (op, value) = filter.map(filter_op).unwrap_or(("exists", None));
            Some((attribute(here, name, op, value), false))
        }
        "profile-predictive-analytics" => {
            let dim = at(c, &["dimension"])?;
            let filter = at(c, &["filter"]);
            let (op, value) = filter.map(filter_op).unwrap_or(("exists", None));
            Some((attribute(here, dim.clone(), op, value), false))
        }
        "profile-region" => {
            let region = at(c, &["region"])?;
            let inside = !matches!(text_at(c, &["in_region"]), Some("false"));
            Some((
                attribute(
                    here,
                    plain("region", here),
                    if inside { "eq" } else { "ne" },
                    Some(region.clone()),
                ),
                false,
            ))
        }
        "profile-marketing-consent" => {
            let ch = text_at(c, &["consent", "channel"]).unwrap_or("email");
            let yes = !matches!(
                text_at(c, &["consent", "can_receive_marketing"]),
                Some("false")
            );
            let name = plain(format!("{ch}_marketing_consent"), here);
            Some((attribute(here, name, "eq", Some(plain("true", here))), !yes))
        }
        "profile-group-membership" => {
            let ids = at(c, &["group_ids"])
                .and_then(Node::as_seq)
                .unwrap_or_default();
            let member = !matches!(text_at(c, &["is_member"]), Some("false"));
            let names: Vec<Node> = ids
                .iter()
                .filter_map(|i| {
                    let id = i.as_str()?;
                    let name = index
                        .any(&["list", "segment"], id)
                        .and_then(|r| text_at(r, &["attributes", "name"]))
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("klaviyo:{id}"));
                    Some(attribute(
                        i.span,
                        plain(name, i.span),
                        "eq",
                        Some(plain("true", i.span)),
                    ))
                })
                .collect();
            Some((group("any_of", here, names)?, !member))
        }
        "profile-metric" => {
            let metric = at(c, &["metric_id"])?;
            let name = metric
                .as_str()
                .and_then(|m| index.get("metric", m))
                .and_then(|m| text_at(m, &["attributes", "name"]))
                .map(str::to_string)
                .unwrap_or_else(|| metric.as_str().unwrap_or_default().to_string());
            let name = plain(name, metric.span);
            let within = at(c, &["timeframe_filter"]).and_then(timeframe);
            let f = at(c, &["measurement_filter"]);
            let op = f
                .and_then(|f| text_at(f, &["operator"]))
                .unwrap_or("greater-than");
            let n: Option<f64> = f
                .and_then(|f| text_at(f, &["value"]))
                .and_then(|v| v.parse().ok());
            let value_at = f.and_then(|f| at(f, &["value"])).map_or(here, |v| v.span);
            // How many times at least, or none at all.
            let (min, none) = match (op, n) {
                ("equals", Some(0.0)) => (None, true),
                ("less-than", Some(v)) if v <= 1.0 => (None, true),
                ("greater-than", Some(v)) => (Some(v.floor() as u64 + 1), false),
                ("greater-than-or-equal", Some(v)) => (Some(v.ceil().max(1.0) as u64), false),
                ("equals", Some(v)) => (Some(v.ceil().max(1.0) as u64), false),
                _ => (None, false),
            };
            let min = min
                .filter(|m| *m > 1)
                .map(|m| plain(m.to_string(), value_at));
            Some((event(here, name, within, min), none))
        }
        _ => None,
    }
}

/// `properties['Favorite Color']` → `Favorite Color`.
fn property_name(p: &str) -> String {
    let p = p.trim();
    for (open, close) in [("properties['", "']"), ("properties[\"", "\"]"), ("$", "")] {
        if let Some(rest) = p.strip_prefix(open) {
            return rest.strip_suffix(close).unwrap_or(rest).to_string();
        }
    }
    p.to_string()
}

/// A property or prediction filter as an operator and a value.
fn filter_op(f: &Node) -> (&'static str, Option<Node>) {
    let value = at(f, &["value"]).cloned();
    let op = match text_at(f, &["operator"]).unwrap_or("equals") {
        "equals" | "is" => "eq",
        "not-equals" | "is-not" => "ne",
        "contains" | "contains-any" | "contains-all" | "starts-with" | "ends-with" => "contains",
        "not-contains" => "ne",
        "greater-than" => "gt",
        "greater-than-or-equal" => "gte",
        "less-than" => "lt",
        "less-than-or-equal" => "lte",
        "in" => "in",
        "not-in" => "not_in",
        "is-set" | "exists" => return ("exists", None),
        "is-not-set" | "not-exists" => return ("not_exists", None),
        // Dates (“in the last 30 days”) and others: the attribute is used.
        _ => return ("exists", None),
    };
    match value {
        Some(v) if v.as_str().is_some() || v.as_seq().is_some() => (op, Some(v)),
        _ => ("exists", None),
    }
}

/// `{"operator": "in-the-last", "quantity": 30, "unit": "day"}` → `30d`.
fn timeframe(t: &Node) -> Option<Node> {
    if !matches!(text_at(t, &["operator"])?, "in-the-last" | "in-the-past") {
        return None;
    }
    let q = at(t, &["quantity"])?;
    let unit = match text_at(t, &["unit"]).unwrap_or("day") {
        "hour" | "hours" => "h",
        "day" | "days" => "d",
        "week" | "weeks" => "w",
        "month" | "months" => "mo",
        "year" | "years" => "y",
        _ => return None,
    };
    let n: u64 = q.as_str()?.parse().ok()?;
    let (n, unit) = match unit {
        "mo" => (n * 30, "d"),
        "y" => (n * 365, "d"),
        u => (n, u),
    };
    Some(plain(format!("{n}{unit}"), t.span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::json;

    fn read_text(text: &str) -> Vec<ExportCampaign> {
        let root = json::parse(text, 0, Default::default())
            .expect("json")
            .remove(0)
            .root;
        assert!(detect(&root));
        match read(&root, &ReadOptions::default()) {
            Some(Reading::Campaigns(e)) => e.campaigns,
            _ => panic!("campaigns"),
        }
    }

    #[test]
    fn property_names_lose_their_brackets() {
        assert_eq!(
            property_name("properties['Favorite Color']"),
            "Favorite Color"
        );
        assert_eq!(property_name("first_name"), "first_name");
    }

    #[test]
    fn groups_are_anded_and_conditions_ored() {
        let text = r#"{"data": {"type": "segment", "id": "S1", "attributes": {"name": "Runners",
          "definition": {"condition_groups": [
            {"conditions": [
              {"type": "profile-property", "property": "properties['sport']", "filter": {"type": "string", "operator": "equals", "value": "running"}},
              {"type": "profile-property", "property": "properties['sport']", "filter": {"type": "string", "operator": "equals", "value": "trail"}}]},
            {"conditions": [
              {"type": "profile-metric", "metric_id": "M1", "measurement": "count",
               "measurement_filter": {"type": "numeric", "operator": "equals", "value": 0},
               "timeframe_filter": {"type": "date", "operator": "in-the-last", "quantity": 30, "unit": "day"}}]}]}}}}"#;
        let c = read_text(text);
        let aud = c[0].root.get("audience").expect("audience");
        let include = aud.value.get("include").expect("include");
        let top = &include.value.as_seq().expect("list")[0];
        let all = top
            .get("all_of")
            .expect("all_of")
            .value
            .as_seq()
            .expect("members");
        assert_eq!(all.len(), 2);
        assert!(all[0].get("any_of").is_some());
        // Never ordered in 30 days: a negative condition.
        assert_eq!(
            all[1].get("op").and_then(|e| e.value.as_str()),
            Some("not_exists")
        );
        let value = &all[0].get("any_of").unwrap().value.as_seq().unwrap()[0];
        let v = &value.get("value").unwrap().value;
        assert_eq!(&text[v.span.range()], "\"running\"");
    }

    #[test]
    fn local_static_sends_keep_the_wall_clock_for_each_recipient() {
        let text = r#"{"data": {"type": "campaign", "id": "C1", "attributes": {"name": "Spring",
          "audiences": {"included": ["L1"], "excluded": []},
          "send_strategy": {"method": "static", "datetime": "2027-03-02T23:30:00+00:00", "options": {"is_local": true}}}}}"#;
        let c = read_text(text);
        let s = &c[0].root.get("schedule").unwrap().value;
        assert_eq!(
            s.get("send_at").unwrap().value.as_str(),
            Some("2027-03-02T23:30:00")
        );
        assert_eq!(s.get("timezone").unwrap().value.as_str(), Some("recipient"));
        // A list is not a definition: the audience is unknown.
        assert!(c[0].unknown.contains(&Part::Audience));
    }

    #[test]
    fn tags_alone_are_not_campaigns() {
        let text = r#"{"data": [{"type": "tag", "id": "t", "attributes": {"name": "x"}}]}"#;
        let root = json::parse(text, 0, Default::default())
            .unwrap()
            .remove(0)
            .root;
        assert!(matches!(
            read(&root, &ReadOptions::default()),
            Some(Reading::Part(..))
        ));
    }

    #[test]
    fn other_json_is_not_klaviyo() {
        for text in [
            r#"{"data": {"type": "campaign"}}"#,
            r#"{"campaign": "x"}"#,
            "[]",
        ] {
            let root = json::parse(text, 0, Default::default())
                .unwrap()
                .remove(0)
                .root;
            assert!(!detect(&root), "{text}");
        }
    }
}
