//! What users see: the pretty output (no colour, width 100), snapshotted.

use chrono::NaiveDate;
use preflight::engine::lint::Options;
use preflight::engine::run::run;
use preflight::report::render::{pretty, Style};

fn render(path: &str) -> String {
    render_all(&[path])
}

fn render_all(paths: &[&str]) -> String {
    let now = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let paths: Vec<std::path::PathBuf> = paths.iter().map(Into::into).collect();
    let report = run(&paths, &Options::new(now)).unwrap();
    pretty(
        &report,
        Style {
            color: false,
            width: 100,
        },
    )
}

#[test]
fn fathers_day() {
    insta::assert_snapshot!(render("examples/mistakes/fathers-day.yaml"));
}

#[test]
fn baby_registry() {
    insta::assert_snapshot!(render("examples/mistakes/baby-registry.yaml"));
}

#[test]
fn typos() {
    insta::assert_snapshot!(render("examples/mistakes/typos.yaml"));
}

#[test]
fn broken_yaml() {
    insta::assert_snapshot!(render("examples/mistakes/broken-yaml.yaml"));
}

#[test]
fn emoji_and_crlf() {
    let bytes = std::fs::read("tests/fixtures/emoji-crlf.yaml").unwrap();
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "the fixture must keep CRLF line endings"
    );
    let out = render("tests/fixtures/emoji-crlf.yaml");
    // The labels sit under the exact characters, after the emoji.
    assert!(out.contains("tests/fixtures/emoji-crlf.yaml:25:19"));
    assert!(out.contains("tests/fixtures/emoji-crlf.yaml:26:26"));
    insta::assert_snapshot!(out);
}

#[test]
fn clean_folder() {
    insta::assert_snapshot!(render("examples/clean"));
}

#[test]
fn new_parents_with_a_contradiction_label() {
    insta::assert_snapshot!(render("examples/mistakes/new-parents.yaml"));
}

#[test]
fn cross_campaign_findings_show_the_other_file() {
    insta::assert_snapshot!(render_all(&[
        "examples/mistakes/mothers-day-uk.yaml",
        "examples/mistakes/mothers-day-reminder.yaml",
    ]));
}

#[test]
fn winter_boots() {
    insta::assert_snapshot!(render("examples/mistakes/winter-boots.yaml"));
}

#[test]
fn flash_sale_sms() {
    insta::assert_snapshot!(render("examples/mistakes/flash-sale-sms.yaml"));
}

#[test]
fn plain_newsletter() {
    insta::assert_snapshot!(render("examples/mistakes/plain-newsletter.yaml"));
}
