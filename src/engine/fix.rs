//! `--fix` and `--diff`: applying the fixes rules offer, without ever
//! leaving a file worse than it was.
//!
//! A fix is a list of byte-range edits on a file's text as it was read
//! ([`crate::rules::diagnostic::Fix`]); nothing is re-serialised, so
//! comments, quoting and layout stay as written. Fixes are applied in
//! passes: each pass takes, file by file, the fixes whose edits do not
//! overlap those already taken, applies them in memory and checks the whole
//! run again, until no fix is left (fixes that overlapped get their turn in
//! a later pass). After every pass each changed file is compared with the
//! check before it: a file that no longer loads, or that has an error it
//! did not have, is put back as it was read, and an `internal-error`
//! finding names the rule whose fix failed. Fixes that do not settle within
//! [`MAX_PASSES`] are treated the same way. Nothing is written here until
//! every pass is done ([`write`] does that, one file at a time, through a
//! temporary file in the same folder).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::lint::FileKind;
use crate::engine::run::Report;
use crate::input::source::{LineIndex, Span};
use crate::rule_meta::Severity;
use crate::rules::diagnostic::{Applicability, Edit, Finding, Fix};
use crate::rules::internal_error::INTERNAL_ERROR;

/// The most passes a run of fixes may take before it counts as a loop.
pub const MAX_PASSES: usize = 10;

/// A file as fixing found it and leaves it.
#[derive(Debug, Clone)]
pub struct Change {
    /// The file, as shown in the report.
    pub file: String,
    /// Where it is on disk (`None`: standard input).
    pub path: Option<PathBuf>,
    /// Its bytes as read.
    pub original: Vec<u8>,
    /// Its bytes with the fixes applied.
    pub fixed: Vec<u8>,
    /// How many fixes of each rule were applied, by rule name.
    pub applied: BTreeMap<&'static str, usize>,
}

impl Change {
    /// The original and fixed text, for a diff.
    pub fn texts(&self) -> (String, String) {
        (
            String::from_utf8_lossy(&self.original).into_owned(),
            String::from_utf8_lossy(&self.fixed).into_owned(),
        )
    }

    /// How many fixes were applied.
    pub fn count(&self) -> usize {
        self.applied.values().sum()
    }
}

/// What fixing did: the check of the files as fixed (with an
/// `internal-error` finding in each file a fix would have broken), and the
/// files that changed.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub report: Report,
    pub changes: Vec<Change>,
}

impl Fixed {
    /// How many fixes were applied in all.
    pub fn count(&self) -> usize {
        self.changes.iter().map(Change::count).sum()
    }
}

