//! Platform exports read as they are (Klaviyo, Mailchimp, Meta, Marketing
//! Cloud, Braze): each planted mistake is found at its exact bytes in the
//! exported file (or the file read beside it), clean exports stay clean,
//! what an export does not say keeps the rules that need it quiet, and one
//! run sees campaigns of several platforms together.

use chrono::NaiveDate;
use preflight::engine::lint::{FileStatus, Options};
use preflight::engine::run::{run, run_with, ConfigMode, Report};
use std::path::{Path, PathBuf};

const DIR: &str = "tests/fixtures/exports";

fn now() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
}

fn report_of(paths: &[&str]) -> Report {
    let paths: Vec<PathBuf> = paths.iter().map(|p| Path::new(DIR).join(p)).collect();
    run(&paths, &Options::new(now())).unwrap()
}

/// (file under DIR, rule, the labelled bytes) of every finding.
fn labels(report: &Report) -> Vec<(String, &'static str, String)> {
    report
        .findings()
        .map(|f| {
            let text = std::fs::read_to_string(&f.file).unwrap();
            (
                f.file.trim_start_matches(&format!("{DIR}/")).to_string(),
                f.rule.name,
                text[f.span.range()].to_string(),
            )
        })
        .collect()
}

fn has(labels: &[(String, &str, String)], file: &str, rule: &str, label: &str) -> bool {
    labels
        .iter()
        .any(|(f, r, l)| f == file && *r == rule && l == label)
}

fn rules(report: &Report) -> Vec<&'static str> {
    report.findings().map(|f| f.rule.name).collect()
}

#[test]
fn klaviyo_campaign_bundle() {
    let r = report_of(&["klaviyo/fathers-day-bundle.json"]);
    let l = labels(&r);
    let f = "klaviyo/fathers-day-bundle.json";
    assert!(has(&l, f, "sensitive-occasion", "Father's Day"), "{l:#?}");
    assert!(
        has(&l, f, "token-missing-fallback", "{{ first_name }}"),
        "{l:#?}"
    );
    assert!(
        l.iter().any(|(_, r, _)| *r == "missing-unsubscribe"),
        "{l:#?}"
    );
    // The postal address is in the template; no data-source rule runs.
    for quiet in [
        "missing-postal-address",
        "unverified-data",
        "frequency-cap-missing",
    ] {
        assert!(!rules(&r).contains(&quiet), "{quiet}: {l:#?}");
    }
    let note = r.files[0].export.as_ref().expect("read as an export");
    assert!(
        note.read_as.contains("Klaviyo campaign"),
        "{}",
        note.read_as
    );
    assert!(note.not_run.contains(&"frequency-cap-missing"));
}

#[test]
fn klaviyo_sms_and_lone_segment() {
    let r = report_of(&[
        "klaviyo/sms-campaign.json",
        "klaviyo/segment-predicted-gender.json",
    ]);
    let l = labels(&r);
    assert!(
        has(
            &l,
            "klaviyo/sms-campaign.json",
            "sms-quiet-hours",
            "\"2027-04-14T23:30:00+00:00\""
        ),
        "{l:#?}"
    );
    assert!(l
        .iter()
        .any(|(f, r, _)| f == "klaviyo/sms-campaign.json" && *r == "sms-missing-opt-out"));
    assert!(
        has(
            &l,
            "klaviyo/segment-predicted-gender.json",
            "sensitive-targeting",
            "\"properties['pregnancy_due_date']\""
        ),
        "{l:#?}"
    );
}

#[test]
fn other_klaviyo_resources_are_skipped_never_reported() {
    let r = report_of(&["klaviyo/tags-and-accounts.json"]);
    assert_eq!(r.findings().count(), 0);
    assert!(matches!(r.files[0].status, FileStatus::Skipped(_)));
}

#[test]
fn mailchimp_campaign_with_its_content_and_merge_fields() {
    let r = report_of(&["mailchimp/campaign.json"]);
    let l = labels(&r);
    assert!(
        has(
            &l,
            "mailchimp/campaign.json",
            "sensitive-occasion",
            "Mother's Day"
        ),
        "{l:#?}"
    );
    // Found in the content file beside the campaign, at the token's bytes.
    assert!(
        has(
            &l,
            "mailchimp/content.json",
            "token-missing-fallback",
            "*|FNAME|*"
        ),
        "{l:#?}"
    );
    assert!(l
        .iter()
        .any(|(f, r, _)| f == "mailchimp/content.json" && *r == "missing-unsubscribe"));
    assert!(l
        .iter()
        .any(|(f, r, _)| f == "mailchimp/content.json" && *r == "missing-postal-address"));
    // Unsent (`send_time: ""`): no past-send-date.
    assert!(!rules(&r).contains(&"past-send-date"));
}

