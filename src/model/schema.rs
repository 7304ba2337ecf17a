//! The JSON Schema (2020-12) of the campaign format, for editors
//! (yaml-language-server): completion, hover text and validation.
//!
//! It is generated from the loader's own field lists
//! ([`crate::model::load::FORMAT_KEYS`] and each channel's fields), with a
//! description for every field; a test checks that the two agree.

use serde_json::{json, Map, Value};

use crate::input::yaml::{Node, Style};
use crate::model::campaign::{Channel, Season};
use crate::model::load::FORMAT_KEYS;

const DURATION: &str = r"^[0-9]+[mhdw]$";
const DATE: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$";

/// Type and description of each field, by the mapping it belongs to.
fn field(place: &str, key: &str) -> (Value, &'static str) {
    let text = || json!({"type": "string"});
    let duration = || json!({"type": "string", "pattern": DURATION});
    let date = || json!({"type": "string", "pattern": DATE});
    let strings = || json!({"type": "array", "items": {"type": "string"}});
    match (place, key) {
        ("campaign", "campaign") => (json!({"type": "string", "pattern": "^[a-z0-9_-]+$"}), "The campaign id: a slug of lowercase letters, digits, - and _ (required)."),
        ("campaign", "name") => (text(), "The human name of the campaign."),
        ("campaign", "channels") => (json!({"type": "array", "items": {"enum": Channel::ALL.map(Channel::as_str)}}), "Where the campaign is sent: email, sms, push, ad, web (required)."),
        ("campaign", "language") => (json!({"type": "string", "pattern": "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"}), "The language of the copy (en, es, fr, de, it, pt, nl, optionally with a region: es-MX); decides which vocabularies apply. Without it, the configuration's default, else the language detected in the copy."),
        ("campaign", "region") => (json!({"type": "string", "pattern": "^[A-Z]{2}(-[A-Z0-9]{2,3})?$"}), "The recipients' country (ISO 3166, such as US) or subdivision (US-FL); seasons, occasion dates and SMS quiet hours follow it."),
        ("campaign", "schedule") => (json!({"$ref": "#/$defs/schedule"}), "When the campaign sends (required: send_at)."),
        ("campaign", "audience") => (json!({"$ref": "#/$defs/audience"}), "Who the campaign reaches: segment, sizes and conditions."),
        ("campaign", "data_sources") => (json!({"type": "array", "items": {"$ref": "#/$defs/data_source"}}), "Where the audience's data and the merge tokens come from, and how fresh it is."),
        ("campaign", "consent") => (strings(), "Purposes the audience consented to: email_marketing, sms_marketing, push, personalized_ads, sensitive_data."),
        ("campaign", "acknowledge") => (json!({"type": "array", "items": {"$ref": "#/$defs/acknowledge_entry"}}), "Reviewed exceptions: a rule this campaign may break, with the reason."),
        ("campaign", "frequency") => (json!({"$ref": "#/$defs/frequency"}), "The most messages this campaign may send one person in a window."),
        ("campaign", "retargeting") => (json!({"$ref": "#/$defs/retargeting"}), "How soon after the triggering behaviour the first message goes, and how long the person is followed."),
        ("campaign", "season") => (json!({"enum": Season::NAMES.map(|(n, _)| n)}), "The season of the goods, when the copy alone does not tell; `any` turns the seasonal check off."),
        ("campaign", "sender") => (json!({"$ref": "#/$defs/sender"}), "Who sends the campaign, with the postal address the law requires in marketing email."),
        ("campaign", "content") => (json!({"$ref": "#/$defs/content"}), "The copy of each channel, with its merge tokens."),
        ("schedule", "send_at") => (date(), "The date and time of the send: 2027-06-10T09:00:00 (or a date)."),
        ("schedule", "timezone") => (text(), "An IANA time zone such as America/New_York, or `recipient` for each person's local time."),
        ("schedule", "ends_at") => (date(), "The end of a multi-day or triggered campaign; not before send_at."),
        ("audience", "segment") => (text(), "The segment's name."),
        ("audience", "list_size") => (json!({"type": "integer", "minimum": 0}), "Everyone the sender can reach on these channels."),
        ("audience", "estimated_size") => (json!({"type": "integer", "minimum": 0}), "How many people this segment reaches."),
        ("audience", "include") => (json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/condition"}}), "Conditions that must all hold; an item may be a group, `any_of: [...]` (one member must hold) or `all_of: [...]`."),
        ("audience", "exclude") => (json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/condition"}}), "Suppressions: people matching any of these are left out; an item may be a group, `any_of: [...]` or `all_of: [...]` (left out only when every member holds)."),
        ("attribute condition", "attribute") => (text(), "A profile attribute, such as preferences.interests."),
        ("attribute condition", "op") => (json!({"enum": ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "exists", "not_exists"]}), "How the attribute is compared."),
        ("attribute condition", "value") => (json!({}), "What it is compared with (a list for in and not_in); not used by exists and not_exists."),
        ("event condition", "event") => (text(), "A behavioural event, such as order_placed."),
        ("event condition", "within") => (duration(), "The look-back window: 15m, 2h, 30d, 2w."),
        ("event condition", "min_count") => (json!({"type": "integer", "minimum": 1}), "How many times the event must have happened (default 1)."),
        ("event condition", "where") => (json!({"type": "object"}), "Event properties that must match, such as {category: running}."),
        ("group", "any_of") => (json!({"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}), "A group that holds when at least one of its members holds: conditions, or groups of their own (at most 8 groups deep)."),
        ("group", "all_of") => (json!({"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}), "A group that holds when every one of its members holds: conditions, or groups of their own (at most 8 groups deep)."),
        ("data source", "name") => (text(), "The source's name (required)."),
        ("data source", "provides") => (strings(), "The attributes, events and tokens it provides; `profile` or `profile.*` covers profile.x."),
        ("data source", "refreshed_at") => (date(), "When the source was last refreshed."),
        ("data source", "max_age") => (duration(), "How old its data may be at send time (default 30d)."),
        ("data source", "coverage") => (json!({"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}}), "For each attribute it provides, the share of the list (0-1) for which it is known."),
        ("frequency", "cap") => (json!({"type": "integer", "minimum": 1}), "The most messages one person may get in the window."),
        ("frequency", "per") => (duration(), "The window: 1d, 7d, …"),
        ("retargeting", "delay") => (duration(), "Time from the triggering behaviour to the first message."),
        ("retargeting", "window") => (duration(), "How long after the behaviour the person may still be messaged."),
        ("sender", "name") => (text(), "The sender's name."),
        ("sender", "postal_address") => (text(), "The sender's physical postal address (CAN-SPAM, CASL)."),
        ("acknowledge entry", "rule") => (text(), "A rule name or code, such as sensitive-occasion."),
        ("acknowledge entry", "reason") => (text(), "Why the exception is safe (required)."),
        _ => (json!({}), ""),
    }
}

fn object(place: &str, keys: &[&str], required: &[&str]) -> Value {
    let mut props = Map::new();
    for k in keys {
        let (mut schema, about) = field(place, k);
        if let Some(o) = schema.as_object_mut() {
            o.insert("description".into(), Value::String(about.to_string()));
        }
        props.insert(k.to_string(), schema);
    }
    json!({
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

fn keys_of(place: &str) -> &'static [&'static str] {
    FORMAT_KEYS
        .iter()
        .find(|(p, _)| *p == place)
        .map(|(_, k)| *k)
        .unwrap_or(&[])
}

/// The schema as a value.
pub fn schema() -> Value {
    let mut content = Map::new();
    for ch in Channel::ALL {
        let mut fields = Map::new();
        for f in ch.fields() {
            fields.insert(
                f.to_string(),
                json!({
                    "description": format!("The {ch} {f}, with merge tokens such as {{{{ first_name | default: 'there' }}}}; or the file that holds it."),
                    "oneOf": [
                        {"type": "string"},
                        {"$ref": "#/$defs/copy_file"},
                    ],
                }),
            );
        }
        content.insert(
            ch.as_str().to_string(),
            json!({"type": "object", "properties": fields, "additionalProperties": false, "description": format!("The {ch} copy.")}),
        );
    }
    let mut root = object(
        "campaign",
        keys_of("campaign"),
        &["campaign", "channels", "schedule"],
    );
    let defs = json!({
        "schedule": object("schedule", keys_of("schedule"), &["send_at"]),
        "audience": object("audience", keys_of("audience"), &[]),
        "condition": {"oneOf": [
            object("attribute condition", keys_of("attribute condition"), &["attribute"]),
            object("event condition", keys_of("event condition"), &["event"]),
            object("group", &["any_of"], &["any_of"]),
            object("group", &["all_of"], &["all_of"]),
        ]},
        "data_source": object("data source", keys_of("data source"), &["name"]),
        "frequency": object("frequency", keys_of("frequency"), &["cap", "per"]),
        "retargeting": object("retargeting", keys_of("retargeting"), &[]),
        "sender": object("sender", keys_of("sender"), &[]),
        "acknowledge_entry": object("acknowledge entry", keys_of("acknowledge entry"), &["rule", "reason"]),
        "content": {"type": "object", "properties": content, "additionalProperties": false},
        "copy_file": {
            "type": "object",
            "description": "Copy kept in a file of its own (an HTML, MJML, Liquid or text template), read from the campaign file's folder and never from outside the repository.",
            "properties": {"file": {"type": "string", "minLength": 1, "description": "The path of the file, from the campaign file's folder, such as ../templates/welcome.html."}},
            "required": ["file"],
            "additionalProperties": false,
        },
    });
    let o = root.as_object_mut().expect("object");
    o.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    o.insert(
        "$id".into(),
        json!("https://preflight.invalid/schema/campaign-v1.json"),
    );
    o.insert("title".into(), json!("preflight campaign (format v1)"));
    o.insert(
        "description".into(),
        json!("A marketing campaign checked by preflight before it launches."),
    );
    o.insert("$defs".into(), defs);
    root
}

/// The schema as pretty JSON.
pub fn json_schema() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).expect("schema serializes");
    s.push('\n');
    s
}

/// A YAML value as JSON, with the YAML 1.2 core schema: plain `null`, `~`
/// and empty are null, `true`/`false` booleans, numbers numbers; everything
/// else (and every quoted scalar) a string.
pub fn to_json(node: &Node) -> Value {
    match &node.value {
        crate::input::yaml::Value::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        crate::input::yaml::Value::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.as_str().unwrap_or("").to_string(), to_json(&e.value)))
                .collect(),
        ),
        crate::input::yaml::Value::Scalar(s) => {
            if s.style != Style::Plain {
                return Value::String(s.text.clone());
            }
            let t = s.text.as_str();
            match t {
                "" | "~" | "null" | "Null" | "NULL" => Value::Null,
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                _ => {
                    if let Ok(i) = t.parse::<i64>() {
                        Value::from(i)
                    } else if let Some(f) = t
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite() && t.chars().any(|c| c.is_ascii_digit()))
                    {
                        Value::from(f)
                    } else {
                        Value::String(t.to_string())
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_format_is_described() {
        for (place, keys) in FORMAT_KEYS {
            for k in *keys {
                let (_, about) = field(place, k);
                assert!(!about.is_empty(), "{place}.{k} has no description");
            }
        }
        let s = schema();
        let top = s["properties"].as_object().unwrap();
        assert_eq!(top.len(), keys_of("campaign").len());
    }
}
