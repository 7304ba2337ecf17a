//! The command end to end: exit codes, formats, rules, explain, discovery.

use assert_cmd::Command;
use predicates::prelude::*;

fn preflight() -> Command {
    let mut c = Command::cargo_bin("preflight").unwrap();
    c.env_remove("NO_COLOR");
    c
}

const NOW: &str = "2027-01-01";

#[test]
fn clean_examples_exit_0() {
    preflight()
        .args(["check", "examples/clean", "--now", NOW])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No problems found in 8 campaigns (7 files, 1 template)",
        ));
}

#[test]
fn mistakes_exit_1_with_a_summary() {
    preflight()
        .args(["check", "examples/mistakes", "--now", NOW])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(" in 21 campaigns (18 files, 1 template)"))
        .stdout(
            predicate::str::is_match(
                r"\n\d+ errors, \d+ warnings, \d+ advice in 21 campaigns \(18 files, 1 template\)\n$",
            )
            .unwrap(),
        );
}

#[test]
fn warnings_alone_exit_0_unless_denied() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("narrow.yaml");
    let text = std::fs::read_to_string("examples/clean/spring-running.yaml")
        .unwrap()
        .replace("estimated_size: 12000", "estimated_size: 40");
    std::fs::write(&f, text).unwrap();
    preflight()
        .args(["check", "--now", NOW])
        .arg(&f)
        .assert()
        .code(0);
    preflight()
        .args(["check", "--now", NOW, "--deny-warnings"])
        .arg(&f)
        .assert()
        .code(1);
}

#[test]
fn missing_path_and_bad_arguments_exit_2() {
    preflight()
        .args(["check", "no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or folder"));
    preflight()
        .args(["check", "--format", "xml", "examples"])
        .assert()
        .code(2);
    preflight()
        .args(["check", "--now", "tomorrow", "examples"])
        .assert()
        .code(2);
    preflight()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2);
}

