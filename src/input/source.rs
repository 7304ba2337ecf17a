//! Source text and positions.
//!
//! Every position inside preflight is a **byte** range into the file's text
//! (what miette and editors' byte offsets expect). The YAML parser counts
//! *characters*; [`CharToByte`] is the one place where its positions are turned
//! into bytes. Lines and columns for humans are computed from byte offsets by
//! [`LineIndex`] (1-based lines, 1-based columns counted in characters).

use std::ops::Range;

/// A byte range `[start, end)` into one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// Whether `other` lies within this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Converts the parser's character indices into byte offsets.
///
/// For pure-ASCII text the two are equal. Otherwise a checkpoint is stored
/// every [`CharToByte::STRIDE`] characters and the rest is walked, so the
/// table costs a few bytes per hundred characters.
pub struct CharToByte<'a> {
    text: &'a str,
    /// Byte offset added to every position (a UTF-8 byte-order mark that was
    /// stripped before parsing).
    base: usize,
    checkpoints: Option<Vec<usize>>,
}

impl<'a> CharToByte<'a> {
    const STRIDE: usize = 16;

    /// `text` is exactly the string handed to the parser; `base` is its byte
    /// offset inside the file.
    pub fn new(text: &'a str, base: usize) -> Self {
        let checkpoints = if text.is_ascii() {
            None
        } else {
            let mut v = Vec::with_capacity(text.len() / Self::STRIDE + 1);
            for (i, (b, _)) in text.char_indices().enumerate() {
                if i % Self::STRIDE == 0 {
                    v.push(b);
                }
            }
            Some(v)
        };
        CharToByte {
            text,
            base,
            checkpoints,
        }
    }

    /// Byte offset (in the file) of the character with index `chars`.
    /// Indices past the end clamp to the end of the text.
    pub fn byte(&self, chars: usize) -> usize {
        let local = match &self.checkpoints {
            None => chars.min(self.text.len()),
            Some(cp) => {
                let slot = chars / Self::STRIDE;
                match cp.get(slot) {
                    None => self.text.len(),
                    Some(&start) => {
                        let rest = chars - slot * Self::STRIDE;
                        self.text[start..]
                            .char_indices()
                            .nth(rest)
                            .map(|(b, _)| start + b)
                            .unwrap_or(self.text.len())
                    }
                }
            }
        };
        self.base + local
    }

    pub fn span(&self, start_chars: usize, end_chars: usize) -> Span {
        Span::new(
            self.byte(start_chars),
            self.byte(end_chars.max(start_chars)),
        )
    }
}

/// Line starts of a text, for turning byte offsets into line and column.
/// `\n`, `\r\n` and a lone `\r` each end a line.
///
/// Columns count characters. So that a column costs the same on a 10 MB
/// one-line file as on a short line, text that is not pure ASCII keeps a
/// checkpoint every [`LineIndex::STRIDE`] bytes: the number of characters
/// before it. A column is then at most one stride of counting away.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(byte, characters before it)` at the last character boundary at or
    /// before every multiple of `STRIDE`; empty for ASCII text, where
    /// characters are bytes.
    checkpoints: Vec<(usize, usize)>,
}

