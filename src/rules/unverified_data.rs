use crate::input::source::Span;
use crate::model::campaign::Campaign;
use crate::rules::context::Ctx;
use crate::text::suggest::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports data whose freshness cannot be checked: an audience condition
    /// that uses an attribute or event no data source `provides`, and a data
    /// source without `refreshed_at`. A source that provides `profile` (or
    /// `profile.*`) covers `profile.gender`. Merge tokens in the copy are
    /// checked by `unknown-token`.
    ///
    /// ## Why is this bad?
    /// preflight can only tell that an audience rests on fresh data when it
    /// knows where the data comes from. A misspelt attribute
    /// (`preferences.intrests`) is also caught here: no source provides it, so
    /// the condition matches nobody.
    ///
    /// ## Example
    /// ```yaml
    /// audience:
    ///   include:
    ///     - attribute: preferences.intrests
    ///       op: contains
    ///       value: running
    /// data_sources:
    ///   - name: crm
    ///     provides: [preferences.interests]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// audience:
    ///   include:
    ///     - attribute: preferences.interests
    ///       op: contains
    ///       value: running
    /// data_sources:
    ///   - name: crm
    ///     provides: [preferences.interests]
    ///     refreshed_at: 2027-06-01
    /// ```
    pub static UNVERIFIED_DATA = {
        code: "PF402",
        name: "unverified-data",
        severity: Warning,
        summary: "An audience condition uses data no source provides, or a source has no refreshed_at.",
        settings: &[],
    }
}

/// Whether some data source provides `name`.
pub fn provided(c: &Campaign, name: &str) -> bool {
    c.provides(name)
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let mut used: Vec<(&str, Span, &str)> = Vec::new();
    for cond in c.include().iter().chain(c.exclude()) {
        let n = cond.name();
        let kind = if matches!(
            cond.kind,
            crate::model::campaign::ConditionKind::Event { .. }
        ) {
            "event"
        } else {
            "attribute"
        };
        used.push((n.value, n.span, kind));
    }
    let all: Vec<&str> = c
        .data_sources
        .iter()
        .flat_map(|d| &d.provides)
        .map(|p| p.value)
        .collect();
    let mut seen: std::collections::HashSet<&str> = Default::default();
    for (name, span, kind) in used {
        if seen.contains(&name) || provided(c, name) {
            continue;
        }
        seen.insert(name);
        // Suggestions compare a name with every provided one: only for the
        // first few unknown names, so that thousands cost no more than a few.
        let suggestion = (seen.len() <= crate::text::suggest::SUGGESTIONS)
            .then(|| did_you_mean(name, all.iter().copied()))
            .flatten();
        let help = match suggestion {
            Some(s) => format!("Did you mean `{s}`? If not, add `{name}` to the `provides:` list of the data source it comes from."),
            None => format!("Add `{name}` to the `provides:` list of the data source it comes from, with that source's `refreshed_at`."),
        };
        ctx.report(
            &UNVERIFIED_DATA,
            span,
            format!("The {kind} `{name}` does not come from any listed data source, so nobody can tell how fresh it is."),
            help,
        );
    }
    for ds in &c.data_sources {
        if ds.refreshed_at.is_none() {
            let name = ds.name.map(|n| n.value).unwrap_or("this source");
            ctx.report(
                &UNVERIFIED_DATA,
                ds.name.map(|n| n.span).unwrap_or(ds.span),
                format!("The data source `{name}` has no `refreshed_at`, so its freshness cannot be checked."),
                "Add `refreshed_at:` with the date of the source's last refresh.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "unverified-data";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace(
                "attribute: preferences.interests",
                "attribute: preferences.intrests",
            ),
            RULE,
            "preferences.intrests",
        );
        assert!(
            f[0].help.contains("Did you mean `preferences.interests`?"),
            "{}",
            f[0].help
        );
        // Tokens are unknown-token's.
        assert_clean(&BASE.replace("{{ first_name |", "{{ frist_name |"), RULE);
        let f = assert_fires(
            &BASE.replace("event: order_placed", "event: app_opened"),
            RULE,
            "app_opened",
        );
        assert!(f[0].message.contains("The event `app_opened`"));
        let f = assert_fires(
            &BASE.replace("    refreshed_at: 2027-04-05\n", ""),
            RULE,
            "crm",
        );
        assert!(f[0].message.contains("no `refreshed_at`"));
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let prefix = BASE
            .replace(
                "attribute: preferences.interests",
                "attribute: profile.interests",
            )
            .replace(
                "provides: [preferences.interests, first_name]",
                "provides: [profile.*, first_name]",
            );
        assert_clean(&prefix, RULE);
    }

    #[test]
    fn wherever_the_condition_sits() {
        let typo = BASE.replace(
            "attribute: preferences.interests",
            "attribute: preferences.intrests",
        );
        let unknown_event = BASE.replace("event: order_placed", "event: app_opened");
        for kind in ["any_of", "all_of"] {
            assert_fires(&grouped(&typo, kind), RULE, "preferences.intrests");
            assert_fires(&grouped(&unknown_event, kind), RULE, "app_opened");
            assert_clean(&grouped(BASE, kind), RULE);
        }
    }
}
