use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::wording::excerpt;
use crate::rule_meta::Severity;
use crate::rules::context::Ctx;
use crate::rules::diagnostic::Applicability;
use crate::text::language::Langs;
use crate::text::searchable::Searchable;
use crate::text::template::{Fallback, Role, Syntax, Token};

declare_rule! {
    /// ## What it does
    /// Reports a merge token with no fallback, so a person whose profile lacks
    /// the value sees a gap: "Hi ," instead of "Hi there,". A token counts as
    /// safe when it has a non-empty `default` (`{{ first_name | default:
    /// 'there' }}`) or sits inside an `if` block on the same name
    /// (`{{#if first_name}}…{{else}}…{{/if}}`, `{% if first_name %}…{% endif %}`,
    /// Mailchimp `*|IF:FNAME|*…*|END:IF|*`). Tokens the platform fills in
    /// itself (`unsubscribe_url`, `*|UNSUB|*`) need none.
    ///
    /// It is a warning in body copy, and an error in an email subject, an
    /// SMS, a push title, or the greeting line ("Hi {{ first_name }},"),
    /// where the gap is the first thing the reader sees.
    ///
    /// The fallback forms of each platform are recognised: Liquid
    /// `{{ x | default: 'y' }}` and Klaviyo's `{{ x|default:'y' }}`; Braze's
    /// attributes `{{${first_name} | default: 'y'}}` and
    /// `{{custom_attribute.${Loyalty Tier} | default: 'y'}}`; Handlebars
    /// `{{#if x}}…{{else}}…{{/if}}`; SendGrid `{{insert x "default=y"}}`;
    /// Mailchimp `*|IF:X|*…*|ELSE:|*…*|END:IF|*`; Jinja
    /// `{{ x | default('y', true) }}`; Salesforce Marketing Cloud AMPscript
    /// `%%=IIF(Empty([FirstName]), "y", [FirstName])=%%`, or a code block
    /// that sets a variable when it is empty (`%%[ IF EMPTY(@fn) THEN SET @fn
    /// = "y" ENDIF ]%%` before `%%=v(@fn)=%%`); Mailjet
    /// `[[var:firstname:"y"]]` and `{{var:firstname:"y"}}`; Iterable
    /// `{{defaultIfEmpty firstName "y"}}`; Salesforce's Handlebars
    /// `{{isNullDefault tier "y"}}`; Mautic `{contactfield=firstname|y}`.
    ///
    /// Not every token is a person's data. These need no fallback and are
    /// left alone:
    /// - platform tags (`*|UNSUB|*`, `%%profile_center_url%%`,
    ///   `{{${set_user_to_unsubscribed_url}}}`: `checks/system-tokens.yaml`);
    /// - loop and section variables (`{{this.title}}` inside
    ///   `{{#each items}}`, `{{ p.name }}` inside `{% for p in products %}`,
    ///   fields of a Mustache section `{{#details}}…{{/details}}`), and
    ///   variables the template sets itself (`{% assign %}`, `{% capture %}`,
    ///   AMPscript `SET @x = "…"`);
    /// - content slots the sender fills (an image URL, a button label, a
    ///   banner text passed as template data): names listed in the
    ///   configuration's `content_variables:`, or shaped like one (`hero_…`,
    ///   `…_image`, `…_url`, `…_label`, `cta_…`: `checks/system-tokens.yaml`),
    ///   unless a data source `provides` the name, which makes it the
    ///   person's again.
    ///
    /// Jinja's `default('y')` without `true` fills in a value that is
    /// missing but not one that is an empty string, which is how most
    /// profiles store "no first name": it is reported as a missing fallback.
    /// Braze's Liquid `default` likewise does not fire on a value that is
    /// only spaces; guard such fields with `{% if x != blank %}` or clean
    /// the data.
    ///
    /// Mailchimp merge tags (`*|FNAME|*`) have no inline fallback: set a
    /// default value in the audience's merge-field settings and wrap the tag
    /// in `*|IF:FNAME|*`.
    ///
    /// ## Why is this bad?
    /// "Hi ," goes out to every profile without a first name, often a large
    /// share of the list, and it shows the message was automated and broken.
    ///
    /// ## Example
    /// ```yaml
    /// body: "Hi {{ first_name }}, our sale starts today."
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// body: "Hi {{ first_name | default: 'there' }}, our sale starts today."
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` writes the fallback in the token's own
    /// syntax: `{{ first_name | default: 'there' }}` (Liquid; Klaviyo's
    /// `{{ first_name|default:'there' }}` when the copy writes its filters
    /// that way), `{{${first_name} | default: 'there'}}` (Braze),
    /// `{{insert first_name "default=there"}}` (SendGrid),
    /// `[[var:firstname:"there"]]` (Mailjet), `{contactfield=firstname|there}`
    /// (Mautic), `%%=IIF(Empty([FirstName]), "there", [FirstName])=%%`
    /// (AMPscript). It is unsafe because someone should choose the word:
    /// set it with `fallback_word` (`rules: {token-missing-fallback:
    /// {fallback_word: friend}}`) and read the diff first.
    ///
    /// ## Configuration
    /// `fallback_word` (default `there`): the word the fix writes.
    pub static TOKEN_MISSING_FALLBACK = {
        code: "PF303",
        name: "token-missing-fallback",
        severity: Warning,
        summary: "A merge token has no fallback, so an empty profile field renders \"Hi ,\".",
        settings: &[crate::rule_meta::SettingDoc {
            name: "fallback_word",
            default: "there",
            about: "the word the fix writes as the fallback",
        }],
        fixes: &[crate::rule_meta::FixDoc {
            safe: false,
            what: "adds a fallback in the token's own syntax (Liquid, Klaviyo, Braze, SendGrid, Mailjet, Mautic, AMPscript) with the configured `fallback_word`; Mailchimp tags and helpers are left for a person",
        }],
    }
}

static GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(hi|hello|hey|dear|hiya|greetings|welcome|good\s+(morning|afternoon|evening)|bonjour|hallo|hola)\b")
        .expect("valid")
});