/// A human position: 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    const STRIDE: usize = 256;

    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        let mut checkpoints = Vec::new();
        if !text.is_ascii() {
            checkpoints.reserve(text.len() / Self::STRIDE + 1);
            let mut chars = 0;
            let mut at = 0;
            for k in 0..=text.len() / Self::STRIDE {
                let mut target = k * Self::STRIDE;
                while !text.is_char_boundary(target) {
                    target -= 1;
                }
                chars += text[at..target].chars().count();
                at = target;
                checkpoints.push((at, chars));
            }
        }
        crate::work::add(text.len() / 64);
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// A byte offset clamped to the text and moved back to a character boundary.
    fn boundary(text: &str, offset: usize) -> usize {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The number of characters before byte `offset` (a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.checkpoints.is_empty() {
            return offset;
        }
        let (at, chars) = self.checkpoints[(offset / Self::STRIDE).min(self.checkpoints.len() - 1)];
        crate::work::add(offset - at);
        chars + text[at..offset].chars().count()
    }

    /// Position of byte `offset` (clamped to the text, and moved back to a
    /// character boundary if needed).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = Self::boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1].min(offset);
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        LineCol { line, column }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The number of lines (a text that ends with a line break has an empty
    /// last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of 1-based `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = self.line_start(line)?;
        let mut end = self.line_start(line + 1).unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(start..end)
    }

    /// The byte offset of the character at 0-based character `column` of the
    /// line that starts at byte `line_start`, clamped to `line_end`.
    pub fn byte_at_column(
        &self,
        text: &str,
        line_start: usize,
        line_end: usize,
        column: usize,
    ) -> usize {
        if self.checkpoints.is_empty() {
            return (line_start + column).min(line_end);
        }
        let target = self.chars_before(text, line_start) + column;
        // The last checkpoint at or before the target character.
        let k = self.checkpoints.partition_point(|&(_, c)| c <= target);
        let (mut at, mut chars) = self.checkpoints[k.saturating_sub(1)];
        if at < line_start {
            at = line_start;
            chars = self.chars_before(text, line_start);
        }
        let mut steps = 0;
        for (b, _) in text[at..line_end].char_indices() {
            steps += 1;
            if chars == target {
                crate::work::add(steps);
                return at + b;
            }
            chars += 1;
        }
        crate::work::add(steps);
        line_end
    }
}

/// A file other than the one being checked whose text lies in its offset
/// space (a template a campaign names, a partial a template includes).
#[derive(Debug)]
pub struct Source {
    /// The name shown in the output.
    pub name: String,
    /// Its real path, when it was read from disk (two names of one file
    /// are one file).
    pub real: Option<std::path::PathBuf>,
    pub text: std::sync::Arc<str>,
    pub lines: std::sync::OnceLock<LineIndex>,
}

impl Source {
    pub fn new(name: String, real: Option<std::path::PathBuf>, text: std::sync::Arc<str>) -> Self {
        Source {
            name,
            real,
            text,
            lines: Default::default(),
        }
    }

    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_col(&self, local: usize) -> LineCol {
        self.lines().line_col(&self.text, local)
    }
}

/// A stretch of the offset space holding bytes of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Where it starts in the offset space.
    pub base: usize,
    /// Where its bytes start in their file, and how many there are.
    pub start: usize,
    pub len: usize,
    /// Which file: `None` for the file being checked, else an index into
    /// [`Sources::files`].
    pub file: Option<usize>,
    /// For text written another way (a JSX `{firstName}` laid as
    /// `{{ firstName }}`), the length of the bytes it stands for: every
    /// offset inside it means all of them.
    pub stands_for: Option<usize>,
}

/// The files one checked file's spans point into. The checked file's own
/// text comes first, at offset 0; after it, pieces of text are laid end to
/// end, each one byte after the one before so that no offset belongs to
/// two pieces: the whole of a template a campaign names, or a template
/// rendered with its includes (its own bytes up to an include, the
/// partial's, then its own again), so that rules read the copy as it is
/// sent while every span still names its file.
#[derive(Debug, Default)]
pub struct Sources {
    /// The checked file's own length.
    pub own: usize,
    pub files: Vec<Source>,
    /// Sorted by `base`.
    pub pieces: Vec<Piece>,
}

impl Sources {
    /// No files but the checked one, `own` bytes long.
    pub fn alone(own: usize) -> Self {
        Sources {
            own,
            files: Vec::new(),
            pieces: Vec::new(),
        }
    }

    /// Adds a file (not yet laid out); returns its index.
    pub fn add_file(
        &mut self,
        name: String,
        real: Option<std::path::PathBuf>,
        text: std::sync::Arc<str>,
    ) -> usize {
        self.files.push(Source::new(name, real, text));
        self.files.len() - 1
    }

    /// The text of a file (`None`: the checked one, whose text the caller has).
    pub fn text_of<'s>(&'s self, file: Option<usize>, own: &'s str) -> &'s str {
        match file {
            Some(k) => &self.files[k].text,
            None => own,
        }
    }

