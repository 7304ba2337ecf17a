//! The forms a vocabulary pattern is matched in: one alternation of an
//! entry's patterns, its whole-word regex, its widened form (what the
//! candidate sets hold) and its form for plain ASCII text.
//!
//! Plain text rewriting with no dependency on the rest of preflight:
//! `build.rs` includes this file too, to parse the built-in packs' widened
//! forms when preflight is built.

/// An entry's patterns as one alternation.
pub fn alternation(patterns: &[String]) -> String {
    patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|")
}

/// The whole-word regex of an alternation: no letter, digit or `_` glued on
/// either side.
pub fn whole_words(alternation: &str) -> String {
    format!(r"\b{{start-half}}(?:{alternation})\b{{end-half}}")
}

/// A class escape or word boundary of a pattern.
enum Escape<'p> {
    /// `\w`; `true` inside a bracketed class (`[\w.-]`).
    Word(bool),
    /// `\d`; `true` inside a bracketed class.
    Digit(bool),
    /// `\b` or `\B`, with its `{start-half}`-style braces if any, as written.
    Boundary(&'p str),
    /// A class of letters (`\p{L}`, `\pL`, `\p{Lu}`, `\p{Ll}`), as written;
    /// `true` inside a bracketed class.
    Letter(&'p str, bool),
}

/// How deep a pattern is in bracketed classes, read character by character
/// outside escapes: `[` opens one (nested classes too), `]` closes one
/// unless it comes first in its class (`[]a]`, `[^]a]` hold a `]`).
#[derive(Default)]
struct ClassDepth {
    depth: usize,
    /// Characters read since the innermost `[`, with a leading `^` unread.
    since_open: usize,
    /// Whether each open class is negated (`[^…]`), innermost last.
    negated: Vec<bool>,
}

impl ClassDepth {
    fn read(&mut self, c: char) {
        match c {
            '[' => {
                self.depth += 1;
                self.since_open = 0;
                self.negated.push(false);
                return;
            }
            '^' if self.depth > 0 && self.since_open == 0 => {
                if let Some(n) = self.negated.last_mut() {
                    *n = true;
                }
                return;
            }
            ']' if self.depth > 0 && self.since_open > 0 => {
                self.depth -= 1;
                self.negated.pop();
            }
            _ => {}
        }
        self.since_open += 1;
    }

    /// Inside an odd number of negated classes: what an escape matches
    /// there is taken away, so widening it would narrow the pattern.
    fn negated(&self) -> bool {
        self.negated.iter().filter(|n| **n).count() % 2 == 1
    }

    fn escape(&mut self) {
        self.since_open += 1;
    }

    fn inside(&self) -> bool {
        self.depth > 0
    }
}

/// The length of a letter class's name after `\p` (`{L}`, `L`, `{Lu}`,
/// `{Ll}`), if that is what follows.
fn letter_class(after_p: &str) -> Option<usize> {
    ["{L}", "{Lu}", "{Ll}", "L"]
        .into_iter()
        .find(|name| after_p.starts_with(name))
        .map(str::len)
}

/// Rewrites a pattern's `\w`, `\d`, `\b` and `\B` with `with`, leaving every
/// other character and escape as written. With `widening` (see
/// [`widened`]), a bracketed class that holds a rewritten class is written
/// case-sensitive as a whole, `(?-i:[…])`, and the escapes inside a negated
/// class stay as written: widening what a class leaves out would narrow it.
fn rewrite_escapes(pattern: &str, widening: bool, with: impl Fn(Escape) -> String) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    let mut class = ClassDepth::default();
    // Where the outermost class being read opened in `out`, and whether it
    // holds a `\w`.
    let mut opened = 0;
    let mut has_word = false;
    let mut literal =
        |out: &mut String, class: &mut ClassDepth, text: &str, has_word: &mut bool| {
            for c in text.chars() {
                let before = class.depth;
                class.read(c);
                if before == 0 && class.depth == 1 {
                    opened = out.len();
                    *has_word = false;
                }
                out.push(c);
                if before == 1 && class.depth == 0 && *has_word {
                    out.insert_str(opened, "(?-i:");
                    out.push(')');
                }
            }
        };
    while let Some(at) = rest.find('\\') {
        literal(&mut out, &mut class, &rest[..at], &mut has_word);
        let escape = &rest[at..];
        let mut chars = escape.chars();
        chars.next();
        let len = match chars.next() {
            Some(c @ ('w' | 'd' | 'p')) if widening && class.negated() => {
                let len = match c {
                    'p' => 2 + letter_class(&escape[2..]).unwrap_or(0),
                    _ => 2,
                };
                out.push_str(&escape[..len]);
                len
            }
            Some('w') => {
                has_word |= widening && class.inside();
                out.push_str(&with(Escape::Word(class.inside())));
                2
            }
            Some('d') => {
                has_word |= widening && class.inside();
                out.push_str(&with(Escape::Digit(class.inside())));
                2
            }
            Some('p') if letter_class(&escape[2..]).is_some() => {
                let len = 2 + letter_class(&escape[2..]).unwrap_or(0);
                has_word |= widening && class.inside();
                out.push_str(&with(Escape::Letter(&escape[..len], class.inside())));
                len
            }
            Some('b' | 'B') => {
                let braces = escape[2..]
                    .strip_prefix('{')
                    .and_then(|r| r.find('}'))
                    .map_or(0, |end| end + 2);
                out.push_str(&with(Escape::Boundary(&escape[..2 + braces])));
                2 + braces
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
                1 + other.len_utf8()
            }
            None => {
                out.push('\\');
                1
            }
        };
        class.escape();
        rest = &escape[len..];
    }
    literal(&mut out, &mut class, rest, &mut has_word);
    out
}

