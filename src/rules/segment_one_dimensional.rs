use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports an audience whose include conditions all draw on one dimension
    /// of a person: only demographics, only place, only purchases, only
    /// browsing, only engagement, or only declared preferences. The dimension
    /// of each attribute or event comes from `checks/dimensions.yaml`;
    /// conditions it does not recognise are not judged.
    ///
    /// With groups, each way into the audience (one per choice of a member
    /// in each `any_of`) is judged on its own: an option that lets people in
    /// on purchases alone is reported at that option, even when the other
    /// options mix dimensions.
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
    let grouped = aud.include_terms.iter().any(|t| t.is_group());
    let Some(ways) = aud.include_ways() else {
        return;
    };
    // Each way into the audience is judged on its own: an `any_of` option
    // that rests on one dimension lets people in on that alone.
    for way in &ways {
        let mut dims = Vec::new();
        for cond in way {
            match ctx.checks.dimension_of(cond) {
                Some(d) => dims.push(d),
                None => break,
            }
        }
        if dims.len() < way.len() || dims.is_empty() {
            continue;
        }
        let first = dims[0];
        // Place alone is no targeting at all: segment-too-broad reports that.
        if first.id == "geographic" || dims.iter().any(|d| d.id != first.id) {
            continue;
        }
        let n = way.len();
        let (message, at) = if !grouped {
            let count = if n == 1 {
                "The only include condition looks".to_string()
            } else {
                format!("All {n} include conditions look")
            };
            (
                format!("{count} at {} and nothing else.", first.category),
                aud.include_key.unwrap_or(aud.key),
            )
        } else {
            let mut names: Vec<String> = Vec::with_capacity(n);
            for c in way {
                let name = format!("`{}`", c.name().value);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let n = names.len();
            let what = if n == 1 {
                format!("only {}", names[0])
            } else {
                format!("{} together", names.join(", "))
            };
            (
                format!(
                    "One way into this audience needs {what}, which {} at {} and nothing else.",
                    if n == 1 { "looks" } else { "look" },
                    first.category
                ),
                way[0].name().span,
            )
        };
        ctx.report(
            &SEGMENT_ONE_DIMENSIONAL,
            at,
            message,
            "Add a condition from another dimension, such as a declared preference or recent engagement, so one signal does not decide the audience alone.",
        );
        // One finding per audience: the first way that rests on one dimension.
        return;
    }
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

    #[test]
    fn one_include_condition_reads_as_a_sentence() {
        let only = BASE.replace(
            "    - attribute: preferences.interests\n      op: contains\n      value: running\n",
            "",
        );
        let f = assert_fires(&only, RULE, "include");
        assert_eq!(
            f[0].message,
            "The only include condition looks at purchase history and nothing else."
        );
    }

    /// BASE with its include list replaced.
    fn with_include(items: &str) -> String {
        BASE.replace(
            "    - attribute: preferences.interests\n      op: contains\n      value: running\n    - event: order_placed\n      within: 90d\n      min_count: 2\n      where: {category: running}\n",
            items,
        )
    }

    #[test]
    fn each_way_in_is_judged() {
        let purchases = "          - event: order_placed\n            within: 90d\n";
        let interests = "          - attribute: preferences.interests\n            op: contains\n            value: running\n";
        let engaged = "    - event: email_opened\n      within: 30d\n";
        // Purchases or interests, and recent engagement: every way mixes two
        // dimensions.
        assert_clean(
            &with_include(&format!("    - any_of:\n{purchases}{interests}{engaged}")),
            RULE,
        );
        // Purchases or interests alone: one way rests on purchases only.
        let f = assert_fires(
            &with_include(&format!("    - any_of:\n{purchases}{interests}")),
            RULE,
            "order_placed",
        );
        assert_eq!(
            f[0].message,
            "One way into this audience needs only `order_placed`, which looks at purchase history and nothing else."
        );
        // Two purchase conditions in an all_of: one way, one dimension.
        let spend =
            "          - attribute: lifetime_value\n            op: gt\n            value: 100\n";
        let f = assert_fires(
            &with_include(&format!("    - all_of:\n{purchases}{spend}")),
            RULE,
            "order_placed",
        );
        assert!(
            f[0].message.contains(
                "`order_placed`, `lifetime_value` together, which look at purchase history"
            ),
            "{}",
            f[0].message
        );
    }
}
