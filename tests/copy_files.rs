//! Copy kept in files of its own (`body: {file: ../templates/x.html}`):
//! findings in the template at their exact bytes, the campaign as a related
//! place, shared findings shown once, ignore comments in the template's own
//! comment syntax, and every failure to read at the `file:` value.

use assert_cmd::Command;
use chrono::NaiveDate;
use preflight::engine::lint::Options;
use preflight::engine::run::{run, Report};
use preflight::report::render::{compact, github, json, pretty, sarif, Style};

const DIR: &str = "tests/fixtures/copy-files";

fn now() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
}

fn report_of(paths: &[&str], opts: &Options) -> Report {
    let paths: Vec<std::path::PathBuf> = paths.iter().map(Into::into).collect();
    run(&paths, opts).unwrap()
}

fn text_of(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn findings_land_on_the_template_bytes() {
    let report = report_of(&[&format!("{DIR}/campaigns")], &Options::new(now()));
    let html = format!("{DIR}/templates/grill-guide.html");
    let liquid = format!("{DIR}/templates/sms-madre.liquid");
    let mut seen = Vec::new();
    for f in report.findings() {
        if f.file == html || f.file == liquid {
            let text = text_of(&f.file);
            seen.push((
                f.rule.name,
                text[f.span.range()].to_string(),
                f.start.line,
                f.start.column,
            ));
        }
    }
    assert_eq!(
        seen,
        vec![
            ("token-missing-fallback", "{{ first_name }}".into(), 5, 23),
            // The character reference is labelled as written.
            ("sensitive-occasion", "Father&#8217;s Day".into(), 6, 6),
            // After an emoji and a CRLF line ending.
            ("token-missing-fallback", "{{ nombre }}".into(), 1, 6),
            ("sms-segments", "🎉".into(), 1, 19),
            ("sensitive-occasion", "Día de la Madre".into(), 2, 6),
        ]
    );
}

#[test]
fn a_shared_template_is_read_once_and_its_findings_shown_once() {
    let opts = Options::new(now());
    let report = report_of(
        &[
            &format!("{DIR}/campaigns/grill-gold.yaml"),
            &format!("{DIR}/campaigns/grill-silver.yaml"),
        ],
        &opts,
    );
    assert_eq!(opts.copy_files.reads(), 1);
    let html = format!("{DIR}/templates/grill-guide.html");
    let in_template: Vec<_> = report.findings().filter(|f| f.file == html).collect();
    assert_eq!(in_template.len(), 2, "{in_template:#?}");
    for f in in_template {
        let users: Vec<(&str, &str)> = f
            .related
            .iter()
            .map(|r| (r.file.as_str(), r.message.as_str()))
            .collect();
        assert_eq!(
            users,
            vec![
                (
                    "tests/fixtures/copy-files/campaigns/grill-gold.yaml",
                    "used by campaign `fathers-day-grill-gold`"
                ),
                (
                    "tests/fixtures/copy-files/campaigns/grill-silver.yaml",
                    "used by campaign `fathers-day-grill-silver`"
                ),
            ]
        );
        let r = &f.related[0];
        assert_eq!((r.start.line, r.start.column), (25, 18));
        assert_eq!(
            &text_of(&r.file)[r.span.range()],
            "../templates/grill-guide.html"
        );
    }
    // Two campaigns sharing one template on purpose are not repeated content.
    assert!(
        !report.findings().any(|f| f.rule.name == "repeated-content"),
        "{:#?}",
        report.findings().collect::<Vec<_>>()
    );
    assert_eq!(report.templates_checked(), 1);
    assert!(report.summary().contains("(2 files, 1 template)"));
}

#[test]
fn ignore_comments_work_in_the_templates_own_syntax() {
    let report = report_of(&[&format!("{DIR}/campaigns")], &Options::new(now()));
    let silenced: Vec<(&str, &str)> = report
        .files
        .iter()
        .flat_map(|f| f.suppressed.iter())
        .map(|s| (s.finding.file.as_str(), s.finding.rule.name))
        .collect();
    assert!(silenced.contains(&(
        "tests/fixtures/copy-files/templates/grill-guide.html",
        "creepy-phrasing"
    )));
    assert!(silenced.contains(&(
        "tests/fixtures/copy-files/templates/sms-madre.liquid",
        "token-missing-fallback"
    )));
    assert!(!report
        .findings()
        .any(|f| f.rule.name == "unused-suppression"));
}

#[test]
fn an_ignore_that_silences_nothing_in_a_template_is_reported_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("body.html"),
        "<p>Spring is here.</p>\n<!-- preflight: ignore[creepy-phrasing] old note -->\n<p>New colours.</p>\n",
    )
    .unwrap();
    let campaign = text_of(&format!("{DIR}/campaigns/grill-gold.yaml"))
        .replace("../templates/grill-guide.html", "body.html");
    std::fs::write(dir.path().join("c.yaml"), campaign).unwrap();
    let report = report_of(&[dir.path().to_str().unwrap()], &Options::new(now()));
    let unused: Vec<_> = report
        .findings()
        .filter(|f| f.rule.name == "unused-suppression")
        .collect();
    assert_eq!(unused.len(), 1);
    assert!(unused[0].file.ends_with("body.html"));
    assert_eq!(unused[0].start.line, 2);
}

