//! Fixes: for each rule that offers one, an input and its fixed output
//! (snapshots), what safe and unsafe mean, a fix that would break a file,
//! and the command end to end (`--fix`, `--diff`, `--unsafe-fixes`, exit
//! codes, CRLF, byte-order marks, permissions, links, templates, stdin).

use assert_cmd::Command;
use chrono::NaiveDate;
use predicates::prelude::*;
use preflight::engine::lint::Options;
use preflight::engine::run::fix_texts;

const NOW: &str = "2027-01-01";

/// A clean campaign (no rule fires on it with "today" = NOW).
const BASE: &str = r#"campaign: spring-running-shoes
name: Spring running shoes
channels: [email]
region: US
schedule:
  send_at: 2027-04-10T09:00:00
  timezone: America/New_York
audience:
  segment: runners-who-opted-in
  list_size: 480000
  estimated_size: 12000
  include:
    - attribute: preferences.interests
      op: contains
      value: running
    - event: order_placed
      within: 90d
      min_count: 2
      where: {category: running}
data_sources:
  - name: crm
    provides: [preferences.interests, first_name]
    refreshed_at: 2027-04-05
  - name: web-events
    provides: [order_placed]
    refreshed_at: 2027-04-09T23:00:00
consent: [email_marketing]
sender:
  name: Trail Co
  postal_address: "Trail Co, 120 Harbour Street, Portland, ME 04101"
content:
  email:
    from: "Trail Co <hello@trail.example>"
    subject: "New season, new shoes"
    preheader: "Our spring range is here"
    body: |
      Hi {{ first_name | default: 'there' }},
      Our spring running range has landed.
      {{ unsubscribe_url }}
"#;

fn opts() -> Options {
    Options::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
}

/// The text after every fix (unsafe ones too when `unsafe_fixes`), with
/// the rules that fixed it; fails if a fix failed.
fn fixed(text: &str, unsafe_fixes: bool) -> (String, Vec<&'static str>) {
    let out = fix_texts(&[("c.yaml", text)], &opts(), unsafe_fixes);
    assert_eq!(
        out.report.internal_errors(),
        0,
        "{:#?}",
        out.report.findings().collect::<Vec<_>>()
    );
    match out.changes.first() {
        Some(c) => (
            String::from_utf8(c.fixed.clone()).unwrap(),
            c.applied.keys().copied().collect(),
        ),
        None => (text.to_string(), Vec::new()),
    }
}

/// The lines that differ between two texts, as `-old` / `+new`.
fn changed_lines(before: &str, after: &str) -> String {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut out = String::new();
    for c in diff.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => out.push_str(&format!("-{}", c.value())),
            similar::ChangeTag::Insert => out.push_str(&format!("+{}", c.value())),
            similar::ChangeTag::Equal => {}
        }
    }
    out
}

fn rules_left(text: &str) -> Vec<&'static str> {
    preflight::engine::run::run_text("c.yaml", text, &opts())
        .findings()
        .map(|f| f.rule.name)
        .collect()
}