/// Whether a token stands for a person's data: not a platform tag, not a
/// loop or template variable, not a content slot the sender fills (unless a
/// data source provides it by that name).
pub fn is_person_data(ctx: &Ctx, t: &Token) -> bool {
    if t.role != Role::Person {
        return false;
    }
    if ctx.campaign.provides(t.name) {
        return true;
    }
    // The platform fills it in when the profile has no value.
    if ctx
        .campaign
        .token_defaults
        .iter()
        .any(|d| d.eq_ignore_ascii_case(t.name))
    {
        return false;
    }
    // A template checked without a campaign says nothing of its data: its
    // tokens may be the order it confirms (`total`, `receipt_id`). Only
    // the fields of a person's profile are theirs for sure.
    if ctx.campaign.copy_only && !PROFILE_FIELD.is_match(&snake_case(t.name)) {
        return false;
    }
    let listed = ctx
        .settings
        .content_variables
        .iter()
        .any(|v| match v.strip_suffix('*') {
            Some(prefix) => t.name.starts_with(prefix),
            None => v == t.name,
        });
    !listed
        && !ctx
            .checks
            .system_tokens
            .is_match(&Searchable::new(t.name, Langs::ALL))
}

/// Token names that are a field of the reader's profile (their name in
/// the ways platforms spell it, in preflight's languages), for templates
/// checked without a campaign.
static PROFILE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    // The last segment of the name (after `.`, `${`, `[`), in snake case:
    // a profile field, with at most a word for whose it is.
    Regex::new(concat!(
        r"(?i)^(?:.*[.$\[{ ])?(?:(?:customer|contact|subscriber|recipient|member|user|person|profile|client)_?)?",
        r"(?:first_?name|last_?name|full_?name|given_?name|family_?name|sur_?name|nick_?name|",
        r"user_?name|display_?name|name|fname|lname|",
        r"nombre|apellido|nome|cognome|pr[ée]nom|vorname|nachname|voornaam|achternaam|",
        r"city|ciudad|ville|stadt|citt[àa]|cidade|stad)[\]} ]*$",
    ))
    .expect("valid")
});

/// `userFirstname` as `user_firstname` (JavaScript props are camelCase).
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

