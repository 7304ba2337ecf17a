use crate::rules::context::Ctx;
use crate::text::language::Langs;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports a channel whose consent purpose is not listed in `consent`:
    /// email needs `email_marketing`, SMS `sms_marketing`, push `push`, ads
    /// `personalized_ads`. The mapping, and the other names accepted for
    /// each purpose, are in `checks/consent.yaml`.
    ///
    /// ## Why is this bad?
    /// Marketing without consent breaks the law in most places (GDPR and
    /// ePrivacy in Europe, CASL in Canada, the TCPA for texts in the US), and
    /// a campaign file that does not say which consent its audience gave
    /// cannot be reviewed for it.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [email, sms]
    /// consent: [email_marketing]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// consent: [email_marketing, sms_marketing]
    /// ```
    ///
    /// ## Configuration
    /// The mapping is `checks/consent.yaml`.
    pub static MISSING_CONSENT = {
        code: "PF843",
        name: "missing-consent",
        severity: Warning,
        summary: "A channel's consent purpose (email_marketing, sms_marketing, push, personalized_ads) is not in `consent`.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let lex = &ctx.checks.consent;
    for ch in &c.channels {
        let Some(entry) = lex.by_id(ch.value.as_str()) else {
            continue;
        };
        let given = c
            .consent
            .iter()
            .any(|p| lex.matches_entry(&Searchable::name(p.value, Langs::ALL), &entry.id));
        if given {
            continue;
        }
        ctx.report(
            &MISSING_CONSENT,
            ch.span,
            format!(
                "The campaign sends by {}, but `consent` does not list `{}`. {}",
                ch.value, entry.category, entry.message
            ),
            format!(
                "Add `{}` to `consent:` once the audience is limited to people who gave it",
                entry.category
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "missing-consent";

    #[test]
    fn failing() {
        let yaml = BASE.replace("channels: [email]", "channels: [email, sms]");
        let f = assert_fires(&yaml, RULE, "sms");
        assert!(f[0].message.contains("`sms_marketing`"), "{}", f[0].message);
        assert_fires(
            &BASE.replace("consent: [email_marketing]\n", ""),
            RULE,
            "email",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE
                .replace("channels: [email]", "channels: [email, push, ad]")
                .replace(
                    "consent: [email_marketing]",
                    "consent: [email_marketing, push, personalized_ads]",
                ),
            RULE,
        );
        assert_clean(
            &BASE.replace("channels: [email]", "channels: [email, web]"),
            RULE,
        );
    }
}
