//! Vocabulary packs: the data behind the rules.
//!
//! Each pack in `checks/` is a YAML file of entries (id, category, message,
//! case-insensitive regex patterns, and a few optional fields). The packs are
//! embedded at build time and compiled once per process into one
//! [`Lexicon`] per kind: a lazy DFA finds which entries occur in a text in
//! one pass; only those entries' own regexes then locate the matches.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, OnceLock};

use regex::{Regex, RegexBuilder};
use regex_automata::meta;

use crate::input::source::Span;
use crate::input::yaml::{self, Node};
use crate::rule_meta::Severity;
use crate::text::language::{Lang, Langs};
use crate::text::searchable::Searchable;

use super::pattern_forms::{alternation, for_ascii, whole_words, widened};

// The packs shipped inside the binary: every pack under `checks/`, listed
// by `build.rs` (`BUILTIN_PACKS: &[(file name, text)]`), and the same
// packs' YAML trees parsed at build time (`BAKED_PACKS`).
include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// A built-in pack's YAML, parsed by `build.rs` with the parser the run
/// uses: reading the 300 KB of packs was a fifth of a one-file run.
enum Baked {
    /// A plain scalar YAML reads as null (no built-in pack has one today).
    #[allow(dead_code)]
    Null,
    Text(&'static str),
    List(&'static [Baked]),
    Map(&'static [(&'static str, Baked)]),
}

impl Baked {
    /// The tree [`read_pack`] reads (without locations: a built-in pack's
    /// errors are the test suite's to report, from its text).
    fn node(&self) -> Node {
        let scalar = |text: &str, style| {
            yaml::Value::Scalar(yaml::Scalar {
                text: text.to_string(),
                style,
            })
        };
        let value = match self {
            Baked::Null => scalar("", yaml::Style::Plain),
            Baked::Text(t) => scalar(t, yaml::Style::DoubleQuoted),
            Baked::List(items) => yaml::Value::Seq(items.iter().map(Baked::node).collect()),
            Baked::Map(entries) => yaml::Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| yaml::Entry {
                        key: Baked::Text(k).node(),
                        value: v.node(),
                    })
                    .collect(),
            ),
        };
        Node {
            span: Span::default(),
            value,
        }
    }
}

/// What a pack's entries are used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Occasion,
    Topic,
    SpecialCategory,
    TokenClass,
    SystemToken,
    Phrase,
    Dimension,
    OptOut,
    LifeStage,
    Seasonal,
    OptOutPrompt,
    Compliance,
    Consent,
    AdPolicy,
    PersonalAttribute,
    /// Phrases that contain a word of another kind but mean something else.
    Exception,
    /// How copy addresses its reader (second person, congratulations).
    ReaderAddress,
}

impl Kind {
    pub const NAMES: [(&'static str, Kind); 17] = [
        ("occasion", Kind::Occasion),
        ("topic", Kind::Topic),
        ("special-category", Kind::SpecialCategory),
        ("token-class", Kind::TokenClass),
        ("system-token", Kind::SystemToken),
        ("phrase", Kind::Phrase),
        ("dimension", Kind::Dimension),
        ("opt-out", Kind::OptOut),
        ("life-stage", Kind::LifeStage),
        ("seasonal", Kind::Seasonal),
        ("opt-out-prompt", Kind::OptOutPrompt),
        ("compliance", Kind::Compliance),
        ("consent", Kind::Consent),
        ("ad-policy", Kind::AdPolicy),
        ("personal-attribute", Kind::PersonalAttribute),
        ("exception", Kind::Exception),
        ("reader-address", Kind::ReaderAddress),
    ];

    pub fn name(self) -> &'static str {
        Kind::NAMES
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// One vocabulary entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    /// The language of the pack it came from; `None`: every language.
    pub lang: Option<Lang>,
    pub category: String,
    /// How to name the entry in a message (defaults to the category).
    pub label: Option<String>,
    pub message: String,
    /// For occasions: how opt-out and preference attributes name it.
    pub keys: Option<LazyRegex>,
    /// For token classes: the finding's severity in body copy.
    pub severity: Option<Severity>,
    /// Case-insensitive regular expressions, matched as whole words.
    pub patterns: Vec<String>,
    /// Words and phrases matched in every inflected form (by their stems in
    /// the pack's language): `separation` also finds `separated`.
    pub words: Vec<String>,
    /// Phrases that contain a match but mean something else ("baby blue").
    pub except: Option<LazyRegex>,
    /// For exceptions: the kinds they apply to (none listed: every kind).
    pub applies_to: Vec<Kind>,
    /// For compliance entries: the words a fix writes, in the pack's
    /// language (an SMS opt-out sentence, the text of an unsubscribe link).
    pub fix: Option<String>,
    /// One of preflight's own entries (validated by its tests, so not
    /// compiled again when a configuration's packs are checked).
    pub builtin: bool,
    /// For a built-in entry: its widened patterns as `build.rs` parsed them
    /// (a range of bytes of [`WIDENED_HIRS`]).
    baked_widened: Option<(usize, usize)>,
}

impl Entry {
    pub fn display(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.category)
    }

    /// Whether the entry applies to a text in `langs`.
    pub fn applies(&self, langs: Langs) -> bool {
        self.lang.is_none_or(|l| langs.contains(l))
    }
}

/// A case-insensitive regex of a pack, compiled the first time it is used:
/// most runs need the `keys` and `except` of only a few entries. A pack
/// from a configuration has it compiled when it is read, to report an error
/// at its place; preflight's own packs are checked by the test suite.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    fn new(source: String) -> LazyRegex {
        LazyRegex {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(source: String, re: Regex) -> LazyRegex {
        LazyRegex {
            source,
            compiled: OnceLock::from(re),
        }
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            RegexBuilder::new(&self.source)
                .case_insensitive(true)
                .size_limit(ENTRY_SIZE_LIMIT)
                .build()
                .expect("the pack's patterns were checked when it was read")
        })
    }
}

/// A match of one entry in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub entry: usize,
    pub range: Range<usize>,
}

/// One entry's own regex (its whole-word form, its ASCII form or its
/// widened form), case-insensitive: the lazy DFA and the PikeVM only, with
/// no prefilter, one-pass DFA or backtracker. A vocabulary pattern runs on
/// a campaign's copy a few times; building those engines cost more than
/// running without them (a fifth of one file's start-up).
fn entry_regex(source: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    entry_regex_builder().build(source).map_err(Box::new)
}

fn entry_regex_builder() -> meta::Builder {
    let mut builder = meta::Regex::builder();
    builder.syntax(pattern_syntax()).configure(
        meta::Config::new()
            .nfa_size_limit(Some(ENTRY_SIZE_LIMIT))
            .auto_prefilter(false)
            .onepass(false)
            .backtrack(false),
    );
    builder
}

/// How every vocabulary pattern is read: case-insensitive, Unicode.
fn pattern_syntax() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new().case_insensitive(true)
}

/// The most memory one entry's compiled regex may take. Vocabulary patterns
/// are small; a pattern over this (a counted `\w{200}` stands for thousands
/// of characters) is refused when its pack is read, quickly, instead of
/// taking seconds to compile.
const ENTRY_SIZE_LIMIT: usize = 4 << 20;

/// Compiles every form patterns take when they are matched: the widened
/// candidate form, the exact whole-word form for any text, and its form for
/// ASCII text. A pack that passes this never fails to compile mid-run.
fn every_form_compiles(patterns: &[String]) -> Result<(), String> {
    let alts = alternation(patterns);
    let exact = whole_words(&alts);
    for (form, source) in [
        ("text that is not plain ASCII", exact.clone()),
        ("plain ASCII text", for_ascii(&exact)),
        ("finding candidates", format!("(?:{})", widened(&alts))),
    ] {
        RegexBuilder::new(&source)
            .case_insensitive(true)
            .size_limit(ENTRY_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                let why = match e {
                    regex::Error::CompiledTooBig(_) => "it is too large once compiled (a repeated `\\w` or `.` stands for thousands of characters; write it shorter, or with `+` or `*` instead of a count)".to_string(),
                    other => other.to_string(),
                };
                format!("the pattern cannot be compiled for {form}: {why}")
            })?;
    }
    Ok(())
}

