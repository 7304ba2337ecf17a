//! What the rules across campaigns remember of each campaign.
//!
//! While a file is checked, each of its campaigns leaves a compact
//! [`Fingerprint`]: hashes of its copy, its segment, channels and dates, and
//! the places to point at. The documents themselves are dropped. After every
//! file is done, the cross-campaign rules (`crate::rules::across`) read only
//! the fingerprints.

use chrono::NaiveDateTime;

use crate::input::source::{LineCol, LineIndex, Sources, Span};
use crate::knowledge::checks::Checks;
use crate::model::calendar::Rate;
use crate::model::campaign::{Campaign, Channel};
use crate::text::template;

/// A place in a file, with its line and column already worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Bytes in its file.
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
    /// Which file: 0 for the campaign file, `k` for the `k`-th file its
    /// copy names ([`Fingerprint::file_of`]).
    pub file: u16,
}

/// Which piece of copy a text is; only texts of the same kind are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextKind {
    Subject,
    PushTitle,
    Body(Channel),
}

impl TextKind {
    pub fn label(self) -> String {
        match self {
            TextKind::Subject => "email subject".into(),
            TextKind::PushTitle => "push title".into(),
            TextKind::Body(ch) => format!("{ch} body"),
        }
    }
}

/// Number of MinHash values kept for a long text.
pub const MINHASH_LEN: usize = 64;

/// One piece of copy, reduced to what repeated-content compares.
#[derive(Debug, Clone)]
pub struct TextPrint {
    pub kind: TextKind,
    /// Hash of the normalised text (case, spacing and merge tokens evened out).
    pub exact: u64,
    /// MinHash of its 3-word shingles, for texts long enough to have them.
    pub minhash: Option<Box<[u16; MINHASH_LEN]>>,
    pub place: Place,
    /// The file the text is taken from, when it is not the campaign file
    /// (`body: {file: …}`): a hash of its name.
    pub from_file: Option<u64>,
}

/// What the cross-campaign rules need from one campaign.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    pub file: String,
    /// The files the campaign's copy names, in the order places count them.
    pub sources: Vec<String>,
    pub campaign: Option<String>,
    /// The campaign id (or where it should be).
    pub anchor: Place,
    pub texts: Vec<TextPrint>,
    pub segment: Option<(String, Place)>,
    /// Hash of the include and exclude conditions, sorted, when there are any.
    pub audience: Option<u64>,
    pub channels: Vec<Channel>,
    pub send_at: Option<NaiveDateTime>,
    /// The last moment the campaign may send (ends_at, or the end of its
    /// retargeting window); `None` for a one-off send.
    pub last_send: Option<NaiveDateTime>,
    pub frequency: Option<Rate>,
    /// Occasions the copy asks people to opt out of: (id, label, where).
    pub opt_out_prompts: Vec<(String, String, Place)>,
    /// Rules this campaign acknowledges (code, reason).
    pub acknowledged: Vec<(&'static str, String)>,
    /// Read from a platform's export: its id there is the platform's
    /// (unique by construction), and the name shown may repeat.
    pub exported: bool,
    /// The platform objects the campaign was read from (`meta:creative:ID`):
    /// two exports of one object (a campaign with its ads expanded, and the
    /// ad creative on its own) are one campaign.
    pub objects: Vec<String>,
}

impl Fingerprint {
    /// `` `id` (path:line) `` for messages.
    pub fn name_at(&self, place: &Place) -> String {
        format!(
            "`{}` ({}:{})",
            self.campaign.as_deref().unwrap_or("unnamed campaign"),
            self.file_of(place),
            place.start.line
        )
    }

    /// The file a place is in.
    pub fn file_of(&self, place: &Place) -> &str {
        match place.file.checked_sub(1) {
            Some(k) => self
                .sources
                .get(usize::from(k))
                .map_or(&self.file, |s| s.as_str()),
            None => &self.file,
        }
    }

    pub fn same_campaign(&self, other: &Fingerprint) -> bool {
        (self.file == other.file && self.anchor == other.anchor)
            || self.objects.iter().any(|o| other.objects.contains(o))
    }

    /// A key that two fingerprints share exactly when they are the
    /// [same campaign](Fingerprint::same_campaign), for hashing.
    pub fn campaign_key(&self) -> (&str, Span, [usize; 4]) {
        let a = &self.anchor;
        (
            &self.file,
            a.span,
            [a.start.line, a.start.column, a.end.line, a.end.column],
        )
    }
}

