//! Salesforce Marketing Cloud, as `mcdev retrieve` (Accenture's
//! sfmc-devtools) writes it: journeys (`*.journey-meta.json`), email assets
//! (`*.asset-message-meta.json`, with the HTML in the
//! `*.asset-message-meta.html` beside it) and SMS (`*.mobileMessage-meta.json`,
//! with the text in the `.amp` beside it).
//!
//! Times written without an offset are the platform's server time, a fixed
//! UTC−6. A journey whose entry is a data extension has an audience preflight
//! cannot see (unknown, not untargeted); its decision splits' filters
//! (`FilterDefinition` XML inside a JSON string) are read as conditions, so
//! that what they select people by is judged.

use super::{
    at, attribute, copy_at, group, map, plain, seq, text_at, Builder, Companion, Export,
    ExportCampaign, Part, Platform, ReadOptions, Reading,
};
use crate::input::source::Span;
use crate::input::yaml::Node;

/// Marketing Cloud's server time, which naive times are in.
const SERVER_OFFSET: &str = "-06:00";

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Journey,
    Email,
    Sms,
}

fn kind(root: &Node, path: &str) -> Option<Kind> {
    let name = super::file_name(path).to_ascii_lowercase();
    if name.ends_with(".journey-meta.json")
        && root.get("activities").is_some()
        && root.get("triggers").is_some()
    {
        Some(Kind::Journey)
    } else if name.ends_with(".asset-message-meta.json")
        && (root.get("assetType").is_some() || root.get("views").is_some())
    {
        Some(Kind::Email)
    } else if name.ends_with(".mobilemessage-meta.json")
        && (text_at(root, &["type"]).is_some_and(|t| t.contains("Mobile.Sms"))
            || root.get("mtSendDate").is_some())
    {
        Some(Kind::Sms)
    } else {
        None
    }
}

/// Another `mcdev` metadata file (`*.dataExtension-meta.json`, …).
fn other_meta(root: &Node, path: &str) -> bool {
    let name = super::file_name(path).to_ascii_lowercase();
    name.ends_with("-meta.json")
        && root.as_map().is_some()
        && (root.get("r__folder_Path").is_some()
            || root.get("customerKey").is_some()
            || root.get("key").is_some())
}

pub fn detect(root: &Node, path: &str) -> bool {
    kind(root, path).is_some() || other_meta(root, path)
}

/// The HTML of an email asset, or the text of an SMS, beside it.
pub fn companions(root: &Node, path: &str) -> Vec<String> {
    let name = super::file_name(path);
    let Some(stem) = name.strip_suffix(".json") else {
        return Vec::new();
    };
    match kind(root, path) {
        // Beside the JSON, or in the asset's own folder (mcdev's newer
        // layout writes each view to a file of its own).
        Some(Kind::Email) => vec![
            format!("{stem}.html"),
            "views.html.content.asset-message-meta.html".into(),
        ],
        Some(Kind::Sms) => vec![format!("{stem}.amp")],
        _ => Vec::new(),
    }
}

pub fn read(
    root: &Node,
    path: &str,
    text: &str,
    companions: &[Companion],
    _opts: &ReadOptions,
) -> Option<Reading> {
    let Some(k) = kind(root, path) else {
        return Some(Reading::Part(
            Platform::Sfmc,
            "Marketing Cloud metadata that is not a journey, an email or an SMS".into(),
        ));
    };
    let beside = companions.first();
    let (campaigns, what) = match k {
        Kind::Journey => (journey(root, text), "a Marketing Cloud journey (mcdev)"),
        Kind::Email => (email(root, beside), "a Marketing Cloud email asset (mcdev)"),
        Kind::Sms => (sms(root, beside), "a Marketing Cloud SMS (mcdev)"),
    };
    let with = match (k, beside) {
        (Kind::Journey, _) | (_, None) => String::new(),
        (_, Some(c)) => format!(", with {}", c.name),
    };
    Some(Reading::Campaigns(Export {
        platform: Platform::Sfmc,
        read_as: format!("{what}{with}"),
        campaigns,
    }))
}

fn named(n: &Node) -> Builder {
    let mut b = Builder::new(
        n.span,
        super::campaign_id(
            at(n, &["name"]),
            at(n, &["key"])
                .or(at(n, &["customerKey"]))
                .or(at(n, &["id"])),
            n.span,
        ),
    );
    if let Some(name) = copy_at(n, &["name"]) {
        b.set("name", name);
    }
    if let Some(k) = text_at(n, &["key"]).or(text_at(n, &["customerKey"])) {
        b.objects.push(format!("sfmc:{k}"));
    }
    b
}

