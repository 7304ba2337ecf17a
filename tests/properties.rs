//! Property tests: campaigns generated from the model (with hostile copy:
//! emoji, curly quotes, broken templates, HTML), rendered to YAML and
//! linted. Whatever the input: no panic, every span (and related span) lies
//! inside its file on character boundaries, the JSON and SARIF outputs
//! parse, and the same input gives the same bytes. The case count is
//! bounded so `cargo test` stays quick.

use chrono::NaiveDate;
use preflight::engine::lint::Options;
use preflight::engine::run::run_texts;
use preflight::report::render;
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "Hi ",
    "{{ first_name }}",
    "{{ first_name | default: 'there' }}",
    "{{ city|default:'you' }}",
    "*|FNAME|*",
    "*|IF:FNAME|*",
    "*|END:IF|*",
    "{% if vip %}",
    "{% endif %}",
    "{{#if x}}",
    "{{/if}}",
    "{{",
    "}}",
    "{%",
    "Father's Day",
    "Mother’s Day",
    "’",
    "“quoted”",
    "😀",
    "🎉🎉",
    "é",
    "ł",
    "&rsquo;",
    "&amp;",
    "<b>bold</b>",
    "https://x.example/a?b=c",
    "Reply STOP to opt out",
    "winter boots",
    "sunscreen",
    "baby",
    "pregnancy",
    "unsubscribe",
    "{{ unsubscribe_url }}",
    "we noticed you",
    "Are you struggling with debt?",
    "apartments for rent",
    "\n",
    "  ",
    "\t",
    "tab\there",
    "a",
    "sale",
    "20% off",
    "#tag",
    ": colon",
    "- dash",
    "\\",
    "\"",
];

const NAMES: &[&str] = &[
    "preferences.interests",
    "profile.age",
    "profile.gender",
    "profile.pregnancy_status",
    "order_placed",
    "product_viewed",
    "first_name",
    "city",
    "fathers_day_opt_out",
    "zip_code",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..12).prop_map(|v| v.concat())
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn date() -> impl Strategy<Value = String> {
    (
        2026i32..2032,
        1u32..13,
        1u32..29,
        prop::option::of(0u32..24),
    )
        .prop_map(|(y, m, d, h)| match h {
            Some(h) => format!("{y}-{m:02}-{d:02}T{h:02}:00:00"),
            None => format!("{y}-{m:02}-{d:02}"),
        })
}

fn condition() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(NAMES),
            prop::sample::select(
                &[
                    "eq",
                    "ne",
                    "in",
                    "gt",
                    "lt",
                    "contains",
                    "exists",
                    "not_exists"
                ][..]
            ),
            text()
        )
            .prop_map(|(n, op, v)| format!(
                "    - attribute: {n}\n      op: {op}\n      value: {}\n",
                quoted(&v)
            )),
        (
            prop::sample::select(NAMES),
            prop::option::of(1u32..400),
            prop::option::of(0u32..4),
            text()
        )
            .prop_map(|(n, within, min, cat)| {
                let mut s = format!("    - event: {n}\n");
                if let Some(w) = within {
                    s.push_str(&format!("      within: {w}d\n"));
                }
                if let Some(m) = min {
                    s.push_str(&format!("      min_count: {m}\n"));
                }
                s.push_str(&format!("      where: {{category: {}}}\n", quoted(&cat)));
                s
            }),
    ]
}

prop_compose! {
    fn campaign()(
        id in "[a-z][a-z0-9-]{0,12}",
        channels in prop::sample::subsequence(vec!["email", "sms", "push", "ad", "web"], 1..4),
        region in prop::option::of(prop::sample::select(&["US", "GB", "AU", "FR", "US-FL", "SG"][..])),
        send in date(),
        zone in prop::sample::select(&["recipient", "America/New_York", "Europe/Paris"][..]),
        ends in prop::option::of(date()),
        sizes in (0u64..1_000_000, 0u64..1_000_000),
        include in prop::collection::vec(condition(), 0..5),
        exclude in prop::collection::vec(condition(), 0..2),
        refreshed in date(),
        coverage in prop::option::of(0.0f64..1.0),
        frequency in prop::option::of((1u32..10, 1u32..30)),
        retarget in prop::option::of((0u32..300, 1u32..60)),
        copy in prop::collection::vec(text(), 8),
        segment in text(),
        block in any::<bool>(),
    ) -> String {
        let mut y = format!("campaign: {id}\nchannels: [{}]\n", channels.join(", "));
        if let Some(r) = region {
            y.push_str(&format!("region: {r}\n"));
        }
        y.push_str(&format!("schedule:\n  send_at: {send}\n  timezone: {zone}\n"));
        if let Some(e) = ends {
            y.push_str(&format!("  ends_at: {e}\n"));
        }
        y.push_str(&format!("audience:\n  segment: {}\n  list_size: {}\n  estimated_size: {}\n", quoted(&segment), sizes.0.max(sizes.1), sizes.0.min(sizes.1)));
        if !include.is_empty() {
            y.push_str("  include:\n");
            include.iter().for_each(|c| y.push_str(c));
        }
        if !exclude.is_empty() {
            y.push_str("  exclude:\n");
            exclude.iter().for_each(|c| y.push_str(c));
        }
        y.push_str(&format!("data_sources:\n  - name: crm\n    provides: [{}]\n    refreshed_at: {refreshed}\n", NAMES.join(", ")));
        if let Some(c) = coverage {
            y.push_str(&format!("    coverage: {{city: {c:.2}}}\n"));
        }
        y.push_str("consent: [email_marketing, push]\n");
        if let Some((cap, per)) = frequency {
            y.push_str(&format!("frequency: {{cap: {cap}, per: {per}d}}\n"));
        }
        if let Some((delay, window)) = retarget {
            y.push_str(&format!("retargeting: {{delay: {delay}m, window: {window}d}}\n"));
        }
        y.push_str("content:\n");
        for ch in &channels {
            let fields: &[&str] = match *ch {
                "email" => &["from", "subject", "preheader", "body", "text"],
                "sms" => &["body"],
                "push" => &["title", "body"],
                _ => &["headline", "body"],
            };
            y.push_str(&format!("  {ch}:\n"));
            for (i, f) in fields.iter().enumerate() {
                let c = &copy[i % copy.len()];
                // Bodies also as literal blocks, where fixes insert past
                // the indentation.
                if block && *f == "body" && !c.trim().is_empty() && !c.starts_with([' ', '\t', '\n']) {
                    y.push_str(&format!("    {f}: |-\n"));
                    for line in c.split('\n') {
                        y.push_str(&format!("      {line}\n"));
                    }
                } else {
                    y.push_str(&format!("    {f}: {}\n", quoted(c)));
                }
            }
        }
        y
    }
}

