//! A text prepared for the vocabularies: its languages, and its words and
//! their stems worked out once, however many vocabularies and rules read it.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::rc::Rc;
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
    /// The candidate entries each vocabulary's sets found, by lexicon and
    /// group of languages: rules ask one kind about the same text again
    /// (one compliance category after another).
    candidates: RefCell<Vec<KeptCandidates>>,
    /// Whether to keep them: only for texts rules read again and again
    /// (keeping costs more than it saves on a name read once).
    keeps_candidates: bool,
}

/// One lexicon's candidates in one group of languages: (lexicon, group,
/// entries).
type KeptCandidates = (u64, usize, Rc<[usize]>);

impl<'a> Searchable<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>, langs: Langs) -> Searchable<'a> {
        Searchable {
            text: text.into(),
            langs,
            words: OnceCell::new(),
            keys: Default::default(),
            exceptions: OnceCell::new(),
            candidates: RefCell::new(Vec::new()),
            keeps_candidates: false,
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

    /// A text that several rules ask the same vocabulary about (the copy
    /// a compliance rule reads for each category it wants): each
    /// vocabulary's candidates are found once and kept.
    pub fn keeping_candidates(mut self) -> Self {
        self.keeps_candidates = true;
        self
    }

    /// The candidates lexicon `lexicon` found in group `group`, found with
    /// `find` the first time it asks (kept if the text keeps them).
    pub(crate) fn candidates(
        &self,
        lexicon: u64,
        group: usize,
        find: impl FnOnce(&str) -> Vec<usize>,
    ) -> std::borrow::Cow<'_, [usize]> {
        if !self.keeps_candidates {
            return find(&self.text).into();
        }
        let known = self
            .candidates
            .borrow()
            .iter()
            .find(|(l, g, _)| *l == lexicon && *g == group)
            .map(|(_, _, found)| found.clone());
        let found = known.unwrap_or_else(|| {
            let found: Rc<[usize]> = find(&self.text).into();
            self.candidates
                .borrow_mut()
                .push((lexicon, group, found.clone()));
            found
        });
        found.to_vec().into()
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
