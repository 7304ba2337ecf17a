use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports an audience whose include conditions all draw on one dimension
    /// of a person: only demographics, only place, only purchases, only
    /// browsing, only engagement, or only declared preferences. The dimension
    /// of each attribute or event comes from `checks/dimensions.yaml`;
    /// conditions it does not recognise are not judged.
    ///
    /// ## Why is this bad?
    /// One signal is a weak reason to message someone. A single purchase or a
    /// single page view says little about what a person wants: the gift for
    /// a friend, the search made for someone else. Combining dimensions (what
    /// they bought and what they told you they like) keeps the message
    /// relevant.
    ///
    /// ## Example
    /// ```yaml
    /// include:
    ///   - event: product_viewed
    ///     where: {category: strollers}
    ///   - event: search
    ///     where: {query: baby}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// include:
    ///   - event: product_viewed
    ///     where: {category: strollers}
    ///   - attribute: preferences.interests
    ///     op: contains
    ///     value: baby
    /// ```
    pub static SEGMENT_ONE_DIMENSIONAL = {
        code: "PF102",
        name: "segment-one-dimensional",
        severity: Warning,
        summary: "Every include condition draws on the same single dimension (only purchases, only browsing, …).",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let Some(aud) = &ctx.campaign.audience else {
        return;
    };
    if aud.include.is_empty() || aud.include_broken {
        return;
    }
    let mut dims = Vec::new();
    for cond in &aud.include {
        match ctx.checks.dimension_of(cond) {
            Some(d) => dims.push(d),
            None => return,
        }
    }
    let first = dims[0];
    // Place alone is no targeting at all: segment-too-broad reports that.
    if first.id == "geographic" || dims.iter().any(|d| d.id != first.id) {
        return;
    }
    let n = aud.include.len();
    let count = if n == 1 {
        "The only include condition".to_string()
    } else {
        format!("All {n} include conditions")
    };
    ctx.report(
        &SEGMENT_ONE_DIMENSIONAL,
        aud.include_key.unwrap_or(aud.key),
        format!("{count} look at {} and nothing else.", first.category),
        "Add a condition from another dimension, such as a declared preference or recent engagement, so one signal does not decide the audience alone.",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "segment-one-dimensional";

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        // An unrecognised attribute is not judged.
        assert_clean(
            &BASE.replace("attribute: preferences.interests", "attribute: vip_flag"),
            RULE,
        );
    }

    #[test]
    fn failing() {
        let purchase_only = BASE.replace(
            "attribute: preferences.interests",
            "attribute: lifetime_value",
        );
        let f = assert_fires(&purchase_only, RULE, "include");
        assert!(
            f[0].message
                .contains("All 2 include conditions look at purchase history"),
            "{}",
            f[0].message
        );
    }
}