    /// Lays `range` of a file at the end of the offset space (`space`, the
    /// whole text so far); returns where it landed.
    pub fn lay(
        &mut self,
        space: &mut String,
        file: Option<usize>,
        range: Range<usize>,
        own: &str,
    ) -> Range<usize> {
        let text = self.text_of(file, own);
        let end = range.end.min(text.len());
        let range = range.start.min(end)..end;
        space.push('\n');
        let base = space.len();
        space.push_str(&text[range.clone()]);
        self.pieces.push(Piece {
            base,
            start: range.start,
            len: range.len(),
            file,
            stands_for: None,
        });
        base..base + range.len()
    }

    /// Lays `range` of a file right after the text before it, with no
    /// line break between (pieces of one sentence).
    pub fn lay_joined(
        &mut self,
        space: &mut String,
        file: Option<usize>,
        range: Range<usize>,
        own: &str,
    ) -> Range<usize> {
        let text = self.text_of(file, own);
        let end = range.end.min(text.len());
        let range = range.start.min(end)..end;
        let base = space.len();
        space.push_str(&text[range.clone()]);
        self.pieces.push(Piece {
            base,
            start: range.start,
            len: range.len(),
            file,
            stands_for: None,
        });
        base..base + range.len()
    }

    /// Lays `text`, which stands for `range` of a file written another
    /// way; a span inside it is the whole of `range`.
    pub fn lay_standing_for(
        &mut self,
        space: &mut String,
        text: &str,
        file: Option<usize>,
        range: Range<usize>,
    ) -> Range<usize> {
        let base = space.len();
        space.push_str(text);
        self.pieces.push(Piece {
            base,
            start: range.start,
            len: text.len(),
            file,
            stands_for: Some(range.len()),
        });
        base..base + text.len()
    }

    /// Whether a span's bytes are the file's own, as written (not text
    /// laid to stand for other bytes, which an edit must not target).
    pub fn as_written(&self, span: Span) -> bool {
        if span.start <= self.own || self.pieces.is_empty() {
            return true;
        }
        let i = self
            .pieces
            .partition_point(|p| p.base <= span.start)
            .saturating_sub(1);
        self.pieces[i].stands_for.is_none()
    }

