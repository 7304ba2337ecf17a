//! Inline suppressions: a YAML comment `# preflight: ignore[rule-name] reason`
//! on the offending line (after the value) or on its own line just above it
//! silences those rules there. In a file of copy that campaigns name, the
//! same words go in a comment of the file's own language: `<!-- … -->`
//! (HTML, MJML), `{% comment %} … {% endcomment %}` or `{# … #}` (Liquid,
//! Jinja, Nunjucks), `{{!-- … --}}` or `{{! … }}` (Handlebars), `/* … */`. Several rules are separated by commas; a
//! reason is required. An ignore that silences nothing, names no rule, or
//! gives no reason is reported as `unused-suppression`, so they cannot rot.

use std::sync::LazyLock;

use regex::Regex;

use crate::input::source::{LineCol, LineIndex, Span};
use crate::rules::RuleMeta;

static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[ \t])(#[ \t]*preflight[ \t]*:[ \t]*ignore[ \t]*\[([^\]\r\n]*)\][ \t]*([^\r\n]*))")
        .expect("valid")
});

/// A place with its line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
}

/// One rule named in an ignore comment.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub name: String,
    pub rule: Option<&'static RuleMeta>,
    pub place: Place,
    pub used: bool,
}

/// One ignore comment.
#[derive(Debug, Clone)]
pub struct Comment {
    /// The line whose findings it silences (1-based).
    pub target: usize,
    pub reason: Option<String>,
    /// The whole comment.
    pub place: Place,
    pub ignores: Vec<Ignore>,
    /// The first ignore of each rule, by code (a comment may name many).
    by_code: std::collections::HashMap<&'static str, usize>,
    /// In a file of copy rather than YAML (its examples differ).
    pub template: bool,
    /// What removing the comment deletes: its own line when it stands
    /// alone, else the comment and the blanks before it.
    pub removal: Span,
}

