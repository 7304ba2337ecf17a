use crate::rules::context::Ctx;

declare_rule! {
    /// ## What it does
    /// Reports a channel listed in `channels` that has no copy under
    /// `content`.
    ///
    /// ## Why is this bad?
    /// The platform would send an empty message, fall back to a default
    /// template, or fail at send time; either way nobody reviewed what goes
    /// out on that channel, and no other rule could check it.
    ///
    /// ## Example
    /// ```yaml
    /// channels: [email, push]
    /// content:
    ///   email: {subject: "...", body: "..."}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// content:
    ///   email: {subject: "...", body: "..."}
    ///   push: {title: "...", body: "..."}
    /// ```
    /// Or remove `push` from `channels`.
    ///
    /// ## Configuration
    /// None.
    pub static CHANNEL_WITHOUT_CONTENT = {
        code: "PF841",
        name: "channel-without-content",
        severity: Error,
        summary: "A channel in `channels` has no copy under `content`.",
        settings: &[],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    for ch in &c.channels {
        if c.content_keys.iter().any(|k| k.value == ch.value) {
            continue;
        }
        ctx.report(
            &CHANNEL_WITHOUT_CONTENT,
            ch.span,
            format!(
                "The campaign sends by {}, but `content` has no {} copy",
                ch.value, ch.value
            ),
            format!(
                "Add `{}:` under `content` with its copy, or remove `{}` from `channels`",
                ch.value, ch.value
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "channel-without-content";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("channels: [email]", "channels: [email, push]"),
            RULE,
            "push",
        );
        assert!(f[0].message.contains("no push copy"), "{}", f[0].message);
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
    }
}
