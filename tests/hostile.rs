//! Broken and hostile input: every case gets a clear, located diagnostic
//! (or a clear note), the other files are still checked, and a run that
//! could not check a file never exits 0.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const NOW: &str = "2027-01-01";

fn base() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/clean/spring-running.yaml"
    ))
    .unwrap()
}

/// Runs `check --format json` on `names` in `dir`; returns the exit code and the report.
fn check(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", "--now", NOW])
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// The only finding of a report: (rule, line, column, message).
fn only(v: &Value) -> (String, u64, u64, String) {
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v:#}");
    let f = &f[0];
    (
        f["rule"].as_str().unwrap().to_string(),
        f["line"].as_u64().unwrap(),
        f["column"].as_u64().unwrap(),
        f["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn parser_attacks_are_bounded_and_name_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("campaign: lol\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    write(dir.path(), "bomb.yaml", bomb);
    let (code, v, _) = check(dir.path(), &["bomb.yaml"]);
    let (rule, _, _, msg) = only(&v);
    assert_eq!((code, rule.as_str()), (1, "invalid-campaign"));
    assert!(msg.contains("too large") && msg.contains("250000"), "{msg}");

    write(
        dir.path(),
        "deep.yaml",
        format!("campaign: deep\nx: {}", "[".repeat(100_000)),
    );
    let (code, v, _) = check(dir.path(), &["deep.yaml"]);
    let (rule, line, _, msg) = only(&v);
    assert_eq!((code, rule.as_str(), line), (1, "invalid-campaign", 2));
    assert!(msg.contains("nested") || msg.contains("depth"), "{msg}");

    write(
        dir.path(),
        "million.yaml",
        format!("campaign: many\nconsent:\n{}", "  - a\n".repeat(1_000_000)),
    );
    let (code, v, _) = check(dir.path(), &["million.yaml"]);
    let (rule, _, _, msg) = only(&v);
    assert_eq!((code, rule.as_str()), (1, "invalid-campaign"));
    assert!(msg.contains("250000"), "{msg}");

    // A 1 MB line is read and checked like any other.
    let long = base().replace(
        "with the Trail 2 in six new colours.",
        &"very long copy ".repeat(70_000),
    );
    write(dir.path(), "long.yaml", long);
    let (code, v, _) = check(dir.path(), &["long.yaml"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["campaigns"], 1);
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "big.yaml", base());
    write(
        dir.path(),
        "ok.yaml",
        base().replace("spring-running-2030", "other-2030"),
    );
    let (code, v, _) = check(dir.path(), &["--max-file-size", "1KB", "big.yaml"]);
    let (rule, line, col, msg) = only(&v);
    assert_eq!(
        (code, rule.as_str(), line, col),
        (1, "invalid-campaign", 1, 1)
    );
    // The rounded sizes are equal, so the exact bytes are given.
    assert!(msg.contains("over the 1000-byte limit"), "{msg}");
    // Standard input too.
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .args([
            "check",
            "-",
            "--max-file-size",
            "1KB",
            "--format",
            "compact",
            "--now",
            NOW,
        ])
        .write_stdin(base())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Standard input is read one byte past the limit: its size is not known.
    assert!(String::from_utf8_lossy(&out.stdout).contains("larger than the 1 KB limit"));
}

#[test]
fn encodings() {
    let dir = tempfile::tempdir().unwrap();
    // Invalid UTF-8: the byte offset.
    let mut bad = b"campaign: x\nname: caf".to_vec();
    bad.push(0xE9);
    write(dir.path(), "latin1.yaml", &bad);
    let (code, v, _) = check(dir.path(), &["latin1.yaml"]);
    let (rule, line, _, msg) = only(&v);
    assert_eq!((code, rule.as_str(), line), (1, "invalid-campaign", 2));
    assert!(msg.contains("byte 21"), "{msg}");
    // UTF-8 with a byte-order mark: accepted, spans still right.
    let with_bom = format!(
        "\u{feff}{}",
        base().replace("estimated_size: 12000", "estimated_size: 40")
    );
    write(dir.path(), "bom.yaml", &with_bom);
    let (code, v, _) = check(dir.path(), &["bom.yaml"]);
    let f = &v["findings"][0];
    assert_eq!(
        (code, f["rule"].as_str().unwrap()),
        (0, "segment-too-narrow")
    );
    let off = f["offset"].as_u64().unwrap() as usize;
    assert_eq!(&with_bom[off..off + 2], "40");
    // UTF-16: a clear "not UTF-8".
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "campaign: x\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write(dir.path(), "utf16.yaml", &utf16);
    let (code, v, _) = check(dir.path(), &["utf16.yaml"]);
    let (rule, _, _, msg) = only(&v);
    assert_eq!((code, rule.as_str()), (1, "invalid-campaign"));
    assert!(msg.contains("UTF-16"), "{msg}");
    // A binary file named .yaml.
    write(
        dir.path(),
        "image.yaml",
        [0x89, b'P', b'N', b'G', 0, 0, 0, 13],
    );
    let (code, v, _) = check(dir.path(), &["image.yaml"]);
    assert_eq!(code, 1);
    assert!(only(&v).3.contains("binary"));
    // When walking, binary and UTF-16 files without a campaign are skipped, not failed.
    let walk = tempfile::tempdir().unwrap();
    write(walk.path(), "image.yaml", [0u8, 1, 2]);
    let (code, v, _) = check(walk.path(), &[]);
    assert_eq!((code, v["summary"]["skipped_files"].as_u64()), (0, Some(1)));
}

#[test]
fn line_endings_and_tabs() {
    let dir = tempfile::tempdir().unwrap();
    let narrow = base().replace("estimated_size: 12000", "estimated_size: 40");
    write(dir.path(), "crlf.yaml", narrow.replace('\n', "\r\n"));
    write(dir.path(), "cr.yaml", narrow.replace('\n', "\r"));
    for name in ["crlf.yaml", "cr.yaml"] {
        let (code, v, _) = check(dir.path(), &[name]);
        let (rule, line, col, _) = only(&v);
        assert_eq!(
            (code, rule.as_str(), line, col),
            (0, "segment-too-narrow", 12, 19),
            "{name}"
        );
    }
    write(
        dir.path(),
        "tabs.yaml",
        "campaign: x\nschedule:\n\tsend_at: 2030-01-01\n",
    );
    let (code, v, _) = check(dir.path(), &["tabs.yaml"]);
    let (rule, line, _, msg) = only(&v);
    assert_eq!((code, rule.as_str(), line), (1, "invalid-campaign", 3));
    assert!(msg.contains("tab"), "{msg}");
}

#[test]
fn shapes() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, says) in [
        ("empty.yaml", "", "has no campaign"),
        (
            "comments.yaml",
            "# only a comment\n# and another\n",
            "has no campaign",
        ),
        ("list.yaml", "- campaign: x\n", "has no campaign"),
        ("scalar.yaml", "just text\n", "has no campaign"),
        ("other.yaml", "team: lifecycle\n", "has no campaign"),
    ] {
        write(dir.path(), name, text);
        let (code, v, _) = check(dir.path(), &[name]);
        let (rule, line, col, msg) = only(&v);
        assert_eq!(
            (code, rule.as_str(), line, col),
            (1, "invalid-campaign", 1, 1),
            "{name}"
        );
        assert!(msg.contains(says), "{name}: {msg}");
    }
    write(
        dir.path(),
        "dup.yaml",
        base().replace(
            "consent: [email_marketing]\n",
            "consent: [email_marketing]\nconsent: [push]\n",
        ),
    );
    let (code, v, _) = check(dir.path(), &["dup.yaml"]);
    let (rule, line, col, _) = only(&v);
    assert_eq!(
        (code, rule.as_str(), line, col),
        (1, "duplicate-key", 34, 1)
    );
    // A folder with no campaign files: a note, exit 0; or 2 with --require-files.
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "notes.yaml", "team: lifecycle\n");
    let (code, _, err) = check(empty.path(), &[]);
    assert_eq!(code, 0);
    assert!(
        err.contains("no campaign files or email templates found"),
        "{err}"
    );
    let (code, _, _) = check(empty.path(), &["--require-files"]);
    assert_eq!(code, 2);
}