/// How to write a fallback for a token in its own syntax.
fn fallback_help(t: &Token) -> String {
    let n = t.name;
    match t.syntax {
        Syntax::Mailchimp => format!(
            "Mailchimp merge tags have no inline fallback: set a default for {n} in the audience's merge-field settings, or wrap it as *|IF:{n}|*…*|ELSE:|*…*|END:IF|*."
        ),
        Syntax::Braze if n.contains(' ') => format!(
            "Add a fallback: `{{{{custom_attribute.${{{n}}} | default: 'there'}}}}`, with a word that reads well here."
        ),
        Syntax::Braze => format!(
            "Add a fallback: `{{{{${{{n}}} | default: 'there'}}}}`, with a word that reads well here."
        ),
        Syntax::Liquid => format!("Add a fallback: `{{{{ {n} | default: 'there' }}}}`, with a word that reads well here."),
        Syntax::Ampscript => format!(
            "Add a fallback: `%%=IIF(Empty([{n}]), \"there\", [{n}])=%%`, or set a value in a code block when it is empty, with a word that reads well here."
        ),
        Syntax::Mailjet => format!("Add a fallback: `[[var:{n}:\"there\"]]`, with a word that reads well here."),
        Syntax::HandlebarsHelper => format!("Give the helper a fallback: `{{{{defaultIfEmpty {n} \"there\"}}}}`."),
        Syntax::Mautic => format!("Add a fallback: `{{contactfield={n}|there}}`, with a word that reads well here."),
        Syntax::SendgridInsert => format!("Add a fallback: `{{{{insert {n} \"default=there\"}}}}`, with a word that reads well here."),
    }
}

pub fn check(ctx: &mut Ctx) {
    for field in &ctx.campaign.copy {
        let text = field.text();
        let greeting_end = greeting_line_end(text);
        // A plain YAML scalar cannot hold `: `: Klaviyo's spacing there.
        // So does copy that already writes its filters that way (looked up
        // once per field, not once per token: a long body has thousands).
        let compact = matches!(
            &field.node.value,
            crate::input::yaml::Value::Scalar(s) if s.style == crate::input::yaml::Style::Plain
        ) || text.contains("|default:");
        for t in field.tokens() {
            if t.has_fallback() || !is_person_data(ctx, t) {
                continue;
            }
            let greeting = greeting_end.is_some_and(|end| t.range.start < end);
            let severity = if field.is_glanceable() || greeting {
                Severity::Error
            } else {
                Severity::Warning
            };
            let shown = preview(text, t);
            let why = match &t.fallback {
                Fallback::Empty => format!("`{}` has an empty fallback", t.name),
                Fallback::NotOnEmpty(r) => format!(
                    "`{}` falls back to “{}” only when the value is missing, not when it is empty",
                    t.name,
                    &text[r.clone()]
                ),
                _ => format!("`{}` has no fallback", t.name),
            };
            let place = if greeting {
                "the greeting".to_string()
            } else {
                format!("the {}", field.label())
            };
            let help = match &t.fallback {
                Fallback::NotOnEmpty(r) => format!(
                    "Jinja's `default` skips empty strings unless its second argument is `true`: write `{{{{ {} | default('{}', true) }}}}`.",
                    t.name,
                    &text[r.clone()]
                ),
                _ => fallback_help(t),
            };
            let span = ctx.locate(field.node, t.range.clone());
            let fix = matches!(t.fallback, Fallback::Missing)
                .then(|| with_fallback(text, t, &ctx.settings.fallback_word, compact))
                .flatten()
                .and_then(|new| ctx.scalar_edit(field.node, t.range.clone(), &new));
            let word = ctx.settings.fallback_word.clone();
            let p = ctx.report_at(
                &TOKEN_MISSING_FALLBACK,
                severity,
                span,
                format!("{why}, so people without it would read “{shown}” in {place}."),
                help,
            );
            if let Some(edit) = fix {
                p.fix(
                    Applicability::Unsafe,
                    format!("Add the fallback “{word}” to `{}`", t.name),
                    vec![edit],
                );
            }
        }
    }
}

