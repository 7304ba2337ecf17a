use crate::context::Ctx;
use crate::wording::{copy, excerpt};

declare_rule! {
    /// ## What it does
    /// Reports copy that asserts or implies something personal about the
    /// reader: a question about a condition ("Are you struggling with
    /// debt?"), a profiling phrase ("people like you who just turned 62"),
    /// or their identity ("other Jewish singles near you"). The phrases are
    /// in `checks/personal-attributes.yaml`.
    ///
    /// ## Why is this bad?
    /// Meta's advertising standards reject ads that assert or imply a
    /// person's race, religion, age, sexual orientation, health, finances
    /// or other personal attributes, and in any channel such copy reads as
    /// being profiled: it tells the reader what the sender believes about
    /// them.
    ///
    /// ## Example
    /// ```yaml
    /// headline: "Are you struggling with debt?"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// headline: "Free, confidential help with money worries"
    /// ```
    ///
    /// ## Configuration
    /// The phrases are `checks/personal-attributes.yaml`.
    pub static PERSONAL_ATTRIBUTE_COPY = {
        code: "PF832",
        name: "personal-attribute-copy",
        severity: Warning,
        summary: "Copy asserts or implies the reader's personal attributes (\"Are you struggling with debt?\", \"people like you\").",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let lex = &ctx.checks.personal_attributes;
    for w in copy(ctx.campaign) {
        for m in w.first_match_per_entry(lex) {
            let e = &lex.entries[m.entry];
            let span = ctx.locate(w.node, w.value_range(m.range.clone()));
            ctx.report(
                &PERSONAL_ATTRIBUTE_COPY,
                span,
                format!(
                    "The {} says “{}” to the reader. {}",
                    w.what,
                    excerpt(&w.text()[m.range.clone()]),
                    e.message
                ),
                "Describe the offer, not the reader: say what it does and for whom in general terms (“help with money worries”, not “are you in debt?”)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "personal-attribute-copy";

    #[test]
    fn failing() {
        for (text, at) in [
            ("Are you struggling with debt?", "Are you struggling with"),
            ("For people like you who just turned 62", "people like you"),
            ("Meet other Jewish singles near you", "other Jewish singles"),
        ] {
            let yaml = BASE.replace("New season, new shoes", text);
            assert_fires(&yaml, RULE, at);
        }
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE.replace("New season, new shoes", "Free help with money worries"),
            RULE,
        );
        assert_clean(
            &BASE.replace("New season, new shoes", "Are you ready for spring?"),
            RULE,
        );
    }
}