/// Ranges of text that hide the matches inside them, sorted, with the
/// furthest end reached so far, so that each match is checked by binary
/// search however many ranges there are.
struct Excepts {
    ranges: Vec<Range<usize>>,
    furthest: Vec<usize>,
}

impl Excepts {
    fn new(mut ranges: Vec<Range<usize>>) -> Excepts {
        ranges.sort_by_key(|r| r.start);
        let mut max = 0;
        let furthest = ranges
            .iter()
            .map(|r| {
                max = max.max(r.end);
                max
            })
            .collect();
        Excepts { ranges, furthest }
    }

    /// Whether some range holds all of `m`.
    fn covers(&self, m: &Range<usize>) -> bool {
        // The ranges that start at or before the match; the one of them that
        // reaches furthest covers the match exactly when it reaches its end.
        let n = self.ranges.partition_point(|r| r.start <= m.start);
        crate::work::add(self.ranges.len().max(1).ilog2() as usize + 1);
        n > 0 && self.furthest[n - 1] >= m.end
    }
}

/// The groups of entries a lexicon's candidate sets are compiled by: the
/// entries of every language, and those of each language.
const GROUPS: usize = 1 + Lang::ALL.len();

/// The group of the entries of a language (`None`: every language).
fn group_of(lang: Option<Lang>) -> usize {
    lang.map_or(0, |l| 1 + l.index())
}

/// The candidate set of one group of entries: their widened patterns, and
/// which entry each belongs to.
#[derive(Debug)]
struct LangSet {
    set: Option<CandidateSet>,
    entries: Vec<usize>,
}

/// Widened patterns matched together: which of them occur in a text, in
/// one pass of a lazy DFA. Built straight from the patterns rather than as
/// a `RegexSet`, whose meta engine also extracts literal prefilters and
/// builds reverse automata that a set asked only "which patterns occur"
/// never uses: that halves the time to build each set, most of the cost of
/// checking one file.
struct CandidateSet {
    dfa: regex_automata::hybrid::dfa::DFA,
    /// The DFA's caches, one taken by each search in progress.
    caches: std::sync::Mutex<Vec<regex_automata::hybrid::dfa::Cache>>,
}

impl std::fmt::Debug for CandidateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CandidateSet")
            .field("patterns", &self.dfa.pattern_len())
            .finish()
    }
}

