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
    assert!(msg.contains("over the 1 KB limit"), "{msg}");
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
    assert!(String::from_utf8_lossy(&out.stdout).contains("over the 1 KB limit"));
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
    assert!(err.contains("no campaign files found"), "{err}");
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
