//! A whole run: find the campaign files under the given paths, check each,
//! and gather the results in a deterministic order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::config::{Config, ConfigError};

use crate::engine::lint::{
    check_file, check_file_guarded, level_in, FileKind, FileOutcome, FileStatus, Options,
    SilencedBy, Suppressed,
};
use crate::engine::suppress;
use crate::knowledge::checks::Checks;
use crate::rule_meta::Severity;
use crate::rules::diagnostic::Finding;

pub use crate::input::discover::{Input, Skipped, Unreadable};

/// Why a run could not start.
#[derive(Debug, Clone)]
pub enum RunError {
    NoSuchPath(String),
    /// A configuration or pack that cannot be used.
    Config(Box<ConfigError>),
    /// The report file (`--output-file`) is one of the files to check.
    ReportIsInput(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NoSuchPath(p) => write!(f, "{p}: no such file or folder"),
            RunError::Config(e) => write!(f, "{e}"),
            RunError::ReportIsInput(p) => write!(
                f,
                "the report file is also a file to check ({p}); choose another --output-file, so that a campaign is never overwritten by its report"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl From<crate::input::discover::NoSuchPath> for RunError {
    fn from(e: crate::input::discover::NoSuchPath) -> Self {
        RunError::NoSuchPath(e.0)
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every file looked at, sorted by path.
    pub files: Vec<FileOutcome>,
    pub unreadable: Vec<Unreadable>,
    /// Paths found while walking and left alone (an ignore rule, a link
    /// out of the folder, a special file), sorted by path; `-v` lists them.
    pub skipped_paths: Vec<Skipped>,
    /// Where each checked file is, by the name it is shown under: the
    /// campaign files named or walked, and the copy files they name (the
    /// only files `--fix` may write).
    pub locations: Vec<(String, PathBuf)>,
}

impl Report {
    /// All findings, sorted by file, position and rule.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.findings.iter())
    }

    /// Findings whose fix has this applicability.
    pub fn fixable(&self, applicability: crate::rules::diagnostic::Applicability) -> usize {
        self.findings()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| x.applicability == applicability)
            })
            .count()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings().filter(|f| f.severity == severity).count()
    }

    /// Every campaign in a few facts, by file and position.
    pub fn summaries(&self) -> impl Iterator<Item = &crate::analysis::summary::CampaignSummary> {
        self.files.iter().flat_map(|f| f.summaries.iter())
    }

    pub fn campaigns(&self) -> usize {
        self.files.iter().map(|f| f.campaigns).sum()
    }