#[test]
fn meta_ad_set_targeting_by_sensitive_names() {
    let r = report_of(&["meta/adset-expecting-parents.json"]);
    let l = labels(&r);
    let f = "meta/adset-expecting-parents.json";
    assert!(has(&l, f, "sensitive-targeting", "\"Pregnancy\""), "{l:#?}");
    assert!(
        has(&l, f, "sensitive-targeting", "\"Expecting parents\""),
        "{l:#?}"
    );
    // An ad set holds no copy: nothing is asked of its copy.
    assert!(!rules(&r).contains(&"channel-without-content"));
}

#[test]
fn meta_campaign_and_its_creative_are_one_ad() {
    let r = report_of(&["meta/campaign-housing.json", "meta/adcreative.json"]);
    assert!(
        !rules(&r).contains(&"repeated-content"),
        "{:#?}",
        labels(&r)
    );
}

#[test]
fn sfmc_mcdev_retrieve_folder() {
    let base = "sfmc/retrieve/MyInstance/MyBU";
    let r = report_of(&[base]);
    let l = labels(&r);
    let html = format!("{base}/asset/message/MothersDayEmail.asset-message-meta.html");
    assert!(
        has(&l, &html, "token-missing-fallback", "%%=v(@first)=%%"),
        "{l:#?}"
    );
    assert!(
        has(&l, &html, "token-missing-fallback", "%%FirstName%%"),
        "{l:#?}"
    );
    assert!(l
        .iter()
        .any(|(f, r, _)| *f == html && *r == "missing-unsubscribe"));
    let journey = format!("{base}/journey/Mothers_Day_Journey.journey-meta.json");
    assert!(l
        .iter()
        .any(|(f, r, lb)| *f == journey && *r == "sensitive-occasion" && lb == "Mother's Day"));
    // Naive server time (UTC−6) at 22:30.
    let sms = format!("{base}/mobileMessage/spring-sale.mobileMessage-meta.json");
    assert!(
        has(&l, &sms, "sms-quiet-hours", "\"2027-03-02T22:30:00\""),
        "{l:#?}"
    );
    let amp = format!("{base}/mobileMessage/spring-sale.mobileMessage-meta.amp");
    assert!(l
        .iter()
        .any(|(f, r, _)| *f == amp && *r == "sms-missing-opt-out"));
    // The journey and the asset it sends are one email, not a repeat; a
    // data-extension entry is an unknown audience, never too broad.
    for quiet in ["repeated-content", "segment-too-broad", "missing-consent"] {
        assert!(!rules(&r).contains(&quiet), "{quiet}: {l:#?}");
    }
}

#[test]
fn braze_copy_only() {
    let r = report_of(&["braze"]);
    let l = labels(&r);
    let f = "braze/campaign-details.json";
    assert!(
        has(&l, f, "token-missing-fallback", "{{${first_name}}}"),
        "{l:#?}"
    );
    assert!(has(&l, f, "sensitive-occasion", "Father's Day"), "{l:#?}");
    assert!(
        has(
            &l,
            "braze/canvas-details.json",
            "creepy-phrasing",
            "We noticed you"
        ),
        "{l:#?}"
    );
    // No audience is exported: never "too broad", never missing consent.
    for quiet in [
        "segment-too-broad",
        "missing-consent",
        "frequency-cap-missing",
    ] {
        assert!(!rules(&r).contains(&quiet), "{quiet}: {l:#?}");
    }
    assert!(
        r.notes().iter().any(|n| n.contains("platform export")),
        "{:?}",
        r.notes()
    );
}

#[test]
fn clean_exports_are_clean() {
    for dir in [
        "klaviyo/fathers-day-clean.json",
        "mailchimp/clean",
        "meta/clean",
        "sfmc/clean",
    ] {
        let r = report_of(&[dir]);
        assert!(r.files_checked() > 0, "{dir}: nothing read");
        assert_eq!(labels(&r), Vec::new(), "{dir}");
    }
}

// ---- One run over several platforms ------------------------------------

