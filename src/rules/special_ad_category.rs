use crate::analysis::wording::{copy, excerpt};
use crate::input::source::Span;
use crate::model::campaign::{Channel, ConditionKind};
use crate::rules::context::Ctx;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports `ad` or `web` copy about housing, employment, or credit and
    /// other financial products (the vocabulary is `checks/ad-policy.yaml`)
    /// when the audience includes or excludes people by age, gender or
    /// postal code. The finding sits on each such condition, with a label on
    /// the words that make it a special-category ad.
    ///
    /// ## Why is this bad?
    /// Meta's special ad categories and Google's personalised-advertising
    /// policy forbid targeting these ads by age, gender or postal code, and
    /// US fair-housing, equal-employment and fair-lending law stand behind
    /// them: excluding older people from a job ad, or a postcode from a
    /// housing ad, is discrimination, and platforms reject or restrict such
    /// campaigns.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [ad]
    /// audience:
    ///   include:
    ///     - attribute: profile.age
    ///       op: lt
    ///       value: 35
    /// content:
    ///   ad:
    ///     headline: "New apartments for rent downtown"
    /// ```
    ///
    /// ## Use instead
    /// Target on interest or behaviour that does not stand in for age,
    /// gender or place, and declare the special ad category on the platform.
    ///
    /// ## Configuration
    /// The vocabulary is `checks/ad-policy.yaml`.
    pub static SPECIAL_AD_CATEGORY = {
        code: "PF831",
        name: "special-ad-category",
        severity: Error,
        summary: "A housing, employment or credit ad targets or excludes by age, gender or postal code.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let lex = &ctx.checks.ad_policy;
    // The first mention of a special ad category in ad or web copy.
    let topic = copy(c)
        .into_iter()
        .filter(|w| {
            w.copy
                .is_some_and(|f| matches!(f.channel, Channel::Ad | Channel::Web))
        })
        .find_map(|w| {
            let m = lex
                .find_all(&w.search)
                .into_iter()
                .find(|m| lex.entries[m.entry].category == "ad-category")?;
            Some((
                m.entry,
                ctx.locate(w.node, w.value_range(m.range.clone())),
                excerpt(&w.text()[m.range]),
            ))
        });
    let Some((entry, topic_span, quoted)) = topic else {
        return;
    };
    let label = lex.entries[entry].display().to_string();
    let mut found: Vec<(Span, String, &str)> = Vec::new();
    for cond in c.include().iter().chain(c.exclude()) {
        let ConditionKind::Attribute { name, .. } = &cond.kind else {
            continue;
        };
        let words = Searchable::name(name.value, c.name_langs);
        if let Some(m) = lex
            .find_all(&words)
            .into_iter()
            .find(|m| lex.entries[m.entry].category == "restricted-attribute")
        {
            found.push((
                name.span,
                name.value.to_string(),
                lex.entries[m.entry].display(),
            ));
        }
    }
    for (span, attr, what) in found {
        ctx.report(
            &SPECIAL_AD_CATEGORY,
            span,
            format!(
                "This ad is about {label} (“{quoted}”), and its audience filters on {what} (`{attr}`): ad platforms forbid targeting {label} ads by age, gender or postal code, and anti-discrimination law stands behind that rule"
            ),
            "Remove the condition on age, gender or postal code, target on interests instead, and declare the special ad category on the ad platform",
        )
        .related(topic_span, "this makes it a special-category ad");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "special-ad-category";

    fn ad(headline: &str, condition: &str) -> String {
        BASE.replace("channels: [email]", "channels: [email, ad]")
            .replace("  include:\n", &format!("  include:\n{condition}"))
            .replace(
                "content:\n",
                &format!("content:\n  ad:\n    headline: \"{headline}\"\n    body: \"See more\"\n"),
            )
    }

    const AGE: &str = "    - attribute: profile.age\n      op: lt\n      value: 35\n";

    #[test]
    fn failing() {
        let f = assert_fires(
            &ad("New apartments for rent downtown", AGE),
            RULE,
            "profile.age",
        );
        assert!(
            f[0].message.contains("about housing (“apartments”)"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 1);
        assert_fires(
            &ad(
                "We're hiring store staff",
                "    - attribute: profile.gender\n      op: eq\n      value: female\n",
            ),
            RULE,
            "profile.gender",
        );
        assert_fires(
            &ad(
                "A credit card with 0% APR",
                "    - attribute: address.zip_code\n      op: in\n      value: ['10001']\n",
            ),
            RULE,
            "address.zip_code",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        // Not a special category.
        assert_clean(&ad("New running shoes", AGE), RULE);
        // A special category, but no restricted targeting.
        assert_clean(&ad("New apartments for rent downtown", ""), RULE);
        // Email copy is not an ad.
        assert_clean(
            &BASE
                .replace("New season, new shoes", "Apartments for rent")
                .replace("  include:\n", &format!("  include:\n{AGE}")),
            RULE,
        );
    }

    #[test]
    fn wherever_the_condition_sits() {
        for kind in ["any_of", "all_of"] {
            let f = assert_fires(
                &grouped(&ad("New apartments for rent downtown", AGE), kind),
                RULE,
                "profile.age",
            );
            assert!(f[0].message.contains("about housing"), "{}", f[0].message);
            assert_clean(&grouped(&ad("New running shoes", AGE), kind), RULE);
        }
    }
}