impl CandidateSet {
    /// The set of patterns already parsed (see [`Lexicon::widened_hir`]).
    fn new(patterns: &[regex_syntax::hir::Hir]) -> Result<CandidateSet, String> {
        use regex_automata::hybrid::dfa::DFA;
        use regex_automata::nfa::thompson;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(SET_SIZE_LIMIT))
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many_from_hir(patterns)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    // Never give up on a text (the meta engine would fall
                    // back to a slower one): clear the cache and go on.
                    .minimum_cache_clear_count(None),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(CandidateSet {
            dfa,
            caches: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The indexes of the patterns that occur in `text`, in order.
    fn matches(&self, text: &str) -> Vec<usize> {
        let taken = self.caches.lock().ok().and_then(|mut c| c.pop());
        let mut cache = taken.unwrap_or_else(|| self.dfa.create_cache());
        let mut found = regex_automata::PatternSet::new(self.dfa.pattern_len());
        let input = regex_automata::Input::new(text);
        let searched = self
            .dfa
            .try_which_overlapping_matches(&mut cache, &input, &mut found);
        if let Ok(mut c) = self.caches.lock() {
            c.push(cache);
        }
        match searched {
            Ok(()) => found.iter().map(|p| p.as_usize()).collect(),
            // Without quit bytes and with giving up turned off, a lazy DFA
            // search does not fail; if it ever did, every pattern is a
            // candidate, and each is confirmed by its own regex.
            Err(_) => (0..self.dfa.pattern_len()).collect(),
        }
    }
}

/// The most memory a candidate set's automaton may take, as `RegexSet`'s
/// default allows.
const SET_SIZE_LIMIT: usize = 10 << 20;

/// One phrase of a word entry: the entry, and the stem keys of its words.
type Phrase = (usize, Box<[u64]>);

/// The word entries of one language, by the stem of their first word.
#[derive(Debug, Default)]
struct WordIndex {
    by_first: HashMap<u64, Vec<Phrase>>,
}

/// The compiled entries of one kind.
#[derive(Debug)]
pub struct Lexicon {
    pub kind: Kind,
    pub entries: Vec<Entry>,
    /// The candidate set of each set of languages (by [`Langs::bits`]),
    /// compiled on first use: a run that never needs a kind, or a
    /// language, never pays for it.
    sets: Vec<OnceLock<LangSet>>,
    /// Each entry's widened alternation, written when its set is first
    /// compiled; `None` for entries of words only.
    widened: Vec<OnceLock<Option<String>>>,
    /// Each entry's own regex, compiled the first time the set says it
    /// occurs (most runs need only a few of them), searched anchored at
    /// each place its widened form matches (see [`Lexicon::entry_matches`]).
    each: Vec<OnceLock<meta::Regex>>,
    /// Each entry's widened alternation compiled alone: where it matches is
    /// where the entry's own regex may start.
    each_widened: Vec<OnceLock<meta::Regex>>,
    /// Each entry's whole-word regex, written when it is first compiled.
    sources: Vec<OnceLock<String>>,
    /// The same regexes for ASCII text, where Unicode classes and word
    /// boundaries mean the same as ASCII ones and cost far less to compile.
    each_ascii: Vec<OnceLock<meta::Regex>>,
    /// The word entries of each language, indexed the first time a text in
    /// that language is read: stemming every word entry in every language
    /// was a tenth of a one-file run.
    words: Vec<OnceLock<WordIndex>>,
    /// The exception phrases, which hide matches of this kind.
    exceptions: Option<Arc<Lexicon>>,
    /// Tells this lexicon apart from every other in what a text keeps.
    id: u64,
}

impl Lexicon {
    fn build(kind: Kind, entries: Vec<Entry>, exceptions: Option<Arc<Lexicon>>) -> Lexicon {
        Lexicon {
            kind,
            sets: (0..GROUPS).map(|_| OnceLock::new()).collect(),
            widened: entries.iter().map(|_| OnceLock::new()).collect(),
            each: entries.iter().map(|_| OnceLock::new()).collect(),
            each_widened: entries.iter().map(|_| OnceLock::new()).collect(),
            sources: entries.iter().map(|_| OnceLock::new()).collect(),
            each_ascii: entries.iter().map(|_| OnceLock::new()).collect(),
            words: Lang::ALL.iter().map(|_| OnceLock::new()).collect(),
            entries,
            exceptions,
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }

    /// An entry's widened alternation, what its candidate set holds; `None`
    /// for an entry of words only. The set has no word boundaries: Unicode
    /// `\b` makes the regex engines fall back to their slowest matcher on
    /// any non-ASCII text (a curly quote, an emoji), and leaving it out only
    /// widens the set. Each candidate is then confirmed by its own regex,
    /// which does check whole words.
    fn widened_of(&self, entry: usize) -> Option<&str> {
        self.widened[entry]
            .get_or_init(|| {
                let e = &self.entries[entry];
                (!e.patterns.is_empty())
                    .then(|| format!("(?:{})", widened(&alternation(&e.patterns))))
            })
            .as_deref()
    }

    /// An entry's widened alternation, parsed: as `build.rs` parsed it for
    /// a built-in entry, parsed now for a user's.
    fn widened_hir(&self, entry: usize) -> Option<Result<regex_syntax::hir::Hir, String>> {
        if self.entries[entry].patterns.is_empty() {
            return None;
        }
        let baked = self.entries[entry].baked_widened.and_then(|(start, len)| {
            let code = super::baked_hir::unpack(WIDENED_HIRS.get(start..start + len)?)?;
            super::baked_hir::decode(&code)
        });
        Some(match baked {
            Some(hir) => Ok(hir),
            None => regex_automata::util::syntax::parse_with(
                self.widened_of(entry).unwrap_or_default(),
                &pattern_syntax(),
            )
            .map_err(|e| e.to_string()),
        })
    }

    /// An entry's whole-word regex.
    fn source_of(&self, entry: usize) -> &str {
        self.sources[entry].get_or_init(|| whole_words(&alternation(&self.entries[entry].patterns)))
    }

    /// The word entries of a language, by the stem keys of their first word.
    fn word_index(&self, lang: Lang) -> &WordIndex {
        self.words[lang.index()].get_or_init(|| {
            let mut index = WordIndex::default();
            let stemmer = crate::text::searchable::stemmer(lang);
            for (i, e) in self.entries.iter().enumerate() {
                if !e.applies(Langs::of(lang)) || e.words.is_empty() {
                    continue;
                }
                for phrase in &e.words {
                    let keys = stemmer.keys(phrase);
                    if let Some(first) = keys.first() {
                        index
                            .by_first
                            .entry(*first)
                            .or_default()
                            .push((i, keys.into_boxed_slice()));
                    }
                }
            }
            index
        })
    }

    /// The candidate set of one group of entries, compiled on first use:
    /// group 0 holds the entries of every language, group `1 + i` those of
    /// the language of index `i`. A text is scanned with the set of every
    /// language and the sets of its own languages, so however many
    /// combinations of languages a run meets, each set is compiled once.
    fn group_set(&self, group: usize) -> &LangSet {
        self.sets[group].get_or_init(|| {
            self.compile_set(group)
                .expect("checked when the packs were compiled")
        })
    }

    fn compile_set(&self, group: usize) -> Result<LangSet, String> {
        let mut entries = Vec::new();
        let mut patterns = Vec::new();
        for i in (0..self.entries.len()).filter(|&i| group_of(self.entries[i].lang) == group) {
            if let Some(hir) = self.widened_hir(i) {
                entries.push(i);
                patterns.push(hir?);
            }
        }
        let set = if patterns.is_empty() {
            None
        } else {
            Some(CandidateSet::new(&patterns)?)
        };
        Ok(LangSet { set, entries })
    }

    /// Compiles the set of every language now, reporting a pattern that
    /// does not compile (for packs from a configuration, which are checked
    /// before the run). The sets of fewer languages hold fewer patterns.
    fn validate(&self) -> Result<(), String> {
        for group in 0..GROUPS {
            let set = self.compile_set(group)?;
            let _ = self.sets[group].set(set);
        }
        // Each entry's regexes are compiled on first use: build all three
        // here too, as `entry_matches` builds them, so a pack never fails
        // mid-run.
        for (i, entry) in self.entries.iter().enumerate() {
            if entry.patterns.is_empty() || entry.builtin {
                continue;
            }
            let source = self.source_of(i);
            let widened = self.widened_of(i).unwrap_or_default();
            for form in [source, &for_ascii(source), widened] {
                entry_regex(form).map_err(|e| format!("entry `{}`: {e}", entry.id))?;
            }
        }
        Ok(())
    }

    /// Every whole-word match of every entry that applies to the text's
    /// languages, in text order (then entry order), outside the exception
    /// phrases. A match must not be glued to letters, digits or `_` on either
    /// side, so "expecting" does not match inside "unexpecting".
    pub fn find_all(&self, t: &Searchable) -> Vec<Match> {
        self.find_all_of(t, |_| true)
    }

    /// [`Lexicon::find_all`] for the entries `keep` accepts only: the others
    /// are not confirmed, which is most of the work when a rule asks about
    /// one category of a large vocabulary.
    pub fn find_all_of(&self, t: &Searchable, keep: impl Fn(&Entry) -> bool) -> Vec<Match> {
        let text: &str = &t.text;
        let mut out = Vec::new();
        let groups = std::iter::once(0).chain(t.langs.iter().map(|l| group_of(Some(l))));
        for group in groups {
            let found = t.candidates(self.id, group, |text| {
                let ls = self.group_set(group);
                match &ls.set {
                    Some(set) => set
                        .matches(text)
                        .into_iter()
                        .map(|i| ls.entries[i])
                        .collect(),
                    None => Vec::new(),
                }
            });
            for &i in found.iter() {
                if keep(&self.entries[i]) {
                    self.entry_matches(i, text, &mut out);
                }
            }
        }
        for lang in t.langs.iter() {
            let index = self.word_index(lang);
            if index.by_first.is_empty() {
                continue;
            }
            let keys = t.keys(lang);
            let words = t.words();
            let mut excepts: HashMap<usize, Excepts> = HashMap::new();
            for (i, key) in keys.iter().enumerate() {
                let Some(candidates) = index.by_first.get(key) else {
                    continue;
                };
                for (entry, seq) in candidates {
                    if !keys[i..].starts_with(seq) || !keep(&self.entries[*entry]) {
                        continue;
                    }
                    let range = words[i].range.start..words[i + seq.len() - 1].range.end;
                    let except = excepts
                        .entry(*entry)
                        .or_insert_with(|| self.except_ranges(*entry, text));
                    if !except.covers(&range) {
                        out.push(Match {
                            entry: *entry,
                            range,
                        });
                    }
                }
            }
        }
        if !out.is_empty() {
            if let Some(ex) = &self.exceptions {
                let spans = t.exceptions(|t| ex.exception_spans(t));
                if !spans.is_empty() {
                    let bit = self.kind.bit();
                    let mine = Excepts::new(
                        spans
                            .iter()
                            .filter(|(_, kinds)| kinds & bit != 0)
                            .map(|(r, _)| r.clone())
                            .collect(),
                    );
                    out.retain(|m| !mine.covers(&m.range));
                }
            }
        }
        out.sort_by_key(|m| (m.range.start, m.entry, m.range.end));
        out.dedup();
        out
    }

    /// For the exception lexicon: each exception phrase's range in the text,
    /// with the kinds it hides.
    fn exception_spans(&self, t: &Searchable) -> Vec<(Range<usize>, u32)> {
        let mut out: Vec<(Range<usize>, u32)> = self
            .find_all(t)
            .into_iter()
            .map(|m| {
                let e = &self.entries[m.entry];
                let kinds = if e.applies_to.is_empty() {
                    u32::MAX
                } else {
                    e.applies_to.iter().fold(0, |k, x| k | x.bit())
                };
                (m.range, kinds)
            })
            .collect();
        out.sort_by_key(|(r, _)| r.start);
        out
    }

    /// The ranges of an entry's `except` phrases in `text`.
    fn except_ranges(&self, entry: usize, text: &str) -> Excepts {
        Excepts::new(match &self.entries[entry].except {
            Some(re) => re.find_iter(text).map(|m| m.range()).collect(),
            None => Vec::new(),
        })
    }

    /// Adds the whole-word matches of one entry's patterns (outside its
    /// `except` phrases) to `out`, in text order: the matches `find_iter`
    /// of its whole-word regex gives.
    fn entry_matches(&self, entry: usize, text: &str, out: &mut Vec<Match>) {
        if self.entries[entry].patterns.is_empty() {
            return;
        }
        let mut except: Option<Excepts> = None;
        let mut push = |range: Range<usize>| {
            let except = except.get_or_insert_with(|| self.except_ranges(entry, text));
            if !except.covers(&range) {
                out.push(Match { entry, range });
            }
        };
        if text.is_ascii() {
            let re = self.each_ascii[entry].get_or_init(|| {
                entry_regex(&for_ascii(self.source_of(entry)))
                    .expect("its patterns compiled already as part of the set")
            });
            for m in re.find_iter(text) {
                if m.start() != m.end() {
                    push(m.range());
                }
            }
            return;
        }
        // On text that is not plain ASCII, a Unicode word boundary sends
        // every regex engine but the slowest (the PikeVM, over the whole
        // text) away. So the widened form, which has no boundaries, finds
        // the places a match may start, leftmost first, and the whole-word
        // regex is tried anchored at each, on the few bytes it needs: the
        // same matches, in the same order, as an unanchored `find_iter`.
        let widened = self.each_widened[entry].get_or_init(|| {
            let hir = self
                .widened_hir(entry)
                .and_then(Result::ok)
                .expect("its patterns compiled already as part of the set");
            entry_regex_builder()
                .build_from_hir(&hir)
                .expect("its patterns compiled already as part of the set")
        });
        let exact = self.each[entry].get_or_init(|| {
            entry_regex(self.source_of(entry))
                .expect("its patterns compiled already as part of the set")
        });
        let mut at = 0;
        while at <= text.len() {
            let from = regex_automata::Input::new(text).range(at..);
            let Some(start) = widened.search(&from).map(|m| m.start()) else {
                break;
            };
            let input = regex_automata::Input::new(text)
                .range(start..)
                .anchored(regex_automata::Anchored::Yes);
            match exact.search(&input) {
                Some(m) if m.start() != m.end() => {
                    push(m.range());
                    at = m.end();
                }
                // No whole word starts here (or only an empty one): on to
                // the next character.
                _ => at = start + text[start..].chars().next().map_or(1, char::len_utf8),
            }
        }
    }

    /// The first entry (in pack order) with a whole-word match in `text`.
    pub fn first_entry(&self, t: &Searchable) -> Option<(usize, Range<usize>)> {
        let mut best: Option<Match> = None;
        for m in self.find_all(t) {
            if best.as_ref().is_none_or(|b| m.entry < b.entry) {
                best = Some(m);
            }
        }
        best.map(|m| (m.entry, m.range))
    }

    pub fn is_match(&self, t: &Searchable) -> bool {
        !self.find_all(t).is_empty()
    }

    /// Whether an entry with this id (in any of the text's languages) has a
    /// whole-word match in `text`.
    pub fn matches_entry(&self, t: &Searchable, id: &str) -> bool {
        !self.find_all_of(t, |e| e.id == id).is_empty()
    }

    /// The first entry with this id (the English or language-neutral one).
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The languages this kind has entries for (besides entries for every
    /// language), for `explain`.
    pub fn languages(&self) -> Vec<Lang> {
        let mut out: Vec<Lang> = self.entries.iter().filter_map(|e| e.lang).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Every compiled vocabulary.
#[derive(Debug)]
pub struct Checks {
    pub occasions: Lexicon,
    pub topics: Lexicon,
    pub special_categories: Lexicon,
    pub token_classes: Lexicon,
    pub system_tokens: Lexicon,
    pub phrases: Lexicon,
    pub dimensions: Lexicon,
    pub opt_outs: Lexicon,
    pub life_stages: Lexicon,
    pub seasonal: Lexicon,
    pub opt_out_prompts: Lexicon,
    pub compliance: Lexicon,
    pub consent: Lexicon,
    pub ad_policy: Lexicon,
    pub personal_attributes: Lexicon,
    pub exceptions: Arc<Lexicon>,
    pub reader_address: Lexicon,
    /// [`Checks::dimension_of`]'s answers by condition name: a name is read
    /// in every language, and many rules ask about the same conditions.
    dimension_memo: std::sync::Mutex<HashMap<Box<str>, Option<usize>>>,
}

/// The most condition names [`Checks::dimension_of`] remembers; past this
/// the memory is cleared and filled again.
const REMEMBERED_NAMES: usize = 4096;

/// A problem in a pack file, with its location in that file.
#[derive(Debug, Clone)]
pub struct PackError {
    pub file: String,
    pub span: Span,
    pub message: String,
}

/// A parsed, not yet compiled pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub kind: Kind,
    /// `language:`; `None`: the entries apply to every language.
    pub language: Option<Lang>,
    pub entries: Vec<Entry>,
}

/// Reads a pack file. Every pattern is compiled here once to report errors
/// with their location.
pub fn parse_pack(file: &str, text: &str) -> Result<Pack, PackError> {
    read_pack(file, text, true)
}

/// preflight's own packs, read (their entries marked as built in; the test
/// suite validates every pattern of them).
pub fn builtin_packs() -> Vec<Pack> {
    BAKED_PACKS
        .iter()
        .zip(BAKED_WIDENED)
        .map(|((f, tree), widened)| {
            read_pack_tree(f, &tree.node(), false)
                .map(|mut p| {
                    for (e, w) in p.entries.iter_mut().zip(widened.iter()) {
                        e.builtin = true;
                        e.baked_widened = *w;
                    }
                    p
                })
                .unwrap_or_else(|e| panic!("built-in pack {f} is invalid: {e:?}"))
        })
        .collect()
}

fn read_pack(file: &str, text: &str, validate: bool) -> Result<Pack, PackError> {
    let docs = yaml::parse(text, 0, yaml::Budget::default()).map_err(|e| PackError {
        file: file.to_string(),
        span: e.span,
        message: e.message,
    })?;
    match docs.first() {
        Some(doc) => read_pack_tree(file, &doc.root, validate),
        None => Err(PackError {
            file: file.to_string(),
            span: Span::default(),
            message: "the pack is empty".into(),
        }),
    }
}

/// Reads a pack's parsed YAML; `validate`: compile each pattern on its own
/// (the built-in packs are validated by the test suite instead).
fn read_pack_tree(file: &str, root: &Node, validate: bool) -> Result<Pack, PackError> {
    let err = |span: Span, message: String| PackError {
        file: file.to_string(),
        span,
        message,
    };
    let map = root.as_map().ok_or_else(|| {
        err(
            root.span,
            "a pack is a mapping with `pack`, `kind` and `entries`".into(),
        )
    })?;
    let mut name = None;
    let mut kind = None;
    let mut language = None;
    let mut entries_node = None;
    for e in map {
        match e.key.as_str() {
            Some("pack") => name = e.value.as_str().map(str::to_string),
            Some("language") => {
                let tag = e.value.as_str().unwrap_or("");
                language = Some(Lang::from_tag(tag).ok_or_else(|| {
                    let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
                    err(
                        e.value.span,
                        format!("`{tag}` is not a language preflight has vocabularies for; write one of {}", codes.join(", ")),
                    )
                })?);
            }
            Some("kind") => {
                let k = e.value.as_str().unwrap_or("");
                kind = Some(
                    Kind::NAMES
                        .iter()
                        .find(|(n, _)| *n == k)
                        .map(|(_, k)| *k)
                        .ok_or_else(|| {
                            let names: Vec<_> = Kind::NAMES.iter().map(|(n, _)| *n).collect();
                            err(
                                e.value.span,
                                format!("unknown pack kind `{k}`; kinds are {}", names.join(", ")),
                            )
                        })?,
                );
            }
            Some("entries") => entries_node = Some(&e.value),
            _ => {
                return Err(err(
                    e.key.span,
                    "unknown key; a pack has `pack`, `kind`, `entries` and optionally `language`"
                        .into(),
                ))
            }
        }
    }
    let name = name.ok_or_else(|| err(root.span, "the pack has no `pack:` name".into()))?;
    let kind = kind.ok_or_else(|| err(root.span, "the pack has no `kind:`".into()))?;
    let items = entries_node
        .and_then(Node::as_seq)
        .ok_or_else(|| err(root.span, "the pack has no `entries:` list".into()))?;
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let mut entry = parse_entry(item, &err, validate)?;
        // An English or every-language entry is the one others take their
        // category and message from: it must give them.
        if matches!(language, None | Some(Lang::En)) {
            for (what, value) in [("category", &entry.category), ("message", &entry.message)] {
                if value.is_empty() {
                    return Err(err(
                        item.span,
                        format!("entry `{}` has no `{what}`", entry.id),
                    ));
                }
            }
        }
        entry.lang = language;
        entries.push(entry);
    }
    Ok(Pack {
        name,
        kind,
        language,
        entries,
    })
}

fn parse_entry(
    item: &Node,
    err: &dyn Fn(Span, String) -> PackError,
    validate: bool,
) -> Result<Entry, PackError> {
    let map = item
        .as_map()
        .ok_or_else(|| err(item.span, "an entry is a mapping".into()))?;
    let text = |key: &str| -> Option<String> {
        map.iter()
            .find(|e| e.key.as_str() == Some(key))
            .and_then(|e| e.value.as_str())
            .map(str::to_string)
    };
    for e in map {
        let k = e.key.as_str().unwrap_or("");
        if ![
            "id",
            "category",
            "label",
            "message",
            "keys",
            "severity",
            "patterns",
            "words",
            "except",
            "applies_to",
            "fix",
        ]
        .contains(&k)
        {
            return Err(err(e.key.span, format!("unknown entry key `{k}`")));
        }
    }
    let id = text("id").ok_or_else(|| err(item.span, "the entry has no `id`".into()))?;
    // An entry of a language pack may leave these to the entry of the same
    // id in preflight's English packs (checked when the packs are compiled).
    let category = text("category").unwrap_or_default();
    let message = text("message").unwrap_or_default();
    let compile = |node: &Node, p: &str| -> Result<Regex, PackError> {
        let re = RegexBuilder::new(p)
            .case_insensitive(true)
            .size_limit(ENTRY_SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => err(node.span, "the pattern is too large once compiled (a repeated `\\w` or `.` stands for thousands of characters; write it shorter, or with `+` or `*` instead of a count)".into()),
                other => err(node.span, format!("pattern does not compile: {other}")),
            })?;
        if re.is_match("") {
            return Err(err(node.span, "pattern matches empty text".into()));
        }
        Ok(re)
    };
    // A pattern of the pack, compiled now only when the pack is validated.
    let lazy = |node: &Node, p: String| -> Result<LazyRegex, PackError> {
        Ok(if validate {
            let re = compile(node, &p)?;
            LazyRegex::compiled(p, re)
        } else {
            LazyRegex::new(p)
        })
    };
    let keys = match map.iter().find(|e| e.key.as_str() == Some("keys")) {
        Some(e) => Some(lazy(&e.value, e.value.as_str().unwrap_or("").to_string())?),
        None => None,
    };
    let severity = match map.iter().find(|e| e.key.as_str() == Some("severity")) {
        Some(e) => Some(match e.value.as_str() {
            Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            Some("advice") => Severity::Advice,
            _ => {
                return Err(err(
                    e.value.span,
                    "severity is one of error, warning, advice".into(),
                ))
            }
        }),
        None => None,
    };
    let list = |key: &str| {
        map.iter()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| &e.value)
    };
    let (pnode, wnode) = (list("patterns"), list("words"));
    if pnode.is_none() && wnode.is_none() {
        return Err(err(
            item.span,
            format!("entry `{id}` has no `patterns` or `words`"),
        ));
    }
    let mut words = Vec::new();
    if let Some(wnode) = wnode {
        let items = wnode.as_seq().filter(|s| !s.is_empty()).ok_or_else(|| {
            err(
                wnode.span,
                format!("entry `{id}`: `words` is a non-empty list of words and phrases"),
            )
        })?;
        for w in items {
            let s = w
                .as_str()
                .ok_or_else(|| err(w.span, "a word is text".into()))?;
            if crate::text::language::words(s).is_empty() {
                return Err(err(
                    w.span,
                    "this has no word in it (only spaces or punctuation)".into(),
                ));
            }
            words.push(s.to_string());
        }
    }
    let empty: &[Node] = &[];
    let pitems = match pnode {
        None => empty,
        Some(pnode) => pnode.as_seq().filter(|s| !s.is_empty()).ok_or_else(|| {
            err(
                pnode.span,
                format!("entry `{id}` needs a non-empty list of patterns"),
            )
        })?,
    };
    let mut patterns = Vec::new();
    for p in pitems {
        let s = p
            .as_str()
            .ok_or_else(|| err(p.span, "a pattern is text".into()))?;
        if validate {
            compile(p, s)?;
            every_form_compiles(std::slice::from_ref(&s.to_string()))
                .map_err(|m| err(p.span, m))?;
        }
        patterns.push(s.to_string());
    }
    if let (true, Some(pnode)) = (validate, pnode) {
        // The entry's patterns are also matched together, as one regex.
        every_form_compiles(&patterns)
            .map_err(|m| err(pnode.span, format!("{m} (with the entry's other patterns)")))?;
    }
    let mut applies_to = Vec::new();
    if let Some(anode) = list("applies_to") {
        for a in anode.as_seq().unwrap_or(std::slice::from_ref(anode)) {
            let name = a.as_str().unwrap_or("");
            let kind = Kind::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, k)| *k);
            applies_to
                .push(kind.ok_or_else(|| err(a.span, format!("`{name}` is not a pack kind")))?);
        }
    }
    let except = match map.iter().find(|e| e.key.as_str() == Some("except")) {
        None => None,
        Some(e) => {
            let items = e.value.as_seq().ok_or_else(|| {
                err(
                    e.value.span,
                    format!("entry `{id}`: `except` is a list of patterns"),
                )
            })?;
            let mut alts = Vec::new();
            for p in items {
                let s = p
                    .as_str()
                    .ok_or_else(|| err(p.span, "a pattern is text".into()))?;
                if validate {
                    compile(p, s)?;
                }
                alts.push(format!("(?:{s})"));
            }
            Some(lazy(&e.value, alts.join("|"))?)
        }
    };
    Ok(Entry {
        id,
        lang: None,
        category,
        label: text("label"),
        message,
        keys,
        severity,
        patterns,
        words,
        except,
        applies_to,
        fix: text("fix"),
        builtin: false,
        baked_widened: None,
    })
}