#[test]
fn anchors_and_aliases_are_reported_once_at_the_alias() {
    let dir = tempfile::tempdir().unwrap();
    // A subject with a token but no fallback, anchored and reused by
    // aliases as the push title and body; an audience condition with a
    // misspelt attribute, anchored and repeated under `include`.
    let text = base()
        .replace("channels: [email]", "channels: [email, push]")
        .replace(
            "consent: [email_marketing]",
            "consent: [email_marketing, push]",
        )
        .replace(
            "    subject: \"New season, new shoes\"",
            "    subject: &subj \"Hi {{ first_name }}, new shoes\"",
        )
        .replace(
            "    - attribute: preferences.interests\n",
            "    - &cond\n      attribute: preferences.intrests\n",
        )
        .replace(
            "      value: running\n    - event",
            "      value: running\n    - *cond\n    - event",
        )
        .replace(
            "sender:\n",
            "  push:\n    title: *subj\n    body: *subj\nfrequency: {cap: 1, per: 7d}\nsender:\n",
        );
    write(dir.path(), "aliases.yaml", &text);
    let line_col = |needle: &str, nth: usize| {
        let at = text.match_indices(needle).nth(nth).unwrap().0;
        let line = text[..at].matches('\n').count() as u64 + 1;
        let col = text[..at].rsplit('\n').next().unwrap().chars().count() as u64 + 1;
        (line, col)
    };
    let (code, v, _) = check(dir.path(), &["aliases.yaml"]);
    assert_eq!(code, 1, "{v:#}");
    let findings = v["findings"].as_array().unwrap();
    let of =
        |rule: &str| -> Vec<&Value> { findings.iter().filter(|f| f["rule"] == rule).collect() };
    let place = |f: &Value| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap());
    let related = |f: &Value| -> Vec<(u64, u64)> {
        f["related"].as_array().unwrap().iter().map(place).collect()
    };
    // Once, at the first alias, with the exact token inside the anchored
    // value and the other alias as related places.
    let token = of("token-missing-fallback");
    assert_eq!(token.len(), 1, "{token:#?}");
    assert_eq!(place(token[0]), line_col("*subj", 0));
    assert_eq!(
        related(token[0]),
        [line_col("{{ first_name }}, new", 0), line_col("*subj", 1)]
    );
    // A mapping repeated by an alias: once, at the alias, pointing at the
    // misspelt attribute inside the anchored mapping.
    let unverified = of("unverified-data");
    assert_eq!(unverified.len(), 1, "{unverified:#?}");
    assert_eq!(place(unverified[0]), line_col("*cond", 0));
    assert_eq!(
        related(unverified[0]),
        [line_col("preferences.intrests", 0)]
    );
}