/// The token written with a fallback in its own syntax, when that syntax
/// has an inline one and the token is in a shape the rewrite is sure of.
/// `compact`: Liquid's filter written without blanks (`|default:'there'`),
/// as the field already writes it or as a plain YAML scalar must.
fn with_fallback(copy: &str, t: &Token, word: &str, compact: bool) -> Option<String> {
    let token = copy.get(t.range.clone())?;
    // Insert before the closer of `close` bytes, keeping blanks before it.
    let before_close = |close: usize, insert: &str| -> Option<String> {
        let cut = token.len().checked_sub(close)?;
        let inner = token.get(..cut)?;
        let kept = inner.trim_end();
        Some(format!("{kept}{insert}{}", &token[kept.len()..]))
    };
    match t.syntax {
        Syntax::Liquid => {
            let close = if token.ends_with("-}}") {
                3
            } else if token.ends_with("}}") {
                2
            } else {
                return None;
            };
            if !token.starts_with("{{") || token.contains("default") {
                return None;
            }
            // Klaviyo's spacing when the copy writes filters that way, or
            // when the token has no blanks at all.
            let compact = compact || !(token[2..].starts_with([' ', '-']) || token.contains(" | "));
            if compact {
                before_close(close, &format!("|default:'{word}'"))
            } else {
                before_close(close, &format!(" | default: '{word}'"))
            }
        }
        Syntax::Braze if token.starts_with("{{") && token.ends_with("}}") => {
            before_close(2, &format!(" | default: '{word}'"))
        }
        Syntax::SendgridInsert if token.ends_with("}}") && !token.contains('"') => {
            before_close(2, &format!(" \"default={word}\""))
        }
        Syntax::Mailjet
            if (token.ends_with("]]") || token.ends_with("}}"))
                && token.matches(':').count() == 1 =>
        {
            before_close(2, &format!(":\"{word}\""))
        }
        Syntax::Mautic if token.ends_with('}') && !token.contains('|') => {
            before_close(1, &format!("|{word}"))
        }
        Syntax::Ampscript => {
            let name = token.strip_prefix("%%")?.strip_suffix("%%")?;
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return None;
            }
            Some(format!("%%=IIF(Empty([{name}]), \"{word}\", [{name}])=%%"))
        }
        _ => None,
    }
}

/// Where the copy's first line ends, when that line greets ("Hi …").
fn greeting_line_end(text: &str) -> Option<usize> {
    let first = text.trim_start();
    let offset = text.len() - first.len();
    crate::work::add(offset);
    // Only the start of the line can greet: look no further than needed.
    let cut = (0..=first.len().min(64))
        .rev()
        .find(|i| first.is_char_boundary(*i))
        .unwrap_or(0);
    let head = &first[..cut];
    if !GREETING.is_match(head) {
        return None;
    }
    Some(offset + first.find('\n').unwrap_or(first.len()))
}

/// How far to either side of a token its preview looks on a long line.
const PREVIEW_REACH: usize = 320;