    /// Files read as campaign files (including ones that failed to parse).
    pub fn files_checked(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status == FileStatus::Checked && f.kind == FileKind::Campaigns)
            .count()
    }

    /// Files of copy that campaigns name (`body: {file: …}`) checked with them.
    pub fn templates_checked(&self) -> usize {
        self.files
            .iter()
            // The JSON read with a platform export is not a template.
            .filter(|f| f.kind == FileKind::Copy && !f.path.to_ascii_lowercase().ends_with(".json"))
            .count()
    }

    /// Templates checked on their own, for their copy only.
    pub fn templates_alone(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.kind == FileKind::Template && f.status == FileStatus::Checked)
            .count()
    }

    /// What the run's reader should know once, beside the findings: that
    /// templates checked on their own had only their copy checked.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let alone = self.templates_alone();
        if alone > 0 {
            notes.push(format!(
                "{alone} {} checked for copy only; audience, schedule and data rules need a campaign file: see docs/format.md",
                if alone == 1 { "template" } else { "templates" }
            ));
        }
        let blind: Vec<&crate::engine::lint::ExportNote> = self
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Checked)
            .filter_map(|f| f.export.as_ref())
            .filter(|e| !e.not_run.is_empty())
            .collect();
        if !blind.is_empty() {
            let mut parts: Vec<crate::input::exports::Part> = blind
                .iter()
                .flat_map(|e| e.unknown.iter().copied())
                .collect();
            parts.sort();
            parts.dedup();
            let parts: Vec<String> = parts.iter().map(|p| p.phrase().to_string()).collect();
            notes.push(format!(
                "{} platform {} not say {}: the rules that need it did not run there (--verbose names them per file; see “Checking platform exports” in the README)",
                blind.len(),
                if blind.len() == 1 { "export does" } else { "exports do" },
                crate::rules::across::and_list(&parts).replace(" and ", " or ")
            ));
        }
        notes
    }

    /// Findings that say preflight itself failed on a file.
    pub fn internal_errors(&self) -> usize {
        self.findings()
            .filter(|f| std::ptr::eq(f.rule, &crate::rules::internal_error::INTERNAL_ERROR))
            .count()
    }

    /// Skipped files that may be meant as campaign files.
    pub fn skipped_doubtful(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.looks_like_campaign && f.status != FileStatus::Checked)
            .count()
            + self
                .skipped_paths
                .iter()
                .filter(|s| s.maybe_campaign)
                .count()
    }

    pub fn suppressed(&self) -> usize {
        self.files.iter().map(|f| f.suppressed.len()).sum()
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
        let templates = self.templates_checked();
        let alone = self.templates_alone();
        let campaigns = format!(
            "{} ({}{})",
            plural(self.campaigns(), "campaign", "campaigns"),
            plural(self.files_checked(), "file", "files"),
            if templates > 0 {
                format!(", {}", plural(templates, "template", "templates"))
            } else {
                String::new()
            }
        );
        let place = match (self.files_checked(), alone) {
            (_, 0) => campaigns,
            (0, _) => plural(alone, "template", "templates"),
            _ => format!("{campaigns} and {}", plural(alone, "template", "templates")),
        };
        let mut s = if e + w + a == 0 && self.unreadable.is_empty() {
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
            s.push_str(&format!("; {} suppressed", self.suppressed()));
        }
        if !self.unreadable.is_empty() {
            s.push_str(&format!(
                "; {} could not be read",
                plural(self.unreadable.len(), "file", "files")
            ));
        }
        let doubtful = self.skipped_doubtful();
        if doubtful > 0 {
            s.push_str(&format!(
                "; {} skipped that may be meant as campaign files (--verbose says why)",
                plural(doubtful, "file", "files")
            ));
        }
        s
    }
}

/// The files to check under `paths` (the current folder when empty) and
/// the ones that could not be read, as before [`crate::input::discover`] (which
/// also says what was skipped).
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<Unreadable>), RunError> {
    let found = crate::input::discover::discover(paths)?;
    Ok((found.inputs, found.unreadable))
}

/// Which configuration applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigMode {
    /// The nearest `preflight.yaml` above each file.
    Discover,
    /// One file for every checked file (`--config`).
    File(PathBuf),
    /// None: the built-in defaults (`--isolated`).
    Isolated,
}

/// A configuration and the options it gives.
struct Applied {
    config: Config,
    opts: Options,
}

/// Finds and loads the configuration for each file, once per file found.
struct Configs<'o> {
    base: &'o Options,
    mode: ConfigMode,
    fixed: Option<Arc<Applied>>,
    by_file: HashMap<PathBuf, Arc<Applied>>,
    /// The configuration file found for each folder (so each folder is looked up once).
    by_folder: HashMap<PathBuf, Option<PathBuf>>,
    default: Arc<Applied>,
}

impl<'o> Configs<'o> {
    fn new(base: &'o Options, mode: &ConfigMode) -> Result<Self, RunError> {
        let apply = |config: Config| {
            Arc::new(Applied {
                opts: base.with_config(&config),
                config,
            })
        };
        let default = Arc::new(Applied {
            config: Config::default(),
            opts: base.clone(),
        });
        let fixed = match mode {
            ConfigMode::File(p) => Some(apply(
                Config::load(p).map_err(|e| RunError::Config(Box::new(e)))?,
            )),
            ConfigMode::Isolated => Some(default.clone()),
            ConfigMode::Discover => None,
        };
        Ok(Configs {
            base,
            mode: mode.clone(),
            fixed,
            by_file: HashMap::new(),
            by_folder: HashMap::new(),
            default,
        })
    }