#[test]
fn every_failure_to_read_is_reported_at_the_file_value() {
    let path = format!("{DIR}/broken/broken.yaml");
    let report = report_of(&[&path], &Options::new(now()));
    let text = text_of(&path);
    let invalid: Vec<(String, String)> = report
        .findings()
        .filter(|f| matches!(f.rule.name, "invalid-campaign" | "unknown-field"))
        .map(|f| (text[f.span.range()].to_string(), f.message.clone()))
        .collect();
    let says = |at: &str, words: &str| {
        assert!(
            invalid.iter().any(|(a, m)| a == at && m.contains(words)),
            "no finding at {at} saying {words}: {invalid:#?}"
        )
    };
    says("missing-subject.txt", "does not exist");
    says("../templates", "is a folder");
    says("/etc/hostname", "outside the repository");
    says("path", "not a field");
    says("\"\"", "names no file");
    assert_eq!(invalid.len(), 5, "{invalid:#?}");
}

#[test]
fn every_output_format_names_the_template() {
    let report = report_of(
        &[&format!("{DIR}/campaigns/grill-gold.yaml")],
        &Options::new(now()),
    );
    let where_ = "tests/fixtures/copy-files/templates/grill-guide.html";
    assert!(compact(&report).contains(&format!("{where_}:5:23: warning[PF303")));
    assert!(github(&report).contains(&format!("file={where_},line=5,col=23")));
    let j: serde_json::Value = serde_json::from_str(&json(&report, false)).unwrap();
    let f = &j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "token-missing-fallback")
        .unwrap()
        .clone();
    assert_eq!(f["file"], where_);
    assert_eq!(
        f["related"][0]["file"],
        "tests/fixtures/copy-files/campaigns/grill-gold.yaml"
    );
    assert_eq!(j["summary"]["templates"], 1);
    let s: serde_json::Value = serde_json::from_str(&sarif(&report)).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "PF303")
        .expect("PF303");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        where_
    );
    assert_eq!(
        r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/copy-files/campaigns/grill-gold.yaml"
    );
    let out = pretty(
        &report,
        Style {
            color: false,
            width: 100,
        },
    );
    insta::assert_snapshot!(out);
}

#[test]
fn an_acknowledgement_in_the_campaign_covers_its_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("body.html"),
        text_of(&format!("{DIR}/templates/grill-guide.html")),
    )
    .unwrap();
    let campaign = text_of(&format!("{DIR}/campaigns/grill-gold.yaml"))
        .replace("../templates/grill-guide.html", "body.html")
        .replace(
            "consent: [email_marketing]",
            "consent: [email_marketing]\nacknowledge:\n  - rule: sensitive-occasion\n    reason: the list excludes everyone who opted out in the CRM",
        );
    std::fs::write(dir.path().join("c.yaml"), campaign).unwrap();
    let report = report_of(&[dir.path().to_str().unwrap()], &Options::new(now()));
    assert!(!report
        .findings()
        .any(|f| f.rule.name == "sensitive-occasion"));
    assert!(report
        .files
        .iter()
        .flat_map(|f| &f.suppressed)
        .any(|s| s.finding.rule.name == "sensitive-occasion"
            && s.finding.file.ends_with("body.html")));
}

#[test]
fn stdin_resolves_copy_files_from_the_name_it_is_given() {
    let text = text_of(&format!("{DIR}/campaigns/grill-gold.yaml"));
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .args([
            "check",
            "--now",
            "2027-03-01",
            "--format",
            "compact",
            "--stdin-filename",
            &format!("{DIR}/campaigns/new.yaml"),
            "-",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("tests/fixtures/copy-files/templates/grill-guide.html:5:23"),
        "{stdout}"
    );
}

#[test]
fn the_crlf_fixture_keeps_its_line_endings() {
    let bytes = std::fs::read(format!("{DIR}/templates/sms-madre.liquid")).unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
}
