//! Whether copy speaks to its reader about them, or about someone else.
//!
//! A sentence speaks to the reader when it addresses them (second person:
//! "your pregnancy", "as a new mum, you…"), congratulates them, or is a short
//! question with no other subject ("Recently separated?", "Feeling
//! anxious?"). Otherwise it reports: a story about a rescued dog that was
//! pregnant, a charity's work with refugees, an interview about men's mental
//! health. The words that mark each are data, per language, in the
//! `reader-address` packs (`checks/reader-address.yaml`, `checks/<lang>/`).

use std::ops::Range;

use crate::knowledge::checks::Checks;
use crate::text::searchable::Searchable;

/// A sentence is looked for at most this far on either side of a word, so
/// that a long body without punctuation costs a window per word, not a
/// scan of the body.
const REACH: usize = 320;

/// How many words a question may have and still be a short one about the
/// reader ("New here and recently separated?").
pub const SHORT_QUESTION: usize = 8;

/// The marks of address in one text: where it speaks to the reader, and
/// where about someone else, each sorted by position.
#[derive(Debug, Default)]
pub struct Marks {
    reader: Vec<usize>,
    others: Vec<usize>,
}

impl Marks {
    /// The marks of a text, found once.
    pub fn of(t: &Searchable, checks: &Checks) -> Marks {
        let lex = &checks.reader_address;
        let mut marks = Marks::default();
        for m in lex.find_all(t) {
            match lex.entries[m.entry].id.as_str() {
                "second-person" | "congratulation" => marks.reader.push(m.range.start),
                "third-person" => marks.others.push(m.range.start),
                _ => {}
            }
        }
        marks
    }

    fn any_in(list: &[usize], r: &Range<usize>) -> bool {
        let i = list.partition_point(|&p| p < r.start);
        list.get(i).is_some_and(|&p| p < r.end)
    }
}

/// The sentence around `range` in `text`: from the end of the previous
/// sentence to the end of this one (its `?` or `!` included).
pub fn sentence(text: &str, range: &Range<usize>) -> Range<usize> {
    let ends = |c: char| {
        matches!(
            c,
            '.' | '!' | '?' | '…' | '\n' | '\r' | '¿' | '¡' | '|' | '•'
        )
    };
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(range.start.saturating_sub(REACH));
    let start = text[from..range.start]
        .char_indices()
        .rev()
        .find(|(_, c)| ends(*c) && !matches!(c, '¿' | '¡'))
        .map(|(i, c)| from + i + c.len_utf8())
        .unwrap_or(from);
    // An opening `¿` or `¡` starts the sentence it opens.
    let start = text[from..range.start]
        .char_indices()
        .rev()
        .find(|(i, c)| matches!(c, '¿' | '¡') && from + i >= start)
        .map(|(i, _)| from + i)
        .unwrap_or(start);
    let to = floor((range.end + REACH).min(text.len()));
    let end = text[range.end..to]
        .char_indices()
        .find(|(_, c)| ends(*c) && !matches!(c, '¿' | '¡'))
        .map(|(i, c)| {
            range.end
                + i
                + if matches!(c, '?' | '!' | '.' | '…') {
                    c.len_utf8()
                } else {
                    0
                }
        })
        .unwrap_or(to);
    crate::work::add((end - start) / 16 + 1);
    start..end
}

/// Whether a sentence is a question.
pub fn is_question(text: &str, s: &Range<usize>) -> bool {
    let t = text[s.clone()].trim();
    t.ends_with('?') || t.starts_with('¿') || t.ends_with('？')
}

/// The number of words in a sentence.
pub fn word_count(text: &str, s: &Range<usize>) -> usize {
    text[s.clone()]
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .count()
}

/// Whether the sentence around `range` speaks to the reader about them.
pub fn speaks_to_reader(text: &str, range: &Range<usize>, marks: &Marks) -> bool {
    let s = sentence(text, range);
    if Marks::any_in(&marks.reader, &s) {
        return true;
    }
    is_short_question(text, &s, marks)
}

/// A short question with no subject but the reader: "Recently separated?"
pub fn is_short_question(text: &str, s: &Range<usize>, marks: &Marks) -> bool {
    is_question(text, s)
        && word_count(text, s) <= SHORT_QUESTION
        && !Marks::any_in(&marks.others, s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::language::{Lang, Langs};

    fn reads(text: &str, word: &str) -> bool {
        let t = Searchable::new(text, Langs::of(Lang::En));
        let marks = Marks::of(&t, Checks::builtin());
        let at = text.find(word).unwrap();
        speaks_to_reader(text, &(at..at + word.len()), &marks)
    }

    #[test]
    fn sentences_end_at_their_punctuation() {
        let t = "First one. Recently separated? Then more.";
        let at = t.find("separated").unwrap();
        assert_eq!(&t[sentence(t, &(at..at + 9))], " Recently separated?");
        let t = "Hola. ¿Recién separada? Más.";
        let at = t.find("separada").unwrap();
        assert_eq!(&t[sentence(t, &(at..at + 8))], "¿Recién separada?");
    }

    #[test]
    fn second_person_congratulations_and_short_questions_speak_to_the_reader() {
        assert!(reads("Everything for your pregnancy.", "pregnancy"));
        assert!(reads(
            "Congratulations on the little one! We love babies.",
            "little one"
        ));
        assert!(reads("Recently separated? Treat yourself.", "separated"));
        assert!(reads("Feeling anxious? We can help.", "anxious"));
        assert!(reads("As a new mum, you deserve a break.", "new mum"));
    }

    #[test]
    fn stories_about_others_do_not() {
        assert!(!reads(
            "Bella was pregnant when the shelter found her.",
            "pregnant"
        ));
        assert!(!reads("The charity helps refugees find homes.", "refugees"));
        assert!(!reads(
            "In this interview, he talks about men's mental health.",
            "mental health"
        ));
        assert!(!reads(
            "Why did the news cause so much anxiety for them?",
            "anxiety"
        ));
        assert!(!reads(
            "Can a long-distance runner eat well while training for a marathon in winter?",
            "runner"
        ));
    }
}
