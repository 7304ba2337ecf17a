//! The languages preflight has vocabularies for, how a text's language is
//! decided, and how words are reduced to a form that matches their
//! inflections (Snowball stemming, per language).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

/// A language with its own vocabulary packs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    En,
    Es,
    Fr,
    De,
    It,
    Pt,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::En,
        Lang::Es,
        Lang::Fr,
        Lang::De,
        Lang::It,
        Lang::Pt,
        Lang::Nl,
    ];

    /// The ISO 639-1 code: `en`, `es`…
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Nl => "nl",
        }
    }

    /// The language's name in English.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Spanish",
            Lang::Fr => "French",
            Lang::De => "German",
            Lang::It => "Italian",
            Lang::Pt => "Portuguese",
            Lang::Nl => "Dutch",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// A language tag as written in a campaign or configuration: `es`,
    /// `es-MX`, `pt_BR`, `fr-CA` (the primary subtag decides).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    fn stemmer(self) -> rust_stemmers::Algorithm {
        use rust_stemmers::Algorithm::*;
        match self {
            Lang::En => English,
            Lang::Es => Spanish,
            Lang::Fr => French,
            Lang::De => German,
            Lang::It => Italian,
            Lang::Pt => Portuguese,
            Lang::Nl => Dutch,
        }
    }
}

/// The languages spoken in a country (ISO 3166 code, or a subdivision
/// such as `CA-QC`), as far as preflight has vocabularies for them; used
/// only when a text is too short to tell its language.
pub fn languages_of_region(region: &str) -> Vec<Lang> {
    let country = region.split('-').next().unwrap_or("");
    use Lang::*;
    match (country, region) {
        (_, "CA-QC") => vec![Fr],
        (
            "ES" | "MX" | "AR" | "CO" | "CL" | "PE" | "VE" | "EC" | "GT" | "CU" | "BO" | "DO"
            | "HN" | "PY" | "SV" | "NI" | "CR" | "PA" | "UY" | "PR",
            _,
        ) => vec![Es],
        ("FR" | "MC" | "LU", _) => vec![Fr],
        ("DE" | "AT" | "LI", _) => vec![De],
        ("IT" | "SM" | "VA", _) => vec![It],
        ("PT" | "BR" | "AO" | "MZ", _) => vec![Pt],
        ("NL" | "SR", _) => vec![Nl],
        ("BE", _) => vec![Nl, Fr, De],
        ("CH", _) => vec![De, Fr, It],
        ("CA", _) => vec![En, Fr],
        ("US", _) => vec![En, Es],
        _ => vec![],
    }
}

/// Whether a tag names a language (`ja`, `zh-Hant` included) in BCP 47 shape.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A set of languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Langs(u8);

impl Langs {
    pub const NONE: Langs = Langs(0);
    pub const ALL: Langs = Langs((1 << Lang::ALL.len()) - 1);

    pub fn of(lang: Lang) -> Langs {
        Langs(1 << lang.index())
    }

    pub fn with(self, lang: Lang) -> Langs {
        Langs(self.0 | (1 << lang.index()))
    }

    pub fn contains(self, lang: Lang) -> bool {
        self.0 & (1 << lang.index()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set as a small number, for indexing per-set caches.
    pub fn bits(self) -> usize {
        self.0 as usize
    }

    pub fn iter(self) -> impl Iterator<Item = Lang> {
        Lang::ALL.into_iter().filter(move |l| self.contains(*l))
    }
}

fn from_whatlang(l: whatlang::Lang) -> Option<Lang> {
    Some(match l {
        whatlang::Lang::Eng => Lang::En,
        whatlang::Lang::Spa => Lang::Es,
        whatlang::Lang::Fra => Lang::Fr,
        whatlang::Lang::Deu => Lang::De,
        whatlang::Lang::Ita => Lang::It,
        whatlang::Lang::Por => Lang::Pt,
        whatlang::Lang::Nld => Lang::Nl,
        _ => return None,
    })
}

/// What detection says about a text's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// One of preflight's languages, reliably.
    Lang(Lang),
    /// Reliably a language preflight has no vocabulary for.
    Other,
    /// Too short or too mixed to tell.
    Unsure,
}

/// Detects the language of copy (markup already blanked). Latin-script
/// languages are told apart by their letter patterns (whatlang's trigram
/// model), which needs a sentence or two: short texts are `Unsure`. A text
/// reliably in a language preflight has no vocabulary for is `Other`.
pub fn detect(text: &str) -> Detected {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 24 {
        return Detected::Unsure;
    }
    // All of preflight's languages are written in the Latin script: a text
    // in another script is in some other language.
    if whatlang::detect_script(text).is_some_and(|s| s != whatlang::Script::Latin) {
        return Detected::Other;
    }
    static OURS: std::sync::LazyLock<whatlang::Detector> = std::sync::LazyLock::new(|| {
        whatlang::Detector::with_allowlist(
            Lang::ALL.iter().filter_map(|l| to_whatlang(*l)).collect(),
        )
    });
    let ours = &*OURS;
    let picked = match ours.detect(text) {
        Some(info) if info.is_reliable() || (info.confidence() >= 0.5 && letters >= 40) => {
            from_whatlang(info.lang())
        }
        _ => None,
    };
    // Letter patterns misjudge short copy ("We noticed you like gardening.
    // Happy Father's Day!" reads as Dutch to them); the small words every
    // sentence has do not. When they clearly say another language, trust
    // them.
    let votes = function_word_votes(text);
    let best = votes
        .iter()
        .copied()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n >= 2);
    let count_of = |l: Lang| votes.iter().find(|(v, _)| *v == l).map_or(0, |(_, n)| *n);
    match (picked, best) {
        (Some(p), Some((b, n))) if b != p && n >= 2 * count_of(p).max(1) => Detected::Lang(b),
        (Some(p), _) => Detected::Lang(p),
        (None, _) => Detected::Unsure,
    }
}