#[test]
fn compact_is_one_line_per_finding() {
    let out = preflight()
        .args([
            "check",
            "examples/mistakes/fathers-day.yaml",
            "--format",
            "compact",
            "--now",
            NOW,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("examples/mistakes/fathers-day.yaml:4:7: error[PF201/sensitive-occasion] This campaign mentions Father's Day"));
    assert!(
        lines[1].starts_with("examples/mistakes/fathers-day.yaml:25:19: error[PF401/stale-data] ")
    );
    assert!(lines[2].starts_with(
        "examples/mistakes/fathers-day.yaml:37:10: error[PF303/token-missing-fallback] "
    ));
    assert_eq!(lines[3], "3 errors, 0 warnings in 1 campaign (1 file)");
}

#[test]
fn json_has_the_stable_keys() {
    let out = preflight()
        .args([
            "check",
            "examples/mistakes/fathers-day.yaml",
            "--format",
            "json",
            "--now",
            NOW,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    let f = &findings[0];
    for key in [
        "file",
        "campaign",
        "rule",
        "code",
        "severity",
        "message",
        "help",
        "line",
        "column",
        "end_line",
        "end_column",
        "offset",
        "length",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["rule"], "sensitive-occasion");
    assert_eq!(f["code"], "PF201");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["campaign"], "fathers-day-2030");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(7))
    );
    // offset and length select the offending text.
    let text = std::fs::read_to_string("examples/mistakes/fathers-day.yaml").unwrap();
    let (o, l) = (
        f["offset"].as_u64().unwrap() as usize,
        f["length"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[o..o + l], "Father's Day");
    assert_eq!(v["summary"]["errors"], 3);
    assert_eq!(v["summary"]["campaigns"], 1);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let run = || {
        preflight()
            .args(["check", "examples", "--format", "json", "--now", NOW])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn output_is_byte_identical_with_one_thread_and_many() {
    // Many files, so that the threads really interleave; every format.
    let dir = tempfile::tempdir().unwrap();
    for round in 0..8 {
        for entry in std::fs::read_dir("examples/mistakes").unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            // Distinct campaign ids, so the copies do not all collide.
            let text = text.replace("campaign: ", &format!("campaign: r{round}-"));
            std::fs::write(dir.path().join(format!("{round}-{name}")), text).unwrap();
        }
    }
    for format in ["json", "pretty", "sarif", "compact", "html", "markdown"] {
        let run = |threads: &str| {
            let out = preflight()
                .current_dir(dir.path())
                .args([
                    "check", ".", "--now", NOW, "--color", "never", "--format", format,
                ])
                .args(["--threads", threads])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{format}, {threads} threads");
            out.stdout
        };
        let one = run("1");
        assert!(one.len() > 10_000, "{format}: {} bytes", one.len());
        for threads in ["2", "4", "16"] {
            assert!(
                one == run(threads),
                "{format} differs with {threads} threads"
            );
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = preflight()
        .args(["check", "examples/mistakes/fathers-day.yaml", "--now", NOW])
        .output()
        .unwrap()
        .stdout;
    assert!(
        !plain.contains(&0x1b),
        "no escape codes when not a terminal"
    );
    let coloured = preflight()
        .args([
            "check",
            "examples/mistakes/fathers-day.yaml",
            "--now",
            NOW,
            "--color",
            "always",
        ])
        .output()
        .unwrap()
        .stdout;
    assert!(coloured.contains(&0x1b));
}

#[test]
fn rules_lists_every_rule() {
    let out = preflight()
        .arg("rules")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for r in preflight::rules::RULES {
        assert!(text.contains(r.meta.code) && text.contains(r.meta.name));
    }
}

#[test]
fn explain_by_code_or_name() {
    for key in ["PF201", "sensitive-occasion", "pf201"] {
        preflight()
            .args(["explain", key])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("sensitive-occasion (PF201)"))
            .stdout(predicate::str::contains("## Why is this bad?"))
            .stdout(predicate::str::contains("## Use instead"));
    }
    preflight()
        .args(["explain", "stale-data"])
        .assert()
        .stdout(predicate::str::contains("default_max_age = 30d"));
    preflight()
        .args(["explain", "sensitive-ocasion"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "Did you mean `sensitive-occasion`?",
        ));
}

#[test]
fn current_folder_is_the_default_and_gitignore_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string("examples/clean/spring-running.yaml").unwrap();
    let broken = std::fs::read_to_string("examples/mistakes/broken-yaml.yaml").unwrap();
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    std::fs::write(dir.path().join("spring.yaml"), &clean).unwrap();
    std::fs::write(dir.path().join("drafts/broken.yaml"), &broken).unwrap();
    std::fs::write(dir.path().join("notes.yml"), "title: not a campaign\n").unwrap();
    preflight()
        .current_dir(dir.path())
        .args(["check", "--now", NOW])
        .assert()
        .code(1);
    std::fs::write(dir.path().join(".gitignore"), "drafts/\n").unwrap();
    preflight()
        .current_dir(dir.path())
        .args(["check", "--now", NOW, "--verbose"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 campaign (1 file)"))
        .stderr(predicate::str::contains("skipped notes.yml"));
}

#[test]
fn an_explicit_file_must_be_a_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("team.yaml");
    std::fs::write(&f, "team: lifecycle\n").unwrap();
    preflight()
        .args(["check", "--now", NOW])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("has no campaign"));
}

#[test]
fn broken_yaml_with_a_campaign_line_is_reported_when_walking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), "campaign: x\nchannels: [email\n").unwrap();
    std::fs::write(dir.path().join("b.yaml"), "other: [unclosed\n").unwrap();
    preflight()
        .args(["check", "--now", NOW, "--format", "compact"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.yaml:").and(predicate::str::contains("b.yaml").not()));
}

#[test]
fn closed_pipe_ends_quietly() {
    // Reading only part of the output must not make preflight panic.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("preflight"))
        .args(["check", "examples", "--now", NOW])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn cross_campaign_findings_point_at_each_other_in_json() {
    let out = preflight()
        .args([
            "check",
            "examples/mistakes/mothers-day-uk.yaml",
            "examples/mistakes/mothers-day-reminder.yaml",
            "--format",
            "json",
            "--now",
            NOW,
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let dup: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "duplicate-occasion-opt-out")
        .collect();
    assert_eq!(dup.len(), 2);
    // Each names the other file, with a located related place.
    assert_eq!(
        dup[0]["file"],
        "examples/mistakes/mothers-day-reminder.yaml"
    );
    let rel = &dup[0]["related"][0];
    assert_eq!(rel["file"], "examples/mistakes/mothers-day-uk.yaml");
    assert_eq!(rel["line"], 43);
    assert!(rel["length"].as_u64().unwrap() > 0);
    assert_eq!(
        dup[1]["related"][0]["file"],
        "examples/mistakes/mothers-day-reminder.yaml"
    );
}