fn journey(n: &Node, text: &str) -> Vec<ExportCampaign> {
    let mut b = named(n);
    let mut ways = Vec::new();
    for a in at(n, &["activities"])
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        match text_at(a, &["type"]) {
            Some("EMAILV2") => {
                let ts = at(a, &["configurationArguments", "triggeredSend"]).unwrap_or(a);
                // The email asset it sends is the same copy, exported apart.
                if let Some(k) = text_at(ts, &["r__asset_key"]).or(text_at(a, &["r__asset_key"])) {
                    b.objects.push(format!("sfmc:{k}"));
                }
                b.channel(
                    "email",
                    a.span,
                    vec![
                        ("subject", copy_at(ts, &["emailSubject"])),
                        ("preheader", copy_at(ts, &["preHeader"])),
                    ],
                );
            }
            Some("SMSSYNC") | Some("SMS") => b.channel("sms", a.span, Vec::new()),
            Some("PUSHNOTIFICATIONACTIVITY") => b.channel("push", a.span, Vec::new()),
            Some("MULTICRITERIADECISION") => {
                for e in at(a, &["configurationArguments", "criteria"])
                    .and_then(Node::as_map)
                    .unwrap_or_default()
                {
                    if let Some(c) = filter(&e.value, text) {
                        ways.push(c);
                    }
                }
            }
            _ => {}
        }
    }
    // The emails' bodies are the assets, exported apart.
    b.unknown(Part::Body);
    // The entry: a data extension, an API event or a Salesforce object
    // holds who enters; it is not described here.
    let trigger = at(n, &["triggers"])
        .and_then(Node::as_seq)
        .and_then(|t| t.first());
    let span = trigger.map_or(n.span, |t| t.span);
    let mut aud = Vec::new();
    // Named for the platform, so that it is never another platform's
    // audience of the same name.
    if let Some(name) = trigger.and_then(|t| copy_at(t, &["name"])) {
        let label = format!("{} (sfmc)", name.as_str().unwrap_or_default());
        aud.push(("segment", plain(label, name.span)));
    }
    if let Some(g) = group("any_of", span, ways) {
        aud.push(("include", seq(span, vec![g])));
    }
    if !aud.is_empty() {
        b.set("audience", map(span, aud));
    }
    b.unknown(Part::Audience);
    // A journey sends as people enter and wait: no one send time.
    b.unknown(Part::Schedule);
    b.unknown(Part::DataSources);
    b.unknown(Part::Consent);
    b.unknown(Part::Frequency);
    b.finish()
}

/// A decision path's `FilterDefinition` as conditions (ANDed or ORed as
/// its condition sets say), with spans on the XML inside the JSON string.
fn filter(n: &Node, text: &str) -> Option<Node> {
    let xml = n.as_str()?;
    let doc = roxmltree::Document::parse(xml).ok()?;
    let place = |r: std::ops::Range<usize>| crate::input::yaml::locate_in_scalar(text, n, r);
    fn walk(
        node: roxmltree::Node,
        xml: &str,
        place: &dyn Fn(std::ops::Range<usize>) -> Span,
    ) -> Option<Node> {
        match node.tag_name().name() {
            "FilterDefinition" => {
                let kids: Vec<Node> = node
                    .children()
                    .filter(|c| c.is_element())
                    .filter_map(|c| walk(c, xml, place))
                    .collect();
                group("all_of", place(node.range()), kids)
            }
            "ConditionSet" => {
                let kids: Vec<Node> = node
                    .children()
                    .filter(|c| c.is_element())
                    .filter_map(|c| walk(c, xml, place))
                    .collect();
                let kind = if node
                    .attribute("Operator")
                    .is_some_and(|o| o.eq_ignore_ascii_case("OR"))
                {
                    "any_of"
                } else {
                    "all_of"
                };
                group(kind, place(node.range()), kids)
            }
            "Condition" => {
                let key_range = node.attribute_node("Key")?.range_value();
                let key = node.attribute("Key")?;
                let op = match node.attribute("Operator").unwrap_or("Equal") {
                    "Equal" | "Is" => "eq",
                    "NotEqual" => "ne",
                    "GreaterThan" => "gt",
                    "GreaterThanOrEqual" => "gte",
                    "LessThan" => "lt",
                    "LessThanOrEqual" => "lte",
                    "Contains" | "Like" | "BeginsWith" | "EndsWith" => "contains",
                    "IsNotNull" => "exists",
                    "IsNull" => "not_exists",
                    "In" => "in",
                    "NotIn" => "not_in",
                    _ => "eq",
                };
                let value = node
                    .children()
                    .find(|c| c.has_tag_name("Value"))
                    .and_then(|v| v.text().map(|t| (t, v)))
                    .map(|(t, v)| {
                        // The text's place: inside a CDATA section or not.
                        let r = v.range();
                        let inner = xml[r.clone()]
                            .find(t)
                            .map_or(r.clone(), |i| r.start + i..r.start + i + t.len());
                        plain(t, place(inner))
                    });
                let here = place(node.range());
                let value = if op.ends_with("exists") { None } else { value };
                Some(attribute(here, plain(key, place(key_range)), op, value))
            }
            _ => None,
        }
    }
    walk(doc.root_element(), xml, &place)
}

