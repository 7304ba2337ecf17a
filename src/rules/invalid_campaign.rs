declare_rule! {
    /// ## What it does
    /// Reports a campaign file that preflight cannot read as a campaign: YAML
    /// that does not parse, a value of the wrong type (text where a number
    /// belongs), a missing required field (`campaign`, `channels`,
    /// `schedule.send_at`), a date that does not exist (`2027-02-30`), an
    /// unknown time zone, a duration it cannot read (`3 months`), a repeated
    /// key, or an acknowledgement without a reason.
    ///
    /// ## Why is this bad?
    /// A campaign that cannot be read cannot be checked, and the sending
    /// platform may read it differently from what you meant: a misspelt time
    /// zone can shift a send by hours; a repeated key silently drops one of
    /// the two values.
    ///
    /// ## Example
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-02-30T09:00:00
    ///   timezone: America/New_Yrok
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// schedule:
    ///   send_at: 2027-02-28T09:00:00
    ///   timezone: America/New_York
    /// ```
    ///
    /// This rule cannot be acknowledged: fix the file instead.
    pub static INVALID_CAMPAIGN = {
        code: "PF001",
        name: "invalid-campaign",
        severity: Error,
        summary: "The file is not a readable campaign: bad YAML, a wrong type, a missing field or an impossible value.",
        settings: &[],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn cases() {
        let rule = "invalid-campaign";
        assert_clean(BASE, rule);
        assert_fires(
            &BASE.replace("send_at: 2027-04-10T09:00:00", "send_at: 2027-02-30"),
            rule,
            "2027-02-30",
        );
        assert_fires(
            &BASE.replace("America/New_York", "Mars/Olympus"),
            rule,
            "Mars/Olympus",
        );
        assert_fires(
            &BASE.replace("list_size: 480000", "list_size: many"),
            rule,
            "many",
        );
        assert_fires(
            &BASE.replace("within: 90d", "within: 3 months"),
            rule,
            "3 months",
        );
        assert_fires(
            &BASE.replace("channels: [email]", "channels: [email, fax]"),
            rule,
            "fax",
        );
        // YAML that does not parse points at the line of the mistake.
        let broken = BASE.replace("channels: [email]", "channels: [email");
        let f = lint(&broken);
        assert!(
            f.iter()
                .any(|f| f.rule.name == rule && f.message.contains("not valid YAML")),
            "{f:?}"
        );
    }
}