fn check_report(files: &[(&str, &str)]) -> Result<(), TestCaseError> {
    let opts = Options::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    let report = run_texts(files, &opts);
    for f in report.findings() {
        let text = files
            .iter()
            .find(|(n, _)| *n == f.file)
            .map(|(_, t)| *t)
            .unwrap();
        prop_assert!(f.span.end <= text.len(), "{f:?}");
        prop_assert!(
            text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end),
            "{f:?}"
        );
        prop_assert!(f.start.line >= 1 && f.start.column >= 1);
        for r in &f.related {
            let rt = files
                .iter()
                .find(|(n, _)| *n == r.file)
                .map(|(_, t)| *t)
                .unwrap();
            prop_assert!(
                r.span.end <= rt.len()
                    && rt.is_char_boundary(r.span.start)
                    && rt.is_char_boundary(r.span.end),
                "{r:?}"
            );
        }
    }
    let json = render::json(&report, true);
    prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    let sarif = render::sarif(&report);
    prop_assert!(serde_json::from_str::<serde_json::Value>(&sarif).is_ok());
    let pretty = render::pretty(
        &report,
        render::Style {
            color: false,
            width: 100,
        },
    );
    // The same input gives the same bytes.
    let again = run_texts(files, &opts);
    prop_assert_eq!(json, render::json(&again, true));
    prop_assert_eq!(
        pretty,
        render::pretty(
            &again,
            render::Style {
                color: false,
                width: 100
            }
        )
    );
    Ok(())
}

/// Every fix, applied alone, leaves a file that loads as well as before
/// and without the finding it fixed; fixing everything never breaks the
/// file either.
fn check_fixes(text: &str) -> Result<(), TestCaseError> {
    let opts = Options::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    let report = run_texts(&[("a.yaml", text)], &opts);
    let count = |r: &preflight::engine::run::Report, rule: &str| {
        r.findings().filter(|f| f.rule.name == rule).count()
    };
    let invalid = count(&report, "invalid-campaign");
    for f in report.findings() {
        let Some(fix) = &f.fix else { continue };
        prop_assert_eq!(&fix.file, "a.yaml");
        for e in &fix.edits {
            prop_assert!(
                e.span.end <= text.len()
                    && text.is_char_boundary(e.span.start)
                    && text.is_char_boundary(e.span.end),
                "{e:?}"
            );
        }
        let fixed = preflight::engine::fix::apply_fix(text, fix);
        let after = run_texts(&[("a.yaml", &fixed)], &opts);
        prop_assert!(
            count(&after, "invalid-campaign") <= invalid,
            "the fix of {} broke the file:\n{fixed}",
            f.rule.name
        );
        prop_assert!(
            count(&after, f.rule.name) < count(&report, f.rule.name),
            "the fix of {} left its finding:\n{fixed}",
            f.rule.name
        );
    }
    let all = preflight::engine::run::fix_texts(&[("a.yaml", text)], &opts, true);
    if let Some(c) = all.changes.first() {
        let fixed = String::from_utf8(c.fixed.clone()).unwrap();
        let after = run_texts(&[("a.yaml", &fixed)], &opts);
        prop_assert!(count(&after, "invalid-campaign") <= invalid, "{fixed}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_fix_of_a_generated_campaign_keeps_it_loading(a in campaign()) {
        check_fixes(&a)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_generated_campaign_is_linted_safely(a in campaign(), b in campaign()) {
        check_report(&[("a.yaml", &a), ("b.yaml", &b)])?;
    }

    #[test]
    fn any_mangled_campaign_is_linted_safely(a in campaign(), cut in any::<prop::sample::Index>(), insert in prop::sample::select(PIECES)) {
        // Break the YAML itself at a random character boundary.
        let mut at = cut.index(a.len() + 1);
        while !a.is_char_boundary(at) {
            at -= 1;
        }
        let mangled = format!("{}{insert}{}", &a[..at], &a[at..]);
        check_report(&[("m.yaml", &mangled)])?;
    }
}