#[test]
fn unknown_field_is_renamed_to_its_only_did_you_mean() {
    let input = BASE.replace("  include:", "  incldue:");
    let (out, rules) = fixed(&input, false);
    assert_eq!(rules, ["unknown-field"]);
    assert_eq!(out, BASE);
    // Quoted keys keep their quotes; JSON too.
    let json = r#"{"campaign": "j", "channels": ["email"], "audeince": {"segment": "x"}}"#;
    let out = fix_texts(&[("c.json", json)], &opts(), false);
    let c = &out.changes[0];
    assert!(String::from_utf8_lossy(&c.fixed).contains(r#""audience": {"#));
    // Two fields close enough (`exclude`, `include`): no fix, a person
    // chooses.
    let many = BASE.replace("  segment: runners-who-opted-in", "  xclude: []");
    let report = preflight::engine::run::run_text("c.yaml", &many, &opts());
    let f = report
        .findings()
        .find(|f| f.rule.name == "unknown-field")
        .expect("reported");
    assert!(f.fix.is_none(), "{:?}", f.fix);
}

#[test]
fn unused_suppressions_are_removed() {
    let input = BASE
        .replace(
            "  estimated_size: 12000\n",
            "  estimated_size: 12000   # preflight: ignore[stale-data] refreshed nightly\n",
        )
        .replace(
            "  list_size: 480000\n",
            "  # preflight: ignore[PF402, segment-too-broad] checked by the CRM\n  list_size: 480000\n",
        );
    let (out, rules) = fixed(&input, false);
    assert_eq!(rules, ["unused-suppression"]);
    assert_eq!(out, BASE);
    // One rule out of a list that still silences something.
    let narrow = BASE.replace(
        "  estimated_size: 12000\n",
        "  estimated_size: 40   # preflight: ignore[stale-data, segment-too-narrow] a VIP note\n",
    );
    let (out, _) = fixed(&narrow, false);
    insta::assert_snapshot!(
        "unused_suppression_one_of_two",
        changed_lines(&narrow, &out)
    );
    // No reason, or an unknown rule: left for a person.
    let unknown = BASE.replace(
        "  estimated_size: 12000\n",
        "  estimated_size: 12000   # preflight: ignore[stale-dta] refreshed nightly\n",
    );
    assert_eq!(fixed(&unknown, true).0, unknown);
}

#[test]
fn token_fallbacks_are_written_in_each_platforms_syntax_only_when_unsafe() {
    let body = [
        "Hi {{ first_name }},",
        "{{first_name}} and {{ first_name | capitalize }}",
        "{{${first_name}}} (Braze)",
        "{{insert first_name}} (SendGrid)",
        "[[var:first_name]] (Mailjet)",
        "{contactfield=first_name} (Mautic)",
        "%%first_name%% (AMPscript)",
        "*|FNAME|* (Mailchimp: no inline fallback)",
    ]
    .map(|l| format!("      {l}\n"))
    .concat();
    let input = BASE.replace("      Hi {{ first_name | default: 'there' }},\n", &body);
    // Safe fixes only: nothing changes.
    assert_eq!(fixed(&input, false).0, input);
    let (out, rules) = fixed(&input, true);
    assert_eq!(rules, ["token-missing-fallback"]);
    insta::assert_snapshot!("token_missing_fallback", changed_lines(&input, &out));
    // Klaviyo's spacing when the copy writes its filters that way, and the
    // configured word.
    let klaviyo = BASE.replace(
        "      Hi {{ first_name | default: 'there' }},\n",
        "      Hi {{ first_name }}, {{ city|default:'your town' }}\n",
    );
    let cfg = preflight::engine::config::Config::parse(
        std::path::Path::new("preflight.yaml"),
        "rules:\n  token-missing-fallback: {fallback_word: friend}\n",
    )
    .unwrap();
    let o = opts().with_config(&cfg);
    let out = fix_texts(&[("c.yaml", &klaviyo)], &o, true);
    let text = String::from_utf8(out.changes[0].fixed.clone()).unwrap();
    assert!(
        text.contains("Hi {{ first_name|default:'friend' }}, {{ city|default:'your town' }}"),
        "{text}"
    );
}

#[test]
fn a_quoted_scalar_gets_its_own_escapes() {
    let input = BASE.replace(
        "subject: \"New season, new shoes\"",
        "subject: \"{{ first_name }}, new shoes\"",
    );
    let (out, _) = fixed(&input, true);
    assert!(out.contains("subject: \"{{ first_name | default: 'there' }}, new shoes\""));
    let single = BASE.replace(
        "subject: \"New season, new shoes\"",
        "subject: '{{ first_name }}, new shoes'",
    );
    let (out, _) = fixed(&single, true);
    assert!(
        out.contains("subject: '{{ first_name | default: ''there'' }}, new shoes'"),
        "{out}"
    );
    let sendgrid = BASE.replace(
        "subject: \"New season, new shoes\"",
        "subject: \"{{insert first_name}}, new shoes\"",
    );
    let (out, _) = fixed(&sendgrid, true);
    assert!(
        out.contains(r#"subject: "{{insert first_name \"default=there\"}}, new shoes""#),
        "{out}"
    );
    assert!(!rules_left(&out).contains(&"token-missing-fallback"));
}

#[test]
fn sensitive_occasions_get_the_opt_out_exclusion() {
    let fathers = BASE.replace(
        "subject: \"New season, new shoes\"",
        "subject: \"Father's Day picks\"",
    );
    let (out, rules) = fixed(&fathers, true);
    assert_eq!(rules, ["sensitive-occasion"]);
    insta::assert_snapshot!(
        "sensitive_occasion_new_exclude",
        changed_lines(&fathers, &out)
    );
    assert!(!rules_left(&out).contains(&"sensitive-occasion"));
    // An exclude list that is there gets one more item.
    let listed = fathers.replace(
        "data_sources:",
        "  exclude:\n    - attribute: email_opt_out\n      op: eq\n      value: true\ndata_sources:",
    );
    let (out, _) = fixed(&listed, true);
    insta::assert_snapshot!(
        "sensitive_occasion_existing_exclude",
        changed_lines(&listed, &out)
    );
    // Safe fixes only: left alone.
    assert_eq!(fixed(&fathers, false).0, fathers);
}

#[test]
fn sms_get_the_opt_out_sentence_in_their_language_when_it_fits() {
    let sms = |body: &str, lang: &str| {
        BASE.replace("channels: [email]", "channels: [email, sms]")
            .replace(
                "consent: [email_marketing]",
                "consent: [email_marketing, sms_marketing]",
            )
            .replace("region: US", &format!("region: US\nlanguage: {lang}"))
            .replace(
                "content:\n",
                &format!("content:\n  sms:\n    body: \"{body}\"\n"),
            )
    };
    let en = sms("Trail Co: spring sale this weekend.", "en");
    let (out, rules) = fixed(&en, true);
    assert!(rules.contains(&"sms-missing-opt-out"), "{rules:?}");
    insta::assert_snapshot!("sms_missing_opt_out_en", changed_lines(&en, &out));
    let es = sms("Trail Co: rebajas este fin de semana.", "es");
    let (out, _) = fixed(&es, true);
    assert!(out.contains("rebajas este fin de semana. Responde BAJA para darte de baja.\""));
    assert!(!rules_left(&out).contains(&"sms-missing-opt-out"));
    // A text that would need another segment is left for a person.
    let long = sms(&"Trail Co sale. ".repeat(10), "en");
    let (out, _) = fixed(&long, true);
    assert!(!out.contains("Reply STOP"));
}

#[test]
fn a_token_one_brace_short_is_closed() {
    let input = BASE.replace(
        "subject: \"New season, new shoes\"",
        "subject: \"{{ first_name | default: 'there' }, new shoes\"",
    );
    let (out, rules) = fixed(&input, true);
    assert_eq!(rules, ["malformed-template"]);
    insta::assert_snapshot!("malformed_template", changed_lines(&input, &out));
}

#[test]
fn a_fix_that_adds_an_error_leaves_the_file_as_it_was() {
    // Renaming `exlude` makes the exclusion real, and it excludes the very
    // people the audience includes: a new error, so nothing is changed.
    let input = BASE.replace(
        "data_sources:",
        "  exlude:\n    - attribute: preferences.interests\n      op: contains\n      value: running\ndata_sources:",
    );
    let out = fix_texts(&[("c.yaml", &input)], &opts(), false);
    assert!(out.changes.is_empty(), "{:?}", out.changes);
    let failed: Vec<_> = out
        .report
        .findings()
        .filter(|f| f.rule.name == "internal-error")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(
        failed[0].message.contains("`unknown-field`")
            && failed[0].message.contains("left as it was"),
        "{}",
        failed[0].message
    );
    // The finding it meant to fix is still reported.
    assert!(out
        .report
        .findings()
        .any(|f| f.rule.name == "unknown-field"));
}

// The command end to end.

fn preflight() -> Command {
    let mut c = Command::cargo_bin("preflight").unwrap();
    c.env_remove("NO_COLOR");
    c
}

/// A repository in a temporary folder with these files.
fn repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn typo() -> String {
    BASE.replace("  include:", "  incldue:")
}

#[test]
fn fix_writes_and_reports_what_is_left() {
    let text = typo().replace(
        "subject: \"New season, new shoes\"",
        "subject: \"{{ first_name }}, new shoes\"",
    );
    let dir = repo(&[("c.yaml", text.as_bytes())]);
    preflight()
        .current_dir(dir.path())
        .args([
            "check", "c.yaml", "--now", NOW, "--fix", "--format", "compact",
        ])
        .assert()
        // The subject's token still has no fallback (an unsafe fix).
        .code(1)
        .stderr(predicate::str::contains(
            "fixed 1 fix in 1 file (unknown-field 1)",
        ))
        .stderr(predicate::str::contains(
            "1 more finding can be fixed with --unsafe-fixes",
        ))
        .stdout(predicate::str::contains("token-missing-fallback"))
        .stdout(predicate::str::contains("unknown-field").not());
    let now = std::fs::read_to_string(dir.path().join("c.yaml")).unwrap();
    assert!(now.contains("  include:") && now.contains("{{ first_name }}"));
    preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--fix", "--unsafe-fixes"])
        .assert()
        .code(0);
    let now = std::fs::read_to_string(dir.path().join("c.yaml")).unwrap();
    assert!(now.contains("{{ first_name | default: 'there' }}, new shoes"));
    // Nothing left: nothing written, no message.
    preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--fix"])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = repo(&[("c.yaml", typo().as_bytes())]);
    preflight()
        .current_dir(dir.path())
        .args(["check", ".", "--now", NOW, "--diff"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--- a/c.yaml\n+++ b/c.yaml\n"))
        .stdout(predicate::str::contains("-  incldue:\n+  include:\n"))
        .stderr(predicate::str::contains(
            "--fix would apply 1 fix in 1 file",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c.yaml")).unwrap(),
        typo()
    );
    // A clean file: no diff, status 0.
    let clean = repo(&[("c.yaml", BASE.as_bytes())]);
    preflight()
        .current_dir(clean.path())
        .args(["check", ".", "--now", NOW, "--diff"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    // --unsafe-fixes alone is a mistake; --fix with --diff too.
    preflight()
        .current_dir(clean.path())
        .args(["check", ".", "--now", NOW, "--unsafe-fixes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--unsafe-fixes goes with --fix"));
    preflight()
        .current_dir(clean.path())
        .args(["check", ".", "--now", NOW, "--fix", "--diff"])
        .assert()
        .code(2);
}

#[test]
fn crlf_bom_final_newline_and_permissions_are_kept() {
    let crlf = format!("\u{feff}{}", typo().replace('\n', "\r\n"));
    let fathers = BASE
        .replace(
            "subject: \"New season, new shoes\"",
            "subject: \"Father's Day picks\"",
        )
        .replace('\n', "\r\n");
    let no_newline =
        typo().trim_end().to_string() + "   # preflight: ignore[stale-data] refreshed nightly";
    let dir = repo(&[
        ("crlf.yaml", crlf.as_bytes()),
        ("fathers.yaml", fathers.as_bytes()),
        ("last.yaml", no_newline.as_bytes()),
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("crlf.yaml"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    for file in ["crlf.yaml", "fathers.yaml", "last.yaml"] {
        preflight()
            .current_dir(dir.path())
            .args(["check", file, "--now", NOW, "--fix", "--unsafe-fixes"])
            .assert()
            .code(0);
    }
    let now = std::fs::read(dir.path().join("crlf.yaml")).unwrap();
    assert!(now.starts_with("\u{feff}".as_bytes()));
    let now = String::from_utf8(now).unwrap();
    assert_eq!(now, format!("\u{feff}{}", BASE.replace('\n', "\r\n")));
    // Inserted lines take the file's CRLF.
    let now = std::fs::read_to_string(dir.path().join("fathers.yaml")).unwrap();
    assert!(
        now.contains("  exclude:\r\n    - attribute: fathers_day_opt_out\r\n      op: eq\r\n      value: true\r\n"),
        "{now:?}"
    );
    assert!(!now.replace("\r\n", "").contains('\n'));
    // A file without a final newline still has none.
    let now = std::fs::read_to_string(dir.path().join("last.yaml")).unwrap();
    assert_eq!(now, BASE.trim_end());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("crlf.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_fix_in_a_template_is_written_to_the_template() {
    let campaign = BASE.replace(
        "    body: |\n      Hi {{ first_name | default: 'there' }},\n      Our spring running range has landed.\n      {{ unsubscribe_url }}\n",
        "    body: {file: templates/spring.html}\n",
    );
    let template = "\u{feff}<p>Hi {{ first_name }},</p>\r\n  <!-- preflight: ignore[creepy-phrasing] approved by legal -->\r\n<p>Our range.</p>\r\n<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>\r\n";
    let dir = repo(&[
        ("c.yaml", campaign.as_bytes()),
        ("templates/spring.html", template.as_bytes()),
    ]);
    preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--diff", "--unsafe-fixes"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+++ b/templates/spring.html"));
    preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--fix", "--unsafe-fixes"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c.yaml")).unwrap(),
        campaign
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("templates/spring.html")).unwrap(),
        template
            .replace("{{ first_name }}", "{{ first_name | default: 'there' }}")
            .replace(
                "  <!-- preflight: ignore[creepy-phrasing] approved by legal -->\r\n",
                ""
            )
    );
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_repository_is_never_written() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("c.yaml"), typo()).unwrap();
    let dir = repo(&[]);
    std::os::unix::fs::symlink(outside.path().join("c.yaml"), dir.path().join("c.yaml")).unwrap();
    preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--fix"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("c.yaml")).unwrap(),
        typo()
    );
}

#[test]
fn standard_input_is_printed_fixed_never_written() {
    let dir = repo(&[("c.yaml", typo().as_bytes())]);
    preflight()
        .current_dir(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "c.yaml",
            "--now",
            NOW,
            "--fix",
        ])
        .write_stdin(typo())
        .assert()
        .code(0)
        .stdout(predicate::eq(BASE));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c.yaml")).unwrap(),
        typo()
    );
    preflight()
        .current_dir(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "c.yaml",
            "--now",
            NOW,
            "--diff",
        ])
        .write_stdin(typo())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+  include:"));
    // Nothing to fix: the text as it came.
    preflight()
        .current_dir(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "c.yaml",
            "--now",
            NOW,
            "--fix",
        ])
        .write_stdin(BASE)
        .assert()
        .code(0)
        .stdout(predicate::eq(BASE));
}

