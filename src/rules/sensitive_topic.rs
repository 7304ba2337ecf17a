use crate::analysis::reader::{speaks_to_reader, Marks};
use crate::analysis::wording::{copy, excerpt};
use crate::rule_meta::Severity;
use crate::rules::context::Ctx;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports copy that refers to a sensitive life event or condition:
    /// pregnancy and babies, bereavement and loss, illness and diagnoses,
    /// weight loss, mental health, addiction, infertility, divorce and
    /// separation, debt and financial hardship, immigration status. It names
    /// the words found and their category. The words live in
    /// `checks/topics.yaml` and `checks/<language>/topics.yaml`; they are
    /// matched as whole words, in every inflected form (*separation* finds
    /// *separated*), in the text a reader sees (including token fallbacks),
    /// not inside HTML tags or links, and not inside phrases that mean
    /// something else (*baby carrots*, *pregnant pause*: `checks/exceptions.yaml`).
    ///
    /// How serious it is depends on whom the sentence is about:
    /// - **about the reader** (a warning): the sentence speaks to the reader
    ///   (*your pregnancy*, *as a new mum, you…*), congratulates them
    ///   (*congratulations on your little one*), or is a short question with
    ///   no other subject (*Recently separated?*, *Feeling anxious?*). The
    ///   words that mark this are in the `reader-address` packs;
    /// - **about the reader, and the audience was chosen on that subject**
    ///   (an error): a segment, attribute or event of the audience names
    ///   the same subject (`segment: expecting-parents` with copy about
    ///   *your pregnancy*). This is the message that hurts when the guess is
    ///   wrong;
    /// - **about someone else** (advice): a story, news or an interview
    ///   (*Bella was pregnant when the shelter found her*, *the charity
    ///   helps refugees*, *he talks about men's mental health*). Most
    ///   readers take it as editorial; it still reaches people for whom the
    ///   subject is raw.
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
        summary: "Copy refers to a sensitive life event or condition (pregnancy, loss, illness, debt, …); a warning when it speaks to the reader, advice when it is about others.",
        settings: &[],
    }
}

/// The subjects (topic ids) the audience was chosen on: its segment, its
/// conditions' attributes and values, its events and their filters.
fn chosen_on(ctx: &Ctx) -> Vec<String> {
    let c = ctx.campaign;
    let lex = &ctx.checks.topics;
    let Some(a) = &c.audience else {
        return Vec::new();
    };
    let mut names: Vec<&str> = Vec::new();
    if let Some(s) = a.segment.and_then(|n| n.as_str()) {
        names.push(s);
    }
    // Only what everyone in the audience chose: not one option of an `any_of`.
    for cond in a.required_includes() {
        names.push(cond.name().value);
        names.extend(cond.values().iter().map(|v| v.value));
    }
    let mut ids: Vec<String> = names
        .into_iter()
        .flat_map(|n| lex.find_all(&Searchable::name(n, c.name_langs)))
        .map(|m| lex.entries[m.entry].id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

pub fn check(ctx: &mut Ctx) {
    let lex = &ctx.checks.topics;
    let chosen = chosen_on(ctx);
    for w in copy(ctx.campaign) {
        let matches = lex.find_all(&w.search);
        if matches.is_empty() {
            continue;
        }
        let marks = Marks::of(&w.search, ctx.checks);
        // Per subject, the first mention that speaks to the reader, else
        // the first mention.
        let mut best: Vec<(usize, bool)> = Vec::new();
        for (i, m) in matches.iter().enumerate() {
            let id = &lex.entries[m.entry].id;
            let to_reader = speaks_to_reader(w.text(), &m.range, &marks);
            match best
                .iter_mut()
                .find(|(b, _)| lex.entries[matches[*b].entry].id == *id)
            {
                Some(b) if !b.1 && to_reader => *b = (i, true),
                Some(_) => {}
                None => best.push((i, to_reader)),
            }
        }
        best.sort_by_key(|(i, _)| *i);
        for (i, to_reader) in best {
            let m = &matches[i];
            let e = &lex.entries[m.entry];
            let word = excerpt(&w.text()[m.range.clone()]);
            let span = ctx.locate(w.node, w.value_range(m.range.clone()));
            if !to_reader {
                ctx.report_at(
                    &SENSITIVE_TOPIC,
                    Severity::Advice,
                    span,
                    format!(
                        "The {} mentions “{word}” ({}) in a sentence about someone else, not the reader: most people read it as a story or news, but it still reaches readers for whom the subject is raw",
                        w.what,
                        e.display()
                    ),
                    "Nothing to change if it is a story or news; check that no sentence around it reads as being about the reader.",
                );
                continue;
            }
            let (severity, audience) = if chosen.contains(&e.id) {
                (
                    Severity::Error,
                    " The audience was chosen on this subject too, so the message tells each reader what the sender believes about them, and hurts most when the guess is wrong.",
                )
            } else {
                (Severity::Warning, "")
            };
            ctx.report_at(
                &SENSITIVE_TOPIC,
                severity,
                span,
                format!(
                    "The {} speaks to the reader about “{word}”, a sensitive subject ({}). {}{audience}",
                    w.what,
                    e.display(),
                    e.message
                ),
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
    fn about_someone_else_is_advice_and_about_the_reader_a_warning() {
        use crate::rule_meta::Severity;
        for (text, word, severity) in [
            (
                "Bella was pregnant when the shelter found her.",
                "pregnant",
                Severity::Advice,
            ),
            (
                "The charity helps refugees rebuild their lives.",
                "refugees",
                Severity::Advice,
            ),
            (
                "In this interview, he talks openly about men's mental health.",
                "mental health",
                Severity::Advice,
            ),
            (
                "Everything for your pregnancy.",
                "pregnancy",
                Severity::Warning,
            ),
            (
                "Recently separated? Treat yourself.",
                "Recently separated",
                Severity::Warning,
            ),
            (
                "Feeling the grief this season? You are not alone.",
                "grief",
                Severity::Warning,
            ),
        ] {
            let f = assert_fires(&body(text), RULE, word);
            assert_eq!(f[0].severity, severity, "{text}: {}", f[0].message);
        }
        // The reader-directed mention wins over an earlier editorial one.
        let f = hits(
            &body("She was pregnant in the story. Congratulations on your pregnancy!"),
            RULE,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "pregnancy");
        assert_eq!(f[0].1.severity, Severity::Warning);
    }

    #[test]
    fn about_the_reader_with_an_audience_chosen_on_it_is_an_error() {
        use crate::rule_meta::Severity;
        let yaml = body("Everything for your pregnancy.")
            .replace("runners-who-opted-in", "expecting-parents");
        let f = assert_fires(&yaml, RULE, "pregnancy");
        assert_eq!(f[0].severity, Severity::Error, "{}", f[0].message);
        assert!(
            f[0].message.contains("audience was chosen"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn idioms_and_foods_are_not_topics() {
        for text in [
            "Roasted baby carrots and baby back ribs tonight.",
            "A pregnant pause before the big reveal.",
            "We're expecting great things this spring.",
            "Take baby steps towards your first 10K.",
            "Mother-of-pearl buttons on every shirt.",
        ] {
            assert_clean(&body(text), RULE);
        }
    }

    #[test]
    fn one_finding_per_category_per_field() {
        let f = hits(&body("Baby shower gifts for your baby and babies"), RULE);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "Baby shower");
    }
}