    /// The file a span lies in (`None`: the checked file) and the span
    /// within that file.
    pub fn locate(&self, span: Span) -> (Option<usize>, Span) {
        if span.start <= self.own || self.pieces.is_empty() {
            return (None, span);
        }
        let i = self
            .pieces
            .partition_point(|p| p.base <= span.start)
            .saturating_sub(1);
        let p = &self.pieces[i];
        if let Some(len) = p.stands_for {
            return (p.file, Span::new(p.start, p.start + len));
        }
        let start = (span.start - p.base).min(p.len);
        let end = span.end.saturating_sub(p.base).clamp(start, p.len);
        (p.file, Span::new(p.start + start, p.start + end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn offsets_map_back_to_their_file() {
        let own = "0123456789";
        let mut space = own.to_string();
        let mut sources = Sources::alone(own.len());
        let a = sources.add_file("a".into(), None, Arc::from("hello"));
        let b = sources.add_file("b".into(), None, Arc::from("world!"));
        assert_eq!(sources.lay(&mut space, Some(a), 0..5, own), 11..16);
        assert_eq!(sources.lay(&mut space, Some(b), 0..6, own), 17..23);
        // A piece of the checked file itself, laid again (a rendered body).
        assert_eq!(sources.lay(&mut space, None, 4..8, own), 24..28);
        assert_eq!(&space[11..16], "hello");
        assert_eq!(sources.locate(Span::new(3, 5)), (None, Span::new(3, 5)));
        assert_eq!(sources.locate(Span::new(10, 10)), (None, Span::new(10, 10)));
        assert_eq!(
            sources.locate(Span::new(12, 14)),
            (Some(0), Span::new(1, 3))
        );
        assert_eq!(
            sources.locate(Span::new(17, 23)),
            (Some(1), Span::new(0, 6))
        );
        // A span running past its piece is kept inside it.
        assert_eq!(
            sources.locate(Span::new(20, 99)),
            (Some(1), Span::new(3, 6))
        );
        assert_eq!(sources.locate(Span::new(25, 27)), (None, Span::new(5, 7)));
        assert_eq!(&own[5..7], &space[25..27]);
        // Joined pieces, and text standing for other bytes.
        let j = sources.lay_joined(&mut space, None, 0..2, own);
        assert_eq!(j.start, 28);
        let t = sources.lay_standing_for(&mut space, "{{ x }}", None, 2..5);
        assert_eq!(t, 30..37);
        assert_eq!(sources.locate(Span::new(33, 34)), (None, Span::new(2, 5)));
        assert_eq!(sources.locate(Span::new(29, 30)), (None, Span::new(1, 2)));
    }

    #[test]
    fn ascii_char_index_is_byte_index() {
        let t = "abc: def";
        let c = CharToByte::new(t, 0);
        assert_eq!(c.byte(5), 5);
        assert_eq!(c.span(5, 8), Span::new(5, 8));
        assert_eq!(c.byte(100), 8);
    }

    #[test]
    fn multibyte_chars_shift_byte_offsets() {
        let t = "a: 🎉 é x";
        let c = CharToByte::new(t, 0);
        // chars: a : ␠ 🎉 ␠ é ␠ x
        assert_eq!(c.byte(3), 3); // 🎉 starts at byte 3
        assert_eq!(c.byte(4), 7); // the space after the 4-byte emoji
        assert_eq!(c.byte(5), 8); // é
        assert_eq!(c.byte(7), 11); // x
        assert_eq!(&t[c.byte(7)..], "x");
    }

    #[test]
    fn checkpoints_cover_long_text() {
        let t: String = "é".repeat(300) + "x";
        let c = CharToByte::new(&t, 3);
        assert_eq!(c.byte(300), 3 + 600);
        assert_eq!(c.byte(129), 3 + 258);
    }

    #[test]
    fn line_col_counts_characters_and_all_line_endings() {
        let t = "a\r\nb🎉c\rd\ne";
        let li = LineIndex::new(t);
        assert_eq!(li.line_col(t, 0), LineCol { line: 1, column: 1 });
        assert_eq!(li.line_col(t, 3), LineCol { line: 2, column: 1 });
        // 'c' is after a 4-byte emoji: column 3 in characters
        let c = t.find('c').unwrap();
        assert_eq!(li.line_col(t, c), LineCol { line: 2, column: 3 });
        let d = t.find('d').unwrap();
        assert_eq!(li.line_col(t, d), LineCol { line: 3, column: 1 });
        let e = t.find('e').unwrap();
        assert_eq!(li.line_col(t, e), LineCol { line: 4, column: 1 });
        // inside the emoji: moved back to its start
        assert_eq!(li.line_col(t, 6), LineCol { line: 2, column: 2 });
        assert_eq!(li.line_range(t, 1), Some(0..1));
        assert_eq!(li.line_range(t, 2), Some(3..9));
        assert_eq!(li.line_count(), 4);
    }

    #[test]
    fn columns_on_long_lines_agree_with_counting_and_cost_a_stride() {
        let line: String = "aé🎉 ".repeat(5_000);
        let t = format!("x\n{line}\ny");
        let li = LineIndex::new(&t);
        let start = li.line_start(2).unwrap();
        for (n, (b, _)) in t[start..].char_indices().enumerate().step_by(997) {
            let at = start + b;
            assert_eq!(
                li.line_col(&t, at),
                LineCol {
                    line: 2,
                    column: n + 1
                }
            );
            let end = li.line_range(&t, 2).unwrap().end;
            assert_eq!(li.byte_at_column(&t, start, end, n), at);
        }
        // The work of one lookup does not grow with the line.
        let cost = |t: &str| {
            let li = LineIndex::new(t);
            crate::work::count(|| li.line_col(t, t.len() - 1)).1
        };
        let long = format!("{line}{line}");
        assert!(cost(&long) <= 2 * LineIndex::STRIDE as u64 + 8);
        assert!(cost(&line) <= 2 * LineIndex::STRIDE as u64 + 8);
    }
}
