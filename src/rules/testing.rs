//! Helpers for the rules' pass/fail tables.

use chrono::NaiveDate;

use crate::engine::lint::{check_file, Options};
use crate::knowledge::checks::Checks;
use crate::rules::diagnostic::Finding;

/// A clean campaign: no rule fires on it (with "today" = [`NOW`]).
pub const BASE: &str = r#"campaign: spring-running-shoes
name: Spring running shoes
channels: [email]
region: US
schedule:
  send_at: 2027-04-10T09:00:00
  timezone: America/New_York
audience:
  segment: runners-who-opted-in
  list_size: 480000
  estimated_size: 12000
  include:
    - attribute: preferences.interests
      op: contains
      value: running
    - event: order_placed
      within: 90d
      min_count: 2
      where: {category: running}
data_sources:
  - name: crm
    provides: [preferences.interests, first_name]
    refreshed_at: 2027-04-05
  - name: web-events
    provides: [order_placed]
    refreshed_at: 2027-04-09T23:00:00
consent: [email_marketing]
sender:
  name: Trail Co
  postal_address: "Trail Co, 120 Harbour Street, Portland, ME 04101"
content:
  email:
    from: "Trail Co <hello@trail.example>"
    subject: "New season, new shoes"
    preheader: "Our spring range is here"
    body: |
      Hi {{ first_name | default: 'there' }},
      Our spring running range has landed.
      {{ unsubscribe_url }}
"#;

/// `yaml` with the items of its `include` list moved into one group
/// (`kind` is `any_of` or `all_of`): a rule that checks every condition
/// must judge them the same wherever they sit in the tree.
pub fn grouped(yaml: &str, kind: &str) -> String {
    let Some(start) = yaml.find("  include:\n") else {
        return yaml.to_string();
    };
    let body = start + "  include:\n".len();
    let rest = &yaml[body..];
    let len: usize = rest
        .split_inclusive('\n')
        .take_while(|l| l.starts_with("    "))
        .map(str::len)
        .sum();
    let moved: String = rest[..len]
        .split_inclusive('\n')
        .map(|l| format!("    {l}"))
        .collect();
    format!("{}    - {kind}:\n{moved}{}", &yaml[..body], &rest[len..])
}

pub fn now() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid date")
}

/// Lints `yaml` as an explicitly named file.
pub fn lint(yaml: &str) -> Vec<Finding> {
    check_file(
        "test.yaml",
        yaml.as_bytes(),
        true,
        &Options::new(now()),
        Checks::builtin(),
    )
    .findings
}

/// Lints several files as one run; returns the findings of `rule`.
pub fn lint_many(files: &[(&str, &str)], rule: &str) -> Vec<Finding> {
    crate::engine::run::run_texts(files, &Options::new(now()))
        .findings()
        .filter(|f| f.rule.name == rule)
        .cloned()
        .collect()
}

/// The findings of `rule`, with the source text under each span.
pub fn hits(yaml: &str, rule: &str) -> Vec<(String, Finding)> {
    lint(yaml)
        .into_iter()
        .filter(|f| f.rule.name == rule)
        .map(|f| (yaml[f.span.range()].to_string(), f))
        .collect()
}

/// Asserts that `rule` fires with a span over exactly `at`; returns its findings.
#[track_caller]
pub fn assert_fires(yaml: &str, rule: &str, at: &str) -> Vec<Finding> {
    let h = hits(yaml, rule);
    assert!(
        h.iter().any(|(s, _)| s == at),
        "expected {rule} at {at:?}; got {:#?}\nall findings: {:#?}",
        h.iter().map(|(s, f)| (s, &f.message)).collect::<Vec<_>>(),
        lint(yaml)
            .iter()
            .map(|f| (f.rule.name, &yaml[f.span.range()], &f.message))
            .collect::<Vec<_>>()
    );
    h.into_iter().map(|(_, f)| f).collect()
}

/// Asserts that `rule` does not fire.
#[track_caller]
pub fn assert_clean(yaml: &str, rule: &str) {
    let h = hits(yaml, rule);
    assert!(
        h.is_empty(),
        "expected no {rule}; got {:#?}",
        h.iter().map(|(s, f)| (s, &f.message)).collect::<Vec<_>>()
    );
}

#[test]
fn grouped_keeps_the_campaign_clean() {
    for kind in ["any_of", "all_of"] {
        let g = grouped(BASE, kind);
        assert!(g.contains(&format!("  include:\n    - {kind}:\n        - attribute: preferences.interests\n          op: contains")), "{g}");
        let f: Vec<_> = lint(&g)
            .into_iter()
            .map(|f| (f.rule.name, f.message))
            .collect();
        if kind == "all_of" {
            assert!(f.is_empty(), "{kind}: {f:#?}");
        } else {
            // Either option lets people in alone, and the first rests on a
            // declared preference only.
            assert_eq!(
                f,
                [(
                    "segment-one-dimensional",
                    "One way into this audience needs only `preferences.interests`, which looks at declared preference and nothing else.".to_string()
                )]
            );
        }
    }
}

#[test]
fn base_campaign_is_clean() {
    let f = lint(BASE);
    assert!(
        f.is_empty(),
        "{:#?}",
        f.iter()
            .map(|f| (f.rule.name, &f.message))
            .collect::<Vec<_>>()
    );
}
