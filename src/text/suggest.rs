//! "Did you mean …?" suggestions for misspelt names.

/// How many unknown names of one campaign get a suggestion: each compares
/// with every candidate, so thousands of unknown names would cost millions.
pub const SUGGESTIONS: usize = 100;

/// The longest name a suggestion is looked for.
const MAX_WORD: usize = 64;

/// The closest candidate to `word`, if one is close enough to be a typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    // Names are short; a long value is no typo of one (and comparing it
    // would cost its length times every candidate's).
    let wn = word.chars().count();
    if wn > MAX_WORD {
        return None;
    }
    let w = word.to_lowercase();
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        let cn = c.chars().count();
        let limit = (cn.max(wn) / 3).max(1);
        // The distance is at least the difference in length.
        if cn.abs_diff(wn) > limit || cn > MAX_WORD {
            continue;
        }
        crate::work::add(cn.max(1) * wn.max(1));
        let d = strsim::damerau_levenshtein(&w, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["include", "exclude", "segment"];
        assert_eq!(did_you_mean("exlude", keys), Some("exclude"));
        assert_eq!(did_you_mean("Include", keys), Some("include"));
        assert_eq!(did_you_mean("segmnet", keys), Some("segment"));
        assert_eq!(did_you_mean("banana", keys), None);
        assert_eq!(did_you_mean(&"x".repeat(10_000), keys), None);
        assert_eq!(
            did_you_mean("frist_name", ["first_name", "last_name"]),
            Some("first_name")
        );
    }
}
