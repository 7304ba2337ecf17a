use crate::analysis::reader::{is_short_question, sentence, Marks};
use crate::analysis::wording::{copy, excerpt};
use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports copy that asserts or implies something personal about the
    /// reader: a question about a condition ("Are you struggling with
    /// debt?"), a profiling phrase ("people like you who just turned 62"),
    /// or their identity ("other Jewish singles near you"). Short questions
    /// that leave out the "are you" say the same ("Recently separated?",
    /// "Trying for a baby?", "Behind on rent?"), wherever they stand in a
    /// sentence: a question of at most eight words with no other subject
    /// (no "he", "she", "they") that names the reader's situation is
    /// reported too. The phrases are in `checks/personal-attributes.yaml`
    /// and `checks/<language>/personal-attributes.yaml` (the `situation`
    /// entry holds the situations, matched in every inflected form).
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
        let all = lex.find_all(&w.search);
        if all.is_empty() {
            continue;
        }
        let mut marks = None;
        let mut seen: Vec<&str> = Vec::new();
        for m in all {
            let e = &lex.entries[m.entry];
            if seen.contains(&e.id.as_str()) {
                continue;
            }
            // A situation is an assertion only in a short question.
            if e.id == "situation" {
                let marks = marks.get_or_insert_with(|| Marks::of(&w.search, ctx.checks));
                let s = sentence(w.text(), &m.range);
                if !is_short_question(w.text(), &s, marks) {
                    continue;
                }
                let question = excerpt(w.text()[s].trim());
                let span = ctx.locate(w.node, w.value_range(m.range.clone()));
                ctx.report(
                    &PERSONAL_ATTRIBUTE_COPY,
                    span,
                    format!("The {} asks the reader “{question}”. {}", w.what, e.message),
                    "Describe the offer, not the reader: say what it does and for whom in general terms (“support for life after a break-up”, not “recently separated?”)",
                );
                seen.push(&e.id);
                continue;
            }
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
            seen.push(&e.id);
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
    fn short_questions_about_the_readers_situation() {
        for (text, at) in [
            ("Recently separated? We can help.", "Recently separated"),
            (
                "New in town and trying for a baby? Read on.",
                "trying for a baby",
            ),
            ("Behind on rent? Talk to us.", "Behind on rent"),
            ("Feeling lonely this winter?", "Feeling lonely"),
            ("Just laid off? Our courses are free.", "laid off"),
        ] {
            let yaml = BASE.replace("Our spring running range has landed.", text);
            let f = assert_fires(&yaml, RULE, at);
            assert!(f[0].message.contains("asks the reader"), "{}", f[0].message);
        }
        // Not a short question to the reader: a statement, a question about
        // someone else, a long question.
        for text in [
            "We were behind on rent once, and we remember it.",
            "Was she pregnant when the shelter found her?",
            "Did you know that runners who are trying for a baby should keep training at an easy pace most days?",
        ] {
            let yaml = BASE.replace("Our spring running range has landed.", text);
            assert_clean(&yaml, RULE);
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
