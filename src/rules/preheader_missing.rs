use crate::rules::context::Ctx;
use crate::rules::missing_unsubscribe::{email_field, email_key};

declare_rule! {
    /// ## What it does
    /// Reports an email with a subject but no `preheader`, or an empty one.
    ///
    /// ## Why is this bad?
    /// Inboxes show the preheader next to the subject. Without one they show
    /// the first text of the body instead, which is often "View in browser"
    /// or a greeting with an empty name.
    ///
    /// ## Example
    /// ```yaml
    /// email:
    ///   subject: "New season, new shoes"
    ///   body: "..."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// email:
    ///   subject: "New season, new shoes"
    ///   preheader: "Our spring range is here"
    /// ```
    ///
    /// ## Configuration
    /// None.
    pub static PREHEADER_MISSING = {
        code: "PF804",
        name: "preheader-missing",
        severity: Advice,
        summary: "An email has no preheader, so inboxes show the first words of the body instead.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let (Some(key), Some(_)) = (email_key(c), email_field(c, "subject")) else {
        return;
    };
    if let Some(p) = email_field(c, "preheader") {
        if p.text().trim().is_empty() {
            ctx.report(
                &PREHEADER_MISSING,
                p.node.span,
                "This email's preheader is empty, so inboxes will show the first words of the body next to the subject",
                "Write a short line that adds to the subject",
            );
        }
        return;
    }
    ctx.report(
        &PREHEADER_MISSING,
        key,
        "This email has no preheader, so inboxes will show the first words of the body next to the subject",
        "Add `preheader:` with a short line that adds to the subject",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "preheader-missing";

    #[test]
    fn an_empty_preheader_is_missing() {
        let yaml = BASE.replace(
            "    preheader: \"Our spring range is here\"\n",
            "    preheader: \"  \"\n",
        );
        assert_fires(&yaml, RULE, "\"  \"");
    }

    #[test]
    fn failing() {
        let yaml = BASE.replace("    preheader: \"Our spring range is here\"\n", "");
        assert_fires(&yaml, RULE, "email");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
    }
}
