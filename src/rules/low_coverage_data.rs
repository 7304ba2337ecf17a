use crate::model::campaign::ConditionKind;
use crate::rules::context::Ctx;
use crate::rules::SettingDoc;

declare_rule! {
    /// ## What it does
    /// Reports an include condition, or a merge token in the copy, that
    /// relies on an attribute whose declared `coverage` (under its data
    /// source) is below `min_coverage` (default 0.5): the attribute is
    /// unknown for most of the list.
    ///
    /// ## Why is this bad?
    /// People whose value is unknown fall out of a segment silently, so the
    /// campaign reaches a skewed sliver of the people it was meant for; and a
    /// token that is mostly empty means most people see the fallback (or, with
    /// no fallback, a gap: "Hi ,").
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   include:
    ///     - attribute: profile.gender
    ///       op: eq
    ///       value: female
    /// data_sources:
    ///   - name: crm
    ///     provides: [profile.gender]
    ///     coverage: {profile.gender: 0.35}
    /// ```
    ///
    /// ## Use instead
    /// Target on something the list actually records, such as a declared
    /// preference, or collect the attribute first.
    ///
    /// ## Configuration
    /// - `min_coverage` (default `0.5`): the smallest share of the list an
    ///   attribute must be known for.
    pub static LOW_COVERAGE_DATA = {
        code: "PF405",
        name: "low-coverage-data",
        severity: Warning,
        summary: "A condition or token relies on an attribute known for less than half of the list (its declared coverage).",
        settings: &[SettingDoc {
            name: "min_coverage",
            default: "0.5",
            about: "smallest share of the list an attribute must be known for",
        }],
    }
}

fn percent(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let min = ctx.settings.min_coverage;
    let coverage = |name: &str| c.coverage_of(name);
    for cond in c.include() {
        let ConditionKind::Attribute { name, .. } = &cond.kind else {
            continue;
        };
        let Some((source, share)) = coverage(name.value) else {
            continue;
        };
        if share.value >= min {
            continue;
        }
        ctx.report(
            &LOW_COVERAGE_DATA,
            name.span,
            format!(
                "`{}` is known for only {} of the list (coverage in `{source}`): the other {} fall out of this segment silently",
                name.value,
                percent(share.value),
                percent(1.0 - share.value)
            ),
            "Target on something most of the list has (such as a declared preference), or collect this attribute first",
        )
        .related(share.span, "coverage declared here");
    }
    for field in &c.copy {
        for t in field.tokens() {
            let Some((source, share)) = coverage(t.name) else {
                continue;
            };
            if share.value >= min {
                continue;
            }
            let span = ctx.locate(field.node, t.name_range.clone());
            ctx.report(
                &LOW_COVERAGE_DATA,
                span,
                format!(
                    "`{}` is known for only {} of the list (coverage in `{source}`), so {} of people would see the fallback in the {}",
                    t.name,
                    percent(share.value),
                    percent(1.0 - share.value),
                    field.label()
                ),
                "Write the copy so it reads well without this value, or leave the token out",
            )
            .related(share.span, "coverage declared here");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "low-coverage-data";

    fn covered(attr: &str, share: &str) -> String {
        BASE.replace(
            "    refreshed_at: 2027-04-05\n",
            &format!("    refreshed_at: 2027-04-05\n    coverage: {{{attr}: {share}}}\n"),
        )
    }

    #[test]
    fn failing() {
        let f = assert_fires(
            &covered("preferences.interests", "0.35"),
            RULE,
            "preferences.interests",
        );
        assert!(f[0].message.contains("only 35%"), "{}", f[0].message);
        assert!(f[0].message.contains("other 65%"), "{}", f[0].message);
        assert_eq!(f[0].related.len(), 1);
        let f = assert_fires(&covered("first_name", "0.2"), RULE, "first_name");
        assert!(
            f[0].message
                .contains("80% of people would see the fallback"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&covered("preferences.interests", "0.5"), RULE);
        assert_clean(&covered("first_name", "0.92"), RULE);
    }

    #[test]
    fn wherever_the_condition_sits() {
        for kind in ["any_of", "all_of"] {
            let f = assert_fires(
                &grouped(&covered("preferences.interests", "0.35"), kind),
                RULE,
                "preferences.interests",
            );
            assert!(f[0].message.contains("only 35%"), "{}", f[0].message);
            assert_clean(
                &grouped(&covered("preferences.interests", "0.5"), kind),
                RULE,
            );
        }
    }
}