/// The fixes a file takes in one pass, with the rule of each.
type Taken = Vec<(&'static str, Fix)>;

/// One file's part of a pass: (file, new text, fixes taken, text before).
type Pass = (String, String, Taken, String);

/// One file being fixed.
#[derive(Debug, Clone)]
struct State {
    /// What the findings' spans index: the file's text (a copy file's
    /// without its byte-order mark).
    original: String,
    current: String,
    /// A copy file that starts with a byte-order mark (kept when written).
    bom: bool,
    /// The file uses CRLF line endings: inserted line breaks follow it.
    crlf: bool,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
    applied: BTreeMap<&'static str, usize>,
    /// Put back as read and left alone: a fix failed in it.
    frozen: bool,
    /// Every text this file had, to see a loop.
    seen: HashSet<String>,
    /// After each pass that changed it: the rules whose fixes it took, and
    /// its errors by rule code then.
    history: Vec<(Vec<&'static str>, BTreeMap<&'static str, usize>)>,
}

impl State {
    fn bytes_of(&self, text: &str) -> Vec<u8> {
        let mut b = Vec::with_capacity(text.len() + 3);
        if self.bom {
            b.extend_from_slice("\u{feff}".as_bytes());
        }
        b.extend_from_slice(text.as_bytes());
        b
    }
}

/// What fixing reads and checks through: the run's own checking, with
/// files replaced by their fixed texts.
pub trait Linter {
    /// Checks the run, with these files' bytes (by the name they are shown
    /// under) instead of what is stored.
    fn lint(&self, texts: &HashMap<String, Arc<[u8]>>) -> Report;
    /// The bytes of a file the fixes may change, and where it is (`None`:
    /// not one to change: not named, walked or read for a campaign, a link
    /// out of its repository, standard input's other files).
    fn original(&self, report: &Report, file: &str) -> Option<(Vec<u8>, Option<PathBuf>)>;
}

/// Applies every fix of `applicability` or safer, in passes, and returns
/// the check of the result and the changes (nothing is written).
pub fn fix(linter: &dyn Linter, unsafe_fixes: bool) -> Fixed {
    let first = linter.lint(&HashMap::new());
    fix_from(linter, unsafe_fixes, first)
}

/// [`fix`], starting from the check of the files as they are (`report`).
pub fn fix_from(linter: &dyn Linter, unsafe_fixes: bool, report: Report) -> Fixed {
    let allowed = |f: &Fix| unsafe_fixes || f.applicability == Applicability::Safe;
    let mut states: BTreeMap<String, State> = BTreeMap::new();
    let mut refused: HashSet<String> = HashSet::new();
    let mut failures: Vec<(String, String, Span)> = Vec::new();
    let mut report = report;
    let first = report.clone();
    let mut settled = false;
    for _ in 0..MAX_PASSES {
        // The fixes to take this pass, by file.
        let mut plan: BTreeMap<String, Vec<(&'static str, Fix)>> = BTreeMap::new();
        for f in report.findings() {
            let Some(fx) = f.fix.as_ref().filter(|x| allowed(x)) else {
                continue;
            };
            if refused.contains(&fx.file) || states.get(&fx.file).is_some_and(|s| s.frozen) {
                continue;
            }
            if !states.contains_key(&fx.file) {
                match start(linter, &report, &fx.file) {
                    Some(s) => {
                        states.insert(fx.file.clone(), s);
                    }
                    None => {
                        refused.insert(fx.file.clone());
                        continue;
                    }
                }
            }
            plan.entry(fx.file.clone())
                .or_default()
                .push((f.rule.name, fx.clone()));
        }
        // (file, new text, fixes taken, text before).
        let mut changed: Vec<Pass> = Vec::new();
        for (file, mut fixes) in plan {
            let st = &states[&file];
            fixes.sort_by(|a, b| a.1.edits.cmp(&b.1.edits));
            fixes.dedup_by(|a, b| a.1.edits == b.1.edits);
            let taken = non_overlapping(fixes);
            let text = apply(&st.current, &taken, st.crlf);
            if text != st.current {
                let old = st.current.clone();
                changed.push((file, text, taken, old));
            }
        }
        if changed.is_empty() {
            settled = true;
            break;
        }
        let before = report;
        let mut loops = Vec::new();
        for (file, text, _, _) in &changed {
            let st = states.get_mut(file).expect("started");
            if !st.seen.insert(text.clone()) {
                loops.push(file.clone());
            }
            st.current = text.clone();
        }
        report = linter.lint(&overrides(&states));
        // Files a fix broke go back as they were read.
        let mut reverted = false;
        for (file, _, taken, old) in &changed {
            if loops.contains(file) {
                let rules = names(taken);
                failures.push((
                    file.clone(),
                    format!("the fixes of {rules} keep changing this file without settling"),
                    first_span(taken),
                ));
                freeze(states.get_mut(file).expect("started"));
                reverted = true;
                continue;
            }
            let Some(problem) = broken(&before, &report, file, false) else {
                continue;
            };
            let culprit = blame(linter, &states, file, old, taken, &before);
            failures.push((
                file.clone(),
                format!("the fix of {culprit} would have left this file with {problem}"),
                first_span(taken),
            ));
            freeze(states.get_mut(file).expect("started"));
            reverted = true;
        }
        for (file, _, taken, _) in &changed {
            let st = states.get_mut(file).expect("started");
            if !st.frozen {
                for (rule, _) in taken {
                    *st.applied.entry(rule).or_default() += 1;
                }
                let mut rules: Vec<&'static str> = taken.iter().map(|(r, _)| *r).collect();
                rules.sort_unstable();
                rules.dedup();
                st.history.push((rules, error_counts(&report, file)));
            }
        }
        if reverted {
            report = linter.lint(&overrides(&states));
        }
    }
    if !settled {
        // Still fixes to take after the last pass: a loop.
        let pending: BTreeMap<String, Vec<&'static str>> = report
            .findings()
            .filter_map(|f| {
                let fx = f.fix.as_ref().filter(|x| allowed(x))?;
                (states.get(&fx.file).is_some_and(|s| !s.frozen))
                    .then(|| (fx.file.clone(), f.rule.name))
            })
            .fold(BTreeMap::new(), |mut m, (file, rule)| {
                m.entry(file).or_insert_with(Vec::new).push(rule);
                m
            });
        if !pending.is_empty() {
            for (file, rules) in &pending {
                let mut rules = rules.clone();
                rules.sort_unstable();
                rules.dedup();
                failures.push((
                    file.clone(),
                    format!(
                        "the fixes of {} did not settle after {MAX_PASSES} passes",
                        rules
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Span::new(0, 0),
                ));
                freeze(states.get_mut(file).expect("started"));
            }
            report = linter.lint(&overrides(&states));
        }
    }
    // A fix may uncover an error that a later fix takes away (a repaired
    // token that then needs a fallback): files are judged against what
    // they were when every pass is done.
    let base_errors = |file: &str| error_counts(&first, file);
    let mut judged = false;
    for (file, st) in states.iter_mut() {
        if st.frozen || st.current == st.original {
            continue;
        }
        let Some(problem) = broken(&first, &report, file, true) else {
            continue;
        };
        let base = base_errors(file);
        let now = error_counts(&report, file);
        let rose: Vec<&str> = now
            .iter()
            .filter(|(c, n)| **n > base.get(*c).copied().unwrap_or(0))
            .map(|(c, _)| *c)
            .collect();
        let culprit = st
            .history
            .iter()
            .find(|(_, counts)| {
                rose.iter().any(|c| {
                    counts.get(c).copied().unwrap_or(0) > base.get(c).copied().unwrap_or(0)
                })
            })
            .map(|(rules, _)| {
                rules
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(" with ")
            })
            .unwrap_or_else(|| "several rules".into());
        failures.push((
            file.clone(),
            format!("the fix of {culprit} would have left this file with {problem}"),
            Span::new(0, 0),
        ));
        freeze(st);
        judged = true;
    }
    if judged {
        report = linter.lint(&overrides(&states));
    }
    for (file, why, span) in failures {
        add_failure(&mut report, &states, &file, &why, span);
    }
    let changes = states
        .into_iter()
        .filter(|(_, s)| !s.frozen && s.current != s.original)
        .map(|(file, s)| Change {
            fixed: s.bytes_of(&s.current),
            file,
            path: s.path,
            original: s.bytes,
            applied: s.applied,
        })
        .collect();
    Fixed { report, changes }
}

/// Starts fixing a file: reads what the linter has for it.
fn start(linter: &dyn Linter, report: &Report, file: &str) -> Option<State> {
    let (bytes, path) = linter.original(report, file)?;
    let copy = report
        .files
        .iter()
        .find(|f| f.path == file)
        .is_some_and(|f| f.kind == FileKind::Copy);
    let text = String::from_utf8(bytes.clone()).ok()?;
    let bom = copy && text.starts_with('\u{feff}');
    let text = if bom {
        text["\u{feff}".len()..].to_string()
    } else {
        text
    };
    let crlf = text.contains("\r\n");
    let mut seen = HashSet::new();
    seen.insert(text.clone());
    Some(State {
        current: text.clone(),
        original: text,
        bom,
        crlf,
        path,
        bytes,
        applied: BTreeMap::new(),
        frozen: false,
        seen,
        history: Vec::new(),
    })
}

fn freeze(st: &mut State) {
    st.current = st.original.clone();
    st.frozen = true;
    st.applied.clear();
    st.history.clear();
}

/// The bytes of every file that differs from what was read.
fn overrides(states: &BTreeMap<String, State>) -> HashMap<String, Arc<[u8]>> {
    states
        .iter()
        .filter(|(_, s)| s.current != s.original)
        .map(|(f, s)| (f.clone(), Arc::from(s.bytes_of(&s.current))))
        .collect()
}

/// The fixes, in order, whose edits overlap none taken before (two
/// insertions at one place, or an insertion at the edge of a replacement,
/// count as overlapping: their order would be a guess).
fn non_overlapping(fixes: Vec<(&'static str, Fix)>) -> Vec<(&'static str, Fix)> {
    let mut taken: Vec<(&'static str, Fix)> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for (rule, fx) in fixes {
        let clash = fx.edits.iter().any(|e| {
            spans.iter().any(|s| {
                (e.span.start < s.end && s.start < e.span.end)
                    || ((e.span.is_empty() || s.is_empty())
                        && e.span.start <= s.end
                        && s.start <= e.span.end)
            })
        });
        if !clash {
            spans.extend(fx.edits.iter().map(|e| e.span));
            taken.push((rule, fx));
        }
    }
    taken
}

/// `text` with the fixes' edits applied (line breaks inserted as the file
/// writes them).
fn apply(text: &str, fixes: &[(&'static str, Fix)], crlf: bool) -> String {
    let mut edits: Vec<&Edit> = fixes.iter().flat_map(|(_, f)| f.edits.iter()).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        let (s, end) = (e.span.start.min(text.len()), e.span.end.min(text.len()));
        if s < at || !text.is_char_boundary(s) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..s]);
        if crlf {
            out.push_str(&to_crlf(&e.replacement));
        } else {
            out.push_str(&e.replacement);
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with one fix's edits applied, as `--fix` would apply it alone.
pub fn apply_fix(text: &str, fix: &Fix) -> String {
    let crlf = text.contains("\r\n");
    apply(text, &[("", fix.clone())], crlf)
}

/// Line breaks as CRLF (those already CRLF stay as they are).
fn to_crlf(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev = '\0';
    for c in s.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// Which rule's fix broke the file: each rule's fixes are tried alone on
/// the text before the pass.
fn blame(
    linter: &dyn Linter,
    states: &BTreeMap<String, State>,
    file: &str,
    previous: &str,
    taken: &[(&'static str, Fix)],
    before: &Report,
) -> String {
    let mut rules: Vec<&'static str> = taken.iter().map(|(r, _)| *r).collect();
    rules.sort_unstable();
    rules.dedup();
    if rules.len() > 1 {
        for rule in &rules {
            let only: Vec<(&'static str, Fix)> =
                taken.iter().filter(|(r, _)| r == rule).cloned().collect();
            let mut trial = states.clone();
            let st = trial.get_mut(file).expect("started");
            st.current = apply(previous, &only, st.crlf);
            let r = linter.lint(&overrides(&trial));
            if broken(before, &r, file, false).is_some() {
                return format!("`{rule}`");
            }
        }
    }
    rules
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(" with ")
}

fn names(taken: &[(&'static str, Fix)]) -> String {
    let mut rules: Vec<&'static str> = taken.iter().map(|(r, _)| *r).collect();
    rules.sort_unstable();
    rules.dedup();
    rules
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_span(taken: &[(&'static str, Fix)]) -> Span {
    taken
        .iter()
        .flat_map(|(_, f)| f.edits.iter())
        .map(|e| e.span)
        .min_by_key(|s| s.start)
        .unwrap_or(Span::new(0, 0))
}

/// A file's errors (and structural findings) by rule code.
fn error_counts(r: &Report, file: &str) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for f in r.findings().filter(|f| f.file == file) {
        if f.severity == Severity::Error || f.rule.code.starts_with("PF0") {
            *m.entry(f.rule.code).or_insert(0) += 1;
        }
    }
    m
}

/// What fixing broke in `file`, if anything: it no longer loads (a new
/// invalid-campaign, duplicate-key or internal-error), or, when `every`,
/// it has more errors of some rule than before.
fn broken(before: &Report, after: &Report, file: &str, every: bool) -> Option<String> {
    let structural = ["PF001", "PF004", "PF005"];
    // A structural finding it did not have (the file no longer parses, a
    // key is now repeated), or fewer campaigns loaded.
    let said = |r: &Report| -> Vec<String> {
        r.findings()
            .filter(|f| f.file == file && structural.contains(&f.rule.code))
            .map(|f| f.message.clone())
            .collect()
    };
    let was = said(before);
    if let Some(f) = after
        .findings()
        .find(|f| f.file == file && structural.contains(&f.rule.code) && !was.contains(&f.message))
    {
        return Some(if f.rule.code == "PF005" {
            format!("an internal error (“{}”)", f.message)
        } else {
            format!("a file that no longer loads (“{}”)", f.message)
        });
    }
    let campaigns = |r: &Report| r.files.iter().find(|f| f.path == file).map(|f| f.campaigns);
    if let (Some(b), Some(a)) = (campaigns(before), campaigns(after)) {
        if a < b {
            return Some("fewer campaigns that load".to_string());
        }
    }
    let (b, a) = (error_counts(before, file), error_counts(after, file));
    let first_new = |code: &str| -> Option<&Finding> {
        after
            .findings()
            .find(|f| f.file == file && f.rule.code == code)
    };
    for (code, n) in &a {
        if !every && !structural.contains(code) {
            continue;
        }
        if *n > b.get(code).copied().unwrap_or(0) {
            let f = first_new(code)?;
            return Some(if code == &"PF001" {
                format!("a file that no longer loads (“{}”)", f.message)
            } else {
                format!("a new {} (“{}”)", f.rule.name, f.message)
            });
        }
    }
    // A campaign file that was checked and is now missing from the report.
    let had = before.files.iter().any(|f| f.path == file);
    let has = after.files.iter().any(|f| f.path == file);
    (had && !has).then(|| "a file that is no longer checked".to_string())
}

/// Adds the internal-error finding of a fix that failed to its file.
fn add_failure(
    report: &mut Report,
    states: &BTreeMap<String, State>,
    file: &str,
    why: &str,
    span: Span,
) {
    let Some(outcome) = report.files.iter_mut().find(|f| f.path == file) else {
        return;
    };
    let text = states.get(file).map(|s| s.original.as_str()).unwrap_or("");
    let span = if span.end <= text.len() {
        span
    } else {
        Span::new(0, 0)
    };
    let lines = LineIndex::new(text);
    outcome.findings.push(Finding {
        file: file.to_string(),
        campaign: None,
        rule: &INTERNAL_ERROR,
        severity: INTERNAL_ERROR.severity,
        message: crate::rule_meta::sentence(format!(
            "{why}, so the file was left as it was"
        )),
        help: crate::rule_meta::sentence(
            "This is a bug in preflight, not in the campaign: please report it with this file. The finding can still be fixed by hand"
                .to_string(),
        ),
        span,
        start: lines.line_col(text, span.start),
        end: lines.line_col(text, span.end),
        related: Vec::new(),
        fix: None,
    });
    outcome.sort_findings();
    if outcome.text.is_none() {
        outcome.text = Some(text.to_string());
    }
}

/// The folder a file being fixed must stay inside: the repository of the
/// folder it is named in (the nearest one above holding `.git`), else that
/// folder. A link out of it is not written through.
fn write_root(path: &Path) -> Option<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).ok()?;
    let repo = dir.ancestors().find(|d| d.join(".git").exists());
    Some(repo.unwrap_or(&dir).to_path_buf())
}

/// Whether `path` is a regular file that may be written: inside the root
/// of the folder it is named in once links are followed.
pub fn writable(path: &Path) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("it cannot be found ({e})"))?;
    let root = write_root(path).ok_or("its folder cannot be found")?;
    if !real.starts_with(&root) {
        return Err(format!(
            "it is a link to a file outside the repository ({}), which is never written",
            crate::input::discover::display(&real)
        ));
    }
    match std::fs::metadata(&real) {
        Ok(m) if m.is_file() => Ok(real),
        Ok(_) => Err("it is not a regular file".into()),
        Err(e) => Err(format!("it cannot be read ({e})")),
    }
}

/// Writes a change: through a temporary file in the file's own folder,
/// renamed over it, with the original's permissions; a file changed on
/// disk since it was read is left alone. After writing, the file is read
/// back and compared.
pub fn write(change: &Change) -> Result<(), String> {
    let Some(path) = &change.path else {
        return Err("standard input is never written".into());
    };
    let real = writable(path)?;
    let now = crate::input::reading::read_limited(&real, u64::MAX)
        .map_err(|e| format!("it cannot be read again ({e})"))?;
    if now != change.original {
        return Err("it changed while preflight was fixing it".into());
    }
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "campaign".into());
    let temp = dir.join(format!(".{name}.preflight-fix-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        f.write_all(&change.fixed)?;
        f.set_permissions(meta.permissions())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&temp, &real)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(format!("it could not be written ({e})"));
    }
    let back = crate::input::reading::read_limited(&real, u64::MAX)
        .map_err(|e| format!("it could not be read back ({e})"))?;
    if back != change.fixed {
        return Err("what was read back is not what was written".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(start: usize, end: usize, with: &str) -> (&'static str, Fix) {
        (
            "r",
            Fix {
                applicability: Applicability::Safe,
                message: String::new(),
                file: "f".into(),
                edits: vec![Edit::new(Span::new(start, end), with)],
            },
        )
    }

    #[test]
    fn overlapping_edits_wait_for_a_later_pass() {
        let taken = non_overlapping(vec![
            fx(0, 3, "x"),
            fx(2, 4, "y"),
            fx(5, 5, "a"),
            fx(5, 5, "b"),
            fx(6, 7, ""),
        ]);
        let spans: Vec<_> = taken.iter().map(|(_, f)| f.edits[0].span).collect();
        assert_eq!(spans, [Span::new(0, 3), Span::new(5, 5), Span::new(6, 7)]);
        assert_eq!(apply("abcdefgh", &taken, false), "xdeafh");
    }

    #[test]
    fn inserted_line_breaks_follow_the_file() {
        assert_eq!(to_crlf("a\nb\r\nc"), "a\r\nb\r\nc");
        let taken = vec![fx(3, 3, "x\n")];
        assert_eq!(apply("a\r\nb\r\n", &taken, true), "a\r\nx\r\nb\r\n");
    }
}
