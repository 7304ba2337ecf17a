use crate::rule_meta::Severity;
use crate::rules::context::Ctx;
use crate::text::language::Langs;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports a merge token that pastes overly personal data into the copy.
    /// Token names are sorted into classes by `checks/tokens.yaml`:
    /// - error: financial details (account balance, card number, income),
    ///   government ids, health data, precise location;
    /// - warning: birth date or age, phone number, street address, exact times
    ///   of past behaviour (`last_viewed_at`).
    ///
    /// A token in a push title, an SMS or an email subject is one step more
    /// severe (a warning becomes an error): those show on lock screens and in
    /// inbox lists, where anyone nearby can read them.
    ///
    /// ## Why is this bad?
    /// "Your balance of $212.40 is low" on a lock screen tells the people
    /// around the reader about their money. A message that quotes a home
    /// address or the time someone looked at a product shows the sender knows
    /// far too much.
    ///
    /// ## Example
    /// ```yaml
    /// content:
    ///   push:
    ///     title: "Only {{ account_balance }} left"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// content:
    ///   push:
    ///     title: "Your monthly summary is ready"
    /// ```
    pub static PERSONAL_TOKEN = {
        code: "PF301",
        name: "personal-token",
        severity: Error,
        summary: "A merge token pastes financial, health, ID, location or other overly personal data into the copy.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let checks = ctx.checks;
    for field in &ctx.campaign.copy {
        for t in field.tokens() {
            if t.role != crate::text::template::Role::Person
                || checks
                    .system_tokens
                    .is_match(&Searchable::new(t.name, Langs::ALL))
            {
                continue;
            }
            let Some((entry, _)) = checks
                .token_classes
                .first_entry(&Searchable::name(t.name, Langs::ALL))
            else {
                continue;
            };
            let e = &checks.token_classes.entries[entry];
            let base = e.severity.unwrap_or(Severity::Warning);
            let (severity, place) = if field.is_glanceable() {
                (
                    base.raised(),
                    format!(
                        " The {} shows on lock screens and in inbox lists.",
                        field.label()
                    ),
                )
            } else {
                (base, String::new())
            };
            let span = ctx.locate(field.node, t.name_range.clone());
            ctx.report_at(
                &PERSONAL_TOKEN,
                severity,
                span,
                format!(
                    "The {} pastes the reader's {} (`{}`) into the message. {}{place}",
                    field.label(),
                    e.category,
                    t.name,
                    e.message
                ),
                "Remove the token; if the reader needs this detail, link to their signed-in account instead of showing it in the message.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rule_meta::Severity;
    use crate::rules::testing::*;

    const RULE: &str = "personal-token";

    fn with_token(token: &str) -> String {
        BASE.replace(
            "Our spring running range",
            &format!("{{{{ {token} | default: 'x' }}}} spring range"),
        )
        .replace(
            "provides: [order_placed]",
            &format!("provides: [order_placed, {token}]"),
        )
    }

    #[test]
    fn failing() {
        let f = assert_fires(&with_token("account_balance"), RULE, "account_balance");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].message.contains("financial"));
        let f = assert_fires(
            &with_token("profile.birth_date"),
            RULE,
            "profile.birth_date",
        );
        assert_eq!(f[0].severity, Severity::Warning);
        let f = assert_fires(&with_token("last_viewed_at"), RULE, "last_viewed_at");
        assert!(f[0].message.contains("exact time"));
        // In a subject line, a warning becomes an error.
        let subject = BASE
            .replace(
                "subject: \"New season, new shoes\"",
                "subject: \"Shoes for {{ phone | default: 'you' }}\"",
            )
            .replace(
                "provides: [order_placed]",
                "provides: [order_placed, phone]",
            );
        let f = assert_fires(&subject, RULE, "phone");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].message.contains("inbox lists"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(&with_token("first_name"), RULE);
        assert_clean(&with_token("email_address"), RULE);
        assert_clean(&with_token("loyalty_points_balance"), RULE);
    }
}