#[cfg(unix)]
#[test]
fn the_file_system() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", base());
    // A path that does not exist.
    let (code, _, err) = check(dir.path(), &["missing.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file"), "{err}");
    // A non-UTF-8 file name is checked and shown as well as it can be.
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(
        dir.path().join(odd),
        base().replace("spring-running-2030", "odd-2030"),
    )
    .unwrap();
    // A symlink loop while walking, and a link to nowhere (a file removed after listing).
    std::fs::create_dir(dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("loop/up")).unwrap();
    std::os::unix::fs::symlink("gone.yaml", dir.path().join("dangling.yaml")).unwrap();
    let (code, v, _) = check(dir.path(), &[]);
    assert_eq!(code, 2, "{v:#}");
    let unreadable: Vec<&str> = v["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["file"].as_str().unwrap())
        .collect();
    assert!(
        unreadable.iter().any(|f| f.contains("dangling")),
        "{unreadable:?}"
    );
    assert!(
        v["summary"]["unreadable_files"].as_u64().unwrap() >= 2,
        "{v:#}"
    );
    // The other files were still checked.
    assert_eq!(v["summary"]["campaigns"], 2, "{v:#}");
    // A file that cannot be read. Root reads anything, so as root (CI) the
    // check runs as the unprivileged user `nobody` through setpriv.
    let locked = dir.path().join("locked.yaml");
    std::fs::write(&locked, base()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = if std::fs::read(&locked).is_err() {
        Some(Command::cargo_bin("preflight").unwrap())
    } else if Path::new("/usr/bin/setpriv").exists() {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("preflight"));
        Some(c)
    } else {
        None // root without setpriv: nothing can be unreadable here
    };
    if let Some(cmd) = cmd.as_mut() {
        let out = cmd
            .current_dir(dir.path())
            .args([
                "check",
                "--format",
                "json",
                "--now",
                NOW,
                "good.yaml",
                "locked.yaml",
            ])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(2), "{v:#}");
        assert_eq!(v["unreadable"][0]["file"], "locked.yaml", "{v:#}");
        assert!(
            v["unreadable"][0]["error"]
                .as_str()
                .unwrap()
                .contains("ermission"),
            "{v:#}"
        );
        // The readable file named beside it was still checked.
        assert_eq!(v["summary"]["campaigns"], 1, "{v:#}");
    }
}

// ---------------------------------------------------------------------------
// Never crash, never hang, never leak (the second wave's hardening).

