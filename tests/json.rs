//! Campaign files in JSON: the same format, read with exact labels, emoji
//! escapes (`\ud83d\ude00`, as Python's `json.dumps` writes them) included.

use chrono::NaiveDate;
use preflight::engine::lint::Options;
use preflight::engine::run::{run, run_text};
use preflight::report::render::{pretty, Style};

fn now() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 5, 1).unwrap()
}

/// Each finding as (rule, the bytes its label covers).
fn labels(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let report = run(&[path.into()], &Options::new(now())).unwrap();
    report
        .findings()
        .map(|f| (f.rule.name.to_string(), text[f.span.range()].to_string()))
        .collect()
}

#[test]
fn labels_land_on_escaped_characters() {
    let found = labels("tests/fixtures/json/python-escapes.json");
    assert_eq!(
        found,
        vec![
            (
                "sensitive-occasion".to_string(),
                r"F\u00eate des p\u00e8res".to_string()
            ),
            (
                "token-missing-fallback".to_string(),
                "{{ first_name }}".to_string()
            ),
        ]
    );
}

#[test]
fn the_same_campaign_minified_and_unescaped() {
    let found = labels("tests/fixtures/json/minified.json");
    let rules: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rules, ["sensitive-occasion", "token-missing-fallback"]);
    assert_eq!(found[0].1, "Fête des pères");
    assert_eq!(found[1].1, "{{ first_name }}");
}

#[test]
fn a_minified_file_renders_a_readable_snippet() {
    let path = "tests/fixtures/json/minified.json";
    let report = run(&[path.into()], &Options::new(now())).unwrap();
    let out = pretty(
        &report,
        Style {
            color: false,
            width: 100,
        },
    );
    // The file is one line of about 1,000 characters; each snippet is clipped
    // around its label.
    for line in out.lines() {
        assert!(line.chars().count() <= 120, "a long line: {line}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn json_errors_say_json_and_point_at_the_mistake() {
    let text = "{\n  \"campaign\": \"x\",\n  \"channels\": [\"email\",],\n}\n";
    let report = run_text("c.json", text, &Options::new(now()));
    let f = report.findings().next().expect("a finding");
    assert_eq!(f.rule.name, "invalid-campaign");
    assert!(f.message.contains("not valid JSON"), "{}", f.message);
    assert_eq!((f.start.line, f.start.column), (3, 23));
    assert!(f.help.contains("JSON"), "{}", f.help);
}

#[test]
fn a_lone_surrogate_is_a_located_error() {
    let text = "{\"campaign\": \"x\", \"name\": \"\\ud83d oops\"}";
    let report = run_text("c.json", text, &Options::new(now()));
    let f = report.findings().next().expect("a finding");
    assert_eq!(f.rule.name, "invalid-campaign");
    assert_eq!(&text[f.span.range()][..6], "\\ud83d");
}

#[test]
fn json_that_is_not_a_campaign_is_skipped_when_walking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"site\"}").unwrap();
    std::fs::write(
        dir.path().join("c.json"),
        std::fs::read("tests/fixtures/json/minified.json").unwrap(),
    )
    .unwrap();
    let report = run(&[dir.path().into()], &Options::new(now())).unwrap();
    assert_eq!(report.campaigns(), 1);
    assert_eq!(report.files_checked(), 1);
}