fn email(n: &Node, beside: Option<&Companion>) -> Vec<ExportCampaign> {
    let mut b = named(n);
    let views = at(n, &["views"]).unwrap_or(n);
    let body = beside
        .map(|c| c.node.clone())
        .or_else(|| copy_at(views, &["html", "content"]));
    if body.is_none() {
        b.unknown(Part::Body);
    }
    b.channel(
        "email",
        body.as_ref().map_or(n.span, |x| x.span),
        vec![
            ("subject", copy_at(views, &["subjectline", "content"])),
            ("preheader", copy_at(views, &["preheader", "content"])),
            ("body", body),
            ("text", copy_at(views, &["text", "content"])),
        ],
    );
    // An asset is copy: who receives it and when is the journey's or the
    // send's.
    for p in [
        Part::Audience,
        Part::Schedule,
        Part::DataSources,
        Part::Consent,
        Part::Frequency,
    ] {
        b.unknown(p);
    }
    b.finish()
}

fn sms(n: &Node, beside: Option<&Companion>) -> Vec<ExportCampaign> {
    let mut b = named(n);
    let body = beside
        .map(|c| c.node.clone())
        .or_else(|| copy_at(n, &["text"]));
    if body.is_none() {
        b.unknown(Part::Body);
    }
    b.channel(
        "sms",
        body.as_ref().map_or(n.span, |x| x.span),
        vec![("body", body)],
    );
    // `mtSendDate`: naive in server time unless it says its offset; a
    // time-zone-based send goes out at that wall-clock time for each
    // recipient.
    // Sent when an API call or a keyword triggers it: `mtSendDate` is not
    // when.
    let triggered = matches!(
        text_at(n, &["sendMethod"]),
        Some("API" | "Keyword" | "Triggered")
    );
    match at(n, &["mtSendDate"])
        .filter(|t| t.as_str().is_some_and(|s| !s.is_empty()))
        .filter(|_| !triggered)
    {
        Some(t) => {
            let local = at(n, &["isTimeZoneBased"]).and_then(Node::as_str) == Some("true");
            b.send_at(t, local, Some(SERVER_OFFSET));
        }
        None => b.unknown(Part::Schedule),
    }
    // Who receives it is the send's audience (a list or data extension).
    b.unknown(Part::Audience);
    b.unknown(Part::DataSources);
    b.unknown(Part::Consent);
    b.unknown(Part::Frequency);
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_at(path: &str, json: &str) -> Vec<ExportCampaign> {
        let docs = crate::input::json::parse(json, 0, Default::default()).expect("json");
        assert!(detect(&docs[0].root, path), "not detected");
        match read(&docs[0].root, path, json, &[], &ReadOptions::default()) {
            Some(Reading::Campaigns(e)) => e.campaigns,
            _ => panic!("not read"),
        }
    }

    #[test]
    fn naive_sms_times_are_server_time() {
        let c = read_at(
            "x/mobileMessage/a.mobileMessage-meta.json",
            r#"{"id":"a","name":"A","type":"ExactTarget.Mobile.Sms.Core.Entities.SmsMessageEntity","mtSendDate":"2027-03-02T22:30:00","isTimeZoneBased":false}"#,
        );
        assert_eq!(
            at(&c[0].root, &["schedule", "send_at"]).and_then(Node::as_str),
            Some("2027-03-02T22:30:00-06:00")
        );
    }

    #[test]
    fn decision_filters_are_conditions_at_their_xml() {
        let json = r#"{"key":"j","name":"J","triggers":[{"type":"EmailAudience","name":"All"}],"activities":[{"type":"MULTICRITERIADECISION","configurationArguments":{"criteria":{"p":"<FilterDefinition><ConditionSet Operator=\"OR\"><Condition Key=\"Pregnant\" Operator=\"Equal\"><Value><![CDATA[true]]></Value></Condition><Condition Key=\"Due\" Operator=\"IsNotNull\"></Condition></ConditionSet></FilterDefinition>"}}}]}"#;
        let c = read_at("j.journey-meta.json", json);
        let include = at(&c[0].root, &["audience", "include"])
            .and_then(Node::as_seq)
            .expect("include");
        let any = at(&include[0], &["any_of"])
            .and_then(Node::as_seq)
            .expect("any_of");
        let key = at(&any[0], &["attribute"]).expect("attribute");
        assert_eq!(&json[key.span.range()], "Pregnant");
        let value = at(&any[0], &["value"]).expect("value");
        assert_eq!(&json[value.span.range()], "true");
        assert!(c[0].unknown.contains(&Part::Audience));
    }

    #[test]
    fn other_metadata_is_skipped() {
        let docs = crate::input::json::parse(
            r#"{"customerKey":"de","name":"DE","fields":[]}"#,
            0,
            Default::default(),
        )
        .expect("json");
        assert!(matches!(
            read(
                &docs[0].root,
                "a/dataExtension/de.dataExtension-meta.json",
                "",
                &[],
                &ReadOptions::default()
            ),
            Some(Reading::Part(..))
        ));
    }
}
