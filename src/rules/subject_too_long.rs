use crate::rules::context::Ctx;
use crate::rules::missing_unsubscribe::email_field;
use crate::rules::SettingDoc;
use crate::text::template::rendered;

declare_rule! {
    /// ## What it does
    /// Reports an email subject longer than `max_subject` (default 50)
    /// characters in its longest likely rendering: each merge token counts
    /// as its fallback or 12 characters, whichever is longer, and of an
    /// `if`/`else` block the first branch counts.
    ///
    /// ## Why is this bad?
    /// Phone inbox lists cut subjects at around 30 to 50 characters; the
    /// words after that are never seen, and a cut-off personalised subject
    /// ("Sarah, your exclusive summer offer on…") loses its point.
    ///
    /// ## Example
    /// ```yaml
    /// subject: "{{ first_name | default: 'Hi' }}, our biggest spring running shoe sale is here"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// subject: "Spring running shoes: up to 40% off"
    /// ```
    ///
    /// ## Configuration
    /// - `max_subject` (default `50`): the most characters in a subject.
    pub static SUBJECT_TOO_LONG = {
        code: "PF803",
        name: "subject-too-long",
        severity: Warning,
        summary: "An email subject is over 50 characters as rendered (tokens as their fallback or 12 characters).",
        settings: &[SettingDoc {
            name: "max_subject",
            default: "50",
            about: "most characters in an email subject",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let Some(subject) = email_field(ctx.campaign, "subject") else {
        return;
    };
    let max = ctx.settings.max_subject;
    let n = rendered(subject.text()).chars().count();
    if n <= max {
        return;
    }
    ctx.report(
        &SUBJECT_TOO_LONG,
        subject.node.span,
        format!(
            "This subject runs to {n} characters when rendered (tokens counted as their fallback or 12 characters); phone inbox lists cut it at around {max}"
        ),
        format!("Keep the subject under {max} characters, with the words that matter first; the preheader can carry the rest"),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "subject-too-long";

    #[test]
    fn failing() {
        let yaml = BASE.replace(
            "New season, new shoes",
            "{{ first_name | default: 'Hi' }}, our biggest spring running shoe sale is here",
        );
        let f = assert_fires(
            &yaml,
            RULE,
            "\"{{ first_name | default: 'Hi' }}, our biggest spring running shoe sale is here\"",
        );
        // 12 for the token, 46 for the rest.
        assert!(
            f[0].message.contains("runs to 58 characters"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        // Exactly 50 characters is fine.
        let fifty = "a".repeat(50);
        assert_clean(&BASE.replace("New season, new shoes", &fifty), RULE);
        // A long token expression is not long copy.
        assert_clean(
            &BASE.replace(
                "New season, new shoes",
                "{{ first_name | default: 'there' }}, new shoes",
            ),
            RULE,
        );
    }
}
