//! What the pretty output shows of a file for one diagnostic: the lines
//! around its labels, with long lines clipped to a window around the labels
//! (`…` on each side) and control characters shown as escapes.
//!
//! miette is handed this small excerpt instead of the whole file, so that
//! drawing a finding costs the size of what is drawn, not of the file (a
//! 10 MB one-line HTML body), and miette never meets a column too wide for
//! its formatting (it panics at 65,536). Line numbers and the header's
//! column are the file's own.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::input::source::{LineIndex, Span};

/// Lines up to this many characters are shown whole.
const WHOLE_LINE: usize = 200;
/// Characters shown before the first label of a clipped line.
const BEFORE: usize = 40;
/// Characters shown after the last label of a clipped line.
const AFTER: usize = 40;
/// The widest window of a clipped line, in characters.
const WINDOW: usize = 160;
/// A label spanning more lines is drawn over its first lines only.
const LABEL_LINES: usize = 12;

/// How a character is shown in human output: control characters (other than
/// tab) and the invisible characters that reorder text (bidirectional
/// overrides and isolates) as `\u{…}` escapes, so that text from a file can
/// neither move the cursor, recolour the terminal nor forge a line.
pub fn shown_char(c: char, keep_tab: bool) -> Option<String> {
    let hides = c.is_control() && !(keep_tab && c == '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
    hides.then(|| format!("\\u{{{:x}}}", c as u32))
}

/// Text from a file or a user, made safe to print in human output (see
/// [`shown_char`]); tabs and line breaks are escaped too.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| shown_char(c, false).is_some()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match shown_char(c, false) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One label to draw, in file bytes.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

/// The excerpt of a file for one diagnostic, with its labels moved into it.
pub struct Excerpt {
    name: String,
    text: String,
    /// The file's 0-based line number of the excerpt's first line.
    first_line: usize,
    /// Where the primary label starts in the excerpt, and its file position
    /// (0-based line, 0-based character column) for the header.
    primary: Option<(usize, usize, usize)>,
    labels: Vec<(SourceSpan, Option<String>, bool)>,
}

/// The window of one line that is shown: byte range and whether it was cut.
struct Window {
    start: usize,
    end: usize,
    cut_left: bool,
    cut_right: bool,
}

impl Excerpt {
    /// The excerpt of `text` (named `name`, indexed by `lines`) around `labels`.
    pub fn new(name: &str, text: &str, lines: &LineIndex, labels: &[Label]) -> Excerpt {
        let clamp = |o: usize| {
            let mut o = o.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            o
        };
        // Labels in bytes, on character boundaries, long ones cut short.
        let spans: Vec<(usize, usize)> = labels
            .iter()
            .map(|l| {
                let start = clamp(l.span.start);
                let mut end = clamp(l.span.end.max(l.span.start)).max(start);
                let first = lines.line_col(text, start).line;
                if lines.line_col(text, end).line >= first + LABEL_LINES {
                    end = lines
                        .line_range(text, first + LABEL_LINES - 1)
                        .map_or(end, |r| r.end);
                }
                (start, end)
            })
            .collect();
        let line_of = |o: usize| lines.line_col(text, o).line;
        let lo = spans.iter().map(|s| line_of(s.0)).min().unwrap_or(1);
        let hi = spans.iter().map(|s| line_of(s.1)).max().unwrap_or(1);
        let first = lo.saturating_sub(1).max(1);
        let last = (hi + 1).min(lines.line_count());
        // The primary label's window, reused on lines without labels so that
        // the columns line up.
        let primary_line = labels
            .iter()
            .position(|l| l.primary)
            .map(|i| line_of(spans[i].0));
        let mut windows: Vec<(usize, Window)> = Vec::new();
        let mut primary_cols: Option<(usize, usize)> = None;
        let order: Vec<usize> = primary_line
            .into_iter()
            .chain((first..=last).filter(|l| Some(*l) != primary_line))
            .collect();
        for line in order {
            let Some(range) = lines.line_range(text, line) else {
                continue;
            };
            let w = window(text, lines, range, &spans, primary_cols);
            if Some(line) == primary_line {
                primary_cols = Some(columns(text, lines, &w));
            }
            windows.push((line, w));
        }
        windows.sort_by_key(|(l, _)| *l);
        // Build the excerpt, moving every label boundary into it.
        let mut out = String::new();
        let mut moved: Vec<(Option<usize>, Option<usize>)> = vec![(None, None); spans.len()];
        for (line, w) in &windows {
            let line_range = lines.line_range(text, *line).unwrap_or(0..0);
            let place =
                |o: usize, out_len: usize, moved: &mut Vec<(Option<usize>, Option<usize>)>| {
                    for (k, (s, e)) in spans.iter().enumerate() {
                        if *s == o && moved[k].0.is_none() {
                            moved[k].0 = Some(out_len);
                        }
                        if *e == o && moved[k].1.is_none() && moved[k].0.is_some() {
                            moved[k].1 = Some(out_len);
                        }
                    }
                };
            // Boundaries left of the window land at its left edge.
            let edge = out.len();
            if w.cut_left {
                out.push('…');
            }
            for (k, (s, e)) in spans.iter().enumerate() {
                if moved[k].0.is_none() && *s >= line_range.start && *s < w.start {
                    moved[k].0 = Some(if w.cut_left {
                        edge + '…'.len_utf8()
                    } else {
                        edge
                    });
                }
                if moved[k].0.is_some()
                    && moved[k].1.is_none()
                    && *e >= line_range.start
                    && *e < w.start
                {
                    moved[k].1 = Some(out.len());
                }
            }
            let mut steps = 0;
            for (b, c) in text[w.start..w.end].char_indices() {
                steps += 1;
                let o = w.start + b;
                if spans.iter().any(|(s, e)| *s == o || *e == o) {
                    place(o, out.len(), &mut moved);
                }
                match shown_char(c, true) {
                    Some(e) => out.push_str(&e),
                    None => out.push(c),
                }
            }
            crate::work::add(steps);
            place(w.end, out.len(), &mut moved);
            // Boundaries right of the window (or in the line break) land at
            // its right edge.
            let next = lines.line_start(line + 1).unwrap_or(text.len() + 1);
            for (k, (s, e)) in spans.iter().enumerate() {
                if moved[k].0.is_none() && *s > w.end && *s < next {
                    moved[k].0 = Some(out.len());
                }
                if moved[k].0.is_some() && moved[k].1.is_none() && *e > w.end && *e < next {
                    moved[k].1 = Some(out.len());
                }
            }
            if w.cut_right {
                out.push('…');
            }
            // The line break, as the file has one (normalised to `\n`).
            if lines.line_start(line + 1).is_some() {
                out.push('\n');
            }
        }
        let labels_out: Vec<(SourceSpan, Option<String>, bool)> = labels
            .iter()
            .zip(&moved)
            .map(|(l, (s, e))| {
                let s = s.unwrap_or(out.len()).min(out.len());
                let e = e.unwrap_or(s).max(s).min(out.len());
                (SourceSpan::from((s, e - s)), l.text.clone(), l.primary)
            })
            .collect();
        let primary = labels.iter().position(|l| l.primary).map(|i| {
            let at = lines.line_col(text, spans[i].0);
            (labels_out[i].0.offset(), at.line - 1, at.column - 1)
        });
        Excerpt {
            name: escape_controls(name).into_owned(),
            text: out,
            first_line: first - 1,
            primary,
            labels: labels_out,
        }
    }

    /// The labels, moved into the excerpt: (span, label text, primary).
    pub fn labels(&self) -> impl Iterator<Item = &(SourceSpan, Option<String>, bool)> {
        self.labels.iter()
    }

    /// The excerpt's text (for tests).
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The 0-based character columns a window covers on its line.
fn columns(text: &str, lines: &LineIndex, w: &Window) -> (usize, usize) {
    let col = |o: usize| lines.line_col(text, o).column - 1;
    (col(w.start), col(w.end))
}

/// The part of a line to show.
fn window(
    text: &str,
    lines: &LineIndex,
    range: std::ops::Range<usize>,
    spans: &[(usize, usize)],
    primary_cols: Option<(usize, usize)>,
) -> Window {
    let whole = Window {
        start: range.start,
        end: range.end,
        cut_left: false,
        cut_right: false,
    };
    if range.len() <= WHOLE_LINE {
        return whole;
    }
    let col = |o: usize| lines.line_col(text, o).column - 1;
    let len = col(range.end);
    if len <= WHOLE_LINE {
        return whole;
    }
    // The columns the labels cover on this line.
    let mut on: Option<(usize, usize)> = None;
    for &(s, e) in spans {
        if e < range.start || s > range.end {
            continue;
        }
        let a = col(s.max(range.start));
        let b = col(e.min(range.end));
        on = Some(on.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    }
    let (ws, we) = match (on, primary_cols) {
        (Some((a, b)), _) => {
            let ws = a.saturating_sub(BEFORE);
            let we = (b.max(a) + AFTER).min(ws + WINDOW);
            (ws, we)
        }
        (None, Some((a, b))) => (a, b.max(a + 1)),
        (None, None) => (0, WINDOW),
    };
    let we = we.min(len);
    let ws = ws.min(we);
    Window {
        start: lines.byte_at_column(text, range.start, range.end, ws),
        end: lines.byte_at_column(text, range.start, range.end, we),
        cut_left: ws > 0,
        cut_right: we < len,
    }
}

impl SourceCode for Excerpt {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let mut line = inner.line() + self.first_line;
        let mut column = inner.column();
        // The header (the only read without context lines) gives the
        // primary label's position in the file, columns in characters as
        // everywhere else in preflight.
        if before == 0 && after == 0 {
            if let Some((at, l, c)) = self.primary {
                if span.offset() == at {
                    line = l;
                    column = c;
                }
            }
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            // miette compares `line() + line_count()` to decide whether two
            // labels share a snippet, and counts lines from the start of the
            // source: count from the start of the file, as it would.
            inner.line_count() + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, spans: &[(usize, usize)]) -> Excerpt {
        let lines = LineIndex::new(text);
        let labels: Vec<Label> = spans
            .iter()
            .enumerate()
            .map(|(i, (s, e))| Label {
                span: Span::new(*s, *e),
                text: None,
                primary: i == 0,
            })
            .collect();
        Excerpt::new("f.yaml", text, &lines, &labels)
    }

    fn labelled(x: &Excerpt, i: usize) -> &str {
        let (s, _, _) = &x.labels[i];
        &x.text[s.offset()..s.offset() + s.len()]
    }

    #[test]
    fn short_lines_are_shown_whole_with_a_line_of_context() {
        let text = "a: 1\nb: two\nc: 3\nd: 4\n";
        let at = text.find("two").unwrap();
        let x = excerpt(text, &[(at, at + 3)]);
        assert_eq!(x.text, "a: 1\nb: two\nc: 3\n");
        assert_eq!(labelled(&x, 0), "two");
        assert_eq!(x.first_line, 0);
    }

    #[test]
    fn long_lines_are_clipped_around_the_label() {
        let body = format!(
            "body: {}Father's Day{}\n",
            "é ".repeat(40_000),
            "x".repeat(40_000)
        );
        let at = body.find("Father").unwrap();
        let x = excerpt(&body, &[(at, at + "Father's Day".len())]);
        assert_eq!(labelled(&x, 0), "Father's Day");
        assert!(
            x.text.starts_with('…') && x.text.trim_end().ends_with('…'),
            "{}",
            x.text
        );
        assert!(x.text.chars().count() < 200, "{}", x.text.chars().count());
        // The header still gives the file's column, in characters.
        assert_eq!(x.primary.map(|p| p.2), Some(6 + 80_000));
    }

    #[test]
    fn control_characters_are_escaped_and_labels_follow() {
        let text = "name: \u{1b}[31mred\u{1b}[0m sale\n";
        let at = text.find("sale").unwrap();
        let x = excerpt(text, &[(at, at + 4)]);
        assert!(!x.text.contains('\u{1b}'), "{:?}", x.text);
        assert!(x.text.contains("\\u{1b}[31m"), "{:?}", x.text);
        assert_eq!(labelled(&x, 0), "sale");
        assert_eq!(escape_controls("a\nb\u{202e}c"), "a\\u{a}b\\u{202e}c");
        assert_eq!(escape_controls("plain 🎉"), "plain 🎉");
    }

    #[test]
    fn a_label_over_many_lines_is_drawn_over_its_first_lines() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let x = excerpt(&text, &[(0, text.len())]);
        assert!(x.text.lines().count() <= LABEL_LINES + 1, "{}", x.text);
    }

    #[test]
    fn drawing_costs_the_excerpt_not_the_file() {
        let cost = |n: usize| {
            let text = format!("body: {}target{}\n", "é".repeat(n), "e".repeat(n));
            let lines = LineIndex::new(&text);
            let at = text.find("target").unwrap();
            let label = Label {
                span: Span::new(at, at + 6),
                text: None,
                primary: true,
            };
            crate::work::count(|| Excerpt::new("f", &text, &lines, &[label])).1
        };
        // Twice the line, about the same work: a few lookups of at most a
        // checkpoint stride each, and the window drawn. Walking the line
        // would cost 100,000 steps or more.
        let (small, large) = (cost(100_000), cost(200_000));
        assert!(small < 8_000 && large < 8_000, "{small} {large}");
    }
}
