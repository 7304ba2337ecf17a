use crate::input::source::Span;
use crate::model::campaign::{Channel, CopyField};
use crate::rules::context::Ctx;
use crate::rules::diagnostic::{Applicability, Edit};
use crate::rules::missing_unsubscribe::{first_line_len, fix_words, says};
use crate::text::sms::segments;
use crate::text::template::rendered;

declare_rule! {
    /// ## What it does
    /// Reports a marketing SMS whose body does not tell people how to stop
    /// the texts ("Reply STOP to opt out", "Text STOP to end", "STOP2END";
    /// the wording is listed in `checks/compliance.yaml`).
    ///
    /// ## Why is this bad?
    /// CTIA guidelines, which US carriers enforce, require marketing texts
    /// to carry opt-out instructions; carriers filter senders that leave them
    /// out. People who do not know how to stop report the number as spam.
    ///
    /// ## Example
    /// ```yaml
    /// sms:
    ///   body: "Spring sale: 20% off running shoes this weekend."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// sms:
    ///   body: "Spring sale: 20% off running shoes this weekend. Reply STOP to opt out"
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` appends an opt-out sentence in the copy's
    /// language (“Reply STOP to opt out.”, “Responde BAJA para darte de
    /// baja.”, “Répondez STOP pour vous désabonner.”, “Antworte STOP zum
    /// Abmelden.”, “Rispondi STOP per non ricevere più SMS.”, “Responda SAIR
    /// para cancelar.”, “Antwoord STOP om je af te melden.”), only when the
    /// text still fits `sms-segments.max_segments` with it. It is unsafe:
    /// the keyword must be the one your sender number answers to.
    ///
    /// ## Configuration
    /// The wording is `checks/compliance.yaml` (`sms-opt-out`; its `fix:` is
    /// the sentence the fix appends, one per language pack).
    pub static SMS_MISSING_OPT_OUT = {
        code: "PF813",
        name: "sms-missing-opt-out",
        severity: Warning,
        summary: "A marketing SMS does not say how to opt out (\"Reply STOP to opt out\").",
        settings: &[],
        fixes: &[crate::rule_meta::FixDoc {
            safe: false,
            what: "appends the opt-out sentence in the copy's language (“Reply STOP to opt out.”, “Responde BAJA para darte de baja.”, …) when the text still fits `sms-segments.max_segments`; check the keyword your sender number answers to",
        }],
    }
}

/// The edit appending `sentence` after the text's last character, when the
/// text then still fits the configured number of segments.
fn append_sentence(ctx: &Ctx, field: &CopyField, sentence: &str) -> Option<Edit> {
    let text = field.text();
    let end = text.trim_end().len();
    if end == 0 {
        return None;
    }
    let joined = format!("{} {sentence}", &text[..end]);
    if segments(&rendered(&joined)).segments > ctx.settings.max_segments {
        return None;
    }
    ctx.scalar_edit(field.node, end..end, &format!(" {sentence}"))
}

pub fn check(ctx: &mut Ctx) {
    if ctx
        .campaign
        .platform_adds(crate::input::exports::Addition::OptOutLanguage)
    {
        return; // the platform appends its opt-out sentence
    }
    let fields: Vec<_> = ctx
        .campaign
        .copy
        .iter()
        .filter(|f| f.channel == Channel::Sms && f.field == "body")
        .collect();
    for field in fields {
        if says(ctx, field, "sms-opt-out") || says_in_any_language(ctx, field) {
            continue;
        }
        let span = field.node.span;
        let sentence = fix_words(ctx.checks, "sms-opt-out", field.langs()).unwrap_or("");
        let fix = (!sentence.is_empty())
            .then(|| append_sentence(ctx, field, sentence))
            .flatten();
        let p = ctx.report(
            &SMS_MISSING_OPT_OUT,
            Span::new(span.start, span.start + first_line_len(ctx.text, span)),
            "This SMS does not say how to stop these texts",
            "End it with an opt-out instruction such as “Reply STOP to opt out”; carriers require one in marketing texts",
        );
        if let Some(edit) = fix {
            p.fix(
                Applicability::Unsafe,
                format!("Append “{sentence}”"),
                vec![edit],
            );
        }
    }
}

/// An opt-out instruction in any language preflight knows: a reply
/// keyword with its verb is unmistakable, and a short text's language is a
/// guess (“Hi é” reads as Portuguese, “Hi é Responda SAIR para cancelar.”
/// as Spanish), so the sentence the fix appends is always recognised.
fn says_in_any_language(ctx: &Ctx, field: &CopyField) -> bool {
    use crate::text::language::Langs;
    let lex = &ctx.checks.compliance;
    let Some(wanted) = lex.by_id("sms-opt-out").map(|e| e.category.as_str()) else {
        return false;
    };
    let texts = [
        crate::text::searchable::Searchable::new(field.visible().text.to_string(), Langs::ALL),
        crate::text::searchable::Searchable::name(field.text(), Langs::ALL),
    ];
    texts
        .iter()
        .any(|t| !lex.find_all_of(t, |e| e.category == wanted).is_empty())
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sms-missing-opt-out";

    fn sms(body: &str) -> String {
        BASE.replace("channels: [email]", "channels: [email, sms]")
            .replace(
                "content:\n",
                &format!("content:\n  sms:\n    body: \"{body}\"\n"),
            )
    }

    #[test]
    fn failing() {
        assert_fires(
            &sms("Spring sale this weekend."),
            RULE,
            "\"Spring sale this weekend.\"",
        );
    }

    #[test]
    fn an_opt_out_in_another_language_than_the_guess_counts() {
        // A short text's language is a guess: the fix sentence appended to
        // "Hi é" (read as Portuguese) must still count once the whole text
        // reads as Spanish.
        assert_clean(&sms("Hi é Responda SAIR para cancelar."), RULE);
        assert_clean(&sms("Oferta de primavera. Reply STOP to opt out"), RULE);
    }

    #[test]
    fn each_languages_fix_sentence_is_an_opt_out() {
        use crate::knowledge::checks::Checks;
        use crate::text::language::{Lang, Langs};
        for lang in [
            Lang::En,
            Lang::Es,
            Lang::Fr,
            Lang::De,
            Lang::It,
            Lang::Pt,
            Lang::Nl,
        ] {
            let s = crate::rules::missing_unsubscribe::fix_words(
                Checks::builtin(),
                "sms-opt-out",
                Langs::of(lang),
            )
            .unwrap();
            assert!(s.chars().all(crate::text::sms::is_gsm), "{s}");
            let yaml = sms(&format!("Trail Co: sale. {s}")).replace(
                "region: US",
                &format!("region: US\nlanguage: {}", lang.code()),
            );
            assert_clean(&yaml, RULE);
            let u = crate::rules::missing_unsubscribe::fix_words(
                Checks::builtin(),
                "email-unsubscribe",
                Langs::of(lang),
            )
            .unwrap();
            let mail = BASE
                .replace("      {{ unsubscribe_url }}\n", &format!("      {u}\n"))
                .replace(
                    "region: US",
                    &format!("region: US\nlanguage: {}", lang.code()),
                );
            assert_clean(&mail, "missing-unsubscribe");
        }
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        for ok in [
            "Sale. Reply STOP to opt out",
            "Sale. Text STOP to end",
            "Sale. STOP2END",
            "Sale. Txt STOP to quit",
            "Sale. Opt out: reply STOP",
        ] {
            assert_clean(&sms(ok), RULE);
        }
    }
}
