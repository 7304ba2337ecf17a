use crate::analysis::wording::{copy, excerpt};
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports copy that tells the reader they were watched: "we noticed
    /// you…", "we saw you looking at…", "you viewed … 5 minutes ago", "since
    /// you searched for…", "based on where you were…". The phrases live in
    /// `checks/phrases.yaml`.
    ///
    /// ## Why is this bad?
    /// Personalization works when it feels helpful, and backfires when it
    /// feels like surveillance. Describing someone's own clicks back to them
    /// makes the tracking visible, and people respond by leaving.
    ///
    /// ## Example
    /// ```yaml
    /// content:
    ///   email:
    ///     subject: "We saw you looking at the Trail 2 jacket"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// content:
    ///   email:
    ///     subject: "The Trail 2 jacket is back in your size"
    /// ```
    pub static CREEPY_PHRASING = {
        code: "PF302",
        name: "creepy-phrasing",
        severity: Warning,
        summary: "Copy tells the reader they were watched (\"we noticed you…\", \"you viewed … 5 minutes ago\").",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let lex = &ctx.checks.phrases;
    for w in copy(ctx.campaign) {
        for m in w.first_match_per_entry(lex) {
            let phrase = excerpt(&w.text()[m.range.clone()]);
            let why = lex.entries[m.entry].message.clone();
            let span = ctx.locate(w.node, w.value_range(m.range));
            ctx.report(
                &CREEPY_PHRASING,
                span,
                format!("The {} says “{phrase}”. {why}", w.what),
                "Say why the offer fits without describing what the reader did, such as “Picked for you” or “Back in stock in your size”.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "creepy-phrasing";

    fn body(s: &str) -> String {
        BASE.replace("Our spring running range has landed.", s)
    }

    #[test]
    fn failing() {
        assert_fires(
            &body("We noticed you were browsing trail shoes."),
            RULE,
            "We noticed you",
        );
        assert_fires(
            &body("We saw you looking at the Trail 2."),
            RULE,
            "We saw you",
        );
        assert_fires(
            &body("You viewed the Trail 2 jacket 5 minutes ago!"),
            RULE,
            "You viewed the Trail 2 jacket 5 minutes ago",
        );
        assert_fires(
            &body("Since you searched for trail shoes, here they are."),
            RULE,
            "Since you searched",
        );
        assert_fires(
            &body("Picked based on where you were last weekend."),
            RULE,
            "based on where you were",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &body("Picked for you: the Trail 2 is back in your size."),
            RULE,
        );
        assert_clean(&body("We think you will love the new range."), RULE);
    }
}