/// A pattern rewritten to match a superset of what it matches, cheaply:
/// word boundaries (`\b`, `\B`) are dropped, `\w` becomes "anything but an
/// ASCII non-word character", `\d` "an ASCII digit or any non-ASCII
/// character" and the letter classes (`\p{L}`, `\p{Lu}`, `\p{Ll}`) "an
/// ASCII letter or any non-ASCII character". Unicode `\w` is a class of
/// hundreds of ranges that takes most of the start-up time to compile, and
/// Unicode word boundaries stop the fast matcher; the candidate set needs
/// neither, since each candidate is confirmed by its exact pattern.
///
/// Case folding a class of every non-ASCII character costs more than the
/// rest of the pattern, so these classes are written case-sensitive,
/// `(?-i:…)`: the word and letter classes hold every letter of every case
/// already, and the digit class only loses the letters that fold from
/// non-ASCII ones (the Kelvin sign's `k`), which its exact pattern never
/// matches either. A bracketed class that holds one of them is written
/// case-sensitive as a whole, `(?-i:[…])`, and a `\d` in it stands for ASCII
/// letters too: such a class then holds every letter of every case, so
/// folding adds nothing to it, negated or not.
pub fn widened(pattern: &str) -> String {
    rewrite_escapes(pattern, true, |e| match e {
        // A class inside a class is a nested class; a group is not allowed
        // there.
        Escape::Word(true) => r"[^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F]".into(),
        Escape::Word(false) => r"(?-i:[^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F])".into(),
        // Inside a class, digits, ASCII letters and anything not ASCII: a
        // class that holds every letter needs no case folding.
        Escape::Digit(true) => r"[^\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F]".into(),
        Escape::Digit(false) => r"(?-i:[^\x00-\x2F\x3A-\x7F])".into(),
        Escape::Letter(_, true) => r"[^\x00-\x40\x5B-\x60\x7B-\x7F]".into(),
        Escape::Letter(_, false) => r"(?-i:[^\x00-\x40\x5B-\x60\x7B-\x7F])".into(),
        Escape::Boundary(_) => String::new(),
    })
}

/// A pattern for ASCII text only: `\w`, `\d` and word boundaries become
/// their ASCII forms, which match exactly the same in ASCII text and
/// compile many times faster (Unicode `\w` is hundreds of ranges, closed
/// under case folding).
pub fn for_ascii(pattern: &str) -> String {
    rewrite_escapes(pattern, false, |e| match e {
        Escape::Word(_) => "[0-9A-Za-z_]".into(),
        Escape::Digit(_) => "[0-9]".into(),
        Escape::Boundary(b) => format!("(?-u:{b})"),
        Escape::Letter(as_written, _) => as_written.into(),
    })
}