    /// The configuration for a file (or for stdin named by its path).
    fn for_path(&mut self, path: &Path) -> Result<Arc<Applied>, RunError> {
        if let Some(f) = &self.fixed {
            return Ok(f.clone());
        }
        debug_assert_eq!(self.mode, ConfigMode::Discover);
        let folder = path.parent().unwrap_or(Path::new("."));
        let found = match self.by_folder.get(folder) {
            Some(found) => found.clone(),
            None => {
                let found = crate::engine::config::find_for(folder);
                self.by_folder.insert(folder.to_path_buf(), found.clone());
                found
            }
        };
        let Some(file) = found else {
            return Ok(self.default.clone());
        };
        if let Some(a) = self.by_file.get(&file) {
            return Ok(a.clone());
        }
        let config = Config::load_found(&file).map_err(|e| RunError::Config(Box::new(e)))?;
        let a = Arc::new(Applied {
            opts: self.base.with_config(&config),
            config,
        });
        self.by_file.insert(file, a.clone());
        Ok(a)
    }
}

/// Checks every campaign file under `paths` with the built-in defaults.
pub fn run(paths: &[PathBuf], opts: &Options) -> Result<Report, RunError> {
    run_with(paths, opts, &ConfigMode::Isolated)
}

/// Checks every campaign file under `paths`, with the configuration `mode` says.
///
/// Configurations are found one after another (each is loaded once); the
/// files are then read and checked in parallel on `opts.threads` threads;
/// the rules across campaigns run last, on the campaigns' fingerprints.
pub fn run_with(paths: &[PathBuf], opts: &Options, mode: &ConfigMode) -> Result<Report, RunError> {
    let crate::input::discover::Discovery {
        inputs,
        mut unreadable,
        skipped: skipped_paths,
    } = crate::input::discover::discover(paths)?;
    if let Some(report) = &opts.report_file {
        if let Some(input) = inputs.iter().find(|i| &i.id == report) {
            return Err(RunError::ReportIsInput(input.display.clone()));
        }
    }
    let mut configs = Configs::new(opts, mode)?;
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let applied = configs.for_path(&input.path)?;
        if !input.explicit && !applied.config.wants(&absolute(&input.path)) {
            continue;
        }
        jobs.push((input, applied));
    }
    let explicit_must_be_campaign = !opts.skip_non_campaigns;
    // With a core to spare, the vocabularies compile beside the first files.
    if crate::engine::parallel::threads(opts.threads) > 1
        && jobs.iter().any(|(_, a)| a.config.uses_builtin_checks())
    {
        Checks::start_compiling_builtin();
    }
    let outcomes = crate::engine::parallel::map(&jobs, opts.threads, |(input, applied)| {
        let mut outcome = check_input(input, applied, explicit_must_be_campaign);
        if let (Ok(file), false) = (&mut outcome, opts.keep_text) {
            file.text = None;
        }
        outcome
    });
    let mut files = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        match outcome {
            Ok(f) => files.push(f),
            Err(u) => unreadable.push(u),
        }
    }
    place_attached(&mut files);
    let settings = jobs
        .first()
        .map(|(_, a)| a.opts.settings.clone())
        .unwrap_or_else(|| opts.settings.clone());
    let paths: HashMap<&str, &Path> = jobs
        .iter()
        .map(|(input, _)| (input.display.as_str(), input.path.as_path()))
        .collect();
    finish_run(&mut files, &settings, |name| {
        if !opts.keep_text {
            return None;
        }
        let bytes =
            crate::input::reading::read_limited(paths.get(name)?, opts.max_file_size).ok()?;
        String::from_utf8(bytes).ok()
    });
    unreadable.sort_by(|a, b| a.file.cmp(&b.file));
    let mut locations: Vec<(String, PathBuf)> = jobs
        .iter()
        .map(|(input, _)| (input.display.clone(), input.path.clone()))
        .collect();
    locations.extend(opts.copy_files.names());
    Ok(Report {
        files,
        unreadable,
        skipped_paths,
        locations,
    })
}