#[test]
fn json_and_sarif_carry_the_fix() {
    let dir = repo(&[("c.yaml", typo().as_bytes())]);
    let out = preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unknown-field")
        .unwrap();
    assert_eq!(f["fix"]["applicability"], "safe");
    assert_eq!(f["fix"]["edits"][0]["replacement"], "include");
    assert_eq!(f["fix"]["edits"][0]["length"], 7);
    let out = preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW, "--format", "sarif"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "PF002")
        .unwrap();
    let change = &r["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "c.yaml");
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"],
        "include"
    );
    assert_eq!(change["replacements"][0]["deletedRegion"]["byteLength"], 7);
}

#[test]
fn explain_says_which_fixes_a_rule_offers() {
    preflight()
        .args(["explain", "unknown-field"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Fixes:\n  safe (--fix): renames the key",
        ));
    preflight()
        .args(["explain", "PF303"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("unsafe (--fix --unsafe-fixes)"))
        .stdout(predicate::str::contains("fallback_word = there"));
    preflight()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::is_match(r"PF002 +unknown-field +error +safe ").unwrap())
        .stdout(predicate::str::is_match(r"PF004 +duplicate-key +error +- ").unwrap())
        .stdout(predicate::str::is_match(r"PF201 +sensitive-occasion +error +unsafe ").unwrap());
}

