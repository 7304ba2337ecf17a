//! The unified diff `check --diff` prints: what `--fix` would change.

use crate::engine::fix::Change;
use crate::report::excerpt::escape_controls;

/// A unified diff of every change (`--- a/file`, `+++ b/file`, hunks with
/// three lines of context), in file order. Control characters in the file
/// names are escaped; the lines are the files' own.
pub fn unified(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let (old, new) = c.texts();
        let name = escape_controls(&c.file);
        let diff = similar::TextDiff::from_lines(&old, &new);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .missing_newline_hint(true)
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_string();
        out.push_str(&text);
    }
    out
}

/// "3 fixes in 2 files (unknown-field 2, unused-suppression 1)".
pub fn summary(changes: &[Change]) -> String {
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in changes {
        for (r, n) in &c.applied {
            *by_rule.entry(r).or_default() += n;
        }
    }
    let n: usize = by_rule.values().sum();
    let files = changes.len();
    format!(
        "{n} {} in {files} {} ({})",
        if n == 1 { "fix" } else { "fixes" },
        if files == 1 { "file" } else { "files" },
        by_rule
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}
