//! Runs preflight over `examples/`: every mistake fires where expected, the
//! clean campaigns stay clean, and every rule fires somewhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::NaiveDate;
use preflight::engine::lint::{FileStatus, Options};
use preflight::engine::run::run;
use preflight::rules::RULES;

fn report() -> preflight::engine::run::Report {
    let now = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    run(&[PathBuf::from("examples")], &Options::new(now)).expect("examples exist")
}

/// file → the rules that fire in it, and how often.
fn fired() -> BTreeMap<String, BTreeMap<&'static str, usize>> {
    let mut out: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for f in report().findings() {
        *out.entry(f.file.clone())
            .or_default()
            .entry(f.rule.name)
            .or_default() += 1;
    }
    out
}

#[test]
fn clean_examples_produce_no_finding() {
    let r = report();
    let clean: Vec<_> = r
        .findings()
        .filter(|f| f.file.starts_with("examples/clean/"))
        .collect();
    assert!(clean.is_empty(), "{clean:#?}");
    // Cross-campaign rules read the clean examples too.
    let checked: Vec<_> = r
        .files
        .iter()
        .filter(|f| f.path.starts_with("examples/clean/") && f.status == FileStatus::Checked)
        .collect();
    assert!(checked.len() >= 3, "at least three clean campaign files");
    let skipped = r
        .files
        .iter()
        .find(|f| f.path == "examples/clean/not-a-campaign.yaml")
        .unwrap();
    assert!(matches!(skipped.status, FileStatus::Skipped(_)));
}

#[test]
fn clean_templates_produce_no_finding() {
    let r = report();
    let clean: Vec<_> = r
        .findings()
        .filter(|f| f.file.starts_with("examples/templates/clean/"))
        .collect();
    assert!(clean.is_empty(), "{clean:#?}");
    // Every kind is read: HTML, MJML, Liquid, Handlebars, Maizzle,
    // braze-sync and React Email.
    let checked: BTreeSet<&str> = r
        .files
        .iter()
        .filter(|f| {
            f.path.starts_with("examples/templates/clean/") && f.status == FileStatus::Checked
        })
        .filter_map(|f| f.path.rsplit('.').next())
        .collect();
    for ext in ["html", "mjml", "liquid", "hbs", "yaml", "tsx"] {
        assert!(
            checked.contains(ext),
            "no clean .{ext} template checked: {checked:?}"
        );
    }
}