#[test]
fn readme_rules_table_shows_the_fixes() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for r in preflight::rules::RULES {
        let m = r.meta;
        let fix = m.fix_kinds();
        let row = if fix.is_empty() {
            format!("| {} | `{}` | {} | |", m.code, m.name, m.severity)
        } else {
            format!("| {} | `{}` | {} | {fix} |", m.code, m.name, m.severity)
        };
        assert!(readme.contains(&row), "README lacks the row starting {row}");
    }
}

#[test]
fn missing_unsubscribe_gets_the_platforms_tag() {
    let html = BASE.replace(
        "    body: |\n      Hi {{ first_name | default: 'there' }},\n      Our spring running range has landed.\n      {{ unsubscribe_url }}\n",
        "    body: |\n      <html><body><p>Hi *|FNAME|*,</p>\n      <p>Our spring range.</p>\n      </body></html>\n",
    );
    let (out, rules) = fixed(&html, true);
    assert!(rules.contains(&"missing-unsubscribe"), "{rules:?}");
    insta::assert_snapshot!("missing_unsubscribe_mailchimp", changed_lines(&html, &out));
    assert!(!rules_left(&out).contains(&"missing-unsubscribe"));
    let plain = BASE.replace("      {{ unsubscribe_url }}\n", "");
    let (out, _) = fixed(&plain, true);
    assert!(
        out.contains("Our spring running range has landed. Unsubscribe: {{ unsubscribe_url }}\n"),
        "{out}"
    );
    assert!(!rules_left(&out).contains(&"missing-unsubscribe"));
}