/// The commonest small words of each language, as they are written.
const FUNCTION_WORDS: &[(Lang, &[&str])] = &[
    (
        Lang::En,
        &[
            "the", "and", "you", "your", "we", "our", "for", "with", "is", "are", "this", "that",
            "of", "to", "it", "on", "at", "be", "have", "just", "all", "like", "from",
        ],
    ),
    (
        Lang::Es,
        &[
            "el", "los", "las", "que", "y", "un", "una", "por", "con", "para", "es", "tu", "su",
            "del", "al", "nuestra", "nuestro", "te", "está", "ya",
        ],
    ),
    (
        Lang::Fr,
        &[
            "le", "les", "des", "et", "est", "une", "pour", "avec", "vous", "votre", "nous",
            "notre", "du", "dans", "sur", "qui", "vos", "nos", "ce", "pas",
        ],
    ),
    (
        Lang::De,
        &[
            "der", "die", "das", "und", "ist", "ein", "eine", "für", "mit", "sie", "ihr", "ihre",
            "wir", "unser", "nicht", "zu", "den", "dem", "auf", "auch", "jetzt",
        ],
    ),
    (
        Lang::It,
        &[
            "il", "gli", "di", "che", "è", "per", "non", "della", "nel", "sono", "tuo", "tua",
            "nostro", "nostra", "ti", "ci", "questo", "anche", "più",
        ],
    ),
    (
        Lang::Pt,
        &[
            "os", "que", "é", "um", "uma", "para", "com", "não", "do", "da", "em", "seu", "sua",
            "nosso", "nossa", "você", "no", "na", "já", "mais",
        ],
    ),
    (
        Lang::Nl,
        &[
            "het", "een", "en", "van", "voor", "met", "je", "jouw", "uw", "wij", "ons", "onze",
            "niet", "op", "te", "dat", "zijn", "nu", "ook", "bij",
        ],
    ),
];

/// How many of each language's small words a text has, its words cut as
/// [`words`] cuts them and lowercased.
fn function_word_votes(text: &str) -> Vec<(Lang, usize)> {
    /// Each small word, with the languages (bits by place in
    /// `FUNCTION_WORDS`) whose lists hold it; and the longest, in characters.
    static INDEX: LazyLock<(HashMap<&str, u8>, usize)> = LazyLock::new(|| {
        let mut index: HashMap<&str, u8> = HashMap::new();
        let mut longest = 0;
        for (i, (_, list)) in FUNCTION_WORDS.iter().enumerate() {
            for w in *list {
                *index.entry(w).or_default() |= 1 << i;
                longest = longest.max(w.chars().count());
            }
        }
        (index, longest)
    });
    const _: () = assert!(FUNCTION_WORDS.len() <= 8, "one bit per language");
    let (index, longest) = &*INDEX;
    let mut counts = [0usize; FUNCTION_WORDS.len()];
    let mut count = |word: &str| {
        // Lowercasing never makes a word shorter in characters.
        if word.chars().nth(*longest).is_some() {
            return;
        }
        let lower: std::borrow::Cow<str> = if word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            word.into()
        } else {
            word.to_lowercase().into()
        };
        if let Some(bits) = index.get(lower.as_ref()) {
            for (i, n) in counts.iter_mut().enumerate() {
                if bits & (1 << i) != 0 {
                    *n += 1;
                }
            }
        }
    };
    for_each_word(text, |range| count(&text[range]));
    crate::work::add(text.len() / 8);
    FUNCTION_WORDS
        .iter()
        .zip(counts)
        .map(|((lang, _), n)| (*lang, n))
        .collect()
}

