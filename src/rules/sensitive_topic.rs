use crate::context::Ctx;
use crate::wording::{copy, excerpt};

declare_rule! {
    /// ## What it does
    /// Reports copy that refers to a sensitive life event or condition:
    /// pregnancy and babies, bereavement and loss, illness and diagnoses,
    /// weight loss, mental health, addiction, infertility, divorce, debt and
    /// financial hardship, immigration status. It names the word found and
    /// its category. The words live in `checks/topics.yaml`; they are matched
    /// as whole words in the text a reader sees (including token fallbacks),
    /// not inside HTML tags or links.
    ///
    /// ## Why is this bad?
    /// These subjects are private. A store that mails baby offers to someone
    /// who bought one gift for a friend, or who has just lost a pregnancy,
    /// causes real distress; a weight-loss message can harm someone with an
    /// eating disorder. Even when the audience is right, the copy should not
    /// show that the sender knows.
    ///
    /// ## Example
    /// ```yaml
    /// content:
    ///   email:
    ///     subject: "Everything for your pregnancy"
    /// ```
    ///
    /// ## Use instead
    /// Send such copy only to people who asked for it (a declared preference),
    /// and acknowledge the rule with that reason; or write copy that does not
    /// presume the reader's situation:
    /// ```yaml
    /// content:
    ///   email:
    ///     subject: "New arrivals in nursery furniture"
    /// ```
    pub static SENSITIVE_TOPIC = {
        code: "PF202",
        name: "sensitive-topic",
        severity: Warning,
        summary: "Copy refers to a sensitive life event or condition (pregnancy, loss, illness, debt, …).",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let lex = &ctx.checks.topics;
    for w in copy(ctx.campaign) {
        for m in w.first_match_per_entry(lex) {
            let e = &lex.entries[m.entry];
            let word = excerpt(&w.text()[m.range.clone()]);
            let span = ctx.locate(w.node, w.value_range(m.range));
            ctx.report(
                &SENSITIVE_TOPIC,
                span,
                format!("The {} mentions “{word}”, a sensitive subject ({}). {}", w.what, e.display(), e.message),
                "Reword it so it does not presume the reader's situation, or send it only to people who asked for this subject and acknowledge the rule with that reason.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sensitive-topic";

    fn body(s: &str) -> String {
        BASE.replace("Our spring running range has landed.", s)
    }

    #[test]
    fn failing() {
        for (text, word, category) in [
            (
                "Congratulations on your pregnancy!",
                "pregnancy",
                "pregnancy",
            ),
            (
                "Sorry for your loss of a loved one.",
                "loss of a loved one",
                "bereavement",
            ),
            (
                "Start your weight loss journey.",
                "weight loss",
                "weight loss",
            ),
            ("Struggling with debt? We can help.", "debt", "debt"),
            (
                "Trying to conceive? Read this.",
                "Trying to conceive",
                "infertility",
            ),
            ("Just divorced? Treat yourself.", "divorced", "divorce"),
        ] {
            let f = assert_fires(&body(text), RULE, word);
            assert!(f[0].message.contains(category), "{}", f[0].message);
        }
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&body("We were not expecting such a sunny spring."), RULE);
        assert_clean(&body("Book a babysitter and go for a run."), RULE);
        assert_clean(&body("An unexpecting crowd cheered."), RULE);
        assert_clean(
            &body("<img src=\"https://cdn.example/pregnancy.png\"> New shoes"),
            RULE,
        );
    }

    #[test]
    fn one_finding_per_category_per_field() {
        let f = hits(&body("Baby shower gifts for your baby and babies"), RULE);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "Baby shower");
    }
}
