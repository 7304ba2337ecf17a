//! Copy in every language preflight has vocabularies for, as data:
//! `tests/fixtures/languages/<lang>.yaml` holds cases, each a piece of copy
//! (written from native usage) that a rule must find at an exact place, or
//! must leave alone (a clean trap: an idiom, a food, a story about someone
//! else). Each file must hold at least as many clean traps as findings.
//!
//! ```yaml
//! language: es            # the campaign's `language:`
//! region: ES              # the campaign's `region:`
//! cases:
//!   - text: "¡Enhorabuena por tu embarazo!"
//!     finds: sensitive-topic
//!     at: embarazo          # the exact text under the label
//!     severity: warning     # optional
//!   - text: "Zanahorias baby asadas con miel."
//!     clean: sensitive-topic   # or a list of rules
//! ```
//!
//! Optional fields of a case: `field` (where the text goes: `body` by
//! default, `subject`, `preheader`, `sms`, `push-title`, `push-body`,
//! `headline`), `segment` (the segment's name), `attribute` (an include
//! condition on an attribute of that name), `send_at`, `region`,
//! `no_sender: true` (no `sender:` block, so the copy must carry the
//! postal address), `no_unsubscribe: true` (no unsubscribe token after the
//! body, so its words must say how), `channels`, `exclude` (an exclude
//! condition `<name> eq true`, such as an opt-out flag), `only_event` (the
//! audience rests on one `order_placed` event with this category and no
//! declared preference, as a single-signal segment does).

use preflight::engine::lint::Options;
use serde_json::Value;

const BASE: &str = r#"campaign: language-case
name: Language case
channels: [email]
region: REGION
language: LANG
schedule:
  send_at: SEND_AT
  timezone: Europe/Madrid
audience:
  segment: SEGMENT
  list_size: 480000
  estimated_size: 12000
  include:
    - attribute: preferences.interests
      op: contains
      value: running
    - event: order_placed
      within: 90d
      min_count: 2
ATTRIBUTE
data_sources:
  - name: crm
    provides: [preferences.interests, first_name, order_placed]
    refreshed_at: 2030-04-05
consent: [email_marketing, sms_marketing, push]
SENDER
content:
"#;

const SENDER: &str = "sender:\n  name: Trail Co\n  postal_address: \"Trail Co, 120 Harbour Street, Portland, ME 04101\"\n";

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The campaign file for one case.
fn campaign(lang: &str, default_region: &str, case: &serde_json::Map<String, Value>) -> String {
    let get = |k: &str| case.get(k).and_then(Value::as_str);
    let text = get("text").expect("every case has a text");
    let field = get("field").unwrap_or("body");
    let attribute = get("attribute")
        .map(|a| format!("    - attribute: {a}\n      op: exists\n"))
        .unwrap_or_default();
    let exclude = get("exclude")
        .map(|a| format!("  exclude:\n    - attribute: {a}\n      op: eq\n      value: true\n"))
        .unwrap_or_default();
    let mut y = BASE
        .replace("LANG", lang)
        .replace("REGION", get("region").unwrap_or(default_region))
        .replace("SEND_AT", get("send_at").unwrap_or("2030-04-10T09:00:00"))
        .replace("SEGMENT", get("segment").unwrap_or("runners-who-opted-in"))
        .replace("ATTRIBUTE\n", &format!("{attribute}{exclude}"))
        .replace(
            "SENDER\n",
            if case.get("no_sender").and_then(Value::as_bool) == Some(true) {
                ""
            } else {
                SENDER
            },
        );
    let unsubscribe = if case.get("no_unsubscribe").and_then(Value::as_bool) == Some(true) {
        ""
    } else {
        "{{ unsubscribe_url }}"
    };
    let (channel, content) = match field {
        "subject" => ("email", format!("  email:\n    from: \"Trail Co <hello@trail.example>\"\n    subject: {}\n    preheader: \"x\"\n    body: \"Hi. {unsubscribe}\"\n", quoted(text))),
        "preheader" => ("email", format!("  email:\n    from: \"Trail Co <hello@trail.example>\"\n    subject: \"x\"\n    preheader: {}\n    body: \"Hi. {unsubscribe}\"\n", quoted(text))),
        "sms" => ("sms", format!("  sms:\n    body: {}\n", quoted(text))),
        "push-title" => ("push", format!("  push:\n    title: {}\n    body: \"x\"\n", quoted(text))),
        "push-body" => ("push", format!("  push:\n    title: \"x\"\n    body: {}\n", quoted(text))),
        "headline" => ("ad", format!("  ad:\n    headline: {}\n    body: \"x\"\n", quoted(text))),
        _ => ("email", format!("  email:\n    from: \"Trail Co <hello@trail.example>\"\n    subject: \"x\"\n    preheader: \"x\"\n    body: {}\n", quoted(&format!("{text}\n{unsubscribe}")))),
    };
    if let Some(category) = get("only_event") {
        y = y.replace(
            "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n",
            &format!("    - event: order_placed\n      within: 90d\n      where: {{category: {category}}}\n"),
        );
    }
    let channels = get("channels")
        .map(str::to_string)
        .unwrap_or_else(|| format!("[{channel}]"));
    y = y.replace("channels: [email]", &format!("channels: {channels}"));
    y.push_str(&content);
    y
}