fn to_whatlang(l: Lang) -> Option<whatlang::Lang> {
    Some(match l {
        Lang::En => whatlang::Lang::Eng,
        Lang::Es => whatlang::Lang::Spa,
        Lang::Fr => whatlang::Lang::Fra,
        Lang::De => whatlang::Lang::Deu,
        Lang::It => whatlang::Lang::Ita,
        Lang::Pt => whatlang::Lang::Por,
        Lang::Nl => whatlang::Lang::Nld,
    })
}

/// One word of a text: its bytes, and its lowercased letters when they
/// differ from the text's (most words are lowercase already, and a long
/// body has millions: one string each was most of a large file's memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub range: Range<usize>,
    folded: Option<Box<str>>,
}

impl Word {
    fn new(text: &str, range: Range<usize>) -> Word {
        let word = &text[range.clone()];
        let folded = if word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            None
        } else {
            Some(word.to_lowercase())
                .filter(|l| l != word)
                .map(String::into_boxed_str)
        };
        Word { range, folded }
    }

    /// The word lowercased; `text` is the text the word was cut from.
    pub fn lower<'t>(&'t self, text: &'t str) -> &'t str {
        self.folded.as_deref().unwrap_or(&text[self.range.clone()])
    }
}

/// The words of a text: runs of letters and digits. Apostrophes and hyphens
/// end a word (`l'enfant` is `l` and `enfant`, `mother-of-pearl` three
/// words), so text and vocabulary are cut the same way.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for_each_word(text, |range| out.push(Word::new(text, range)));
    crate::work::add(text.len() / 8);
    out
}

/// The byte range of each word of a text, cut as [`words`] cuts them.
fn for_each_word(text: &str, mut each: impl FnMut(Range<usize>)) {
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            each(s..i);
        }
    }
    if let Some(s) = start {
        each(s..text.len());
    }
}

/// Reduces lowercased words to keys that equal each other for the
/// inflections of one word (`separated`, `separating`, `separation`):
/// Snowball stemming in the word's language, then accents dropped, so that
/// `bebé` and `bebe` meet.
pub struct Stemmer {
    lang: Lang,
    inner: rust_stemmers::Stemmer,
}

/// The most words one thread remembers the keys of. Copy repeats its words
/// from field to field and campaign to campaign; past this the memory is
/// cleared and filled again.
const REMEMBERED_KEYS: usize = 1 << 16;

/// Words to keys, hashed with a fast fixed-seed hasher: the words are the
/// user's own copy, not an attacker's keys, and SipHash was half the cost
/// of looking a word up.
type RememberedKeys = std::collections::HashMap<Box<str>, u64, foldhash::fast::FixedState>;

thread_local! {
    /// The keys worked out on this thread, by language and word: stemming
    /// is the costly part of reading words, and a run meets the same words
    /// again and again (raw HTML, footers, every campaign's greeting).
    static KEYS: std::cell::RefCell<[RememberedKeys; Lang::ALL.len()]> =
        std::cell::RefCell::new(Default::default());
}

impl Stemmer {
    pub fn new(lang: Lang) -> Stemmer {
        Stemmer {
            lang,
            inner: rust_stemmers::Stemmer::create(lang.stemmer()),
        }
    }

    /// The key of one lowercased word.
    pub fn key(&self, lower: &str) -> u64 {
        KEYS.with(|keys| {
            let keys = &mut keys.borrow_mut()[self.lang.index()];
            if let Some(k) = keys.get(lower) {
                return *k;
            }
            let k = self.key_uncached(lower);
            if keys.len() >= REMEMBERED_KEYS {
                keys.clear();
            }
            keys.insert(lower.into(), k);
            k
        })
    }

    fn key_uncached(&self, lower: &str) -> u64 {
        let stem = self.inner.stem(lower);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        if stem.is_ascii() {
            // Nothing to fold: each character as the slow path would hash it.
            for c in stem.chars() {
                c.hash(&mut h);
            }
        } else {
            for c in stem.nfd().filter(|c| !is_combining(*c)) {
                c.hash(&mut h);
            }
        }
        h.finish()
    }

    /// The keys of a phrase's words.
    pub fn keys(&self, phrase: &str) -> Vec<u64> {
        words(phrase)
            .iter()
            .map(|w| self.key(w.lower(phrase)))
            .collect()
    }
}