const KLAVIYO: &str = r#"{"data": {"type": "campaign", "id": "01KX",
 "attributes": {"name": "Spring picks NAME", "audiences": {"included": ["Y6nRLr"], "excluded": []},
  "send_strategy": {"method": "static", "datetime": "DATET15:00:00+00:00", "options": {"is_local": false}}},
 "relationships": {"campaign-messages": {"data": [{"type": "campaign-message", "id": "m-NAME"}]}}},
 "included": [{"type": "campaign-message", "id": "m-NAME", "attributes": {"definition": {"channel": "email",
  "content": {"subject": "Caf\u00e9 picks \ud83c\udf81 for {{ first_name }}", "preview_text": "New this week",
   "from_email": "hello@trail.example", "from_label": "Trail Co"}}}}]}"#;

const NATIVE: &str = "campaign: spring-NAME
channels: [email]
region: US
schedule: {send_at: DATET15:00:00Z}
audience:
  segment: vip-customers
  list_size: 400000
  estimated_size: 9000
  include:
    - {attribute: loyalty.tier, op: eq, value: gold}
    - {event: order_placed, within: 90d}
data_sources:
  - {name: crm, provides: [loyalty.tier, order_placed], refreshed_at: 2027-04-01}
consent: [email_marketing]
frequency: {cap: 1, per: 7d}
sender: {postal_address: \"Trail Co, 120 Harbour Street, Portland, ME 04101\"}
content:
  email:
    from: \"Trail Co <hello@trail.example>\"
    subject: \"New arrivals NAME\"
    preheader: \"Just in\"
    body: \"Hello. New arrivals are in. Unsubscribe: {{ unsubscribe_url }}\"
";

fn together(config: Option<&str>) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    for (i, day) in ["2027-04-05", "2027-04-06"].iter().enumerate() {
        let k = KLAVIYO.replace("NAME", &i.to_string()).replace("DATE", day);
        std::fs::write(dir.path().join(format!("klaviyo-{i}.json")), k).unwrap();
    }
    for (i, day) in ["2027-04-07", "2027-04-08"].iter().enumerate() {
        let n = NATIVE.replace("NAME", &i.to_string()).replace("DATE", day);
        std::fs::write(dir.path().join(format!("native-{i}.yaml")), n).unwrap();
    }
    if let Some(c) = config {
        std::fs::write(dir.path().join("preflight.yaml"), c).unwrap();
    }
    let r = run_with(
        &[dir.path().to_path_buf()],
        &Options::new(now()),
        &ConfigMode::Discover,
    )
    .unwrap();
    (dir, r)
}

#[test]
fn labels_land_through_json_escapes() {
    let (_dir, r) = together(None);
    let f = r
        .findings()
        .find(|f| f.rule.name == "token-missing-fallback" && f.file.ends_with("klaviyo-0.json"))
        .expect("the greeting token");
    let text = std::fs::read_to_string(&f.file).unwrap();
    assert_eq!(&text[f.span.range()], "{{ first_name }}");
}

#[test]
fn the_same_audience_across_platforms_is_what_the_configuration_says() {
    // Unmapped, the Klaviyo segment is its own audience: two sends each.
    let (_dir, r) = together(None);
    assert!(!rules(&r).contains(&"audience-overload"), "{:?}", rules(&r));
    // Mapped to the campaign files' segment: four sends in four days.
    let (_dir, r) = together(Some(
        "same_audiences:\n  vip-customers: [\"klaviyo:Y6nRLr\"]\n",
    ));
    let overload: Vec<_> = r
        .findings()
        .filter(|f| f.rule.name == "audience-overload")
        .collect();
    assert!(
        overload.iter().any(|f| f.file.ends_with(".json"))
            && overload.iter().any(|f| f.file.ends_with(".yaml")),
        "{:?}",
        rules(&r)
    );
}

#[test]
fn same_audiences_ids_name_a_platform() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("preflight.yaml");
    std::fs::write(&cfg, "same_audiences:\n  vip: [\"hubspot:123\"]\n").unwrap();
    let err = preflight::engine::config::Config::load(&cfg).unwrap_err();
    assert!(err.message.contains("hubspot:123"), "{}", err.message);
}

#[test]
fn machine_output_quotes_only_the_span() {
    for format in ["json", "sarif"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args([
                "check",
                "--now",
                "2027-03-01",
                "--isolated",
                "--format",
                format,
            ])
            .arg(Path::new(DIR).join("klaviyo/fathers-day-bundle.json"))
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("sensitive-occasion"), "{format}: {text}");
        // The template's other text, the sender's address and profile
        // data stay in the file.
        for private in ["Example Street", "from_email", "<h1", "hello@trailco"] {
            assert!(!text.contains(private), "{private} in the {format} output");
        }
    }
}