#[test]
fn each_mistake_file_fires_exactly_its_rules() {
    let expected: &[(&str, &[(&str, usize)])] = &[
        (
            "examples/mistakes/apartment-ads.yaml",
            &[
                ("audience-below-platform-minimum", 1),
                ("personal-attribute-copy", 1),
                ("special-ad-category", 1),
            ],
        ),
        (
            "examples/mistakes/baby-registry.yaml",
            &[
                ("creepy-phrasing", 2),
                ("segment-one-dimensional", 1),
                ("sensitive-targeting", 1),
                ("sensitive-topic", 1),
            ],
        ),
        (
            "examples/mistakes/broken-yaml.yaml",
            &[("invalid-campaign", 1)],
        ),
        (
            "examples/mistakes/copied-campaign.yaml",
            &[("duplicate-campaign-id", 1), ("duplicate-key", 1)],
        ),
        (
            "examples/mistakes/dia-de-la-madre.yaml",
            &[
                ("creepy-phrasing", 1),
                ("personal-attribute-copy", 1),
                ("sensitive-occasion", 1),
                ("sensitive-topic", 1),
            ],
        ),
        (
            "examples/mistakes/everyone-sale.yaml",
            &[
                ("past-send-date", 1),
                ("segment-too-broad", 1),
                ("unknown-token", 1),
                ("unverified-data", 2),
            ],
        ),
        (
            "examples/mistakes/fathers-day-grills.yaml",
            &[("missing-unsubscribe", 1)],
        ),
        (
            "examples/mistakes/templates/fathers-day-grills.html",
            &[
                ("creepy-phrasing", 1),
                ("sensitive-occasion", 1),
                ("token-missing-fallback", 1),
            ],
        ),
        (
            "examples/mistakes/fathers-day.yaml",
            &[
                ("sensitive-occasion", 1),
                ("stale-data", 1),
                ("token-missing-fallback", 1),
            ],
        ),
        (
            "examples/mistakes/flash-sale-sms.yaml",
            &[
                ("missing-consent", 1),
                ("push-too-long", 1),
                ("sms-missing-opt-out", 1),
                ("sms-quiet-hours", 1),
                ("sms-segments", 1),
            ],
        ),
        (
            "examples/mistakes/members-weekend.yaml",
            &[("segment-contradiction", 1), ("segment-too-broad", 1)],
        ),
        (
            "examples/mistakes/mothers-day-reminder.yaml",
            &[("duplicate-occasion-opt-out", 1)],
        ),
        (
            "examples/mistakes/mothers-day-uk.yaml",
            &[
                ("duplicate-occasion-opt-out", 1),
                ("occasion-date-mismatch", 1),
            ],
        ),
        (
            "examples/mistakes/new-parents.yaml",
            &[
                ("frequency-cap-missing", 1),
                ("low-coverage-data", 1),
                ("segment-contradiction", 1),
                ("single-signal-inference", 1),
            ],
        ),
        (
            "examples/mistakes/plain-newsletter.yaml",
            &[
                ("channel-without-content", 1),
                ("content-without-channel", 1),
                ("missing-postal-address", 1),
                ("missing-unsubscribe", 1),
                ("preheader-missing", 1),
                ("subject-too-long", 1),
            ],
        ),
        (
            "examples/mistakes/trail-week.yaml",
            &[("audience-overload", 4), ("repeated-content", 2)],
        ),
        (
            "examples/mistakes/typos.yaml",
            &[
                ("invalid-campaign", 3),
                ("malformed-template", 1),
                ("unknown-field", 1),
                ("unused-suppression", 1),
            ],
        ),
        (
            "examples/mistakes/vip-balance.yaml",
            &[("personal-token", 2), ("segment-too-narrow", 1)],
        ),
        (
            "examples/mistakes/winter-boots.yaml",
            &[
                ("duplicate-campaign-id", 1),
                ("frequency-too-high", 1),
                ("retargeting-too-long", 1),
                ("retargeting-too-soon", 1),
                ("seasonal-mismatch", 1),
                ("stale-event-window", 1),
            ],
        ),
        // Templates checked on their own, for their copy.
        (
            "examples/templates/mistakes/braze/email_templates/mothers_day/template.yaml",
            &[("sensitive-occasion", 1), ("token-missing-fallback", 1)],
        ),
        (
            "examples/templates/mistakes/emails/fathers-day-grills.html",
            &[
                ("creepy-phrasing", 1),
                ("sensitive-occasion", 1),
                ("token-missing-fallback", 1),
            ],
        ),
        (
            "examples/templates/mistakes/emails/new-baby.mjml",
            &[("sensitive-topic", 1), ("token-missing-fallback", 1)],
        ),
        (
            "examples/templates/mistakes/emails/winback.hbs",
            &[
                ("missing-postal-address", 1),
                ("missing-unsubscribe", 1),
                ("token-missing-fallback", 1),
            ],
        ),
        (
            "examples/templates/mistakes/maizzle/src/templates/cart-reminder.html",
            &[("creepy-phrasing", 1), ("subject-too-long", 1)],
        ),
        (
            "examples/templates/mistakes/react/emails/abandoned-cart.tsx",
            &[("creepy-phrasing", 2), ("token-missing-fallback", 1)],
        ),
    ];
    let got = fired();
    let want: BTreeMap<String, BTreeMap<&str, usize>> = expected
        .iter()
        .map(|(f, rules)| (f.to_string(), rules.iter().copied().collect()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn every_rule_fires_in_the_examples() {
    let seen: BTreeSet<&str> = fired().values().flat_map(|m| m.keys().copied()).collect();
    // internal-error reports a bug in preflight: no example can trigger it
    // (its test makes a rule panic on purpose).
    for r in RULES.iter().filter(|r| r.meta.name != "internal-error") {
        assert!(
            seen.contains(r.meta.name),
            "no example triggers {}",
            r.meta.name
        );
    }
}

#[test]
fn findings_point_inside_their_files_on_char_boundaries() {
    let r = report();
    for file in &r.files {
        let text = file.text.as_deref().unwrap_or("");
        for f in &file.findings {
            assert!(f.span.end <= text.len(), "{f:?}");
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            assert!(f.start.line >= 1 && f.start.column >= 1);
            for rel in &f.related {
                let other = r
                    .files
                    .iter()
                    .find(|o| o.path == rel.file)
                    .expect("related file");
                let text = other.text.as_deref().expect("related text kept");
                assert!(rel.span.end <= text.len(), "{rel:?}");
                assert!(
                    text.is_char_boundary(rel.span.start) && text.is_char_boundary(rel.span.end)
                );
                assert!(rel.start.line >= 1 && rel.start.column >= 1, "{rel:?}");
            }
        }
    }
}
