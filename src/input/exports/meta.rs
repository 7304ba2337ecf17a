//! Meta Marketing API objects, as the Graph API returns them: an ad set
//! (`targeting`, `start_time`, `frequency_control_specs`), an ad creative
//! (`object_story_spec.link_data`), a campaign (`objective`,
//! `special_ad_categories`, its `ads` with their creatives), or a `data`
//! list of them.
//!
//! An ad set's targeting is read as conditions: `flexible_spec` is an AND
//! of ORs (each spec's interests, behaviours and life events ORed), so that
//! the names Meta gives them ("Expecting parents", a health or religion
//! interest) are judged as any audience condition is. Ages 18 to 65 and
//! both genders are Meta's defaults, not targeting.

use super::{
    at, attribute, copy_at, group, map, plain, seq, text_at, times, Builder, Export,
    ExportCampaign, Part, Platform, ReadOptions, Reading,
};
use crate::input::yaml::Node;

/// The kinds of Meta objects preflight reads.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    AdSet,
    Creative,
    Campaign,
}

fn kind(n: &Node) -> Option<Kind> {
    let numeric_id = text_at(n, &["id"]).is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit()));
    n.as_map()?;
    if at(n, &["targeting"]).and_then(Node::as_map).is_some()
        && (n.get("optimization_goal").is_some()
            || n.get("billing_event").is_some()
            || n.get("campaign_id").is_some()
            || at(n, &["targeting", "geo_locations"]).is_some())
    {
        Some(Kind::AdSet)
    } else if at(n, &["object_story_spec"])
        .and_then(Node::as_map)
        .is_some()
        || (numeric_id && n.get("asset_feed_spec").is_some())
    {
        Some(Kind::Creative)
    } else if n.get("special_ad_categories").is_some()
        || (numeric_id && n.get("objective").is_some() && n.get("buying_type").is_some())
    {
        Some(Kind::Campaign)
    } else {
        None
    }
}

