declare_rule! {
    /// ## What it does
    /// Reports a key written twice in the same mapping of a campaign, such
    /// as two `exclude:` lists in one audience. The finding sits on the
    /// second one, with a label on the first.
    ///
    /// ## Why is this bad?
    /// YAML tools disagree about which value wins: some keep the first, most
    /// keep the last, some refuse the file. A second `exclude:` added at the
    /// bottom of an audience can silently replace the suppression list above
    /// it, so the people who opted out get the message after all.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   exclude:
    ///     - attribute: fathers_day_opt_out
    ///       op: eq
    ///       value: true
    ///   exclude:
    ///     - attribute: email_bounced
    ///       op: eq
    ///       value: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// audience:
    ///   exclude:
    ///     - attribute: fathers_day_opt_out
    ///       op: eq
    ///       value: true
    ///     - attribute: email_bounced
    ///       op: eq
    ///       value: true
    /// ```
    ///
    /// ## Configuration
    /// None. The campaign must be fixed: this rule cannot be acknowledged.
    pub static DUPLICATE_KEY = {
        code: "PF004",
        name: "duplicate-key",
        severity: Error,
        summary: "A key is written twice in one mapping; which value wins differs between tools.",
        settings: &[],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn the_second_key_is_reported_with_the_first_as_related() {
        let yaml = BASE.replace(
            "consent: [email_marketing]\n",
            "consent: [email_marketing]\nconsent: [push]\n",
        );
        let f = assert_fires(&yaml, "duplicate-key", "consent");
        assert_eq!(f.len(), 1);
        assert!(f[0].span.start > yaml.find("consent").unwrap());
        assert_eq!(f[0].related.len(), 1);
        assert_eq!(&yaml[f[0].related[0].span.range()], "consent");
        assert_clean(BASE, "duplicate-key");
    }
}
