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
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A human position: 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
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
        LineIndex { starts }
    }

    /// Position of byte `offset` (clamped to the text, and moved back to a
    /// character boundary if needed).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = text[start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
