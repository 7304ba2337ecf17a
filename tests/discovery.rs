//! Finding the files to check in a repository that may be hostile: links
//! out of it are not followed, special files are not read, the same file is
//! checked once, every file name is shown unambiguously, and ignore files
//! are honoured the way git honours them (and `-v` says which rule matched).

#![cfg(unix)]

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
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

/// A clean campaign with its own id.
fn campaign(id: &str) -> String {
    base().replace("spring-running-2030", id)
}

/// Runs `check --format json -v` in `dir`; returns the exit code, the report and stderr.
fn check(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("preflight")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", "--now", NOW, "-v"])
        .args(args)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(path: impl AsRef<Path>, text: impl AsRef<[u8]>) {
    let path = path.as_ref();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn campaigns(v: &Value) -> u64 {
    v["summary"]["campaigns"].as_u64().unwrap_or(u64::MAX)
}

fn rules(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn links_out_of_the_folder_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path().join("etc/x.yaml"),
        campaign("outside-folder"),
    );
    write(outside.path().join("lone.yaml"), campaign("outside-file"));
    let outside_canon = std::fs::canonicalize(outside.path()).unwrap();
    let repo = tempfile::tempdir().unwrap();
    write(repo.path().join("mine.yaml"), campaign("mine"));
    write(repo.path().join("sub/deep.yaml"), campaign("deep"));
    symlink(outside.path().join("etc"), repo.path().join("root")).unwrap();
    symlink(
        outside.path().join("lone.yaml"),
        repo.path().join("lone.yaml"),
    )
    .unwrap();
    // A link to a folder that is only reachable through it (hidden) is followed.
    write(repo.path().join(".data/kept.yaml"), campaign("kept"));
    symlink(".data", repo.path().join("data")).unwrap();
    let (code, v, err) = check(repo.path(), &[]);
    assert_eq!((code, campaigns(&v)), (0, 3), "{v:#}\n{err}");
    let target = outside_canon.join("etc");
    assert!(
        err.contains(&format!(
            "preflight: skipped root: a symbolic link to {}, outside the folder being checked; it was not followed",
            target.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "preflight: skipped lone.yaml: a symbolic link to {}, outside",
            outside_canon.join("lone.yaml").display()
        )),
        "{err}"
    );
    // Named as a subfolder, the walked root is that folder: a link to its
    // parent's file is outside it.
    symlink("../mine.yaml", repo.path().join("sub/up.yaml")).unwrap();
    let (code, v, err) = check(repo.path(), &["sub"]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
    assert!(
        err.contains("skipped sub/up.yaml: a symbolic link to"),
        "{err}"
    );
}

#[test]
fn folders_of_the_running_system_are_not_walked() {
    let dir = tempfile::tempdir().unwrap();
    let sys = Path::new("/proc/sys/kernel/random");
    if !sys.is_dir() {
        return;
    }
    let (code, _, err) = check(dir.path(), &["/proc/sys/kernel/random"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("skipped /proc/sys/kernel/random: ")
            && err.contains("/proc")
            && err.contains("not walked"),
        "{err}"
    );
}

#[test]
fn special_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("good.yaml"), base());
    if !mkfifo(&dir.path().join("pipe.yaml")) {
        return;
    }
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("sock.yaml")).unwrap();
    // Walking: skipped, and `-v` says what they are.
    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
    assert!(
        err.contains("preflight: skipped pipe.yaml: a named pipe (FIFO)"),
        "{err}"
    );
    assert!(
        err.contains("preflight: skipped sock.yaml: a socket"),
        "{err}"
    );
    // Named: unreadable (exit 2), and the other file is still checked.
    let (code, v, err) = check(dir.path(), &["good.yaml", "pipe.yaml"]);
    assert_eq!((code, campaigns(&v)), (2, 1), "{v:#}\n{err}");
    assert_eq!(v["unreadable"][0]["file"], "pipe.yaml", "{v:#}");
    assert_eq!(
        v["unreadable"][0]["error"],
        "it is a named pipe (FIFO), not a regular file; preflight reads only regular files",
        "{v:#}"
    );
    let (code, v, _) = check(dir.path(), &["good.yaml", "/dev/null"]);
    assert_eq!((code, campaigns(&v)), (2, 1), "{v:#}");
    assert_eq!(v["unreadable"][0]["file"], "/dev/null", "{v:#}");
    assert!(
        v["unreadable"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("it is a character device, not a regular file"),
        "{v:#}"
    );
}

#[test]
fn the_same_file_named_twice_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("c.yaml"), base());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for args in [&["c.yaml", "sub/../c.yaml"][..], &["c.yaml", "./c.yaml"]] {
        let (code, v, err) = check(dir.path(), args);
        assert_eq!((code, campaigns(&v)), (0, 1), "{args:?}: {v:#}\n{err}");
        assert_eq!(v["summary"]["files"], 1, "{args:?}: {v:#}");
    }
    let here = dir.path().to_str().unwrap();
    let (code, v, err) = check(dir.path(), &[".", here]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
    assert!(!rules(&v).contains(&"duplicate-campaign-id".to_string()));
    // A link to a walked file.
    symlink("../c.yaml", dir.path().join("sub/link.yaml")).unwrap();
    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
    // Named and walked: the named one is kept, so it must be a campaign.
    write(dir.path().join("team.yaml"), "team: lifecycle\n");
    symlink("team.yaml", dir.path().join("a-link.yaml")).unwrap();
    let (code, v, _) = check(dir.path(), &[".", "team.yaml"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["findings"][0]["file"], "team.yaml", "{v:#}");
    assert_eq!(v["findings"][0]["rule"], "invalid-campaign", "{v:#}");
}

#[test]
fn non_utf8_names_are_distinct_and_shown_with_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let narrow = |id: &str| campaign(id).replace("estimated_size: 12000", "estimated_size: 40");
    for (name, id) in [
        (&b"caf\xe9.yaml"[..], "e-acute"),
        (b"caf\xe8.yaml", "e-grave"),
    ] {
        std::fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
            narrow(id),
        )
        .unwrap();
    }
    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!((code, campaigns(&v)), (0, 2), "{v:#}\n{err}");
    let mut files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "segment-too-narrow")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(files, ["caf\\xE8.yaml", "caf\\xE9.yaml"], "{v:#}");
}