/// The objects of a file: the root, or a `data` list.
fn objects(root: &Node) -> Vec<(&Node, Kind)> {
    if let Some(k) = kind(root) {
        return vec![(root, k)];
    }
    at(root, &["data"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| Some((n, kind(n)?)))
        .collect()
}

pub fn detect(root: &Node) -> bool {
    !objects(root).is_empty()
}

pub fn read(root: &Node, opts: &ReadOptions) -> Option<Reading> {
    let objects = objects(root);
    let mut out = Vec::new();
    let (mut sets, mut creatives, mut campaigns) = (0, 0, 0);
    for (n, k) in objects {
        out.extend(match k {
            Kind::AdSet => {
                sets += 1;
                ad_set(n, opts)
            }
            Kind::Creative => {
                creatives += 1;
                creative(n)
            }
            Kind::Campaign => {
                campaigns += 1;
                campaign(n)
            }
        });
    }
    let parts: Vec<String> = [
        (sets, "ad set"),
        (creatives, "ad creative"),
        (campaigns, "campaign"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| super::count(*n, w))
    .collect();
    Some(Reading::Campaigns(Export {
        platform: Platform::Meta,
        read_as: format!("a Meta Marketing API export ({})", parts.join(", ")),
        campaigns: out,
    }))
}

fn named(n: &Node) -> Builder {
    let mut b = Builder::new(
        n.span,
        super::campaign_id(at(n, &["name"]), at(n, &["id"]), n.span),
    );
    if let Some(name) = at(n, &["name"]).filter(|x| x.as_str().is_some()) {
        b.set("name", name.clone());
    }
    b
}

/// `start_time` and `end_time` (or `stop_time`) as a schedule.
fn schedule(n: &Node, b: &mut Builder) {
    let Some(start) = at(n, &["start_time"]).filter(|s| s.as_str().is_some()) else {
        b.unknown(Part::Schedule);
        return;
    };
    let Some(send) = start.as_str().and_then(|s| times::iso(s, None)) else {
        b.unknown(Part::Schedule);
        return;
    };
    let mut entries = vec![("send_at", times::node(send, start))];
    if let Some(end) = at(n, &["end_time"])
        .or(at(n, &["stop_time"]))
        .filter(|e| e.as_str().is_some_and(|s| !s.is_empty() && s != "0"))
    {
        if let Some(e) = end.as_str().and_then(|s| times::iso(s, None)) {
            entries.push(("ends_at", times::node(e, end)));
        }
    }
    b.set("schedule", map(start.span, entries));
}

fn ad_set(n: &Node, opts: &ReadOptions) -> Vec<ExportCampaign> {
    let mut b = named(n);
    let targeting = at(n, &["targeting"]).unwrap_or(n);
    let span = targeting.span;
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    // Ages and genders other than Meta's defaults.
    if let Some(min) = at(targeting, &["age_min"]).filter(|v| number(v).is_some_and(|a| a > 18.0)) {
        include.push(attribute(
            min.span,
            plain("profile.age", min.span),
            "gte",
            Some(min.clone()),
        ));
    }
    if let Some(max) = at(targeting, &["age_max"]).filter(|v| number(v).is_some_and(|a| a < 65.0)) {
        include.push(attribute(
            max.span,
            plain("profile.age", max.span),
            "lte",
            Some(max.clone()),
        ));
    }
    if let Some([one]) = at(targeting, &["genders"]).and_then(Node::as_seq) {
        let name = match one.as_str() {
            Some("1") => Some("male"),
            Some("2") => Some("female"),
            _ => None,
        };
        if let Some(name) = name {
            include.push(attribute(
                one.span,
                plain("profile.gender", one.span),
                "eq",
                Some(plain(name, one.span)),
            ));
        }
    }
    // Places: postal codes are targeting by place; countries set the region.
    if let Some(geo) = at(targeting, &["geo_locations"]) {
        let zips: Vec<Node> = at(geo, &["zips"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|z| copy_at(z, &["key"]).or_else(|| z.as_str().map(|_| z.clone())))
            .collect();
        if !zips.is_empty() {
            let at_ = at(geo, &["zips"]).map_or(span, |z| z.span);
            include.push(attribute(
                at_,
                plain("profile.postal_code", at_),
                "in",
                Some(seq(at_, zips)),
            ));
        }
        if let Some([country]) = at(geo, &["countries"]).and_then(Node::as_seq) {
            if country.as_str().is_some() {
                b.set("region", country.clone());
            }
        }
    }
    // Interests, behaviours and life events: ORed within a spec, the specs
    // ANDed.
    let mut specs: Vec<&Node> = vec![targeting];
    specs.extend(
        at(targeting, &["flexible_spec"])
            .and_then(Node::as_seq)
            .unwrap_or_default(),
    );
    for spec in specs {
        let ors = traits(spec);
        if let Some(g) = group("any_of", spec.span, ors) {
            include.push(g);
        }
    }
    if let Some(ex) = at(targeting, &["exclusions"]) {
        exclude.extend(traits(ex));
    }
    // Custom audiences are lists the advertiser uploaded or built: who is
    // in them is not described here.
    let customs: Vec<&Node> = at(targeting, &["custom_audiences"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .collect();
    for c in at(targeting, &["excluded_custom_audiences"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        if let Some(name) = copy_at(c, &["name"]).or_else(|| copy_at(c, &["id"])) {
            exclude.push(attribute(c.span, name, "eq", Some(plain("true", c.span))));
        }
    }
    let mut aud = Vec::new();
    if let Some(first) = customs.first() {
        let name = match (customs.len(), text_at(first, &["id"])) {
            (1, Some(id)) => opts.audience_name(Platform::Meta, id),
            _ => {
                customs
                    .iter()
                    .filter_map(|c| text_at(c, &["name"]).or(text_at(c, &["id"])))
                    .collect::<Vec<_>>()
                    .join(" + ")
                    + " (meta)"
            }
        };
        let span = at(first, &["name"]).map_or(first.span, |n| n.span);
        aud.push(("segment", plain(name, span)));
        // What the custom audience holds is not in the export.
        b.unknown(Part::Audience);
    }
    if !include.is_empty() {
        aud.push(("include", seq(span, include)));
    }
    if !exclude.is_empty() {
        aud.push(("exclude", seq(span, exclude)));
    }
    if aud.is_empty() {
        b.unknown(Part::Audience);
    } else {
        b.set("audience", map(span, aud));
    }
    schedule(n, &mut b);
    // `frequency_control_specs`: at most N impressions in D days.
    if let Some(spec) = at(n, &["frequency_control_specs"])
        .and_then(Node::as_seq)
        .and_then(|s| s.first())
    {
        if let (Some(cap), Some(days)) = (
            at(spec, &["max_frequency"]),
            at(spec, &["interval_days"]).and_then(Node::as_str),
        ) {
            b.set(
                "frequency",
                map(
                    spec.span,
                    vec![
                        ("cap", cap.clone()),
                        ("per", plain(format!("{days}d"), spec.span)),
                    ],
                ),
            );
        }
    } else {
        b.unknown(Part::Frequency);
    }
    // The copy is in the ad creatives, exported apart.
    b.channel("ad", n.span, Vec::new());
    b.unknown(Part::Body);
    b.unknown(Part::DataSources);
    b.unknown(Part::Consent);
    b.finish()
}

/// The interests, behaviours and life events of a spec, as conditions.
fn traits(spec: &Node) -> Vec<Node> {
    let mut out = Vec::new();
    for kind in [
        "interests",
        "behaviors",
        "life_events",
        "family_statuses",
        "industries",
        "income",
        "education_statuses",
        "relationship_statuses",
        "user_adclusters",
        "work_positions",
    ] {
        for item in at(spec, &[kind]).and_then(Node::as_seq).unwrap_or_default() {
            let value = copy_at(item, &["name"]).or_else(|| {
                item.as_str()
                    .filter(|s| !s.bytes().all(|b| b.is_ascii_digit()))
                    .map(|_| item.clone())
            });
            if let Some(v) = value {
                out.push(attribute(
                    v.span,
                    plain(format!("meta.{kind}"), v.span),
                    "eq",
                    Some(v),
                ));
            }
        }
    }
    out
}

fn number(n: &Node) -> Option<f64> {
    n.as_str()?.trim().parse().ok()
}

/// A creative's copy: the link ad's text, else the creative's own.
fn ad_copy(n: &Node, b: &mut Builder) {
    if let Some(id) = text_at(n, &["id"]) {
        b.objects.push(format!("meta:creative:{id}"));
    }
    let link = at(n, &["object_story_spec", "link_data"])
        .or(at(n, &["object_story_spec", "video_data"]))
        .unwrap_or(n);
    let headline = copy_at(link, &["name"])
        .or_else(|| copy_at(link, &["title"]))
        .or_else(|| copy_at(n, &["title"]));
    let body = copy_at(link, &["message"]).or_else(|| copy_at(n, &["body"]));
    let mut fields = vec![("headline", headline), ("body", body)];
    if let Some(d) = copy_at(link, &["description"]) {
        fields.push(("description", Some(d)));
    }
    b.channel("ad", n.span, fields);
}

fn creative(n: &Node) -> Vec<ExportCampaign> {
    let mut b = named(n);
    ad_copy(n, &mut b);
    for p in [
        Part::Audience,
        Part::Schedule,
        Part::Frequency,
        Part::DataSources,
        Part::Consent,
    ] {
        b.unknown(p);
    }
    b.finish()
}

fn campaign(n: &Node) -> Vec<ExportCampaign> {
    let mut b = named(n);
    for ad in at(n, &["ads", "data"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        if let Some(c) = at(ad, &["creative"]) {
            ad_copy(c, &mut b);
        }
    }
    if b.channels.is_empty() {
        b.channel("ad", n.span, Vec::new());
        b.unknown(Part::Body);
    }
    schedule(n, &mut b);
    // The audience is the ad sets', exported apart.
    for p in [
        Part::Audience,
        Part::Frequency,
        Part::DataSources,
        Part::Consent,
    ] {
        b.unknown(p);
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(json: &str) -> Vec<ExportCampaign> {
        let docs = crate::input::json::parse(json, 0, Default::default()).expect("json");
        match read(&docs[0].root, &ReadOptions::default()) {
            Some(Reading::Campaigns(e)) => e.campaigns,
            _ => panic!("not read"),
        }
    }

    #[test]
    fn flexible_spec_is_an_and_of_ors() {
        let c = read_text(
            r#"{"id":"1","name":"s","billing_event":"IMPRESSIONS","targeting":{"geo_locations":{"countries":["US"]},
            "flexible_spec":[{"interests":[{"id":"6","name":"Pregnancy"}],"life_events":[{"id":"7","name":"Newlywed"}]},
            {"behaviors":[{"id":"8","name":"Frequent travelers"}]}]}}"#,
        );
        let include = at(&c[0].root, &["audience", "include"])
            .and_then(Node::as_seq)
            .expect("include");
        assert_eq!(include.len(), 2, "{include:?}");
        let first = at(&include[0], &["any_of"])
            .and_then(Node::as_seq)
            .expect("an any_of");
        assert_eq!(first.len(), 2);
        assert_eq!(
            at(&include[1], &["value"]).and_then(Node::as_str),
            Some("Frequent travelers")
        );
        assert_eq!(
            at(&c[0].root, &["region"]).and_then(Node::as_str),
            Some("US")
        );
    }

    #[test]
    fn default_ages_and_both_genders_are_not_targeting() {
        let c = read_text(
            r#"{"id":"1","billing_event":"IMPRESSIONS","targeting":{"age_min":18,"age_max":65,"genders":[1,2],"geo_locations":{"countries":["US","CA"]}}}"#,
        );
        assert!(at(&c[0].root, &["audience"]).is_none());
        assert!(c[0].unknown.contains(&Part::Audience));
        let c = read_text(
            r#"{"id":"1","billing_event":"IMPRESSIONS","targeting":{"age_min":25,"genders":[2],"geo_locations":{"countries":["US"]}}}"#,
        );
        let include = at(&c[0].root, &["audience", "include"])
            .and_then(Node::as_seq)
            .expect("include");
        assert_eq!(include.len(), 2);
    }

    #[test]
    fn times_and_frequency_are_read() {
        let c = read_text(
            r#"{"id":"1","billing_event":"IMPRESSIONS","start_time":"2027-05-01T09:00:00-0700","end_time":"2027-05-31T23:59:00-0700",
            "frequency_control_specs":[{"event":"IMPRESSIONS","interval_days":7,"max_frequency":3}],"targeting":{"geo_locations":{"countries":["US"]}}}"#,
        );
        let r = &c[0].root;
        assert_eq!(
            at(r, &["schedule", "send_at"]).and_then(Node::as_str),
            Some("2027-05-01T09:00:00-07:00")
        );
        assert_eq!(
            at(r, &["frequency", "per"]).and_then(Node::as_str),
            Some("7d")
        );
        assert!(!c[0].unknown.contains(&Part::Frequency));
    }

    #[test]
    fn creatives_hold_copy_only() {
        let c = read_text(
            r#"{"id":"2","name":"c","object_story_spec":{"link_data":{"message":"Body","name":"Head"}}}"#,
        );
        assert_eq!(
            at(&c[0].root, &["content", "ad", "headline"]).and_then(Node::as_str),
            Some("Head")
        );
        assert!(c[0].unknown.contains(&Part::Audience));
        assert!(!detect(
            &crate::input::json::parse(r#"{"id":"3","name":"x"}"#, 0, Default::default())
                .expect("json")[0]
                .root
        ));
    }
}