impl Checks {
    /// Compiles packs into lexicons. An id is unique within a kind and a
    /// language; an entry of a language pack that gives no `category` or
    /// `message` takes them (with `label`, `keys` and `severity`) from the
    /// entry of the same id that applies to every language or to English.
    pub fn compile(packs: Vec<Pack>) -> Result<Checks, String> {
        let mut by_kind: Vec<(Kind, Vec<Entry>)> =
            Kind::NAMES.iter().map(|(_, k)| (*k, Vec::new())).collect();
        let mut ids = std::collections::HashSet::new();
        for pack in packs {
            for e in pack.entries {
                if !ids.insert((pack.kind as u8, e.lang, e.id.clone())) {
                    return Err(format!(
                        "pack `{}`: entry id `{}` is used twice",
                        pack.name, e.id
                    ));
                }
                by_kind
                    .iter_mut()
                    .find(|(k, _)| *k == pack.kind)
                    .expect("every kind")
                    .1
                    .push(e);
            }
        }
        for (kind, entries) in &mut by_kind {
            let base: HashMap<String, Entry> = entries
                .iter()
                .filter(|e| matches!(e.lang, None | Some(Lang::En)) && !e.category.is_empty())
                .map(|e| (e.id.clone(), e.clone()))
                .collect();
            for e in entries.iter_mut() {
                if !e.category.is_empty() && !e.message.is_empty() {
                    continue;
                }
                let Some(b) = base.get(&e.id) else {
                    let missing = if e.category.is_empty() {
                        "category"
                    } else {
                        "message"
                    };
                    return Err(format!(
                        "{} entry `{}` has no `{missing}`, and no English entry of that id gives one",
                        kind.name(),
                        e.id
                    ));
                };
                if e.category.is_empty() {
                    e.category = b.category.clone();
                }
                if e.message.is_empty() {
                    e.message = b.message.clone();
                }
                e.label = e.label.take().or_else(|| b.label.clone());
                e.keys = e.keys.take().or_else(|| b.keys.clone());
                e.severity = e.severity.or(b.severity);
            }
        }
        let mut take = |k: Kind| -> Vec<Entry> {
            std::mem::take(&mut by_kind.iter_mut().find(|(x, _)| *x == k).expect("kind").1)
        };
        let exceptions = Arc::new(Lexicon::build(Kind::Exception, take(Kind::Exception), None));
        // A kind no exception phrase applies to is never searched for them.
        let mut lex = |k: Kind| {
            let hidden = exceptions
                .entries
                .iter()
                .any(|e| e.applies_to.is_empty() || e.applies_to.contains(&k));
            Lexicon::build(k, take(k), hidden.then(|| exceptions.clone()))
        };
        Ok(Checks {
            occasions: lex(Kind::Occasion),
            topics: lex(Kind::Topic),
            special_categories: lex(Kind::SpecialCategory),
            token_classes: lex(Kind::TokenClass),
            system_tokens: lex(Kind::SystemToken),
            phrases: lex(Kind::Phrase),
            dimensions: lex(Kind::Dimension),
            opt_outs: lex(Kind::OptOut),
            life_stages: lex(Kind::LifeStage),
            seasonal: lex(Kind::Seasonal),
            opt_out_prompts: lex(Kind::OptOutPrompt),
            compliance: lex(Kind::Compliance),
            consent: lex(Kind::Consent),
            ad_policy: lex(Kind::AdPolicy),
            personal_attributes: lex(Kind::PersonalAttribute),
            reader_address: lex(Kind::ReaderAddress),
            exceptions,
            dimension_memo: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// Compiles every kind's set now, so that a pattern that cannot be
    /// compiled is reported before the run (for packs from a configuration).
    pub fn validate(&self) -> Result<(), String> {
        for lex in [
            &self.occasions,
            &self.topics,
            &self.special_categories,
            &self.token_classes,
            &self.system_tokens,
            &self.phrases,
            &self.dimensions,
            &self.opt_outs,
            &self.life_stages,
            &self.seasonal,
            &self.opt_out_prompts,
            &self.compliance,
            &self.consent,
            &self.ad_policy,
            &self.personal_attributes,
            &self.exceptions,
            &self.reader_address,
        ] {
            lex.validate()?;
        }
        Ok(())
    }

    /// The dimension of a person a condition draws on (demographic,
    /// geographic, purchase, browsing, engagement, declared preference, the
    /// channel's address), from the `dimension` vocabulary; `None` when its
    /// name is not recognised. Attribute names are identifiers: every
    /// language's words apply.
    pub fn dimension_of(&self, cond: &crate::model::campaign::Condition) -> Option<&Entry> {
        let name = cond.name().value;
        let known = self
            .dimension_memo
            .lock()
            .ok()
            .and_then(|m| m.get(name).copied());
        let entry = known.unwrap_or_else(|| {
            let words = Searchable::name(name, Langs::ALL);
            let entry = self.dimensions.first_entry(&words).map(|(i, _)| i);
            if let Ok(mut memo) = self.dimension_memo.lock() {
                if memo.len() >= REMEMBERED_NAMES {
                    memo.clear();
                }
                memo.insert(name.into(), entry);
            }
            entry
        });
        entry.map(|i| &self.dimensions.entries[i])
    }

    /// The lexicon of a kind.
    pub fn lexicon(&self, kind: Kind) -> &Lexicon {
        match kind {
            Kind::Occasion => &self.occasions,
            Kind::Topic => &self.topics,
            Kind::SpecialCategory => &self.special_categories,
            Kind::TokenClass => &self.token_classes,
            Kind::SystemToken => &self.system_tokens,
            Kind::Phrase => &self.phrases,
            Kind::Dimension => &self.dimensions,
            Kind::OptOut => &self.opt_outs,
            Kind::LifeStage => &self.life_stages,
            Kind::Seasonal => &self.seasonal,
            Kind::OptOutPrompt => &self.opt_out_prompts,
            Kind::Compliance => &self.compliance,
            Kind::Consent => &self.consent,
            Kind::AdPolicy => &self.ad_policy,
            Kind::PersonalAttribute => &self.personal_attributes,
            Kind::Exception => &self.exceptions,
            Kind::ReaderAddress => &self.reader_address,
        }
    }

    /// Starts compiling, on a thread of its own, the built-in candidate sets
    /// nearly every run needs (each kind's sets for every language and for
    /// English), from the kind a campaign's rules ask for last to the one
    /// they ask for first, while the run reads its files and starts with the
    /// first: a short run on two cores waits for half of them. Once per
    /// process; a set is compiled once whichever thread gets to it first, so
    /// the findings are the same with or without it.
    pub fn start_compiling_builtin() {
        static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if STARTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        // The order a campaign's rules first ask for the kinds in.
        const ASKED: [Kind; 14] = [
            Kind::OptOutPrompt,
            Kind::Dimension,
            Kind::Exception,
            Kind::LifeStage,
            Kind::Occasion,
            Kind::Topic,
            Kind::SpecialCategory,
            Kind::SystemToken,
            Kind::TokenClass,
            Kind::Phrase,
            Kind::Seasonal,
            Kind::Compliance,
            Kind::PersonalAttribute,
            Kind::Consent,
        ];
        // A thread that cannot be started leaves the sets to the run.
        let _ = std::thread::Builder::new()
            .name("preflight-vocabularies".into())
            .spawn(|| {
                let checks = Checks::builtin();
                for kind in ASKED.iter().rev() {
                    let lex = checks.lexicon(*kind);
                    lex.group_set(0);
                    lex.group_set(group_of(Some(Lang::En)));
                }
            });
    }

    /// The built-in packs, compiled on first use.
    pub fn builtin() -> &'static Checks {
        static BUILTIN: LazyLock<Checks> =
            LazyLock::new(|| Checks::compile(builtin_packs()).expect("built-in packs compile"));
        &BUILTIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_patterns_match_the_same_in_ascii_text() {
        assert_eq!(
            for_ascii(r"\b{start-half}(?:purchas\w*|\d+ \\w)\b{end-half}"),
            r"(?-u:\b{start-half})(?:purchas[0-9A-Za-z_]*|[0-9]+ \\w)(?-u:\b{end-half})"
        );
        let samples = [
            "We purchased 3 pairs",
            "purchasing_power",
            "a pregnancy test",
            "you viewed shoes 5 minutes ago",
            "Reply STOP to opt out",
            "120 Harbour Street, Portland, ME 04101",
            "PO Box 12",
            "SW1A 1AA",
            "chronic pain",
            "order_placed",
            "preferences interests",
            "just turned 62",
            "now that you're 40",
            "x-pregnant_y",
            "Father's Day",
            "baby blue",
            "unsubscribe here",
            "recruiting now",
        ];
        for (file, text) in BUILTIN_PACKS {
            let pack = parse_pack(file, text).unwrap();
            let lex = Lexicon::build(pack.kind, pack.entries, None);
            for i in 0..lex.entries.len() {
                let source = lex.source_of(i);
                let unicode = RegexBuilder::new(source)
                    .case_insensitive(true)
                    .build()
                    .unwrap();
                let ascii = RegexBuilder::new(&for_ascii(source))
                    .case_insensitive(true)
                    .build()
                    .unwrap_or_else(|e| panic!("{file} entry {i}: {e}"));
                for s in samples {
                    let a: Vec<_> = unicode.find_iter(s).map(|m| m.range()).collect();
                    let b: Vec<_> = ascii.find_iter(s).map(|m| m.range()).collect();
                    assert_eq!(a, b, "{file} entry {i} on {s:?}");
                }
            }
        }
    }

    #[test]
    fn widened_patterns_match_a_superset() {
        assert_eq!(
            widened(r"\bpurchas\w*\b"),
            r"purchas(?-i:[^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F])*"
        );
        // Inside a bracketed class, a nested class (a group is no class
        // item); a `]` first in its class is a character, not its end.
        // A class that holds one is case-sensitive as a whole.
        assert_eq!(
            widened(r"[]\w]\d"),
            r"(?-i:[][^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F]])(?-i:[^\x00-\x2F\x3A-\x7F])"
        );
        assert_eq!(
            widened(r"[^]a][\[\d]\d"),
            r"[^]a](?-i:[\[[^\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F]])(?-i:[^\x00-\x2F\x3A-\x7F])"
        );
        assert_eq!(
            widened(r"\p{Lu}[\pL.-]+\P{L}\p{Greek}"),
            r"(?-i:[^\x00-\x40\x5B-\x60\x7B-\x7F])(?-i:[[^\x00-\x40\x5B-\x60\x7B-\x7F].-])+\P{L}\p{Greek}"
        );
        // In a negated class the escapes stay as written (widening them
        // would narrow the class), and so does the class's case.
        assert_eq!(widened(r"[^\p{Ll}\d]x[^\w-]"), r"[^\p{Ll}\d]x[^\w-]");
        assert_eq!(
            widened(r"[a[^\w]]\w"),
            r"[a[^\w]](?-i:[^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F])"
        );
        for (p, s) in [
            (r"a[^\w]b", "a’b"),
            (r"a[^\w]b", "a—b"),
            (r"x[^\d]y", "xAy"),
            (r"x[^\d]y", "xéy"),
            (r"[^\p{L}]z", "’z"),
            (r"[^\p{L}]z", "٣z"),
        ] {
            let exact = RegexBuilder::new(p).case_insensitive(true).build().unwrap();
            let wide = RegexBuilder::new(&widened(p))
                .case_insensitive(true)
                .build()
                .unwrap();
            assert!(exact.is_match(s), "{p} on {s}");
            assert!(wide.is_match(s), "{p} widened misses {s:?}");
        }
        assert_eq!(for_ascii(r"\p{Lu}[\pL]\w"), r"\p{Lu}[\pL][0-9A-Za-z_]");
        assert_eq!(widened(r"a\b{start-half}b\Bc"), "abc");
        assert_eq!(
            widened(r"x\\w\.\s"),
            r"x\\w\.\s",
            "escaped backslashes stay"
        );
        assert_eq!(
            widened(r"[A-Z\d]"),
            r"(?-i:[A-Z[^\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F]])"
        );
        // Every built-in pattern still compiles widened, and matches at
        // least wherever the exact pattern does, on words with accents,
        // digits from other scripts and curly quotes.
        let samples = [
            "purchased",
            "pregnancy",
            "chronic ülcer",
            "diagnosé",
            "recruiting",
            "120 Harbour Street",
            "just turned ٦٢",
            "you viewed shoes 5 minutes ago",
            "se désabonner",
            "PO Box 12",
            "SW1A 1AA",
            "ME 04101",
        ];
        for (file, text) in BUILTIN_PACKS {
            for e in parse_pack(file, text).unwrap().entries {
                for p in &e.patterns {
                    let exact = RegexBuilder::new(p).case_insensitive(true).build().unwrap();
                    let wide = RegexBuilder::new(&widened(p))
                        .case_insensitive(true)
                        .build()
                        .unwrap_or_else(|err| panic!("{file}: {p}: {err}"));
                    for s in samples {
                        if exact.is_match(s) {
                            assert!(wide.is_match(s), "{file}: {p} widened misses {s:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn packs_read_at_build_time_are_the_packs_their_text_gives() {
        assert_eq!(BAKED_PACKS.len(), BUILTIN_PACKS.len());
        assert!(BAKED_PACKS.len() > 90, "every pack is baked");
        for ((file, text), (baked_file, tree)) in BUILTIN_PACKS.iter().zip(BAKED_PACKS) {
            assert_eq!(file, baked_file);
            let from_text = format!("{:?}", read_pack(file, text, false).unwrap());
            let from_tree = format!("{:?}", read_pack_tree(file, &tree.node(), false).unwrap());
            assert_eq!(from_text, from_tree, "{file}");
        }
        // The tree keeps what the reader tells apart: a null from empty
        // text, lists from mappings.
        assert_eq!(Baked::Null.node().as_str(), None);
        assert_eq!(Baked::Text("").node().as_str(), Some(""));
        assert_eq!(Baked::Text("null").node().as_str(), Some("null"));
        let map = Baked::Map(&[("k", Baked::List(&[Baked::Text("v")]))]).node();
        assert_eq!(
            map.get("k").and_then(|e| e.value.as_seq()).map(|s| s.len()),
            Some(1)
        );
    }

    #[test]
    fn patterns_parsed_at_build_time_are_the_patterns_parsed_now() {
        let checks = Checks::builtin();
        let mut baked = 0;
        for kind in Kind::NAMES.iter().map(|(_, k)| *k) {
            let lex = checks.lexicon(kind);
            for (i, e) in lex.entries.iter().enumerate() {
                let Some(source) = lex.widened_of(i) else {
                    assert!(e.baked_widened.is_none());
                    continue;
                };
                assert!(
                    e.baked_widened.is_some(),
                    "{} is parsed at build time",
                    e.id
                );
                baked += 1;
                let now =
                    regex_automata::util::syntax::parse_with(source, &pattern_syntax()).unwrap();
                let then = lex.widened_hir(i).unwrap().unwrap();
                assert_eq!(format!("{now:?}"), format!("{then:?}"), "{}", e.id);
            }
        }
        assert!(baked > 400, "{baked} entries");
    }

    #[test]
    fn a_text_that_keeps_its_candidates_is_read_the_same() {
        let lex = &Checks::builtin().compliance;
        let text = "To unsubscribe, click here. Acme, 120 Harbour Street, Springfield.";
        let kept = Searchable::new(text, Langs::of(Lang::En)).keeping_candidates();
        let categories: Vec<&str> = lex.entries.iter().map(|e| e.category.as_str()).collect();
        let mut found = 0;
        for _ in 0..2 {
            for c in &categories {
                let fresh = Searchable::new(text, Langs::of(Lang::En));
                let want = lex.find_all_of(&fresh, |e| e.category == *c);
                assert_eq!(lex.find_all_of(&kept, |e| e.category == *c), want, "{c}");
                found += want.len();
            }
        }
        assert!(
            found >= 4,
            "an unsubscribe link and an address, twice: {found}"
        );
    }

    #[test]
    fn every_builtin_pack_is_valid() {
        Checks::builtin()
            .validate()
            .expect("every kind's set compiles");
        // Every pattern of every pack compiles on its own (with a location).
        let mut ids = std::collections::HashSet::new();
        for (file, text) in BUILTIN_PACKS {
            let pack = parse_pack(file, text).unwrap_or_else(|e| panic!("{e:?}"));
            assert!(!pack.entries.is_empty(), "{file} has no entries");
            for e in &pack.entries {
                // One id per kind and language: a language pack reuses the
                // English id of the same concept.
                assert!(
                    ids.insert((pack.kind as u8, pack.language, e.id.clone())),
                    "id {} repeated ({file})",
                    e.id
                );
                assert!(
                    e.message.is_empty() || e.message.ends_with('.'),
                    "{}: messages are sentences ({file})",
                    e.id
                );
            }
        }
        // After the language entries took their category and message from
        // the English ones, every entry has both, and each kind what it needs.
        let c = Checks::builtin();
        for lex in [
            &c.occasions,
            &c.topics,
            &c.special_categories,
            &c.token_classes,
            &c.system_tokens,
            &c.phrases,
            &c.dimensions,
            &c.opt_outs,
            &c.life_stages,
            &c.seasonal,
            &c.opt_out_prompts,
            &c.compliance,
            &c.consent,
            &c.ad_policy,
            &c.personal_attributes,
            &c.exceptions,
            &c.reader_address,
        ] {
            for e in &lex.entries {
                let at = format!("{} entry `{}` ({:?})", lex.kind.name(), e.id, e.lang);
                assert!(
                    !e.category.trim().is_empty() && !e.message.trim().is_empty(),
                    "{at}"
                );
                match lex.kind {
                    Kind::TokenClass => {
                        assert!(e.severity.is_some(), "{at}: token classes need a severity")
                    }
                    Kind::Seasonal => assert!(
                        crate::model::campaign::Season::parse(&e.category)
                            .is_some_and(|s| s != crate::model::campaign::Season::Any),
                        "{at}: seasonal goods need a season as their category"
                    ),
                    Kind::Occasion => assert!(e.keys.is_some(), "{at}: occasions need keys"),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn bad_packs_are_reported_with_a_location() {
        let text = "pack: x\nkind: topic\nentries:\n  - id: a\n    category: c\n    message: m.\n    patterns: ['(unclosed']\n";
        let e = parse_pack("p.yaml", text).unwrap_err();
        assert!(e.message.contains("does not compile"));
        assert_eq!(&text[e.span.range()], "'(unclosed'");
        let e = parse_pack("p.yaml", "pack: x\nkind: nope\nentries: []\n").unwrap_err();
        assert!(e.message.contains("unknown pack kind"));
        let e = parse_pack(
            "p.yaml",
            "pack: x\nkind: topic\nentries:\n  - id: a\n    patterns: [x]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("no `category`"));
    }

    #[test]
    fn a_pattern_too_large_for_non_ascii_text_is_refused_at_the_pattern() {
        // `\w{201}` compiles for ASCII text and as a candidate, but its
        // Unicode form is over the size limit: refuse it when the pack is
        // read, at the pattern, instead of failing on the first accented word.
        let text = "pack: x\nkind: topic\nentries:\n  - id: a\n    category: c\n    message: m.\n    patterns: ['\\w{200}', '\\w{201}']\n";
        let e = parse_pack("p.yaml", text).unwrap_err();
        assert!(e.message.contains("too large"), "{}", e.message);
        assert!(
            text[e.span.range()].contains("\\w{20"),
            "{:?}",
            &text[e.span.range()]
        );
        // One pattern too large alone is located at that pattern.
        let text = text.replace("'\\w{200}', '\\w{201}'", "'ok', '\\w{900}'");
        let e = parse_pack("p.yaml", &text).unwrap_err();
        assert_eq!(&text[e.span.range()], "'\\w{900}'", "{e:?}");
    }

    fn en(t: &str) -> Searchable<'_> {
        Searchable::new(t, Langs::of(Lang::En))
    }

    #[test]
    fn matching_respects_word_boundaries_and_case() {
        let c = Checks::builtin();
        let topics = &c.topics;
        assert!(topics.is_match(&en("Congratulations on your PREGNANCY")));
        assert!(!topics.is_match(&en("An unexpecting guest")));
        assert!(!topics.is_match(&en("Book a babysitter tonight")));
        assert!(!topics.is_match(&en("New in baby blue and baby pink")));
        assert!(topics.is_match(&en("baby blue for the baby")));
        assert!(topics.is_match(&en("Gifts for the new baby")));
        let occ = &c.occasions;
        for s in [
            "Happy Father's Day",
            "happy fathers day",
            "Father’s Day deals",
            "#FathersDay",
            "fathers-day-buyers",
        ] {
            assert!(
                occ.is_match(&Searchable::name(s, Langs::ALL)) || occ.is_match(&en(s)),
                "{s}"
            );
        }
        assert!(!occ.is_match(&en("our forefathers daydreamed")));
    }

    #[test]
    fn first_entry_follows_pack_order() {
        let d = &Checks::builtin().dimensions;
        let dim = |n: &str| {
            d.first_entry(&Searchable::name(n, Langs::ALL))
                .map(|(i, _)| d.entries[i].id.clone())
        };
        assert_eq!(dim("email_opened").as_deref(), Some("engagement"));
        assert_eq!(dim("order_placed").as_deref(), Some("purchase"));
        assert_eq!(dim("product_viewed").as_deref(), Some("browsing"));
        assert_eq!(dim("profile.gender").as_deref(), Some("demographic"));
        assert_eq!(dim("profile.country").as_deref(), Some("geographic"));
        assert_eq!(dim("preferences.occasions").as_deref(), Some("preference"));
        assert_eq!(dim("mystery_flag"), None);
    }

    #[test]
    fn words_match_their_inflections_in_their_language_only() {
        let pack = |lang: &str| {
            format!("pack: t\nkind: topic\nlanguage: {lang}\nentries:\n  - id: separation\n    category: separation\n    message: M.\n    words: [separation, trying for a baby]\n")
        };
        let checks = Checks::compile(vec![parse_pack("en.yaml", &pack("en")).unwrap()]).unwrap();
        let t = &checks.topics;
        for s in [
            "Recently separated?",
            "Separating is hard",
            "Trying for a baby?",
            "We tried for a baby",
        ] {
            assert!(t.is_match(&en(s)), "{s}");
        }
        assert!(!t.is_match(&en("Try a baby carrot for a change")));
        // Not in a text of another language.
        assert!(!t.is_match(&Searchable::new("Recently separated?", Langs::of(Lang::Fr))));
        // A language pack's entry may take its category and message from
        // the English entry of the same id.
        let fr = "pack: t-fr\nkind: topic\nlanguage: fr\nentries:\n  - id: separation\n    words: [séparation, divorce]\n";
        let checks = Checks::compile(vec![
            parse_pack("en.yaml", &pack("en")).unwrap(),
            parse_pack("fr.yaml", fr).unwrap(),
        ])
        .unwrap();
        let t = &checks.topics;
        let fr_text = Searchable::new("Vous êtes séparés ?", Langs::of(Lang::Fr));
        let (i, _) = t.first_entry(&fr_text).expect("séparés matches séparation");
        assert_eq!(t.entries[i].category, "separation");
        assert_eq!(t.entries[i].message, "M.");
        // Without an English entry to take them from, it is an error.
        let lone = fr.replace("id: separation", "id: other");
        let e = Checks::compile(vec![parse_pack("fr.yaml", &lone).unwrap()]).unwrap_err();
        assert!(e.contains("no `category`"), "{e}");
    }

    #[test]
    fn exceptions_hide_matches_of_the_kinds_they_name() {
        let topics = "pack: t\nkind: topic\nlanguage: en\nentries:\n  - id: pregnancy\n    category: pregnancy\n    message: M.\n    words: [baby]\n";
        let ex = "pack: x\nkind: exception\nlanguage: en\nentries:\n  - id: foods\n    category: foods\n    message: Foods.\n    applies_to: [topic]\n    words: [baby carrots, baby back ribs]\n";
        let checks = Checks::compile(vec![
            parse_pack("t.yaml", topics).unwrap(),
            parse_pack("x.yaml", ex).unwrap(),
        ])
        .unwrap();
        let t = &checks.topics;
        assert!(!t.is_match(&en("Roasted baby carrots and baby back ribs tonight")));
        assert!(t.is_match(&en("Baby carrots for the baby")));
    }
}
