declare_rule! {
    /// ## What it does
    /// Reports a key that the campaign format does not have, and suggests the
    /// field you probably meant.
    ///
    /// ## Why is this bad?
    /// A misspelt key is ignored, silently. A typo in `exclude` drops the
    /// suppression list, so people who opted out receive the message anyway;
    /// a typo in `ends_at` lets a campaign run forever.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   exlude:
    ///     - attribute: fathers_day_opt_out
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
    /// ```
    ///
    /// This rule cannot be acknowledged: fix the file instead.
    ///
    /// ## Fix
    /// `--fix` renames the key when the did-you-mean is the only field that
    /// close (quotes, layout and comments stay as written).
    pub static UNKNOWN_FIELD = {
        code: "PF002",
        name: "unknown-field",
        severity: Error,
        summary: "A key the campaign format does not have (a typo would be silently ignored).",
        settings: &[],
        fixes: &[crate::rule_meta::FixDoc {
            safe: true,
            what: "renames the key to the field it is a typo of, when exactly one field is that close and the mapping does not have it yet",
        }],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn cases() {
        let rule = "unknown-field";
        assert_clean(BASE, rule);
        let f = assert_fires(&BASE.replace("  include:", "  incldue:"), rule, "incldue");
        assert!(f[0].help.contains("Did you mean `include`"));
        assert_fires(
            &BASE.replace("    preheader:", "    pre_header:"),
            rule,
            "pre_header",
        );
        assert_fires(&format!("{BASE}budget: 1000\n"), rule, "budget");
    }
}
