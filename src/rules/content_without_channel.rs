use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports copy under `content` for a channel that is not in `channels`.
    ///
    /// ## Why is this bad?
    /// The copy is never sent, so either a channel was dropped from the list
    /// by mistake, or reviewers are approving text nobody will see.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [email]
    /// content:
    ///   email: {subject: "...", body: "..."}
    ///   sms: {body: "..."}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// channels: [email, sms]
    /// ```
    /// Or remove the `sms` copy.
    ///
    /// ## Configuration
    /// None.
    pub static CONTENT_WITHOUT_CHANNEL = {
        code: "PF842",
        name: "content-without-channel",
        severity: Warning,
        summary: "There is copy for a channel that is not in `channels`, so it is never sent.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    if c.channels.is_empty() {
        return;
    }
    for k in &c.content_keys {
        if c.channels.iter().any(|ch| ch.value == k.value) {
            continue;
        }
        ctx.report(
            &CONTENT_WITHOUT_CHANNEL,
            k.span,
            format!("There is {} copy, but {} is not one of the campaign's channels, so it is never sent", k.value, k.value),
            format!("Add `{}` to `channels:`, or remove this copy", k.value),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "content-without-channel";

    #[test]
    fn failing() {
        let yaml = BASE.replace(
            "content:\n",
            "content:\n  sms:\n    body: \"Sale. Reply STOP to opt out\"\n",
        );
        assert_fires(&yaml, RULE, "sms");
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
    }
}