/// Runs preflight in `dir` with `args`; returns (status, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A campaign whose body is one line of `copies` sentences (with accents)
/// and then a Father's Day mention with no opt-out (a finding far to the
/// right: 35 characters a sentence).
fn long_line_campaign(copies: usize) -> String {
    base().replace(
        "<p>Our spring running range has landed, with the Trail 2 in six new colours.</p>",
        &format!(
            "<p>{} Happy Father's Day from us.</p>",
            "Our café menu changes every week. ".repeat(copies)
        ),
    )
}

#[test]
fn findings_far_to_the_right_of_a_long_line_are_drawn_clipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "long.yaml", long_line_campaign(2_000));
    for format in ["pretty", "compact", "json", "sarif", "github"] {
        let (code, out, err) = run(
            dir.path(),
            &["check", "--format", format, "--now", NOW, "long.yaml"],
        );
        assert_eq!(code, 1, "{format}: {err}");
        assert!(
            out.contains("Father"),
            "{format}: {}",
            &out[..out.len().min(500)]
        );
        assert!(
            !err.contains("panicked") && !err.contains("internal"),
            "{format}: {err}"
        );
    }
    let (_, out, _) = run(
        dir.path(),
        &["check", "--now", NOW, "--color", "never", "long.yaml"],
    );
    // The header gives the file's own position; the line is clipped
    // around the label, with … on the left, and stays short.
    assert!(out.contains("long.yaml:41:68017]"), "{out}");
    let drawn = out.lines().find(|l| l.contains("Happy Father")).unwrap();
    assert!(
        drawn.contains('…') && drawn.chars().count() < 250,
        "{drawn}"
    );
    // A configuration error far to the right is drawn the same way.
    let cfg = format!("include: [\"{}\", 'a/[']\n", "x".repeat(70_000));
    write(dir.path(), "preflight.yaml", cfg);
    let (code, _, err) = run(dir.path(), &["check", "--now", NOW, "long.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("not a glob") && err.contains("preflight.yaml:1:70015]"),
        "{err}"
    );
    assert!(err.lines().all(|l| l.chars().count() < 300), "{err}");
}

