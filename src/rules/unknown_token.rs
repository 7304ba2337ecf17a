use crate::rules::context::Ctx;
use crate::rules::unverified_data::provided;
use crate::text::suggest::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a merge token that no data source `provides` and that is not a
    /// tag the sending platform fills in itself (`unsubscribe_url`,
    /// `*|UNSUB|*`, `*|MC:SUBJECT|*`, `*|LIST:ADDRESS|*`, …; the list is
    /// `checks/system-tokens.yaml`). The help suggests the nearest name that
    /// is provided (`{{ frist_name }}` → `first_name`). A source that provides
    /// `profile` (or `profile.*`) covers `profile.city`.
    ///
    /// ## Why is this bad?
    /// A misspelt or unknown token renders empty (or as its fallback) for
    /// everyone, and nobody can tell where its data comes from or how fresh
    /// it is.
    ///
    /// ## Example
    /// ```yaml
    /// data_sources:
    ///   - name: crm
    ///     provides: [first_name]
    /// content:
    ///   email:
    ///     body: "Hi {{ frist_name | default: 'there' }}"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     body: "Hi {{ first_name | default: 'there' }}"
    /// ```
    ///
    /// ## Configuration
    /// The platform tags are `checks/system-tokens.yaml`.
    pub static UNKNOWN_TOKEN = {
        code: "PF305",
        name: "unknown-token",
        severity: Warning,
        summary: "A merge token that no data source provides and that is not a platform tag (with a did-you-mean).",
        settings: &[],
    }
}

/// Platform tags worth suggesting for a near miss (`unsubscribe_ur`).
const SYSTEM_NAMES: &[&str] = &[
    "unsubscribe_url",
    "manage_preferences_url",
    "view_in_browser_url",
    "organization_address",
    "UNSUB",
    "UPDATE_PROFILE",
    "LIST:ADDRESS",
    "MC:SUBJECT",
];

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let provides: Vec<&str> = c
        .data_sources
        .iter()
        .flat_map(|d| &d.provides)
        .map(|p| p.value)
        .collect();
    let mut seen: std::collections::HashSet<&str> = Default::default();
    for field in &c.copy {
        for t in field.tokens() {
            if !crate::rules::token_missing_fallback::is_person_data(ctx, t)
                || provided(c, t.name)
                || seen.contains(&t.name)
            {
                continue;
            }
            seen.insert(t.name);
            let span = ctx.locate(field.node, t.name_range.clone());
            // Suggestions only for the first few unknown names (each compares
            // with every provided name).
            let suggestion = (seen.len() <= crate::text::suggest::SUGGESTIONS)
                .then(|| did_you_mean(t.name, provides.iter().chain(SYSTEM_NAMES).copied()))
                .flatten();
            let help = match suggestion {
                Some(s) => format!("Did you mean `{s}`? If not, add `{}` to the `provides:` list of the data source it comes from", t.name),
                None => format!("Add `{}` to the `provides:` list of the data source it comes from, or fix the name", t.name),
            };
            ctx.report(
                &UNKNOWN_TOKEN,
                span,
                format!(
                    "The token `{}` in the {} comes from no listed data source and is not a platform tag, so it may render empty for everyone",
                    t.name,
                    field.label()
                ),
                help,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "unknown-token";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("{{ first_name |", "{{ frist_name |"),
            RULE,
            "frist_name",
        );
        assert!(
            f[0].help.contains("Did you mean `first_name`?"),
            "{}",
            f[0].help
        );
        let f = assert_fires(
            &BASE.replace("{{ unsubscribe_url }}", "{{ unsubscribe_ur }}"),
            RULE,
            "unsubscribe_ur",
        );
        assert!(f[0].help.contains("`unsubscribe_url`"), "{}", f[0].help);
        assert_fires(
            &BASE.replace("Our spring", "*|FAVORITE_SHOE|* and our spring"),
            RULE,
            "FAVORITE_SHOE",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &BASE.replace(
                "Our spring",
                "*|UNSUB|* *|MC:SUBJECT|* *|LIST:ADDRESS|* Our spring",
            ),
            RULE,
        );
    }
}