/// A stable 64-bit hash (FNV-1a, then a final mix), so results do not depend
/// on the process.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The words of a text with case, spacing, punctuation and merge tokens
/// evened out: every token becomes `#`.
pub fn normalized_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    each_normalized_word(text, &template::tokens(text), |w| match w {
        Word::Token => words.push("#".to_string()),
        Word::Text(w) => words.push(w.to_lowercase()),
    });
    words
}

/// A word of a normalised text.
enum Word<'t> {
    Token,
    Text(&'t str),
}

/// Calls `each` with the words of `text` (tokens standing for themselves),
/// in order, without allocating.
fn each_normalized_word<'t>(
    text: &'t str,
    tokens: &[template::Token],
    mut each: impl FnMut(Word<'t>),
) {
    let words_of = |piece: &'t str, each: &mut dyn FnMut(Word<'t>)| {
        for w in piece.split(|c: char| !(c.is_alphanumeric() || c == '#')) {
            match w {
                "" => {}
                "#" => each(Word::Token),
                w => each(Word::Text(w)),
            }
        }
    };
    let mut at = 0;
    for t in tokens {
        if t.range.start >= at {
            words_of(&text[at..t.range.start], &mut each);
            each(Word::Token);
            at = t.range.end;
        }
    }
    words_of(&text[at..], &mut each);
}

/// Hashes of the normalised words of a text (as [`normalized_words`] gives
/// them), and whether any of them is a word rather than a token.
fn word_hashes(text: &str, tokens: &[template::Token]) -> (Vec<u64>, bool) {
    const TOKEN: u64 = 0x2f6b_8d1c_4a93_e507;
    let mut out = Vec::new();
    let mut any_word = false;
    each_normalized_word(text, tokens, |w| match w {
        Word::Token => out.push(TOKEN),
        Word::Text(w) => {
            any_word = true;
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            if w.is_ascii() {
                // The same characters `to_lowercase` gives, byte by byte.
                for b in w.bytes() {
                    h ^= u64::from(b.to_ascii_lowercase());
                    h = h.wrapping_mul(0x0100_0000_01b3);
                }
            } else {
                for c in w.chars().flat_map(char::to_lowercase) {
                    h ^= u64::from(c);
                    h = h.wrapping_mul(0x0100_0000_01b3);
                }
            }
            out.push(mix(h));
        }
    });
    (out, any_word)
}

/// MinHash of the 3-word shingles, or `None` when the text is too short for
/// shingles to mean anything (under 8 words).
pub fn minhash(words: &[String]) -> Option<Box<[u16; MINHASH_LEN]>> {
    let hashes: Vec<u64> = words
        .iter()
        .map(|w| word_hashes(w, &[]).0.first().copied().unwrap_or(0))
        .collect();
    minhash_of(&hashes)
}

/// [`minhash`] of words given by their hashes.
fn minhash_of(hashes: &[u64]) -> Option<Box<[u16; MINHASH_LEN]>> {
    if hashes.len() < 8 {
        return None;
    }
    let mut sig = [u32::MAX; MINHASH_LEN];
    // A shingle met again moves no minimum: copy repeats its phrases (a
    // template's product blocks, its footer's links), so each is hashed
    // once, as far as the last `REMEMBERED_SHINGLES` distinct ones go (a
    // long body's memory stays small; forgetting only costs time).
    const REMEMBERED_SHINGLES: usize = 1 << 16;
    let mut seen: std::collections::HashSet<u64, foldhash::fast::FixedState> =
        std::collections::HashSet::with_capacity_and_hasher(
            hashes.len().min(REMEMBERED_SHINGLES),
            Default::default(),
        );
    for w in hashes.windows(3) {
        let h = mix(w[0] ^ mix(w[1] ^ mix(w[2])));
        if seen.len() >= REMEMBERED_SHINGLES {
            seen.clear();
        }
        if !seen.insert(h) {
            continue;
        }
        // Each mix gives two values: the halves of a good 64-bit hash.
        for (i, pair) in sig.chunks_exact_mut(2).enumerate() {
            let v = mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            pair[0] = pair[0].min((v >> 32) as u32);
            pair[1] = pair[1].min(v as u32);
        }
    }
    // Only the low 16 bits of each minimum are kept ("b-bit minwise
    // hashing"): two different minima then agree by chance once in 65,536,
    // which moves a similarity estimate by far less than its own error, and
    // the signature takes half the memory.
    Some(Box::new(sig.map(|v| v as u16)))
}