#[test]
fn ignore_files_above_the_repository_are_not_honoured() {
    let top = tempfile::tempdir().unwrap();
    // A home folder's .gitignore above a repository.
    write(top.path().join("home/.gitignore"), "*.yaml\n");
    write(top.path().join("home/.ignore"), "*.yml\n");
    std::fs::create_dir_all(top.path().join("home/repo/.git")).unwrap();
    write(top.path().join("home/repo/c.yaml"), campaign("in-repo"));
    write(top.path().join("home/repo/d.yml"), campaign("in-repo-yml"));
    let (code, v, err) = check(&top.path().join("home/repo"), &[]);
    assert_eq!((code, campaigns(&v)), (0, 2), "{v:#}\n{err}");
    // A parent folder's .gitignore when the walked folder is in no repository.
    write(top.path().join("plain/.gitignore"), "*.yaml\n");
    write(top.path().join("plain/campaigns/c.yaml"), campaign("plain"));
    let (code, v, err) = check(&top.path().join("plain/campaigns"), &[]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
    let (code, v, err) = check(&top.path().join("plain"), &["campaigns"]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
}

#[test]
fn ignore_rules_are_honoured_up_to_the_repository_root_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir_all(repo.join(".git/info")).unwrap();
    write(
        repo.join(".gitignore"),
        "# built files\ntarget/\narchive/\n*.draft.yaml\n!keep.draft.yaml\n",
    );
    write(repo.join(".git/info/exclude"), "local.yaml\n");
    write(repo.join("campaigns/.ignore"), "scratch/\n");
    write(repo.join("campaigns/live.yaml"), campaign("live"));
    write(repo.join("campaigns/archive/old.yaml"), campaign("old"));
    write(repo.join("campaigns/scratch/try.yaml"), campaign("try"));
    write(repo.join("campaigns/x.draft.yaml"), campaign("draft"));
    write(repo.join("campaigns/keep.draft.yaml"), campaign("keep"));
    write(repo.join("campaigns/local.yaml"), campaign("local"));
    // From the repository's root.
    let (code, v, err) = check(repo, &[]);
    assert_eq!((code, campaigns(&v)), (0, 2), "{v:#}\n{err}");
    for line in [
        "preflight: skipped campaigns/archive: ignored by .gitignore:3 (`archive/`)",
        "preflight: skipped campaigns/x.draft.yaml: ignored by .gitignore:4 (`*.draft.yaml`)",
        "preflight: skipped campaigns/scratch: ignored by campaigns/.ignore:1 (`scratch/`)",
        "preflight: skipped campaigns/local.yaml: ignored by .git/info/exclude:1 (`local.yaml`)",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
    // From a subfolder: the repository root's files still apply.
    let (code, v, err) = check(&repo.join("campaigns"), &[]);
    assert_eq!((code, campaigns(&v)), (0, 2), "{v:#}\n{err}");
    let (code, v, err) = check(repo, &["campaigns"]);
    assert_eq!((code, campaigns(&v)), (0, 2), "{v:#}\n{err}");
    assert!(
        err.contains("skipped campaigns/archive: ignored by .gitignore:3 (`archive/`)"),
        "{err}"
    );
    // A named file is never filtered.
    let (code, v, err) = check(repo, &["campaigns/archive/old.yaml"]);
    assert_eq!((code, campaigns(&v)), (0, 1), "{v:#}\n{err}");
}
