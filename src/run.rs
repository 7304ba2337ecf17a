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
    unreadable.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(Report { files, unreadable })
}

/// Checks one file's contents given directly (tests, editors).
pub fn run_text(name: &str, text: &str, opts: &Options) -> Report {
    Report {
        files: vec![check_file(
            name,
            text.as_bytes(),
            true,
            opts,
            Checks::builtin(),
        )],
        unreadable: Vec::new(),
    }
}