#[test]
fn a_check_says_how_many_findings_can_be_fixed() {
    let dir = repo(&[(
        "c.yaml",
        typo()
            .replace(
                "subject: \"New season, new shoes\"",
                "subject: \"{{ first_name }}\"",
            )
            .as_bytes(),
    )]);
    preflight()
        .current_dir(dir.path())
        .args(["check", "c.yaml", "--now", NOW])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "1 finding can be fixed with --fix, 1 more with --unsafe-fixes",
        ));
}

/// A linter whose first finding carries a fix made up by the test.
struct Bogus<'a> {
    text: &'a str,
    make: fn(&str) -> Option<preflight::rules::diagnostic::Edit>,
}

impl preflight::engine::fix::Linter for Bogus<'_> {
    fn lint(
        &self,
        texts: &std::collections::HashMap<String, std::sync::Arc<[u8]>>,
    ) -> preflight::engine::run::Report {
        let text = texts
            .get("c.yaml")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_else(|| self.text.to_string());
        let mut report = preflight::engine::run::run_texts(&[("c.yaml", &text)], &opts());
        if let Some(edit) = (self.make)(&text) {
            if let Some(f) = report.files[0].findings.first_mut() {
                f.fix = Some(preflight::rules::diagnostic::Fix {
                    applicability: preflight::rules::diagnostic::Applicability::Safe,
                    message: "made up".into(),
                    file: "c.yaml".into(),
                    edits: vec![edit],
                });
            }
        }
        report
    }

    fn original(
        &self,
        _: &preflight::engine::run::Report,
        file: &str,
    ) -> Option<(Vec<u8>, Option<std::path::PathBuf>)> {
        (file == "c.yaml").then(|| (self.text.as_bytes().to_vec(), None))
    }
}

