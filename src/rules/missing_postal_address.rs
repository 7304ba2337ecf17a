use crate::model::campaign::Channel;
use crate::rules::context::Ctx;
use crate::rules::missing_unsubscribe::{email_field, email_key, says};

declare_rule! {
    /// ## What it does
    /// Reports a marketing email with no physical postal address: none in the
    /// body or the `from` field (a street address, a PO box, a postcode, or
    /// a platform tag such as `*|LIST:ADDRESS|*` or
    /// `{{ organization_address }}`), and no `sender.postal_address` on the
    /// campaign. The patterns are in `checks/compliance.yaml`.
    ///
    /// ## Why is this bad?
    /// CAN-SPAM (US) and CASL (Canada) require every commercial email to
    /// carry the sender's valid physical postal address; many platforms add
    /// it only when the template includes their footer tag.
    ///
    /// ## Example
    /// ```yaml
    /// email:
    ///   body: "Our spring range has landed. {{ unsubscribe_url }}"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// sender:
    ///   name: Trail Co
    ///   postal_address: "Trail Co, 120 Harbour Street, Portland, ME 04101"
    /// ```
    /// Or put the address (or the platform's address tag) in the footer.
    ///
    /// ## Configuration
    /// The patterns are `checks/compliance.yaml` (`postal-address`).
    pub static MISSING_POSTAL_ADDRESS = {
        code: "PF802",
        name: "missing-postal-address",
        severity: Warning,
        summary: "A marketing email shows no physical postal address (CAN-SPAM, CASL).",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if !c.channels.iter().any(|ch| ch.value == Channel::Email)
        || c.sender_address.is_some()
        || c.platform_adds(crate::input::exports::Addition::Footer)
    {
        return;
    }
    if c.copy
        .iter()
        .any(|f| f.channel == Channel::Email && f.incomplete)
        || (c.copy_only && email_field(c, "body").is_none())
    {
        return; // part of the email is not here to read
    }
    let Some(key) = email_key(c) else {
        return;
    };
    let has = ["body", "from"]
        .iter()
        .filter_map(|f| email_field(c, f))
        .any(|f| says(ctx, f, "postal-address"));
    if has {
        return;
    }
    ctx.report(
        &MISSING_POSTAL_ADDRESS,
        key,
        "This email shows no postal address for the sender",
        "Add the sender's postal address to the footer (or the platform's tag, such as `*|LIST:ADDRESS|*`), or set `sender: {postal_address: \"…\"}` on the campaign when the platform adds it",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "missing-postal-address";

    #[test]
    fn failing() {
        let yaml = BASE.replace("\nsender:\n  name: Trail Co\n  postal_address: \"Trail Co, 120 Harbour Street, Portland, ME 04101\"\n", "\n");
        let f = assert_fires(&yaml, RULE, "email");
        assert!(
            f[0].message.contains("no postal address"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let without = BASE.replace("\nsender:\n  name: Trail Co\n  postal_address: \"Trail Co, 120 Harbour Street, Portland, ME 04101\"\n", "\n");
        for footer in [
            "      Trail Co, 120 Harbour Street, Portland, ME 04101\n",
            "      Trail Co, PO Box 42, Portland\n",
            "      Trail Co, 1 Canal Road, Leeds LS12 2DU\n",
            "      *|LIST:ADDRESSLINE|*\n",
            "      {{ organization_address }}\n",
        ] {
            let yaml = without.replace(
                "      {{ unsubscribe_url }}\n",
                &format!("      {{{{ unsubscribe_url }}}}\n{footer}"),
            );
            assert_clean(&yaml, RULE);
        }
    }
}
