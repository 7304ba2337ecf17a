use crate::input::source::Span;
use crate::model::campaign::{ConditionKind, Op, Spanned};
use crate::rules::context::Ctx;
use crate::text::searchable::words_of_name;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports an audience that targets special-category or hardship data
    /// (health, pregnancy, religion, ethnicity, sexual orientation, political
    /// opinion, immigration status, financial hardship, minors) when the
    /// campaign does not list `sensitive_data` in `consent`. It looks at the
    /// include conditions' attribute and event names, their values and event
    /// filters (`product_viewed where category: pregnancy-tests`), an age
    /// limit below 18, and the segment name. The vocabulary lives in
    /// `checks/special-categories.yaml`.
    ///
    /// ## Why is this bad?
    /// Inferring someone's health, faith or money trouble from their data and
    /// acting on it is what the law (GDPR article 9, US state privacy laws) and
    /// every major ad platform restrict. It is also how a store learns of a
    /// pregnancy before the family does. Without explicit consent, do not
    /// build audiences on it.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   include:
    ///     - event: product_viewed
    ///       where: {category: pregnancy-tests}
    /// ```
    ///
    /// ## Use instead
    /// Target on what people told you they want, or record the explicit
    /// consent you hold:
    /// ```yaml
    /// audience:
    ///   include:
    ///     - attribute: preferences.interests
    ///       op: contains
    ///       value: parenting
    /// consent: [email_marketing, sensitive_data]
    /// ```
    pub static SENSITIVE_TARGETING = {
        code: "PF203",
        name: "sensitive-targeting",
        severity: Error,
        summary: "The audience targets health, pregnancy, religion or other special-category data without explicit consent.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if c.has_consent("sensitive_data") {
        return;
    }
    // Every name and value the audience selects on, with where it is written.
    let mut looked_at: Vec<(String, Spanned<&str>)> = Vec::new();
    for cond in c.include() {
        let name = cond.name();
        looked_at.push((format!("`{}`", name.value), name));
        if let ConditionKind::Event { filters, .. } = &cond.kind {
            for (k, _) in filters {
                looked_at.push((format!("the filter `{}`", k.value), *k));
            }
        }
        for v in cond.values() {
            looked_at.push((format!("`{}: {}`", name.value, v.value), v));
        }
    }
    if let Some(seg) = c.audience.as_ref().and_then(|a| a.segment) {
        if let Some(s) = seg.as_str() {
            looked_at.push((format!("the segment `{s}`"), Spanned::new(s, seg.span)));
        }
    }
    let lex = &ctx.checks.special_categories;
    let mut reported: Vec<Span> = Vec::new();
    for (what, item) in looked_at {
        let Some((entry, _)) = lex.first_entry(&Searchable::name(item.value, c.name_langs)) else {
            continue;
        };
        if reported.contains(&item.span) {
            continue;
        }
        reported.push(item.span);
        let e = &lex.entries[entry];
        report(ctx, item.span, &what, &e.category, &e.message);
    }
    // An age limit under 18 selects minors, whatever the attribute is called.
    for cond in c.include() {
        if let ConditionKind::Attribute {
            name,
            op: Some(op),
            value: Some(v),
        } = &cond.kind
        {
            let is_age = words_of_name(name.value)
                .split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("age"));
            let limit = v.as_str().and_then(|s| s.parse::<f64>().ok());
            let minors = match (op.value, limit) {
                (Op::Lt, Some(n)) => n <= 18.0,
                (Op::Lte, Some(n)) => n < 18.0,
                _ => false,
            };
            if is_age && minors && !reported.contains(&v.span) {
                reported.push(v.span);
                let entry = lex.by_id("minors");
                let why = entry.map(|e| e.message.as_str()).unwrap_or("");
                report(
                    ctx,
                    v.span,
                    &format!("`{} under 18`", name.value),
                    "minors",
                    why,
                );
            }
        }
    }
}

fn report(ctx: &mut Ctx, span: Span, what: &str, category: &str, why: &str) {
    ctx.report(
        &SENSITIVE_TARGETING,
        span,
        format!("The audience selects people by {category} data ({what}) without their explicit consent. {why}"),
        "Remove this condition and target on what people told you they want; if you hold explicit consent for this data, add `sensitive_data` to `consent:`.",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sensitive-targeting";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("{category: running}", "{category: pregnancy-tests}"),
            RULE,
            "pregnancy-tests",
        );
        assert!(f[0].message.contains("pregnancy"));
        assert_fires(
            &BASE.replace(
                "attribute: preferences.interests",
                "attribute: profile.religion",
            ),
            RULE,
            "profile.religion",
        );
        assert_fires(
            &BASE.replace("segment: runners-who-opted-in", "segment: runners-in-debt"),
            RULE,
            "runners-in-debt",
        );
        let minors = BASE.replace(
            "attribute: preferences.interests\n      op: contains\n      value: running",
            "attribute: profile.age\n      op: lt\n      value: 16",
        );
        let f = assert_fires(&minors, RULE, "16");
        assert!(f[0].message.contains("minors"));
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let consented = BASE
            .replace("{category: running}", "{category: pregnancy-tests}")
            .replace(
                "consent: [email_marketing]",
                "consent: [email_marketing, sensitive_data]",
            );
        assert_clean(&consented, RULE);
        let adults = BASE.replace(
            "attribute: preferences.interests\n      op: contains\n      value: running",
            "attribute: profile.age\n      op: gte\n      value: 18",
        );
        assert_clean(&adults, RULE);
    }

    #[test]
    fn wherever_the_condition_sits() {
        let religion = BASE.replace(
            "attribute: preferences.interests",
            "attribute: profile.religion",
        );
        let pregnancy = BASE.replace("{category: running}", "{category: pregnancy-tests}");
        for kind in ["any_of", "all_of"] {
            assert_fires(&grouped(&religion, kind), RULE, "profile.religion");
            assert_fires(&grouped(&pregnancy, kind), RULE, "pregnancy-tests");
            assert_clean(
                &grouped(
                    &pregnancy.replace(
                        "consent: [email_marketing]",
                        "consent: [email_marketing, sensitive_data]",
                    ),
                    kind,
                ),
                RULE,
            );
        }
    }
}
