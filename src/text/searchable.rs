//! A text prepared for the vocabularies: its languages, and its words and
//! their stems worked out once, however many vocabularies and rules read it.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use crate::text::language::{words, Lang, Langs, Stemmer, Word};

static STEMMERS: LazyLock<Vec<Stemmer>> =
    LazyLock::new(|| Lang::ALL.iter().map(|l| Stemmer::new(*l)).collect());

/// The stemmer of a language, made once per process.
pub fn stemmer(lang: Lang) -> &'static Stemmer {
    &STEMMERS[lang.index()]
}

/// Reads an identifier-like name the way the vocabularies expect: `_`, `-`,
/// `.` and `:` become spaces. Byte offsets are unchanged.
pub fn words_of_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '_' | '-' | '.' | ':' | '/') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A text to match vocabularies against, in the languages it may be in.
#[derive(Clone)]
pub struct Searchable<'a> {
    pub text: Cow<'a, str>,
    /// The languages whose vocabularies apply (entries of no language apply
    /// to every text).
    pub langs: Langs,
    words: OnceCell<Vec<Word>>,
    keys: [OnceCell<Vec<u64>>; 7],
    /// Phrases that contain a vocabulary word but mean something else
    /// ("baby carrots"): their ranges, with the kinds they hide (a bit per
    /// kind), found the first time a vocabulary asks.
    exceptions: OnceCell<Vec<(Range<usize>, u32)>>,
}

impl<'a> Searchable<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>, langs: Langs) -> Searchable<'a> {
        Searchable {
            text: text.into(),
            langs,
            words: OnceCell::new(),
            keys: Default::default(),
            exceptions: OnceCell::new(),
        }
    }

    /// An identifier (`fathers_day_opt_out`, `profile.gender`) read as
    /// words: `_`, `-`, `.`, `:` and `/` become spaces; byte offsets stay.
    pub fn name(name: &str, langs: Langs) -> Searchable<'static> {
        Searchable::new(words_of_name(name), langs)
    }

    /// The words of the text.
    pub fn words(&self) -> &[Word] {
        self.words.get_or_init(|| words(&self.text))
    }

    /// The stem keys of the words, in `lang`.
    pub fn keys(&self, lang: Lang) -> &[u64] {
        self.keys[lang.index()].get_or_init(|| {
            let s = stemmer(lang);
            let w = self.words();
            crate::work::add(w.len());
            w.iter().map(|w| s.key(w.lower(&self.text))).collect()
        })
    }

    /// The exception phrases' ranges, computed once with `find`.
    pub(crate) fn exceptions(
        &self,
        find: impl FnOnce(&Searchable) -> Vec<(Range<usize>, u32)>,
    ) -> &[(Range<usize>, u32)] {
        self.exceptions.get_or_init(|| find(self))
    }
}

impl std::fmt::Debug for Searchable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searchable")
            .field("text", &self.text)
            .field("langs", &self.langs)
            .finish()
    }
}