/// Reads and checks one file; a file over the size limit is refused
/// before it is read.
fn check_input(
    input: &Input,
    applied: &Applied,
    explicit_must_be_campaign: bool,
) -> Result<FileOutcome, Unreadable> {
    let limit = applied.opts.max_file_size;
    let read = match applied.opts.copy_files.override_for(&input.path) {
        Some(bytes) => Ok(bytes.to_vec()),
        None => crate::input::reading::read_limited(&input.path, limit),
    };
    match read {
        Ok(bytes) => Ok(check_file_guarded(
            &input.display,
            &bytes,
            input.explicit && explicit_must_be_campaign,
            &applied.opts,
            applied.config.checks(),
        )),
        Err(crate::input::reading::ReadError::TooLarge(over)) => Ok(
            crate::engine::lint::too_large(&input.display, over, &applied.opts),
        ),
        Err(e) => Err(Unreadable {
            file: input.display.clone(),
            error: e.to_string(),
        }),
    }
}

/// Checks one file read from standard input, reported as `name`, under the
/// configuration found from `name`'s place.
pub fn run_stdin(
    name: &str,
    bytes: &[u8],
    opts: &Options,
    mode: &ConfigMode,
) -> Result<Report, RunError> {
    let mut configs = Configs::new(opts, mode)?;
    let applied = configs.for_path(&absolute(Path::new(name)))?;
    let mut files = vec![check_file(
        name,
        bytes,
        true,
        &applied.opts,
        applied.config.checks(),
    )];
    let text = String::from_utf8_lossy(bytes).into_owned();
    place_attached(&mut files);
    finish_run(&mut files, &applied.opts.settings, |_| Some(text.clone()));
    Ok(Report {
        files,
        unreadable: Vec::new(),
        skipped_paths: Vec::new(),
        locations: Vec::new(),
    })
}

