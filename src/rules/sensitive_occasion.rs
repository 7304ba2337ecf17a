use crate::analysis::wording::{copy_and_names, excerpt};
use crate::input::source::Span;
use crate::knowledge::checks::{Checks, Entry};
use crate::model::campaign::{Audience, Campaign, Op};
use crate::rules::context::Ctx;
use crate::rules::diagnostic::{Applicability, Edit};
use crate::text::language::Langs;
use crate::text::searchable::words_of_name;
use crate::text::searchable::Searchable;

declare_rule! {
    /// ## What it does
    /// Reports a campaign whose copy (any channel), campaign name or segment
    /// name refers to an occasion that hurts some recipients (Father's Day,
    /// Mother's Day, Mothering Sunday, Valentine's Day, Grandparents Day,
    /// Siblings Day; spelling variants, straight or curly apostrophes and
    /// hashtags such as `#FathersDay`), when the audience respects no opt-out.
    ///
    /// An audience respects an opt-out when it has:
    /// - an `exclude` condition on an opt-out or suppression attribute that
    ///   names the occasion or occasions in general (`fathers_day_opt_out`,
    ///   `suppress_mothers_day`, `sensitive_occasions_opt_out`), or
    /// - an `include` condition that requires a positive choice from a
    ///   preference centre (`preferences.occasions contains fathers_day`).
    ///
    /// The names are matched by patterns in `checks/opt-outs.yaml` and each
    /// occasion's `keys` in `checks/occasions.yaml`.
    ///
    /// With groups, only conditions that hold for everyone count: an
    /// opt-out excluded inside an `all_of` with another condition leaves in
    /// those who opted out but do not meet the other, and a choice inside an
    /// `any_of` of several options is not made by everyone the campaign
    /// reaches. An opt-out inside an excluded `any_of` leaves out everyone
    /// who opted out.
    ///
    /// ## Why is this bad?
    /// A Father's Day ad reaches someone who has just lost their father; a
    /// Mother's Day email reaches someone who lost a child. Brands such as
    /// Bloom & Wild and Etsy now let people opt out of these occasions, and
    /// about 170 brands have joined that practice. Sending without honouring
    /// such an opt-out causes real hurt, in public.
    ///
    /// ## Example
    /// ```yaml
    /// content:
    ///   email:
    ///     subject: "Father's Day is coming"
    /// audience:
    ///   include:
    ///     - event: order_placed
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// audience:
    ///   include:
    ///     - event: order_placed
    ///   exclude:
    ///     - attribute: fathers_day_opt_out
    ///       op: eq
    ///       value: true
    /// ```
    /// Or, when the list was filtered elsewhere, record it:
    /// ```yaml
    /// acknowledge:
    ///   - rule: sensitive-occasion
    ///     reason: "Opt-out email sent 2027-05-20; list pre-filtered by the CRM"
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` adds the exclusion above to the audience (to
    /// its `exclude:` list, or a new one), in the file's own indentation and
    /// line endings. It is unsafe: check that your platform has an attribute
    /// by that name, or change it to the one it has. JSON campaigns and
    /// flow-style lists (`exclude: [...]`) are left for a person.
    pub static SENSITIVE_OCCASION = {
        code: "PF201",
        name: "sensitive-occasion",
        severity: Error,
        summary: "Copy or names refer to a painful occasion (Father's Day, Mother's Day, …) and the audience respects no opt-out.",
        settings: &[],
        fixes: &[crate::rule_meta::FixDoc {
            safe: false,
            what: "adds the exclusion the help line describes (`- attribute: <occasion>_opt_out`, `op: eq`, `value: true`) to the audience's `exclude:` list, in the file's indentation; check that your platform has that attribute",
        }],
    }
}

pub fn check(ctx: &mut Ctx) {
    let c = ctx.campaign;
    let checks = ctx.checks;
    let lex = &checks.occasions;
    // The first mention of each occasion, in file order.
    let mut firsts: Vec<(usize, crate::input::source::Span, String)> = Vec::new();
    for w in copy_and_names(c) {
        for m in lex.find_all(&w.search) {
            let span = ctx.locate(w.node, w.value_range(m.range.clone()));
            let quoted = excerpt(&w.text()[m.range.clone()]);
            match firsts.iter_mut().find(|(e, _, _)| *e == m.entry) {
                Some(f) if f.1 <= span => {}
                Some(f) => *f = (m.entry, span, quoted),
                None => firsts.push((m.entry, span, quoted)),
            }
        }
    }
    for (entry, span, quoted) in firsts {
        let e = &lex.entries[entry];
        if respects_opt_out(c, checks, e) || guarded_in_copy(c, ctx.text) {
            continue;
        }
        let key = e.id.replace('-', "_");
        if c.copy_only || c.is_unknown(crate::input::exports::Part::Audience) {
            let noun = if c.copy_only { "template" } else { "message" };
            ctx.report(
                &SENSITIVE_OCCASION,
                span,
                format!(
                    "This {noun} mentions {} (“{quoted}”), and nothing in it keeps the email from people who opted out. {}",
                    e.display(),
                    e.message
                ),
                format!(
                    "Send it to an audience that excludes people who opted out (in a campaign file that names this template, or in the platform), or wrap the message in a condition such as `{{% if customer.{key}_opt_out %}}{{% abort_message %}}{{% endif %}}`."
                ),
            );
            continue;
        }
        let fix = c
            .audience
            .as_ref()
            .and_then(|a| add_exclusion(ctx.text, a, &format!("{key}_opt_out")));
        let p = ctx.report(
            &SENSITIVE_OCCASION,
            span,
            format!(
                "This campaign mentions {} (“{quoted}”), but its audience gives people no way to opt out. {}",
                e.display(),
                e.message
            ),
            format!(
                "Exclude people who opted out, for example `- attribute: {key}_opt_out` with `op: eq` and `value: true` under `exclude:`; or acknowledge this rule with the reason the list is already filtered."
            ),
        );
        if let Some(edit) = fix {
            p.fix(
                Applicability::Unsafe,
                format!("Exclude people with `{key}_opt_out` set"),
                vec![edit],
            );
        }
    }
}

/// Where a line ends (before its `\r\n` or `\n`), from `at`.
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// The blanks a line starts with, for the line holding `at`.
fn line_prefix(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    &text[start..at]
}

/// Where a value's last line ends (a block's span may run into the lines
/// after it).
fn value_end(text: &str, span: crate::input::source::Span) -> usize {
    let end = text[..span.end.min(text.len())]
        .trim_end()
        .len()
        .max(span.start);
    line_end(text, end)
}

/// The edit adding `- attribute: <name>` / `op: eq` / `value: true` to the
/// audience's `exclude` list (with an `exclude:` key when it has none), in
/// the file's indentation. `None` for layouts it does not write into: JSON,
/// flow mappings or lists (`exclude: [...]`), tabs.
fn add_exclusion(text: &str, a: &Audience, name: &str) -> Option<Edit> {
    let node = a.node?;
    let map = node.as_map()?;
    if text.get(node.span.start..)?.starts_with(['{', '[']) || map.is_empty() {
        return None;
    }
    let item =
        |dash: &str| format!("\n{dash}- attribute: {name}\n{dash}  op: eq\n{dash}  value: true");
    let blank = |s: &str| s.chars().all(|c| c == ' ');
    match a.exclude_entry {
        Some(e) if e.value.is_null() => {
            let ind = line_prefix(text, e.key.span.start);
            if !blank(ind) {
                return None;
            }
            let at = line_end(text, e.key.span.end);
            if !text[e.key.span.end..at].trim_start().starts_with(':') {
                return None;
            }
            Some(Edit::new(Span::new(at, at), item(&format!("{ind}  "))))
        }
        Some(e) => {
            let items = e.value.as_seq()?;
            let first = items.first()?;
            let last = items.last()?;
            let prefix = line_prefix(text, first.span.start);
            let dash = prefix.trim_end().strip_suffix('-')?;
            if !blank(dash) || text.get(e.value.span.start..)?.starts_with('[') {
                return None;
            }
            let at = value_end(text, last.span);
            Some(Edit::new(Span::new(at, at), item(dash)))
        }
        None => {
            let ind = line_prefix(text, map[0].key.span.start);
            if !blank(ind) || ind.is_empty() {
                return None;
            }
            let last = map.last()?;
            let at = value_end(text, last.value.span.join(last.key.span));
            let list = item(&format!("{ind}  "));
            Some(Edit::new(
                Span::new(at, at),
                format!("\n{ind}exclude:{list}"),
            ))
        }
    }
}

/// Whether the copy itself keeps the message from people who opted out (a
/// template condition on an opt-out attribute).
fn guarded_in_copy(c: &Campaign, text: &str) -> bool {
    c.copy.iter().any(|f| {
        text.get(f.node.span.range())
            .is_some_and(crate::input::template_file::has_opt_out_guard)
    })
}

/// Whether the audience excludes people who opted out of this occasion, or
/// includes only people who chose it.
fn respects_opt_out(c: &Campaign, checks: &Checks, occasion: &Entry) -> bool {
    let Some(keys) = &occasion.keys else {
        return false;
    };
    let opt = &checks.opt_outs;
    let about = |cond: &crate::model::campaign::Condition| {
        let mut t = words_of_name(cond.name().value);
        for v in cond.values() {
            t.push(' ');
            t.push_str(&words_of_name(v.value));
        }
        t
    };
    let names_occasion = |text: &str| {
        keys.is_match(text) || opt.matches_entry(&Searchable::new(text, Langs::ALL), "any-occasion")
    };
    // Only conditions that hold for everyone count: an opt-out excluded in
    // an `all_of` with another condition leaves some who opted out in, and
    // an opt-in in an `any_of` is not a choice every recipient made.
    let (required, sufficient) = match &c.audience {
        Some(a) => (a.required_includes(), a.sufficient_excludes()),
        None => (Vec::new(), Vec::new()),
    };
    let excluded = sufficient.iter().any(|cond| {
        let name = words_of_name(cond.name().value);
        let inverted = cond.op() == Some(Op::Eq)
            && cond
                .values()
                .iter()
                .any(|v| v.value.eq_ignore_ascii_case("false"));
        opt.matches_entry(&Searchable::new(name, Langs::ALL), "opt-out")
            && names_occasion(&about(cond))
            && !inverted
    });
    let chosen = required.iter().any(|cond| {
        let name = words_of_name(cond.name().value);
        opt.matches_entry(&Searchable::new(name, Langs::ALL), "preference")
            && keys.is_match(&about(cond))
    });
    excluded || chosen
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const RULE: &str = "sensitive-occasion";

    fn with_subject(s: &str) -> String {
        BASE.replace(
            "subject: \"New season, new shoes\"",
            &format!("subject: \"{s}\""),
        )
    }

    fn with_exclude(yaml: &str, attr: &str, value: &str) -> String {
        yaml.replace(
            "data_sources:",
            &format!("  exclude:\n    - attribute: {attr}\n      op: eq\n      value: {value}\ndata_sources:"),
        )
    }

    #[test]
    fn failing() {
        assert_fires(&with_subject("Happy Father's Day"), RULE, "Father's Day");
        assert_fires(&with_subject("Happy Father’s Day"), RULE, "Father’s Day");
        assert_fires(&with_subject("Gifts for #MothersDay"), RULE, "#MothersDay");
        assert_fires(
            &with_subject("Mothering Sunday treats"),
            RULE,
            "Mothering Sunday",
        );
        assert_fires(
            &BASE.replace(
                "segment: runners-who-opted-in",
                "segment: fathers-day-buyers",
            ),
            RULE,
            "fathers-day",
        );
        assert_fires(
            &BASE.replace(
                "name: Spring running shoes",
                "name: Valentine's Day runners",
            ),
            RULE,
            "Valentine's Day",
        );
        // An unrelated opt-out does not count, nor does an inverted one.
        assert_fires(
            &with_exclude(&with_subject("Happy Father's Day"), "email_opt_out", "true"),
            RULE,
            "Father's Day",
        );
        assert_fires(
            &with_exclude(
                &with_subject("Happy Father's Day"),
                "fathers_day_opt_out",
                "false",
            ),
            RULE,
            "Father's Day",
        );
        // HTML character references are read as the reader sees them.
        let html = BASE.replace(
            "Our spring running range",
            "<p>Father&rsquo;s Day</p> and our range",
        );
        assert_fires(&html, RULE, "Father&rsquo;s Day");
        // A mention inside a fallback is seen.
        let yaml = BASE.replace(
            "Our spring running range",
            "{{ occasion | default: 'Father’s Day' }} deals",
        );
        assert_fires(
            &yaml.replace(
                "provides: [order_placed]",
                "provides: [order_placed, occasion]",
            ),
            RULE,
            "Father’s Day",
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        assert_clean(
            &with_exclude(
                &with_subject("Happy Father's Day"),
                "fathers_day_opt_out",
                "true",
            ),
            RULE,
        );
        assert_clean(
            &with_exclude(
                &with_subject("Happy Father's Day"),
                "suppress_sensitive_occasions",
                "true",
            ),
            RULE,
        );
        let pref =
            with_subject("Happy Father's Day").replace("value: running", "value: fathers_day");
        assert_clean(&pref, RULE);
        let ack = format!(
            "{}acknowledge:\n  - rule: sensitive-occasion\n    reason: Opt-out email sent 2027-05-20; list pre-filtered\n",
            with_subject("Happy Father's Day")
        );
        assert_clean(&ack, RULE);
        // Words inside URLs and tag names are not read.
        assert_clean(
            &BASE.replace(
                "Our spring running range has landed.",
                "See <a href=\"https://x.example/fathers-day\">our range</a>.",
            ),
            RULE,
        );
        assert_clean(&with_subject("Our forefathers daydreamed"), RULE);
        // The copy's own logic keeps it from people who opted out.
        for guard in [
            "{% if customer.fathers_day_opt_out %}{% abort_message('opted out') %}{% endif %}Happy Father's Day",
            "{{#unless optedOutOfFathersDay}}Happy Father's Day{{/unless}}",
        ] {
            let yaml = BASE.replace("Our spring running range has landed.", guard);
            assert_clean(&yaml, RULE);
        }
    }

    #[test]
    fn one_finding_per_occasion_at_its_first_mention() {
        let yaml = with_subject("Father's Day").replace(
            "Our spring running range has landed.",
            "Father's Day, Father's Day!",
        );
        let f = hits(&yaml, RULE);
        assert_eq!(f.len(), 1);
        assert!(f[0].1.span.start < yaml.find("body").unwrap());
    }

    /// `yaml` with `exclude:` items.
    fn excluding(yaml: &str, items: &str) -> String {
        yaml.replace(
            "data_sources:",
            &format!("  exclude:\n{items}data_sources:"),
        )
    }

    const OPT_OUT: &str =
        "          - attribute: fathers_day_opt_out\n            op: eq\n            value: true\n";
    const BOUNCED: &str =
        "          - attribute: email_bounced\n            op: eq\n            value: true\n";

    #[test]
    fn opt_outs_in_groups_count_when_they_hold_for_everyone() {
        let fd = with_subject("Happy Father's Day");
        // Excluding any of the opted-out or the bounced: every opt-out is out.
        assert_clean(
            &excluding(&fd, &format!("    - any_of:\n{OPT_OUT}{BOUNCED}")),
            RULE,
        );
        // Excluding only those who opted out *and* bounced leaves the others in.
        let f = assert_fires(
            &excluding(&fd, &format!("    - all_of:\n{OPT_OUT}{BOUNCED}")),
            RULE,
            "Father's Day",
        );
        assert!(
            f[0].message.contains("no way to opt out"),
            "{}",
            f[0].message
        );
        // A group of one member is its member.
        assert_clean(&excluding(&fd, &format!("    - all_of:\n{OPT_OUT}")), RULE);
        // An opt-in in one option of an any_of is not everyone's choice.
        let chose = "          - attribute: preferences.interests\n            op: contains\n            value: fathers_day\n";
        let other = "          - attribute: preferences.interests\n            op: contains\n            value: grills\n";
        let any = fd.replace(
            "  include:\n",
            &format!("  include:\n    - any_of:\n{chose}{other}"),
        );
        assert_fires(&any, RULE, "Father's Day");
        let all = fd.replace(
            "  include:\n",
            &format!("  include:\n    - all_of:\n{chose}{other}"),
        );
        assert_clean(&all, RULE);
    }
}