#[test]
fn a_fix_that_breaks_the_yaml_or_never_settles_is_an_internal_error() {
    use preflight::input::source::Span;
    use preflight::rules::diagnostic::Edit;
    // A finding that stays: a key with no did-you-mean.
    let text = format!("{BASE}budget: 1000\n");
    // Deleting the colon after `name` breaks the file.
    let breaks = Bogus {
        text: &text,
        make: |t| {
            t.find("name:")
                .map(|i| Edit::new(Span::new(i + 4, i + 5), ""))
        },
    };
    let out = preflight::engine::fix::fix(&breaks, false);
    assert!(out.changes.is_empty());
    let f: Vec<_> = out
        .report
        .findings()
        .filter(|f| f.rule.name == "internal-error")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains("no longer loads") && f[0].message.contains("left as it was"),
        "{}",
        f[0].message
    );
    // A fix that always finds something to add never settles.
    let grows = Bogus {
        text: &text,
        make: |t| Some(Edit::new(Span::new(t.len(), t.len()), "#\n")),
    };
    let out = preflight::engine::fix::fix(&grows, false);
    assert!(out.changes.is_empty());
    let f: Vec<_> = out
        .report
        .findings()
        .filter(|f| f.rule.name == "internal-error")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains("did not settle after 10 passes"),
        "{}",
        f[0].message
    );
    // A fix that undoes itself is a loop too.
    let flips = Bogus {
        text: &text,
        make: |t| match t.find("name: Spring") {
            Some(i) => Some(Edit::new(Span::new(i + 6, i + 12), "Autumn")),
            None => t
                .find("name: Autumn")
                .map(|i| Edit::new(Span::new(i + 6, i + 12), "Spring")),
        },
    };
    let out = preflight::engine::fix::fix(&flips, false);
    assert!(out.changes.is_empty());
    assert!(out
        .report
        .findings()
        .any(|f| f.rule.name == "internal-error" && f.message.contains("without settling")));
}