/// The estimated Jaccard similarity of two MinHash signatures.
pub fn similarity(a: &[u16; MINHASH_LEN], b: &[u16; MINHASH_LEN]) -> f64 {
    a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f64 / MINHASH_LEN as f64
}

/// Builds the fingerprint of a loaded campaign.
///
/// `text` is the whole offset space of the campaign file (its own text,
/// then the files its copy names, as `sources` lays them out); `lines`
/// indexes the campaign file's own text.
pub fn fingerprint(
    file: &str,
    text: &str,
    lines: &LineIndex,
    sources: &Sources,
    c: &Campaign,
    checks: &Checks,
) -> Fingerprint {
    let place = |span: Span| match sources.locate(span) {
        (Some(k), local) => {
            let f = &sources.files[k];
            Place {
                span: local,
                start: f.line_col(local.start),
                end: f.line_col(local.end),
                file: u16::try_from(k + 1).unwrap_or(u16::MAX),
            }
        }
        (None, span) => Place {
            span,
            start: lines.line_col(text, span.start),
            end: lines.line_col(text, span.end),
            file: 0,
        },
    };
    let mut texts = Vec::new();
    let mut prompts: Vec<(String, String, Place)> = Vec::new();
    for f in &c.copy {
        let kind = match (f.channel, f.field) {
            (Channel::Email, "subject") => TextKind::Subject,
            (Channel::Push, "title") => TextKind::PushTitle,
            (ch, "body") => TextKind::Body(ch),
            _ => continue,
        };
        let (words, any_word) = word_hashes(f.text(), f.tokens());
        if !any_word {
            continue;
        }
        texts.push(TextPrint {
            kind,
            exact: words.iter().fold(0x51_7cc1_b727_220a, |h, w| mix(h ^ w)),
            minhash: minhash_of(&words),
            // Copy from a file is pointed at where the campaign names it,
            // rather than at the whole of the file.
            place: place(f.file.map_or(f.node.span, |p| p.span)),
            from_file: f.file.map(|_| match sources.locate(f.node.span) {
                (Some(k), _) => hash_bytes(sources.files[k].name.as_bytes()),
                (None, _) => 0,
            }),
        });
    }
    for w in crate::analysis::wording::copy(c) {
        let asks: Vec<usize> = checks
            .opt_out_prompts
            .find_all(&w.search)
            .into_iter()
            .map(|m| m.range.start)
            .collect();
        if asks.is_empty() {
            continue;
        }
        // Each occasion's mention nearest to an opt-out wording.
        let mut best: Vec<(usize, usize, std::ops::Range<usize>)> = Vec::new();
        for m in checks.occasions.find_all(&w.search) {
            // The nearest opt-out wording, by binary search (`asks` is in
            // text order): a long body with many of both stays linear.
            let i = asks.partition_point(|&a| a < m.range.start);
            crate::work::add(asks.len().max(1).ilog2() as usize + 1);
            let d = [i.checked_sub(1), Some(i)]
                .into_iter()
                .flatten()
                .filter_map(|k| asks.get(k))
                .map(|&a| a.abs_diff(m.range.start))
                .min()
                .unwrap_or(usize::MAX);
            match best.iter_mut().find(|(e, _, _)| *e == m.entry) {
                Some(b) if b.1 <= d => {}
                Some(b) => *b = (m.entry, d, m.range),
                None => best.push((m.entry, d, m.range)),
            }
        }
        for (entry, _, range) in best {
            let e = &checks.occasions.entries[entry];
            if !prompts.iter().any(|(o, _, _)| *o == e.id) {
                let span = crate::input::yaml::locate_in_scalar(text, w.node, w.value_range(range));
                prompts.push((e.id.clone(), e.display().to_string(), place(span)));
            }
        }
    }
    let audience = c.audience.as_ref();
    let segment = audience
        .and_then(|a| a.segment)
        .and_then(|n| n.as_str().map(|s| (s.trim().to_string(), place(n.span))));
    // The audience by meaning: the same trees written differently (in
    // another order, in groups of one, `in` for several `eq`) match.
    let conditions = audience.and_then(|a| crate::analysis::audience_tree::normal_form(a, text));
    let send_at = c.schedule.send_at.map(|s| s.value.at);
    let retarget_end = match (send_at, c.retargeting.and_then(|r| r.window)) {
        (Some(s), Some(w)) if c.schedule.ends_at.is_none() => Some(s + w.value.to_chrono()),
        _ => None,
    };
    Fingerprint {
        file: file.to_string(),
        sources: sources.files.iter().map(|f| f.name.clone()).collect(),
        campaign: c.id_str().map(str::to_string),
        anchor: place(c.anchor()),
        texts,
        segment: segment.filter(|(s, _)| !s.is_empty()),
        audience: conditions.map(|n| hash_bytes(n.as_bytes())),
        channels: c.channels.iter().map(|ch| ch.value).collect(),
        send_at,
        last_send: c.schedule.ends_at.map(|e| e.value.at).or(retarget_end),
        frequency: c
            .frequency
            .and_then(|f| Some(Rate::new(f.cap?.value, f.per?.value))),
        opt_out_prompts: prompts,
        acknowledged: c
            .acknowledge
            .iter()
            .filter_map(|a| Some((a.rule?.code, a.reason?.to_string())))
            .collect(),
        exported: false,
        objects: Vec::new(),
    }
}