/// A path made absolute against the current folder (without touching the disk).
fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Places what campaign files found in the files their copy names into
/// those files' own outcomes, and sorts the files by path. A file named by
/// several campaigns gets one outcome; a finding that holds for all of
/// them (same place, rule and message) is kept once, with a related label
/// at each campaign that uses the file.
pub fn place_attached(files: &mut Vec<FileOutcome>) {
    use std::collections::BTreeMap;
    type Key = (usize, usize, &'static str, String);
    /// A file's outcome, with where each finding (and silenced one) is.
    type Placed = (FileOutcome, HashMap<Key, usize>, HashMap<Key, usize>, bool);
    let key = |f: &Finding| -> Key { (f.span.start, f.span.end, f.rule.code, f.message.clone()) };
    let mut placed: BTreeMap<String, Placed> = BTreeMap::new();
    // The real path of each file checked, so that a template named as
    // `../emails/a.html` by a campaign and walked as `a.html` is one file.
    let any = files.iter().any(|f| !f.attached.is_empty());
    let reals: HashMap<PathBuf, String> = if any {
        files
            .iter()
            .filter(|f| f.kind != FileKind::Campaigns)
            .filter_map(|f| Some((std::fs::canonicalize(&f.path).ok()?, f.path.clone())))
            .collect()
    } else {
        HashMap::new()
    };
    for f in files.iter_mut() {
        let from_campaign = f.kind == FileKind::Campaigns;
        for mut a in std::mem::take(&mut f.attached) {
            if let Some(walked) = a.real.as_ref().and_then(|r| reals.get(r)) {
                a.path = walked.clone();
                for finding in a
                    .findings
                    .iter_mut()
                    .chain(a.suppressed.iter_mut().map(|s| &mut s.finding))
                {
                    finding.file = walked.clone();
                }
            }
            let one_file = match &a.real {
                Some(r) => format!("\0{}", r.display()),
                None => a.path.clone(),
            };
            let (out, seen, seen_suppressed, by_campaign) =
                placed.entry(one_file).or_insert_with(|| {
                    let mut o = FileOutcome {
                        path: a.path.clone(),
                        status: FileStatus::Checked,
                        findings: Vec::new(),
                        campaigns: 0,
                        suppressed: Vec::new(),
                        comments: a.comments.clone(),
                        levels: f.levels.clone(),
                        text: Some(a.text.to_string()),
                        prints: Vec::new(),
                        looks_like_campaign: false,
                        attached: Vec::new(),
                        kind: FileKind::Copy,
                        summaries: Vec::new(),
                        export: None,
                    };
                    for c in &mut o.comments {
                        for i in &mut c.ignores {
                            i.used = false;
                        }
                    }
                    (o, HashMap::new(), HashMap::new(), false)
                });
            *by_campaign |= from_campaign;
            for (c, theirs) in out.comments.iter_mut().zip(&a.comments) {
                for (i, t) in c.ignores.iter_mut().zip(&theirs.ignores) {
                    i.used |= t.used;
                }
            }
            for finding in a.findings {
                merge_finding(&mut out.findings, seen, key(&finding), finding);
            }
            for s in a.suppressed {
                let k = key(&s.finding);
                match seen_suppressed.get(&k) {
                    Some(&i) => add_related(&mut out.suppressed[i].finding, s.finding),
                    None => {
                        seen_suppressed.insert(k, out.suppressed.len());
                        out.suppressed.push(s);
                    }
                }
            }
        }
    }
    for (_, (mut outcome, _, _, by_campaign)) in placed {
        let path = outcome.path.clone();
        // A file only templates include (a partial, a content block) is
        // part of those templates' copy-only check.
        if !by_campaign {
            outcome.kind = FileKind::Template;
        }
        outcome.sort_findings();
        // A template many campaigns share names a few of them at each
        // finding, and says how many more.
        for f in outcome
            .findings
            .iter_mut()
            .chain(outcome.suppressed.iter_mut().map(|s| &mut s.finding))
        {
            let shown = crate::rules::across::NAMED_OTHERS;
            if f.related.len() > shown {
                let more = f.related.len() - shown;
                f.related.truncate(shown);
                if let Some(last) = f.related.last_mut() {
                    last.message.push_str(&format!(
                        " (and {more} more {})",
                        if more == 1 { "campaign" } else { "campaigns" }
                    ));
                }
            }
        }
        // A file both checked itself and named by a campaign keeps one outcome.
        match files.iter_mut().find(|f| f.path == path) {
            // A template checked on its own and also named by a campaign:
            // what the campaign's check found replaces what the bare check
            // did (it knows the audience and schedule).
            // Walked and skipped (it did not look like an email on its
            // own), but a campaign names it: it is that campaign's copy.
            Some(existing) if existing.status != FileStatus::Checked => {
                *existing = outcome;
            }
            Some(existing) if by_campaign && existing.kind == FileKind::Template => {
                existing.findings = std::mem::take(&mut outcome.findings);
                existing.suppressed = std::mem::take(&mut outcome.suppressed);
                existing.kind = FileKind::Copy;
                existing.summaries.clear();
                existing.prints.clear();
                existing.sort_findings();
            }
            Some(existing) => {
                let mut seen: HashMap<Key, usize> = HashMap::new();
                for (i, f) in existing.findings.iter().enumerate() {
                    seen.insert(key(f), i);
                }
                for finding in std::mem::take(&mut outcome.findings) {
                    merge_finding(&mut existing.findings, &mut seen, key(&finding), finding);
                }
                let known: std::collections::HashSet<Key> = existing
                    .suppressed
                    .iter()
                    .map(|s| key(&s.finding))
                    .collect();
                existing.suppressed.extend(
                    outcome
                        .suppressed
                        .drain(..)
                        .filter(|s| !known.contains(&key(&s.finding))),
                );
                existing.sort_findings();
                if existing.text.is_none() {
                    existing.text = outcome.text;
                }
            }
            None => files.push(outcome),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Adds `finding` to `findings`, or, when an equal one is there, adds its
/// related places (the other campaign using the file) to that one.
fn merge_finding(
    findings: &mut Vec<Finding>,
    seen: &mut HashMap<(usize, usize, &'static str, String), usize>,
    key: (usize, usize, &'static str, String),
    finding: Finding,
) {
    match seen.get(&key) {
        Some(&i) => add_related(&mut findings[i], finding),
        None => {
            seen.insert(key, findings.len());
            findings.push(finding);
        }
    }
}

fn add_related(to: &mut Finding, from: Finding) {
    // The finding's own related places come first and repeat from campaign
    // to campaign; each campaign's "used by" label is new. Comparing with
    // the first few only keeps a template shared by thousands linear.
    for r in from.related {
        if !to.related.iter().take(64).any(|x| *x == r) {
            to.related.push(r);
        }
    }
}

/// Finishes a run: runs the rules across campaigns on the files'
/// fingerprints and adds their findings to the files involved, then reports
/// ignore comments that silenced nothing. `read` gives the text of a file that
/// had no findings of its own (it was not kept), for rendering.
pub fn finish_run(
    files: &mut [FileOutcome],
    settings: &crate::knowledge::settings::Settings,
    read: impl Fn(&str) -> Option<String>,
) {
    let total = files.iter().map(|f| f.prints.len()).sum();
    let mut owner = Vec::with_capacity(total);
    let mut prints = Vec::with_capacity(total);
    for (i, f) in files.iter_mut().enumerate() {
        for p in std::mem::take(&mut f.prints) {
            owner.push(i);
            prints.push(p);
        }
    }
    let mut touched = Vec::new();
    if prints.len() >= 2 {
        // A finding in a file a campaign's copy names goes to that file.
        let index: HashMap<String, usize> = files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FileKind::Copy)
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        for (k, mut f, ack) in crate::rules::across::check(&prints, settings) {
            let at = match index.get(&f.file) {
                Some(&i) if f.file != files[owner[k]].path => i,
                _ => owner[k],
            };
            let file = &mut files[at];
            match level_in(&file.levels, f.rule) {
                Some(None) => continue,
                Some(Some(s)) => f.severity = s,
                None => {}
            }
            let by = match ack {
                Some(reason) => Some(SilencedBy::Acknowledge(reason)),
                None => suppress::silence(&mut file.comments, f.start.line, f.rule)
                    .map(SilencedBy::Comment),
            };
            match by {
                Some(by) => file.suppressed.push(Suppressed { finding: f, by }),
                None => file.findings.push(f),
            }
            touched.push(at);
        }
    }
    let unused = &crate::rules::unused_suppression::UNUSED_SUPPRESSION;
    for (i, file) in files.iter_mut().enumerate() {
        let level = match level_in(&file.levels, unused) {
            Some(None) => continue,
            Some(Some(s)) => s,
            None => unused.severity,
        };
        for (place, message, help, removal) in suppress::problems(&file.comments) {
            file.findings.push(Finding {
                file: file.path.clone(),
                campaign: None,
                rule: unused,
                severity: level,
                message: crate::rule_meta::sentence(message),
                help: crate::rule_meta::sentence(help),
                span: place.span,
                start: place.start,
                end: place.end,
                related: Vec::new(),
                fix: removal.map(|span| crate::rules::diagnostic::Fix {
                    applicability: crate::rules::diagnostic::Applicability::Safe,
                    message: "Remove the ignore that silences nothing".into(),
                    file: file.path.clone(),
                    edits: vec![crate::rules::diagnostic::Edit::new(span, "")],
                }),
            });
            touched.push(i);
        }
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
    place_attached(&mut outcomes);
    finish_run(&mut outcomes, &opts.settings, |name| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
    });
    Report {
        files: outcomes,
        unreadable: Vec::new(),
        skipped_paths: Vec::new(),
        locations: Vec::new(),
    }
}

/// Fixing a run of files on disk: each check reads the fixed texts instead
/// of the files.
struct DiskLinter<'a> {
    paths: &'a [PathBuf],
    opts: &'a Options,
    mode: &'a ConfigMode,
    /// Where each file shown is, from the checks so far.
    places: std::cell::RefCell<HashMap<String, PathBuf>>,
}

impl crate::engine::fix::Linter for DiskLinter<'_> {
    fn lint(&self, texts: &HashMap<String, Arc<[u8]>>) -> Report {
        let overrides = texts
            .iter()
            .filter_map(|(name, bytes)| {
                let path = self.places.borrow().get(name).cloned()?;
                Some((std::fs::canonicalize(path).ok()?, bytes.clone()))
            })
            .collect();
        let mut opts = self.opts.clone();
        opts.copy_files = Arc::new(crate::engine::attachments::Cache::with_overrides(overrides));
        let report = run_with(self.paths, &opts, self.mode).unwrap_or_default();
        self.places
            .borrow_mut()
            .extend(report.locations.iter().cloned());
        report
    }

    fn original(&self, report: &Report, file: &str) -> Option<(Vec<u8>, Option<PathBuf>)> {
        let path = report
            .locations
            .iter()
            .find(|(name, _)| name == file)
            .map(|(_, p)| p.clone())?;
        let real = crate::engine::fix::writable(&path).ok()?;
        let bytes = crate::input::reading::read_limited(&real, self.opts.max_file_size).ok()?;
        Some((bytes, Some(path)))
    }
}

/// Applies the fixes of a run (the unsafe ones too with `unsafe_fixes`)
/// in memory, and returns the check of the result with the changed files;
/// [`crate::engine::fix::write`] writes them.
pub fn fix_run(
    paths: &[PathBuf],
    opts: &Options,
    mode: &ConfigMode,
    unsafe_fixes: bool,
) -> Result<crate::engine::fix::Fixed, RunError> {
    // A run that cannot start says why before any fixing.
    let first = run_with(paths, opts, mode)?;
    let linter = DiskLinter {
        paths,
        opts,
        mode,
        places: std::cell::RefCell::new(first.locations.iter().cloned().collect()),
    };
    Ok(crate::engine::fix::fix_from(&linter, unsafe_fixes, first))
}

/// Fixing standard input: only its own text changes (the copy files it
/// names are left alone), and nothing is written.
struct StdinLinter<'a> {
    name: &'a str,
    bytes: &'a [u8],
    opts: &'a Options,
    mode: &'a ConfigMode,
}

impl crate::engine::fix::Linter for StdinLinter<'_> {
    fn lint(&self, texts: &HashMap<String, Arc<[u8]>>) -> Report {
        let bytes = texts.get(self.name).map_or(self.bytes, |b| &b[..]);
        run_stdin(self.name, bytes, self.opts, self.mode).unwrap_or_default()
    }

    fn original(&self, _: &Report, file: &str) -> Option<(Vec<u8>, Option<PathBuf>)> {
        (file == self.name).then(|| (self.bytes.to_vec(), None))
    }
}

/// [`fix_run`] for one file read from standard input, reported as `name`.
pub fn fix_stdin(
    name: &str,
    bytes: &[u8],
    opts: &Options,
    mode: &ConfigMode,
    unsafe_fixes: bool,
) -> Result<crate::engine::fix::Fixed, RunError> {
    let first = run_stdin(name, bytes, opts, mode)?;
    let linter = StdinLinter {
        name,
        bytes,
        opts,
        mode,
    };
    Ok(crate::engine::fix::fix_from(&linter, unsafe_fixes, first))
}

/// Fixing files given directly (tests, editors): each check reads the
/// fixed texts; nothing is written.
struct TextLinter<'a> {
    files: &'a [(&'a str, &'a str)],
    opts: &'a Options,
}

impl crate::engine::fix::Linter for TextLinter<'_> {
    fn lint(&self, texts: &HashMap<String, Arc<[u8]>>) -> Report {
        let owned: Vec<(&str, String)> = self
            .files
            .iter()
            .map(|(name, text)| {
                let t = texts
                    .get(*name)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_else(|| text.to_string());
                (*name, t)
            })
            .collect();
        let refs: Vec<(&str, &str)> = owned.iter().map(|(n, t)| (*n, t.as_str())).collect();
        run_texts(&refs, self.opts)
    }

    fn original(&self, _: &Report, file: &str) -> Option<(Vec<u8>, Option<PathBuf>)> {
        self.files
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, text)| (text.as_bytes().to_vec(), None))
    }
}

/// [`fix_run`] on files given directly (their copy files are not fixed).
pub fn fix_texts(
    files: &[(&str, &str)],
    opts: &Options,
    unsafe_fixes: bool,
) -> crate::engine::fix::Fixed {
    crate::engine::fix::fix(&TextLinter { files, opts }, unsafe_fixes)
}
