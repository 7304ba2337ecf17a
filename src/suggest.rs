//! "Did you mean …?" suggestions for misspelt names.

/// The closest candidate to `word`, if one is close enough to be a typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let w = word.to_lowercase();
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        let d = strsim::damerau_levenshtein(&w, &c.to_lowercase());
        let limit = (c.chars().count().max(w.chars().count()) / 3).max(1);
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
        assert_eq!(
            did_you_mean("frist_name", ["first_name", "last_name"]),
            Some("first_name")
        );
    }
}
