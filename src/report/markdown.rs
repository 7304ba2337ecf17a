//! The Markdown summary, for pull requests and CI job summaries
//! (`$GITHUB_STEP_SUMMARY`): the counts, a table of campaigns, what needs
//! attention in plain words, and the first findings with links to their
//! lines; long lists folded in `<details>`.
//!
//! Text from campaign files is escaped: Markdown punctuation with a
//! backslash, `<`, `>` and `&` as entities (GitHub renders HTML in
//! Markdown), line breaks as spaces, so copy can neither format the
//! summary nor inject HTML.

use crate::engine::run::Report;
use crate::report::cards::{cards, plain_counts, Status};
use crate::report::excerpt::shown_char;
use crate::rule_meta::Severity;
use crate::rules::diagnostic::Finding;

/// Findings listed before the rest are folded.
const FIRST_FINDINGS: usize = 10;
/// Campaign rows shown before the rest are folded.
const FIRST_ROWS: usize = 15;

/// Text as Markdown that shows it literally, on one line.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            // What formats inside a line (emphasis, links, images, code,
            // strikethrough, math) and what splits a table cell.
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => match shown_char(c, false) {
                Some(e) => out.push_str(&md_text(&e)),
                None => out.push(c),
            },
        }
    }
    out
}

/// A message with its `code` spans kept as code, the rest escaped.
fn md_inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() % 2 == 0 {
        return md_text(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 && !p.is_empty() {
                code_span(p)
            } else {
                md_text(p)
            }
        })
        .collect()
}

/// A code span that shows `s` literally (its backticks cannot end it). In
/// a table cell `|` still splits cells, so it is escaped there too.
fn code_span(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            '`' => '\'',
            '|' => '¦',
            c => c,
        })
        .filter(|c| shown_char(*c, false).is_none())
        .collect();
    format!("`{clean}`")
}

/// A link target: the path with everything but unreserved characters and
/// `/` percent-encoded.
fn url_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn link(base: Option<&str>, file: &str, line: usize) -> String {
    format!(
        "[{}:{line}]({}{}#L{line})",
        md_text(file),
        base.unwrap_or(""),
        url_path(file.trim_start_matches("./"))
    )
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Advice => "ℹ️ advice",
    }
}

fn finding_line(f: &Finding, base: Option<&str>) -> String {
    format!(
        "{} **{}** `{}` {}: {}\n",
        icon(f.severity),
        md_text(f.rule.name),
        f.rule.code,
        link(base, &f.file, f.start.line),
        md_inline(&f.message)
    )
}

/// The Markdown summary. `blob_base`, when given, is prefixed to each
/// file's path in links (on GitHub Actions,
/// `https://github.com/OWNER/REPO/blob/SHA/`); without it links are
/// relative to the repository's root.
pub fn markdown(report: &Report, blob_base: Option<&str>) -> String {
    let cards = cards(report);
    let mut out = String::new();
    out.push_str(&format!("## preflight: {}\n\n", md_text(&report.summary())));
    let real: Vec<_> = cards.iter().filter(|c| c.summary.is_some()).collect();
    let n = |s: Status| real.iter().filter(|c| c.status() == s).count();
    out.push_str(&format!(
        "**{} of {} ready to send**; {} with errors to fix, {} with warnings only.\n\n",
        n(Status::Ready),
        if real.len() == 1 {
            "1 campaign".to_string()
        } else {
            format!("{} campaigns", real.len())
        },
        n(Status::Errors),
        n(Status::Warnings),
    ));
    // The table: campaigns with errors first, then warnings, then ready.
    let mut rows: Vec<_> = cards.iter().collect();
    rows.sort_by_key(|c| {
        let (e, w, _) = c.counts();
        (std::cmp::Reverse(e > 0), std::cmp::Reverse(w > 0), c.index)
    });
    let row = |c: &crate::report::cards::Card| {
        let (e, w, a) = c.counts();
        let status = match c.status() {
            Status::Ready => "✅",
            Status::Errors => "❌",
            Status::Warnings => "⚠️",
        };
        let line = c.summary.map_or(1, |s| s.line);
        format!(
            "| {status} | {} | {} | {e} | {w} | {a} |\n",
            md_text(&c.title()),
            link(blob_base, c.file, line),
        )
    };
    let header = "| | Campaign | File | Errors | Warnings | Advice |\n|---|---|---|--:|--:|--:|\n";
    if !rows.is_empty() {
        out.push_str(header);
        for c in rows.iter().take(FIRST_ROWS) {
            out.push_str(&row(c));
        }
        out.push('\n');
        if rows.len() > FIRST_ROWS {
            out.push_str(&format!(
                "<details><summary>{} more campaigns</summary>\n\n{header}",
                rows.len() - FIRST_ROWS
            ));
            for c in rows.iter().skip(FIRST_ROWS) {
                out.push_str(&row(c));
            }
            out.push_str("\n</details>\n\n");
        }
    }
    let counts = plain_counts(&cards);
    if !counts.is_empty() {
        out.push_str("### What needs attention\n\n");
        for c in &counts {
            let mark = match c.severity {
                Severity::Error => "❌",
                Severity::Warning => "⚠️",
                Severity::Advice => "ℹ️",
            };
            out.push_str(&format!("- {mark} {} ({})\n", md_text(&c.sentence), c.code));
        }
        out.push('\n');
    }
    // Errors first, then warnings, then advice; in file order within each.
    let mut findings: Vec<&Finding> = report.findings().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    if !findings.is_empty() {
        out.push_str("### Findings\n\n");
        for f in findings.iter().take(FIRST_FINDINGS) {
            out.push_str("- ");
            out.push_str(&finding_line(f, blob_base));
        }
        out.push('\n');
        if findings.len() > FIRST_FINDINGS {
            out.push_str(&format!(
                "<details><summary>{} more findings</summary>\n\n",
                findings.len() - FIRST_FINDINGS
            ));
            for f in findings.iter().skip(FIRST_FINDINGS) {
                out.push_str("- ");
                out.push_str(&finding_line(f, blob_base));
            }
            out.push_str("\n</details>\n\n");
        }
    }
    if !report.unreadable.is_empty() {
        out.push_str("### Files that could not be read\n\n");
        for u in &report.unreadable {
            out.push_str(&format!("- {}: {}\n", md_text(&u.file), md_text(&u.error)));
        }
        out.push('\n');
    }
    out.push_str("Run `preflight explain <rule>` for what a rule checks and how to fix it.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_open_html_or_format() {
        let s = md_text("</script><img src=x onerror=alert(1)> **bold** [a](javascript:x) | cell");
        assert!(!s.contains('<') && !s.contains('>'));
        assert!(s.contains("\\*\\*bold\\*\\*"));
        assert!(s.contains("\\[a\\](javascript:x)"));
        assert!(s.contains("\\|"));
        assert_eq!(md_text("a\nb"), "a b");
    }

    #[test]
    fn code_spans_cannot_be_ended_by_their_text() {
        assert_eq!(md_inline("use `a`b` here"), md_text("use `a`b` here"));
        assert_eq!(md_inline("the `x|y` token"), "the `x¦y` token");
    }

    #[test]
    fn link_targets_are_percent_encoded() {
        assert_eq!(url_path("a b/(c).yaml"), "a%20b/%28c%29.yaml");
    }
}
