declare_rule! {
    /// ## What it does
    /// Reports an ignore comment (`# preflight: ignore[rule-name] reason`)
    /// that silences nothing: the rule does not fire on its line (or, for a
    /// comment on its own line, the line below), the rule name is unknown,
    /// or no reason is given (an ignore without a reason silences nothing).
    ///
    /// ## Why is this bad?
    /// Suppressions outlive the mistakes they covered. A stale one hides the
    /// next real finding on that line, and a misspelt one silently does
    /// nothing while reviewers believe the exception was made.
    ///
    /// ## Example
    /// ```yaml
    /// refreshed_at: 2027-06-01   # preflight: ignore[stale-dta] refreshed nightly
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// refreshed_at: 2027-06-01   # preflight: ignore[stale-data] refreshed nightly by the CRM job
    /// ```
    /// Or remove the comment when the finding is gone.
    ///
    /// ## Fix
    /// `--fix` removes the rules that silence nothing, or the whole comment
    /// when none of its rules does. An unknown rule name or a missing reason
    /// is left for a person: the fix would be a guess.
    ///
    /// ## Configuration
    /// None. This rule cannot itself be ignored or acknowledged; it can be
    /// turned off in the configuration.
    pub static UNUSED_SUPPRESSION = {
        code: "PF003",
        name: "unused-suppression",
        severity: Warning,
        summary: "An ignore comment silences nothing (no finding there, an unknown rule, or no reason).",
        settings: &[],
        fixes: &[crate::rule_meta::FixDoc {
            safe: true,
            what: "removes a rule that silences nothing from the comment, or the whole comment (its line, when it stands alone) when none of its rules silences anything",
        }],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{lint_many, BASE};

    const RULE: &str = "unused-suppression";

    #[test]
    fn an_ignore_silences_its_line_and_unused_ones_are_reported() {
        let narrow = BASE.replace(
            "estimated_size: 12000",
            "estimated_size: 40   # preflight: ignore[segment-too-narrow] a one-to-one VIP message",
        );
        let report = crate::engine::run::run_texts(
            &[("a.yaml", &narrow)],
            &crate::engine::lint::Options::new(crate::rules::testing::now()),
        );
        assert!(
            report.findings().next().is_none(),
            "{:#?}",
            report.findings().collect::<Vec<_>>()
        );
        assert_eq!(report.suppressed(), 1);
        // The line above works too.
        let above = BASE.replace(
            "  estimated_size: 12000",
            "  # preflight: ignore[PF103] a one-to-one VIP message\n  estimated_size: 40",
        );
        assert!(lint_many(&[("a.yaml", &above)], "segment-too-narrow").is_empty());
        assert!(lint_many(&[("a.yaml", &above)], RULE).is_empty());
        // Nothing to silence, an unknown rule, no reason.
        for (comment, at, says) in [
            (
                "# preflight: ignore[stale-data] refreshed nightly",
                "stale-data",
                "silences nothing",
            ),
            (
                "# preflight: ignore[stale-dta] refreshed nightly",
                "stale-dta",
                "Did you mean `stale-data`",
            ),
            (
                "# preflight: ignore[segment-too-narrow]",
                "# preflight: ignore[segment-too-narrow]",
                "gives no reason",
            ),
        ] {
            let yaml = BASE.replace(
                "estimated_size: 12000",
                &format!("estimated_size: 12000  {comment}"),
            );
            let f = lint_many(&[("a.yaml", &yaml)], RULE);
            assert_eq!(f.len(), 1, "{comment}: {f:#?}");
            assert_eq!(&yaml[f[0].span.range()], at);
            assert!(
                format!("{} {}", f[0].message, f[0].help).contains(says),
                "{:?}",
                f[0]
            );
        }
    }
}