fn rules_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs one language's fixture; returns its failures.
fn run_fixture(code: &str) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/languages/{code}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = fixture(&text);
    let lang = doc["language"].as_str().unwrap().to_string();
    assert_eq!(lang, code, "{path}: the file's `language`");
    let region = doc["region"].as_str().unwrap_or("US").to_string();
    let cases = doc["cases"].as_array().unwrap();
    let opts = Options::new(chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
    let mut failures = Vec::new();
    let (mut finds, mut clean) = (0, 0);
    for (n, case) in cases.iter().enumerate() {
        let case = case.as_object().unwrap();
        let yaml = campaign(&lang, &region, case);
        let report = preflight::engine::run::run_text("case.yaml", &yaml, &opts);
        let found: Vec<_> = report.findings().collect();
        let label = format!("{code}.yaml case {n} {:?}", case["text"]);
        let invalid: Vec<_> = found
            .iter()
            .filter(|f| f.rule.name == "invalid-campaign")
            .collect();
        if !invalid.is_empty() {
            failures.push(format!(
                "{label}: the case does not load: {}",
                invalid[0].message
            ));
            continue;
        }
        for rule in rules_of(case.get("finds")) {
            finds += 1;
            let at = case.get("at").and_then(Value::as_str);
            let hit = found
                .iter()
                .find(|f| f.rule.name == rule && at.is_none_or(|a| &yaml[f.span.range()] == a));
            match hit {
                None => failures.push(format!(
                    "{label}: expected {rule} at {at:?}; got {:?}",
                    found
                        .iter()
                        .map(|f| (f.rule.name, &yaml[f.span.range()]))
                        .collect::<Vec<_>>()
                )),
                Some(f) => {
                    if let Some(sev) = case.get("severity").and_then(Value::as_str) {
                        if f.severity.as_str() != sev {
                            failures.push(format!(
                                "{label}: {rule} is {} here, expected {sev}: {}",
                                f.severity, f.message
                            ));
                        }
                    }
                }
            }
        }
        for rule in rules_of(case.get("clean")) {
            clean += 1;
            if let Some(f) = found.iter().find(|f| f.rule.name == rule) {
                failures.push(format!(
                    "{label}: {rule} must not fire, but says at {:?}: {}",
                    &yaml[f.span.range()],
                    f.message
                ));
            }
        }
    }
    if clean < finds {
        failures.push(format!(
            "{code}.yaml: {clean} clean traps for {finds} findings; every language needs at least as many traps"
        ));
    }
    failures
}

macro_rules! languages {
    ($($name:ident => $code:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let failures = run_fixture($code);
                assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
            }
        )*

        /// Every language preflight has vocabularies for has a fixture here.
        #[test]
        fn every_language_has_a_fixture() {
            let codes: Vec<&str> = vec![$($code),*];
            for l in preflight::text::language::Lang::ALL {
                assert!(codes.contains(&l.code()), "no fixture for {}", l.code());
            }
        }
    };
}

languages! {
    english => "en",
    spanish => "es",
    french => "fr",
    german => "de",
    italian => "it",
    portuguese => "pt",
    dutch => "nl",
}

/// The fixture as JSON values (read through preflight's own YAML tree).
fn fixture(text: &str) -> Value {
    let docs =
        preflight::input::yaml::parse(text, 0, preflight::input::yaml::Budget::default()).unwrap();
    to_json(&docs[0].root)
}

fn to_json(n: &preflight::input::yaml::Node) -> Value {
    use preflight::input::yaml::Value as Y;
    match &n.value {
        Y::Scalar(s) => {
            if s.style == preflight::input::yaml::Style::Plain
                && (s.text == "true" || s.text == "false")
            {
                Value::Bool(s.text == "true")
            } else {
                Value::String(s.text.clone())
            }
        }
        Y::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Y::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.as_str().unwrap_or("").to_string(), to_json(&e.value)))
                .collect(),
        ),
    }
}