/// A combining mark (the accent of a decomposed `é`).
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {

    #[test]
    fn small_words_are_counted_as_each_word_lowercased_would_be() {
        // The plain reading: every word lowercased, looked up in each list.
        let plain = |text: &str| -> Vec<(Lang, usize)> {
            let ws = words(text);
            FUNCTION_WORDS
                .iter()
                .map(|(lang, list)| {
                    let n = ws.iter().filter(|w| list.contains(&w.lower(text))).count();
                    (*lang, n)
                })
                .collect()
        };
        for text in [
            "The offer is for you and your family. We love it!",
            "QUE ES ESTO? Que y el, los las. NUESTRA tienda está abierta ya.",
            "Für Sie und Ihre Familie: das ist JETZT nicht zu spät.",
            "Il più bello è qui, per te: questo non è tutto.",
            "Você já viu? É mais para você, com a nossa loja.",
            "Het is nu ook voor jouw huis, met onze hulp.",
            "l'enfant, mother-of-pearl, 2for1, İS, \u{212A}the, ẞdie, THE_AND",
            "",
            "nuestras nuestra1 nuestra",
        ] {
            assert_eq!(function_word_votes(text), plain(text), "{text}");
        }
    }

    use super::*;

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("pt_BR"), Some(Lang::Pt));
        assert_eq!(Lang::from_tag("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("ja"), None);
        assert!(is_language_tag("ja") && is_language_tag("zh-Hant") && !is_language_tag("x"));
    }

    #[test]
    fn sets() {
        let s = Langs::of(Lang::Fr).with(Lang::En);
        assert!(s.contains(Lang::En) && s.contains(Lang::Fr) && !s.contains(Lang::De));
        assert_eq!(s.iter().collect::<Vec<_>>(), [Lang::En, Lang::Fr]);
        assert_eq!(Langs::ALL.iter().count(), 7);
    }

    #[test]
    fn words_are_cut_at_apostrophes_and_hyphens() {
        let text = "L'enfant, mother-of-pearl; Father’s Day 2027! ÉTÉ Straße";
        let cut = words(text);
        let w: Vec<&str> = cut.iter().map(|w| w.lower(text)).collect();
        assert_eq!(
            w,
            [
                "l", "enfant", "mother", "of", "pearl", "father", "s", "day", "2027", "été",
                "straße"
            ]
        );
        // Only words that change when lowercased keep a string of their own.
        let own: Vec<bool> = cut.iter().map(|w| w.folded.is_some()).collect();
        assert_eq!(
            own,
            [true, false, false, false, false, true, false, true, false, true, true]
        );
    }

    #[test]
    fn inflections_meet_and_accents_fold() {
        let en = Stemmer::new(Lang::En);
        let k = en.key("separated");
        assert_eq!(en.key("separating"), k);
        assert_eq!(en.key("separation"), k);
        assert_ne!(en.key("separate"), en.key("pregnant"));
        let es = Stemmer::new(Lang::Es);
        assert_eq!(es.key("bebé"), es.key("bebe"));
        assert_eq!(es.key("embarazada"), es.key("embarazadas"));
        let de = Stemmer::new(Lang::De);
        assert_eq!(de.key("scheidung"), de.key("scheidungen"));
    }

    #[test]
    fn detection_needs_enough_text() {
        assert_eq!(detect("Hola"), Detected::Unsure);
        assert_eq!(
            detect("Nos alegra anunciar que nuestra nueva colección de primavera ya está disponible en todas las tiendas."),
            Detected::Lang(Lang::Es)
        );
        assert_eq!(
            detect("Nous sommes heureux de vous présenter notre nouvelle collection de printemps, disponible dès aujourd'hui."),
            Detected::Lang(Lang::Fr)
        );
        assert_eq!(
            detect("Our spring running range has landed, with the Trail 2 in six new colours for every runner."),
            Detected::Lang(Lang::En)
        );
        assert_eq!(
            detect("Wir freuen uns, Ihnen unsere neue Frühjahrskollektion vorzustellen."),
            Detected::Lang(Lang::De)
        );
        // Short English copy that letter patterns alone misjudge.
        assert_eq!(
            detect("We noticed you like gardening. Happy Father's Day!"),
            Detected::Lang(Lang::En)
        );
        assert_eq!(
            detect(
                "Zomerkorting op alle tuinmeubelen, alleen deze week in onze winkels en online."
            ),
            Detected::Lang(Lang::Nl)
        );
        assert_eq!(
            detect("新しい春のコレクションが入荷しました。ぜひ店舗でご覧ください。お待ちしております。"),
            Detected::Other
        );
    }
}