#[test]
fn many_findings_in_pretty_output_cost_linear_work() {
    use preflight::engine::lint::Options;
    // N and 2N findings on one long line of one file: drawing them all
    // costs at most twice the steps (each finding draws its own window).
    let steps = |n: usize| {
        let body = "Happy Father's Day é ".repeat(n);
        let text = base().replace(
            "<p>Our spring running range has landed, with the Trail 2 in six new colours.</p>",
            &body,
        );
        let opts = Options::new(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        let report = preflight::engine::run::run_text("long.yaml", &text, &opts);
        let style = preflight::report::render::Style {
            color: false,
            width: 100,
        };
        preflight::work::count(|| preflight::report::render::pretty(&report, style)).1
    };
    let (small, large) = (steps(500), steps(1_000));
    assert!(
        preflight::work::at_most_doubled(small, large, 20_000),
        "{small} {large}"
    );
}

#[test]
fn aliases_are_budgeted_in_bytes_in_campaigns_and_configurations() {
    let dir = tempfile::tempdir().unwrap();
    // A 100 KB anchored string referenced 200 times: 20 MB once expanded.
    let big = "lol ".repeat(25_000);
    let mut bomb = format!("campaign: lol\nname: &big \"{big}\"\nconsent:\n");
    for _ in 0..200 {
        bomb.push_str("  - *big\n");
    }
    write(dir.path(), "bomb.yaml", &bomb);
    let (code, v, _) = check(dir.path(), &["bomb.yaml"]);
    let (rule, line, _, msg) = only(&v);
    assert_eq!((code, rule.as_str()), (1, "invalid-campaign"));
    assert!(msg.contains("repeat more than 10.0 MB"), "{msg}");
    assert!(line > 3, "at the alias that goes over: {line}");
    // The same in a discovered configuration.
    let cfg = dir.path().join("cfg");
    std::fs::create_dir(&cfg).unwrap();
    let mut conf = format!("x: &big \"{big}\"\ninclude:\n");
    for _ in 0..200 {
        conf.push_str("  - *big\n");
    }
    write(&cfg, "preflight.yaml", conf);
    write(&cfg, "c.yaml", base());
    let (code, _, err) = run(&cfg, &["check", "--now", NOW, "c.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("aliases") && err.contains("10.0") && err.contains("too large"),
        "{err}"
    );
}

#[test]
fn a_pack_too_large_for_accented_text_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "preflight.yaml", "packs: [pack.yaml]\n");
    write(
        dir.path(),
        "pack.yaml",
        "pack: words\nkind: topic\nentries:\n  - id: long-words\n    category: long words\n    message: Long words.\n    patterns: ['\\w{200}', '\\w{201}']\n",
    );
    write(dir.path(), "c.yaml", base().replace("Trail Co", "Trâil Cö"));
    let (code, _, err) = run(dir.path(), &["check", "--now", NOW, "c.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        !err.contains("internal error") && !err.contains("panicked"),
        "{err}"
    );
    // Located at the pattern that is too large.
    assert!(
        err.contains("too large") && err.contains("pack.yaml:7:16"),
        "{err}"
    );
}

#[test]
fn closed_output_streams_never_crash_and_the_status_tells_the_truth() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.yaml",
        base().replace("estimated_size: 12000", "estimated_size: 40"),
    );
    let bin = assert_cmd::cargo::cargo_bin("preflight");
    // A standard error closed by its reader (`2>&1 | true`): exit 2 for a
    // missing file, never an abort.
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .args(["check", "missing.yaml"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
    // A standard output closed before the report is written: the report
    // is lost, so the status is 2 (not 0 or 1), and nothing aborts.
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .args(["check", "--now", NOW, "c.yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
    // `init` with a closed standard output: the file is written, exit 0.
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .arg("init")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(dir.path().join("preflight.yaml").is_file());
}

#[cfg(target_os = "linux")]
#[test]
fn threads_that_cannot_start_leave_the_work_to_the_others() {
    // A process limit of 1 (a pids limit in a container): no thread can be
    // started, and the files are checked on the main thread alone.
    if !Path::new("/usr/bin/prlimit").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4 {
        write(
            dir.path(),
            &format!("c{i}.yaml"),
            base().replace("spring-running-2030", &format!("run-{i}")),
        );
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("preflight");
    let mut cmd = std::process::Command::new("/usr/bin/prlimit");
    cmd.arg("--nproc=1:1");
    // Root is not held to the limit: run as `nobody` there.
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if root {
        if !Path::new("/usr/bin/setpriv").exists() {
            return;
        }
        cmd.args([
            "/usr/bin/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]);
    }
    let out = cmd
        .arg(&bin)
        .current_dir(dir.path())
        .args([
            "check",
            "--threads",
            "200",
            "--format",
            "json",
            "--now",
            NOW,
            ".",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["summary"]["campaigns"], 4, "{v:#}");
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.yaml", base());
    let fifo = dir.path().join("pipe.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // A named pipe or a device named as a campaign file: unreadable, said
    // what it is, the other file still checked.
    for named in ["pipe.yaml", "/dev/zero"] {
        let (code, v, _) = check(dir.path(), &[named, "c.yaml"]);
        assert_eq!(code, 2, "{named}: {v:#}");
        let error = v["unreadable"][0]["error"].as_str().unwrap();
        assert!(error.contains("not a regular file"), "{error}");
        assert_eq!(v["summary"]["campaigns"], 1, "{v:#}");
    }
    // As the configuration, or as a pack.
    let (code, _, err) = run(dir.path(), &["check", "--config", "pipe.yaml", "c.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("named pipe") && err.contains("pipe.yaml"),
        "{err}"
    );
    let (code, _, err) = run(dir.path(), &["check", "--config", "/dev/zero", "c.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("character device"), "{err}");
    write(dir.path(), "preflight.yaml", "packs: [pipe.yaml]\n");
    let (code, _, err) = run(dir.path(), &["check", "c.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("named pipe") && err.contains("packs: [pipe.yaml]"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn files_outside_the_repository_are_never_read_or_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "c.yaml", base());
    let secret = "PREFLIGHT_TEST_SECRET_VALUE_81723";
    write(dir.path(), "secret.yaml", format!("token: {secret}\n"));
    let check_secret_is_not_printed = |pack: &str| {
        write(&repo, "preflight.yaml", format!("packs: [{pack}]\n"));
        let out = Command::cargo_bin("preflight")
            .unwrap()
            .current_dir(&repo)
            .env("PREFLIGHT_SECRET", secret)
            .args(["check", "--now", NOW, "c.yaml"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(2), "{pack}: {all}");
        assert!(!all.contains(secret), "{pack}: {all}");
        all
    };
    // A pack outside the repository, by path or through the environment
    // of the process.
    let all = check_secret_is_not_printed("../secret.yaml");
    assert!(all.contains("outside the repository"), "{all}");
    let all = check_secret_is_not_printed("/proc/self/environ");
    assert!(all.contains("outside the repository"), "{all}");
    // Inside the repository but not a pack: said, not quoted.
    write(&repo, "notes.yaml", format!("token: {secret}\n"));
    let all = check_secret_is_not_printed("notes.yaml");
    assert!(all.contains("is not a pack"), "{all}");
    // A committed configuration that links outside the repository.
    std::fs::remove_file(repo.join("preflight.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", repo.join("preflight.yaml")).unwrap();
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .current_dir(&repo)
        .env("PREFLIGHT_SECRET", secret)
        .args(["check", "--now", NOW, "c.yaml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("symbolic link") && err.contains("outside the repository"),
        "{err}"
    );
    assert!(!err.contains(secret) && !String::from_utf8_lossy(&out.stdout).contains(secret));
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    // A key and a value with escape sequences, a comment with one, and a
    // file name with a newline and an escape (where the system allows it).
    let text = base()
        .replace(
            "consent: [email_marketing]",
            "consent: [email_marketing]\n\"x\\e]0;pwned\\a\": 1 # \u{1b}[2J",
        )
        .replace(
            "name: Spring running range",
            "name: \"Spring \\e[31mrunning\"",
        );
    write(dir.path(), "c.yaml", &text);
    let mut names = vec!["c.yaml".to_string()];
    #[cfg(unix)]
    {
        let odd = "x\n\u{1b}[1mforged.yaml:1:1: error[PF999/fake] injected.yaml";
        if std::fs::write(dir.path().join(odd), &text).is_ok() {
            names.push(odd.to_string());
        }
    }
    for format in ["pretty", "compact"] {
        let mut args = vec![
            "check", "--format", format, "--color", "never", "--now", NOW,
        ];
        args.extend(names.iter().map(String::as_str));
        let (code, out, err) = run(dir.path(), &args);
        assert_eq!(code, 1, "{format}: {out}{err}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{format}: {out:?}"
        );
        assert!(out.contains("\\u{1b}"), "{format}: {out}");
        assert!(
            !out.lines().any(|l| l.starts_with("forged.yaml")
                || l.contains("PF999/fake] injected") && !l.contains("\\u{a}")),
            "{format}: {out}"
        );
    }
}

#[test]
fn the_report_never_overwrites_an_input_and_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.yaml", base());
    let (code, _, err) = run(dir.path(), &["check", "--output-file", "c.yaml", "c.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("also a file to check"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c.yaml")).unwrap(),
        base()
    );
    // Also when the campaign is found by walking the folder.
    let (code, _, err) = run(dir.path(), &["check", "--output-file", "c.yaml", "."]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("also a file to check (c.yaml)"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c.yaml")).unwrap(),
        base()
    );
    // Written through a temporary file: a report that cannot be written
    // leaves the previous one whole, and nothing is left behind.
    write(dir.path(), "report.txt", "previous report\n");
    let (code, _, _) = run(
        dir.path(),
        &[
            "check",
            "--now",
            NOW,
            "--output-file",
            "report.txt",
            "c.yaml",
        ],
    );
    assert_eq!(code, 0);
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(report.contains("No problems found"), "{report}");
    let (code, _, _) = run(
        dir.path(),
        &["check", "--output-file", "no/such/folder/r.txt", "c.yaml"],
    );
    assert_eq!(code, 2);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("preflight-") && n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn configuration_is_found_from_the_nearest_existing_folder_and_checked_like_a_campaign() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "preflight.yaml",
        "rules:\n  segment-too-narrow: off\n",
    );
    let narrow = base().replace("estimated_size: 12000", "estimated_size: 40");
    // `--stdin-filename` in a folder that does not exist yet: the root
    // configuration still applies.
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "campaigns/new/n.yaml",
            "--format",
            "json",
            "--now",
            NOW,
        ])
        .write_stdin(narrow.clone())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v:#}");
    // A repeated key and a second document are errors with a place.
    write(dir.path(), "c.yaml", &narrow);
    for (config, says, at) in [
        (
            "rules:\n  stale-data: off\nrules:\n  segment-too-narrow: off\n",
            "`rules` appears twice",
            "preflight.yaml:3:1",
        ),
        (
            "rules:\n  stale-data: off\n---\nrules:\n  segment-too-narrow: off\n",
            "second YAML document",
            "preflight.yaml:4:1",
        ),
    ] {
        write(dir.path(), "preflight.yaml", config);
        let (code, _, err) = run(dir.path(), &["check", "--now", NOW, "c.yaml"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says) && err.contains(at), "{err}");
    }
    // A configuration that cannot be read is named, with the way out.
    std::fs::write(
        dir.path().join("preflight.yaml"),
        b"rules:\n  caf\xe9: off\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["check", "--now", NOW, "c.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("preflight.yaml is not UTF-8") && err.contains("--isolated"),
        "{err}"
    );
}

#[test]
fn small_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.yaml", base());
    // `-` twice.
    let (code, _, err) = run(dir.path(), &["check", "-", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("must be the only path"), "{err}");
    // A zero period, an impossible offset, a channel listed twice.
    for (from, to, says) in [
        (
            "consent: [email_marketing]",
            "consent: [email_marketing]\nfrequency: {cap: 1, per: 0m}",
            "is zero",
        ),
        (
            "send_at: 2030-04-10T09:00:00",
            "send_at: 2030-04-10T09:00:00+99:99",
            "offset",
        ),
        (
            "channels: [email]",
            "channels: [email, email]",
            "listed twice",
        ),
    ] {
        write(dir.path(), "x.yaml", base().replace(from, to));
        let (_, v, _) = check(dir.path(), &["x.yaml"]);
        let msgs: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        assert!(msgs.iter().any(|m| m.contains(says)), "{to}: {msgs:?}");
        assert!(
            !msgs.iter().any(|m| m.contains("email and email")),
            "{msgs:?}"
        );
    }
}

#[test]
fn a_quoted_campaign_key_is_a_campaign_and_doubtful_skips_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.yaml", base());
    // JSON-style, with a missing bracket: reported, not skipped.
    write(
        dir.path(),
        "broken.yaml",
        "{\n  \"campaign\": \"x\",\n  \"channels\": [\"email\"\n}\n",
    );
    // A list of campaigns: skipped, but said in the summary.
    write(dir.path(), "list.yaml", "- campaign: a\n- campaign: b\n");
    let (code, out, _) = run(dir.path(), &["check", "--format", "compact", "--now", NOW]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("broken.yaml:") && out.contains("invalid-campaign"),
        "{out}"
    );
    assert!(
        out.contains("1 file skipped that may be meant as campaign files"),
        "{out}"
    );
}

/// Each shape of input that once cost quadratic work, at N and 2N: the
/// steps the pipeline counts (characters walked, tags scanned, names
/// compared, lookups made) at most double, plus a margin. The verdict is
/// checked too, so that a shape that stops being read cannot pass.
#[test]
fn hostile_shapes_cost_linear_work() {
    use preflight::engine::lint::Options;
    fn body(text: &str) -> String {
        base().replace(
            "<p>Our spring running range has landed, with the Trail 2 in six new colours.</p>",
            text,
        )
    }
    type Shape = (&'static str, fn(usize) -> String, &'static str);
    let shapes: Vec<Shape> = vec![
        (
            "unclosed braces",
            |n| body(&"{{ a ".repeat(n)),
            "malformed-template",
        ),
        (
            "phrases an exception hides",
            |n| body(&"baby blue ".repeat(n)),
            "",
        ),
        (
            "entities before every mention",
            |n| body(&"&amp; Mothers Day ".repeat(n)),
            "sensitive-occasion",
        ),
        (
            "distinct unknown tokens",
            |n| {
                body(
                    &(0..n)
                        .map(|i| format!("{{{{ t{i} | default: 'x' }}}} "))
                        .collect::<String>(),
                )
            },
            "unknown-token",
        ),
        (
            "tokens and provides",
            |n| {
                let provides: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
                body(
                    &(0..n)
                        .map(|i| format!("{{{{ q{i} | default: 'x' }}}} "))
                        .collect::<String>(),
                )
                .replace(
                    "provides: [preferences.interests, first_name, email_opt_out]",
                    &format!(
                        "provides: [preferences.interests, first_name, email_opt_out, {}]",
                        provides.join(", ")
                    ),
                )
            },
            "unknown-token",
        ),
        (
            "blocks closed by other words",
            |n| {
                body(&format!(
                    "{}{}",
                    "{% for x in y %}".repeat(n),
                    "{% endif %}".repeat(n)
                ))
            },
            "malformed-template",
        ),
        (
            "guards then tokens",
            |n| {
                body(&format!(
                    "{}{}",
                    "{% if a %}".repeat(n),
                    "{{ first_name }} ".repeat(n)
                ))
            },
            "malformed-template",
        ),
        (
            "one comment naming many rules",
            |n| {
                let names = vec!["PF303"; n].join(", ");
                body(&"Hi {{ first_name }} ".repeat(n)).replace(
                    "channels: [email]",
                    &format!("channels: [email]  # preflight: ignore[{names}] checked by hand"),
                )
            },
            "",
        ),
        (
            "conditions in one all_of",
            |n| {
                let values: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
                let mut group: String = values
                    .iter()
                    .map(|v| {
                        format!(
                            "        - attribute: tier\n          op: ne\n          value: {v}\n"
                        )
                    })
                    .collect();
                group += &format!(
                    "        - attribute: tier\n          op: in\n          value: [{}]\n",
                    values.join(", ")
                );
                base().replace(
                    "  include:\n",
                    &format!("  include:\n    - all_of:\n{group}"),
                )
            },
            "segment-contradiction",
        ),
        (
            "any_of groups past the bound on ways in",
            |n| {
                let groups: String = (0..n)
                    .map(|i| format!("    - any_of:\n        - attribute: a{i}\n          op: eq\n          value: 1\n        - attribute: b{i}\n          op: eq\n          value: 1\n"))
                    .collect();
                base().replace("  include:\n", &format!("  include:\n{groups}"))
            },
            "invalid-campaign",
        ),
        (
            "aliases of one channel",
            |n| {
                base().replace(
                    "channels: [email]",
                    &format!("channels: [&e email{}]", ", *e".repeat(n)),
                )
            },
            "duplicate-key",
        ),
    ];
    let opts = Options::new(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    for (what, make, rule) in shapes {
        let steps = |n: usize| {
            let text = make(n);
            let (report, steps) = preflight::work::count(|| {
                preflight::engine::run::run_text("shape.yaml", &text, &opts)
            });
            if !rule.is_empty() {
                assert!(
                    report.findings().any(|f| f.rule.name == rule),
                    "{what}: no {rule} finding"
                );
            }
            assert_eq!(report.internal_errors(), 0, "{what}");
            steps
        };
        let (small, large) = (steps(1_000), steps(2_000));
        assert!(
            preflight::work::at_most_doubled(small, large, small / 4),
            "{what}: {small} steps for 1,000, {large} for 2,000"
        );
    }
}

/// A campaign whose body is `{file: …}` naming `target`.
fn naming(target: &str) -> String {
    let body_start = base().find("    body: |").expect("a body");
    let sender = base().find("sender:").expect("a sender");
    format!(
        "{}    body: {{file: {target}}}\n{}",
        &base()[..body_start],
        &base()[sender..]
    )
}

#[cfg(unix)]
#[test]
fn copy_files_that_are_special_huge_or_binary_are_refused_at_the_file_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.html"))
        .status()
        .unwrap()
        .success());
    write(dir.path(), "huge.html", vec![b'a'; 10_000_001]);
    write(dir.path(), "latin1.html", b"<p>caf\xe9</p>");
    for (target, says) in [
        ("pipe.html", "named pipe"),
        ("/dev/zero", "outside the repository"),
        ("huge.html", "too large"),
        ("latin1.html", "not UTF-8"),
    ] {
        write(dir.path(), "c.yaml", naming(target));
        let (code, v, _) = check(dir.path(), &["c.yaml"]);
        assert_eq!(code, 1, "{target}: {v:#}");
        let found: Vec<&Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "invalid-campaign")
            .collect();
        assert_eq!(found.len(), 1, "{target}: {v:#}");
        let message = found[0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{target}: {message}");
        assert_eq!(found[0]["file"], "c.yaml");
    }
}

#[test]
fn one_template_named_by_many_campaigns_costs_one_read_and_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "body.html",
        "<p>Hi {{ first_name }}, see you soon</p>",
    );
    let mut all = String::new();
    for i in 0..300 {
        all.push_str(
            &naming("body.html")
                .replace("spring-running-2030", &format!("c{i}"))
                .replace("runners-who-opted-in", &format!("seg{i}"))
                .replace("New season, new shoes", &format!("Subject number {i}")),
        );
        all.push_str("\n---\n");
    }
    write(dir.path(), "many.yaml", all);
    let (_, v, _) = check(dir.path(), &["many.yaml"]);
    let in_template: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "body.html")
        .collect();
    assert_eq!(in_template.len(), 1, "{v:#}");
    let related = in_template[0]["related"].as_array().unwrap();
    assert_eq!(related.len(), 8);
    assert_eq!(
        related[7]["message"],
        "used by campaign `c7` (and 292 more campaigns)"
    );
}
