//! A whole run: find the campaign files under the given paths, check each,
//! and gather the results in a deterministic order.

use std::path::{Path, PathBuf};

use crate::checks::Checks;
use crate::diagnostic::{Finding, Severity};
use crate::lint::{check_file, FileOutcome, FileStatus, Options};

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// How the file is named in the output.
    pub display: String,
    /// Named on the command line (so it must be a campaign file).
    pub explicit: bool,
}

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    NoSuchPath(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NoSuchPath(p) => write!(f, "{p}: no such file or folder"),
        }
    }
}

impl std::error::Error for RunError {}

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub file: String,
    pub error: String,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every file looked at, sorted by path.
    pub files: Vec<FileOutcome>,
    pub unreadable: Vec<Unreadable>,
}

impl Report {
    /// All findings, sorted by file, position and rule.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.findings.iter())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings().filter(|f| f.severity == severity).count()
    }

    pub fn campaigns(&self) -> usize {
        self.files.iter().map(|f| f.campaigns).sum()
    }

    /// Files read as campaign files (including ones that failed to parse).
    pub fn files_checked(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status == FileStatus::Checked)
            .count()
    }

    pub fn suppressed(&self) -> usize {
        self.files.iter().map(|f| f.suppressed).sum()
    }

    /// The closing line: `2 errors, 3 warnings in 4 campaigns (3 files)`.
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let (e, w, a) = (
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Advice),
        );
        let place = format!(
            "{} ({})",
            plural(self.campaigns(), "campaign", "campaigns"),
            plural(self.files_checked(), "file", "files")
        );
        let mut s = if e + w + a == 0 {
            format!("No problems found in {place}")
        } else {
            let mut parts = vec![
                plural(e, "error", "errors"),
                plural(w, "warning", "warnings"),
            ];
            if a > 0 {
                parts.push(format!("{a} advice"));
            }
            format!("{} in {place}", parts.join(", "))
        };
        if self.suppressed() > 0 {
            s.push_str(&format!("; {} acknowledged", self.suppressed()));
        }
        if !self.unreadable.is_empty() {
            s.push_str(&format!(
                "; {} could not be read",
                plural(self.unreadable.len(), "file", "files")
            ));
        }
        s
    }
}

fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// The files to check under `paths` (the current folder when empty):
/// named files as they are, folders walked recursively for `.yaml`/`.yml`
/// files, honouring `.gitignore` and skipping hidden entries.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<Unreadable>), RunError> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(RunError::NoSuchPath(p.display().to_string()));
        }
    }
    let mut inputs = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        if !p.is_dir() {
            inputs.push(Input {
                path: p.clone(),
                display: display(p),
                explicit: true,
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(p)
            .require_git(false)
            .follow_links(false)
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && is_yaml(e.path()) {
                        inputs.push(Input {
                            path: e.path().to_path_buf(),
                            display: display(e.path()),
                            explicit: false,
                        });
                    }
                }
                Err(err) => unreadable.push(Unreadable {
                    file: display(p),
                    error: err.to_string(),
                }),
            }
        }
    }
    inputs.sort_by(|a, b| a.display.cmp(&b.display).then(b.explicit.cmp(&a.explicit)));
    inputs.dedup_by(|a, b| a.display == b.display);
    Ok((inputs, unreadable))
}

/// Checks every campaign file under `paths`.
pub fn run(paths: &[PathBuf], opts: &Options) -> Result<Report, RunError> {
    let (inputs, mut unreadable) = discover(paths)?;
    let inputs_paths: Vec<(String, PathBuf)> = inputs
        .iter()
        .map(|i| (i.display.clone(), i.path.clone()))
        .collect();
    let checks = Checks::builtin();
    let mut files = Vec::with_capacity(inputs.len());
    for input in inputs {
        match std::fs::read(&input.path) {
            Ok(bytes) => files.push(check_file(
                &input.display,
                &bytes,
                input.explicit,
                opts,
                checks,
            )),
            Err(e) => unreadable.push(Unreadable {
                file: input.display.clone(),
                error: e.to_string(),
            }),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let paths: Vec<(String, PathBuf)> = inputs_paths;
    apply_across(&mut files, &opts.settings, |name| {
        let path = paths.iter().find(|(d, _)| d == name).map(|(_, p)| p)?;
        String::from_utf8(std::fs::read(path).ok()?).ok()
    });
    unreadable.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(Report { files, unreadable })
}

/// Runs the rules across campaigns on the files' fingerprints and adds their
/// findings to the files involved. `read` gives the text of a file that had
/// no findings of its own (it was not kept), for rendering.
pub fn apply_across(
    files: &mut [FileOutcome],
    settings: &crate::settings::Settings,
    read: impl Fn(&str) -> Option<String>,
) {
    let mut owner = Vec::new();
    let mut prints = Vec::new();
    for (i, f) in files.iter_mut().enumerate() {
        for p in std::mem::take(&mut f.prints) {
            owner.push(i);
            prints.push(p);
        }
    }
    if prints.len() < 2 {
        return;
    }
    let (findings, suppressed) = crate::across::check(&prints, settings);
    for (k, n) in suppressed.into_iter().enumerate() {
        files[owner[k]].suppressed += n;
    }
    let mut touched = Vec::new();
    for (k, f) in findings {
        let i = owner[k];
        files[i].findings.push(f);
        touched.push(i);
    }
    touched.sort_unstable();
    touched.dedup();
    for i in touched {
        let file = &mut files[i];
        file.sort_findings();
        if file.text.is_none() {
            file.text = read(&file.path);
        }
    }
}

/// Checks one file's contents given directly (tests, editors).
pub fn run_text(name: &str, text: &str, opts: &Options) -> Report {
    run_texts(&[(name, text)], opts)
}

/// Checks several files given directly, as one run (tests, editors).
pub fn run_texts(files: &[(&str, &str)], opts: &Options) -> Report {
    let mut outcomes: Vec<FileOutcome> = files
        .iter()
        .map(|(name, text)| check_file(name, text.as_bytes(), true, opts, Checks::builtin()))
        .collect();
    outcomes.sort_by(|a, b| a.path.cmp(&b.path));
    apply_across(&mut outcomes, &opts.settings, |name| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
    });
    Report {
        files: outcomes,
        unreadable: Vec::new(),
    }
}