/// An ignore in a template's comment: the opener, then the same words as in
/// YAML; the reason runs to the comment's closer.
static TEMPLATE_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)((?:<!--|\{\{!--|\{\{!|\{#-?|\{%-?[ \t]*comment[ \t]*-?%\}|/\*)[ \t]*preflight[ \t]*:[ \t]*ignore[ \t]*\[([^\]\r\n]*)\][ \t]*([^\r\n]*))")
        .expect("valid")
});

/// What ends a template comment (the reason stops before it).
const CLOSERS: [&str; 6] = ["-->", "--}}", "}}", "#}", "*/", "{%"];

/// Every ignore comment in a YAML file.
pub fn parse(text: &str, lines: &LineIndex) -> Vec<Comment> {
    parse_with(text, lines, &COMMENT, false)
}

/// Every ignore comment in a file of copy (HTML, MJML, Liquid, Handlebars…).
pub fn parse_template(text: &str, lines: &LineIndex) -> Vec<Comment> {
    parse_with(text, lines, &TEMPLATE_COMMENT, true)
}

fn parse_with(text: &str, lines: &LineIndex, pattern: &Regex, template: bool) -> Vec<Comment> {
    if !text.contains("preflight") {
        return Vec::new();
    }
    let place = |start: usize, end: usize| Place {
        span: Span::new(start, end),
        start: lines.line_col(text, start),
        end: lines.line_col(text, end),
    };
    let mut out = Vec::new();
    for c in pattern.captures_iter(text) {
        let whole = c.get(1).expect("comment");
        let list = c.get(2).expect("rules");
        let mut end = whole.end();
        let reason = c.get(3).map(|r| {
            let raw = r.as_str();
            if !template {
                return raw.trim();
            }
            // The reason stops at the comment's closer, which the comment
            // includes (`{% endcomment %}` up to its `%}`).
            match CLOSERS
                .iter()
                .filter_map(|k| raw.find(k).map(|i| (i, *k)))
                .min()
            {
                Some((i, k)) => {
                    let after = r.start() + i + k.len();
                    end = if k == "{%" {
                        text[after..]
                            .find("%}")
                            .map_or(r.end(), |j| after + j + 2)
                            .min(r.end())
                    } else {
                        after
                    };
                    raw[..i].trim()
                }
                None => raw.trim(),
            }
        });
        let reason = reason.filter(|r| !r.is_empty());
        let at = place(whole.start(), end);
        let line_start = text[..whole.start()]
            .rfind(['\n', '\r'])
            .map(|i| i + 1)
            .unwrap_or(0);
        let own_line = text[line_start..whole.start()].trim().is_empty();
        let line_end = text[end..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| end + i);
        let removal = if own_line && text[end..line_end].trim().is_empty() {
            let next = match &text.as_bytes()[line_end..] {
                [b'\r', b'\n', ..] => line_end + 2,
                [b'\n' | b'\r', ..] => line_end + 1,
                _ => line_end,
            };
            // The last line of a file without a final line break takes the
            // break before it instead.
            if next == line_end && line_start > 0 {
                let before = if text[..line_start].ends_with("\r\n") {
                    2
                } else {
                    1
                };
                Span::new(line_start - before, line_end)
            } else {
                Span::new(line_start, next)
            }
        } else {
            let blanks = text[..whole.start()].len()
                - text[..whole.start()].trim_end_matches([' ', '\t']).len();
            Span::new(whole.start() - blanks, end)
        };
        let mut ignores = Vec::new();
        let mut offset = list.start();
        for part in list.as_str().split(',') {
            let lead = part.len() - part.trim_start().len();
            let name = part.trim();
            if !name.is_empty() {
                let s = offset + lead;
                ignores.push(Ignore {
                    name: name.to_string(),
                    rule: crate::rules::find(name),
                    place: place(s, s + name.len()),
                    used: false,
                });
            }
            offset += part.len() + 1;
        }
        let mut by_code = std::collections::HashMap::new();
        for (i, ig) in ignores.iter().enumerate() {
            if let Some(r) = ig.rule {
                by_code.entry(r.code).or_insert(i);
            }
        }
        out.push(Comment {
            removal,
            template,
            by_code,
            target: if own_line {
                at.start.line + 1
            } else {
                at.start.line
            },
            reason: reason.map(str::to_string),
            place: at,
            ignores,
        });
    }
    out
}

/// Whether a comment silences `rule` on `line`; marks it used. Returns the reason.
///
/// Comments are in file order, so their target lines never decrease: the
/// ones for `line` are found by binary search, not by a scan per finding.
pub fn silence(comments: &mut [Comment], line: usize, rule: &RuleMeta) -> Option<String> {
    let first = comments.partition_point(|c| c.target < line);
    crate::work::add(1);
    for c in comments[first..]
        .iter_mut()
        .take_while(|c| c.target == line)
        .filter(|c| c.reason.is_some())
    {
        if let Some(&i) = c.by_code.get(rule.code) {
            c.ignores[i].used = true;
            return c.reason.clone();
        }
    }
    None
}

fn push(out: &mut Vec<(Place, String, String, Option<Span>)>, x: (Place, String, String)) {
    out.push((x.0, x.1, x.2, None));
}

/// What is wrong with the comments once every finding has been seen:
/// (place, message, help, and what to delete to fix it when that is safe:
/// a rule that silences nothing; the whole comment when all of its rules do).
pub fn problems(comments: &[Comment]) -> Vec<(Place, String, String, Option<Span>)> {
    let mut out = Vec::new();
    for c in comments {
        let stale = |i: &Ignore| i.rule.is_some() && !i.used;
        let all_stale = c.reason.is_some() && !c.ignores.is_empty() && c.ignores.iter().all(stale);
        let removal = |k: usize| -> Option<Span> {
            if all_stale {
                return Some(c.removal);
            }
            let this = c.ignores[k].place.span;
            // One name out of a list: with the comma after it, or, for the
            // last, the comma before it.
            match (
                c.ignores.get(k + 1),
                k.checked_sub(1).map(|j| &c.ignores[j]),
            ) {
                (Some(next), _) => Some(Span::new(this.start, next.place.span.start)),
                (None, Some(prev)) => Some(Span::new(prev.place.span.end, this.end)),
                (None, None) => None,
            }
        };
        if c.reason.is_none() {
            push(
                &mut out,
                (
                    c.place,
                    "this ignore comment gives no reason, so it silences nothing".to_string(),
                    if c.template {
                        "add the reason after the brackets, such as `<!-- preflight: ignore[creepy-phrasing] approved by legal, ticket 123 -->`".to_string()
                    } else {
                        "add the reason after the brackets, such as `# preflight: ignore[stale-data] refreshed nightly by the CRM`".to_string()
                    },
                ),
            );
            continue;
        }
        if c.ignores.is_empty() {
            push(
                &mut out,
                (
                    c.place,
                    "this ignore comment names no rule".into(),
                    "name the rule inside the brackets, such as `ignore[stale-data]`".into(),
                ),
            );
        }
        for (k, i) in c.ignores.iter().enumerate() {
            match i.rule {
                None => {
                    let hint = crate::text::suggest::did_you_mean(
                        &i.name,
                        crate::rules::names_and_codes(),
                    )
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                    push(
                        &mut out,
                        (
                            i.place,
                            format!(
                                "`{}` is not a preflight rule, so this ignore silences nothing",
                                i.name
                            ),
                            format!("{hint}`preflight rules` lists every rule"),
                        ),
                    );
                }
                Some(r) if !i.used => {
                    let fix = if c.reason.is_some() { removal(k) } else { None };
                    push(&mut out, (
                        i.place,
                        format!("nothing here is reported by `{}`, so this ignore silences nothing", r.name),
                        "remove it (the mistake it covered is gone), or move it to the line the finding is on, or the line above".to_string(),
                    ));
                    if let Some(last) = out.last_mut() {
                        last.3 = fix;
                    }
                }
                Some(_) => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_comments_of_each_language() {
        for (text, reason) in [
            (
                "<!-- preflight: ignore[creepy-phrasing] legal ok -->\n<p>x</p>",
                "legal ok",
            ),
            (
                "{% comment %}preflight: ignore[creepy-phrasing] legal ok{% endcomment %}\nx",
                "legal ok",
            ),
            (
                "{%- comment -%} preflight: ignore[creepy-phrasing] legal ok {%- endcomment -%}\nx",
                "legal ok",
            ),
            (
                "{# preflight: ignore[creepy-phrasing] legal ok #}\nx",
                "legal ok",
            ),
            (
                "{{!-- preflight: ignore[creepy-phrasing] legal ok --}}\nx",
                "legal ok",
            ),
            (
                "{{! preflight: ignore[creepy-phrasing] legal ok }}\nx",
                "legal ok",
            ),
            (
                "/* preflight: ignore[creepy-phrasing] legal ok */\nx",
                "legal ok",
            ),
        ] {
            let lines = LineIndex::new(text);
            let c = parse_template(text, &lines);
            assert_eq!(c.len(), 1, "{text}");
            assert_eq!(c[0].reason.as_deref(), Some(reason), "{text}");
            assert_eq!(c[0].target, 2, "{text}");
            let comment = &text[c[0].place.span.range()];
            assert!(
                comment.ends_with("-->")
                    || comment.ends_with("%}")
                    || comment.ends_with('}')
                    || comment.ends_with("*/"),
                "{text}: {comment}"
            );
        }
        // On the same line as the copy, it silences that line.
        let text = "<p>We saw you looking</p> <!-- preflight: ignore[creepy-phrasing] ok -->";
        let c = parse_template(text, &LineIndex::new(text));
        assert_eq!(c[0].target, 1);
        // A YAML-style comment is just text in a template.
        let text = "# preflight: ignore[creepy-phrasing] ok\n";
        assert!(parse_template(text, &LineIndex::new(text)).is_empty());
        // An empty reason before the closer is no reason.
        let text = "<!-- preflight: ignore[creepy-phrasing] -->\nx";
        let c = parse_template(text, &LineIndex::new(text));
        assert!(c[0].reason.is_none());
        assert!(problems(&c)[0].2.contains("<!--"));
    }

    #[test]
    fn comments_are_read_with_their_target_line_and_rules() {
        let text = "a: 1\n# preflight: ignore[stale-data, PF201] refreshed nightly\nb: 2  # preflight: ignore[nope]\nc: \"# preflight: ignore[x] y\"\n";
        let lines = LineIndex::new(text);
        let c = parse(text, &lines);
        assert_eq!(c.len(), 2, "{c:#?}");
        assert_eq!(c[0].target, 3);
        assert_eq!(c[0].reason.as_deref(), Some("refreshed nightly"));
        assert_eq!(c[0].ignores.len(), 2);
        assert_eq!(&text[c[0].ignores[1].place.span.range()], "PF201");
        assert_eq!(c[1].target, 3);
        assert!(c[1].reason.is_none());
        let mut c = c;
        let stale = crate::rules::find("stale-data").unwrap();
        assert_eq!(
            silence(&mut c, 3, stale).as_deref(),
            Some("refreshed nightly")
        );
        assert!(silence(&mut c, 2, stale).is_none());
        let p = problems(&c);
        // PF201 unused; the second comment has no reason.
        assert_eq!(p.len(), 2, "{p:#?}");
    }
}