/// The line holding the token, as it reads with the value missing: all of
/// it when it is short, else the words on either side of the token, so
/// that a token deep in a long one-line body is shown where it is (and the
/// work stays proportional to the preview, not to the line).
fn preview(text: &str, t: &Token) -> String {
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(t.range.start.saturating_sub(PREVIEW_REACH));
    let to = floor((t.range.end + PREVIEW_REACH).min(text.len()));
    let start = text[from..t.range.start]
        .rfind('\n')
        .map(|i| from + i + 1)
        .unwrap_or(from);
    let end = text[t.range.end..to]
        .find('\n')
        .map(|i| t.range.end + i)
        .unwrap_or(to);
    let (mut before, mut after) = (&text[start..t.range.start], &text[t.range.end..end]);
    let (cut_left, cut_right) = (start == from && from > 0, end == to && to < text.len());
    // A window that starts or ends inside a tag shows none of it.
    if cut_left {
        if let Some(close) = before.find('>').filter(|c| !before[..*c].contains('<')) {
            before = &before[close + 1..];
        }
    }
    if cut_right {
        if let Some(open) = after.rfind('<').filter(|o| !after[*o..].contains('>')) {
            after = &after[..open];
        }
    }
    // The line as it reads, with a mark where the token was.
    let line = format!("{before}\u{1}{after}");
    crate::work::add(line.len());
    let read = crate::text::template::visible_text(&line).text;
    let read = read.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole = read.replace('\u{1}', "");
    let whole = whole.split_whitespace().collect::<Vec<_>>().join(" ");
    if !cut_left && !cut_right && whole.chars().count() <= 60 {
        return excerpt(&whole);
    }
    // A long line: the words on either side of the gap the token leaves.
    let (b, a) = read.split_once('\u{1}').unwrap_or((&read, ""));
    let keep = 28;
    let bn = b.chars().count();
    let mut left: String = b.chars().skip(bn.saturating_sub(keep)).collect();
    let mut right: String = a.chars().take(keep).collect();
    let (more_left, more_right) = (cut_left || bn > keep, cut_right || a.chars().count() > keep);
    // Whole words only at the cut ends.
    if more_left {
        if let Some(sp) = left.find(' ') {
            left = left[sp + 1..].to_string();
        }
    }
    if more_right {
        if let Some(sp) = right.rfind(' ') {
            right.truncate(sp);
        }
    }
    let gap = if left.ends_with(' ') || right.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!(
        "{}{}{gap}{}{}",
        if more_left { "…" } else { "" },
        left.trim_end(),
        right.trim_start(),
        if more_right { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use crate::rule_meta::Severity;
    use crate::rules::testing::*;

    const RULE: &str = "token-missing-fallback";

    #[test]
    fn failing() {
        let f = assert_fires(
            &BASE.replace("{{ first_name | default: 'there' }}", "{{ first_name }}"),
            RULE,
            "{{ first_name }}",
        );
        assert_eq!(f[0].severity, Severity::Error, "greeting line");
        assert!(f[0].message.contains("“Hi ,”"), "{}", f[0].message);
        let body = BASE
            .replace(
                "Our spring running range",
                "Your {{ city }} store has the range",
            )
            .replace("provides: [order_placed]", "provides: [order_placed, city]");
        let f = assert_fires(&body, RULE, "{{ city }}");
        assert_eq!(f[0].severity, Severity::Warning);
        let subject = BASE.replace(
            "subject: \"New season, new shoes\"",
            "subject: \"{{ first_name }}, new shoes\"",
        );
        let f = assert_fires(&subject, RULE, "{{ first_name }}");
        assert_eq!(f[0].severity, Severity::Error);
        let mc = BASE
            .replace("{{ first_name | default: 'there' }}", "*|FNAME|*")
            .replace(
                "provides: [order_placed]",
                "provides: [order_placed, FNAME]",
            );
        let f = assert_fires(&mc, RULE, "*|FNAME|*");
        assert!(f[0].help.contains("*|IF:FNAME|*"));
        let empty = BASE.replace("default: 'there'", "default: ''");
        let f = assert_fires(&empty, RULE, "{{ first_name | default: '' }}");
        assert!(f[0].message.contains("empty fallback"));
    }

    #[test]
    fn jinja_default_without_true_misses_empty_values() {
        let f = assert_fires(
            &BASE.replace(
                "{{ first_name | default: 'there' }}",
                "{{ first_name | default('there') }}",
            ),
            RULE,
            "{{ first_name | default('there') }}",
        );
        assert!(
            f[0].message.contains("not when it is empty"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].help.contains("default('there', true)"),
            "{}",
            f[0].help
        );
        assert_clean(
            &BASE.replace(
                "{{ first_name | default: 'there' }}",
                "{{ first_name | default('there', true) }}",
            ),
            RULE,
        );
        assert_clean(
            &BASE.replace(
                "{{ first_name | default: 'there' }}",
                "{{insert first_name \"default=there\"}}",
            ),
            RULE,
        );
    }

    #[test]
    fn passing() {
        assert_clean(BASE, RULE);
        let guarded = BASE.replace(
            "Hi {{ first_name | default: 'there' }},",
            "{{#if first_name}}Hi {{ first_name }},{{else}}Hi there,{{/if}}",
        );
        assert_clean(&guarded, RULE);
        let mc = BASE
            .replace(
                "{{ first_name | default: 'there' }}",
                "*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi*|END:IF|*",
            )
            .replace(
                "provides: [order_placed]",
                "provides: [order_placed, FNAME]",
            );
        assert_clean(&mc, RULE);
    }

    #[test]
    fn a_greeting_cut_inside_a_character_is_read_whole() {
        // A multi-byte character across byte 64 of the first line.
        let body = format!("Hi {} é {{{{ first_name }}}}, news.", "a".repeat(59));
        let yaml = BASE.replace("Hi {{ first_name | default: 'there' }},", &body);
        let f = assert_fires(&yaml, RULE, "{{ first_name }}");
        assert_eq!(f[0].severity, crate::rule_meta::Severity::Error);
    }

    #[test]
    fn many_tokens_in_one_long_body_cost_linear_work() {
        // Each token's preview looks at the words around it, not at its
        // whole line: twice the tokens, at most twice the work.
        let steps = |n: usize| {
            let body = "Hi {{ first_name }}, news for you. ".repeat(n);
            let yaml = BASE.replace("Our spring running range has landed.", &body);
            let (found, steps) = crate::work::count(|| hits(&yaml, RULE));
            assert_eq!(found.len(), n, "every token is reported");
            steps
        };
        let (small, large) = (steps(1_000), steps(2_000));
        assert!(
            crate::work::at_most_doubled(small, large, small / 10),
            "{small} {large}"
        );
    }

    #[test]
    fn a_token_deep_in_a_long_line_is_previewed_where_it_is() {
        let body = format!(
            "{} Your {{{{ city }}}} store is open.",
            "Lots of words here. ".repeat(200)
        );
        let yaml = BASE
            .replace("Our spring running range has landed.", &body)
            .replace("provides: [order_placed]", "provides: [order_placed, city]");
        let f = assert_fires(&yaml, RULE, "{{ city }}");
        assert!(
            f[0].message
                .contains("“…Lots of words here. Your store is open.”"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn each_platform_is_told_its_own_fallback_form() {
        for (token, help) in [
            ("{{${first_name}}}", "{{${first_name} | default: 'there'}}"),
            (
                "{{custom_attribute.${Nick Name}}}",
                "{{custom_attribute.${Nick Name} | default: 'there'}}",
            ),
            (
                "%%FirstName%%",
                "%%=IIF(Empty([FirstName]), \"there\", [FirstName])=%%",
            ),
            ("[[data:first_name]]", "[[var:first_name:\"there\"]]"),
            (
                "{contactfield=first_name}",
                "{contactfield=first_name|there}",
            ),
        ] {
            let yaml = BASE.replace("{{ first_name | default: 'there' }}", token);
            let f = hits(&yaml, RULE);
            assert_eq!(f.len(), 1, "{token}: {f:?}");
            assert!(f[0].1.help.contains(help), "{token}: {}", f[0].1.help);
        }
        // With their fallbacks, nothing.
        for token in [
            "{{${first_name} | default: 'friend'}}",
            "%%=IIF(Empty([first_name]), \"friend\", [first_name])=%%",
            "[[var:first_name:\"friend\"]]",
            "{{defaultIfEmpty first_name \"friend\"}}",
            "{contactfield=first_name|friend}",
        ] {
            let yaml = BASE.replace("{{ first_name | default: 'there' }}", token);
            assert_clean(&yaml, RULE);
        }
    }

    #[test]
    fn loops_templates_own_values_and_content_slots_need_no_fallback() {
        for body in [
            "{{#each items}}{{this.title}} for {{price}}{{/each}}",
            "{% for p in products %}{{ p.name }}{% endfor %}",
            "{% assign greeting = 'Hello' %}{{ greeting }}",
            "<img src=\"{{ hero_image_url }}\"> {{ cta_label }}",
            "Built with {{ page.title }}",
        ] {
            let yaml = BASE.replace("Our spring running range has landed.", body);
            assert_clean(&yaml, RULE);
            assert_clean(&yaml, "unknown-token");
        }
        // A content-shaped name a data source provides is the person's.
        let yaml = BASE
            .replace(
                "Our spring running range has landed.",
                "Your photo: {{ profile_image }}",
            )
            .replace(
                "provides: [order_placed]",
                "provides: [order_placed, profile_image]",
            );
        assert_fires(&yaml, RULE, "{{ profile_image }}");
    }

    #[test]
    fn a_configuration_names_its_content_variables() {
        let yaml = BASE.replace("Our spring running range has landed.", "{{ spring_story }}");
        assert_fires(&yaml, RULE, "{{ spring_story }}");
        let cfg = crate::engine::config::Config::parse(
            std::path::Path::new("preflight.yaml"),
            "content_variables: [\"spring_*\"]\n",
        )
        .unwrap();
        let opts = crate::engine::lint::Options::new(now()).with_config(&cfg);
        let out = crate::engine::lint::check_file(
            "t.yaml",
            yaml.as_bytes(),
            true,
            &opts,
            crate::knowledge::checks::Checks::builtin(),
        );
        assert!(
            !out.findings
                .iter()
                .any(|f| f.rule.name == RULE || f.rule.name == "unknown-token"),
            "{:#?}",
            out.findings
        );
    }
}
