use crate::input::source::Span;
use crate::model::campaign::{Channel, CopyField};
use crate::rules::context::Ctx;
use crate::rules::diagnostic::{Applicability, Edit};
use crate::rules::missing_unsubscribe::{first_line_len, says};
use crate::text::language::{Lang, Langs};
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
    /// The wording is `checks/compliance.yaml` (`sms-opt-out`).
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

/// The opt-out sentence of each language (its words match that language's
/// `sms-opt-out` patterns in `checks/`, and every character is GSM-7, so
/// it never switches a text to UCS-2).
const OPT_OUT_SENTENCES: &[(Lang, &str)] = &[
    (Lang::En, "Reply STOP to opt out."),
    (Lang::Es, "Responde BAJA para darte de baja."),
    (Lang::Fr, "Répondez STOP pour vous désabonner."),
    (Lang::De, "Antworte STOP zum Abmelden."),
    (Lang::It, "Rispondi STOP per non ricevere più SMS."),
    (Lang::Pt, "Responda SAIR para cancelar."),
    (Lang::Nl, "Antwoord STOP om je af te melden."),
];

/// The sentence for the copy's language when it has exactly one, else English.
fn opt_out_sentence(langs: Langs) -> &'static str {
    let mut it = langs.iter();
    let lang = match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => Lang::En,
    };
    OPT_OUT_SENTENCES
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(OPT_OUT_SENTENCES[0].1, |(_, s)| s)
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
    let fields: Vec<_> = ctx
        .campaign
        .copy
        .iter()
        .filter(|f| f.channel == Channel::Sms && f.field == "body")
        .collect();
    for field in fields {
        if says(ctx, field, "sms-opt-out") {
            continue;
        }
        let span = field.node.span;
        let sentence = opt_out_sentence(field.langs());
        let fix = append_sentence(ctx, field, sentence);
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