/// Fingerprints made by hand, for the tests of the rules across campaigns.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A place on `line` of a file, `len` characters long.
    pub fn place(line: usize, len: usize) -> Place {
        Place {
            span: Span::new(line * 100, line * 100 + len),
            start: LineCol { line, column: 3 },
            end: LineCol {
                line,
                column: 3 + len,
            },
            file: 0,
        }
    }

    /// A fingerprint with only a file and an id (on line 1); the rest is
    /// for the test to fill in.
    pub fn print(file: &str, id: &str) -> Fingerprint {
        Fingerprint {
            file: file.to_string(),
            sources: Vec::new(),
            campaign: Some(id.to_string()),
            anchor: place(1, id.len()),
            texts: Vec::new(),
            segment: None,
            audience: None,
            channels: Vec::new(),
            send_at: None,
            last_send: None,
            frequency: None,
            opt_out_prompts: Vec::new(),
            acknowledged: Vec::new(),
            exported: false,
            objects: Vec::new(),
        }
    }

    /// `2027-04-10T09:00:00` plus `minutes`.
    pub fn at(minutes: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2027, 4, 10)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("valid")
            + chrono::Duration::minutes(minutes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_signatures_are_those_of_the_plain_reading() {
        // Every character lowercased and hashed, every shingle counted.
        let plain_word = |w: &str| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for c in w.chars().flat_map(char::to_lowercase) {
                h ^= u64::from(c);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            mix(h)
        };
        let text = "Hello WORLD, Café ÉTÉ straße İstanbul #tag hello world hello world";
        let (hashes, any) = word_hashes(text, &[]);
        assert!(any);
        let plain: Vec<u64> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '#'))
            .filter(|w| !w.is_empty())
            .map(plain_word)
            .collect();
        assert_eq!(hashes, plain);
        let plain_minhash = |hashes: &[u64]| {
            let mut sig = [u32::MAX; MINHASH_LEN];
            for w in hashes.windows(3) {
                let h = mix(w[0] ^ mix(w[1] ^ mix(w[2])));
                for (i, pair) in sig.chunks_exact_mut(2).enumerate() {
                    let v = mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    pair[0] = pair[0].min((v >> 32) as u32);
                    pair[1] = pair[1].min(v as u32);
                }
            }
            sig.map(|v| v as u16)
        };
        // Repeated shingles, as copy repeats its phrases.
        let repeated: Vec<u64> = (0..200)
            .map(|i| (i % 7) as u64 * 31 + (i % 3) as u64)
            .collect();
        for seq in [&hashes[..], &repeated[..]] {
            assert_eq!(minhash_of(seq).map(|b| *b), Some(plain_minhash(seq)));
        }
    }

    #[test]
    fn normalising_evens_out_case_spacing_and_tokens() {
        let a = normalized_words("Hi {{ first_name }},  NEW shoes!");
        let b = normalized_words("hi *|FNAME|* new   shoes");
        assert_eq!(a, b);
        assert_eq!(a, vec!["hi", "#", "new", "shoes"]);
    }

    #[test]
    fn minhash_estimates_similarity() {
        let words = |s: &str| normalized_words(s);
        let base = "our spring running range has landed with new trail shoes for every runner and every distance this season";
        let a = minhash(&words(base)).unwrap();
        let b = minhash(&words(&format!("{base} too"))).unwrap();
        let c = minhash(&words("a completely different message about garden furniture sales happening this weekend only in store")).unwrap();
        assert!(similarity(&a, &a) == 1.0);
        assert!(similarity(&a, &b) >= 0.8, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.2, "{}", similarity(&a, &c));
        assert!(minhash(&words("too short")).is_none());
    }
}
