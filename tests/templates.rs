//! Templates checked as they are (HTML, MJML, Liquid, Handlebars, Maizzle
//! front matter, Braze content blocks): each finding's label selects the
//! exact bytes of the template (or of the include it renders from), the
//! copy-only note is said once, web pages are skipped, and a campaign
//! that names a template brings the campaign rules back.

use chrono::NaiveDate;
use preflight::engine::lint::Options;
use preflight::engine::run::{run, run_with, ConfigMode, Report};
use preflight::report::render::{pretty, Style};

const DIR: &str = "tests/fixtures/templates";

fn now() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
}

fn report_of(paths: &[&str]) -> Report {
    let paths: Vec<std::path::PathBuf> = paths.iter().map(Into::into).collect();
    run(&paths, &Options::new(now())).unwrap()
}

/// (file under DIR, rule, the labelled bytes, line, column) of every finding.
fn labels(report: &Report) -> Vec<(String, &'static str, String, usize, usize)> {
    report
        .findings()
        .map(|f| {
            let text = std::fs::read_to_string(&f.file).unwrap();
            (
                f.file.trim_start_matches(&format!("{DIR}/")).to_string(),
                f.rule.name,
                text[f.span.range()].to_string(),
                f.start.line,
                f.start.column,
            )
        })
        .collect()
}

#[test]
fn every_kind_of_template_is_labelled_at_its_bytes() {
    let report = report_of(&[DIR]);
    let got = labels(&report);
    let want: Vec<(&str, &str, &str, usize, usize)> = vec![
        // A Braze content block, reached through `{{content_blocks.${…}}}`
        // and walked itself: one finding, at the block's own bytes.
        (
            "content_blocks/braze_footer.liquid",
            "token-missing-fallback",
            "{{${first_name}}}",
            6,
            12,
        ),
        // A braze-sync email template: the subject in template.yaml.
        (
            "email_templates/spring_promo/template.yaml",
            "creepy-phrasing",
            "We noticed you",
            2,
            11,
        ),
        (
            "email_templates/spring_promo/template.yaml",
            "token-missing-fallback",
            "{{${first_name}}}",
            2,
            41,
        ),
        // A Liquid include, checked where it renders.
        (
            "emails/_includes/footer.liquid",
            "token-missing-fallback",
            "{{ first_name }}",
            1,
            34,
        ),
        // CRLF line endings and non-ASCII text.
        (
            "emails/madre-crlf.liquid",
            "token-missing-fallback",
            "{{ nombre }}",
            2,
            9,
        ),
        (
            "emails/madre-crlf.liquid",
            "sensitive-occasion",
            "Día de la Madre",
            3,
            16,
        ),
        // Maizzle front matter: the title is the subject.
        (
            "emails/maizzle-promo.html",
            "creepy-phrasing",
            "We noticed you",
            2,
            34,
        ),
        // MJML's preview text is the preheader.
        ("emails/order.mjml", "creepy-phrasing", "We saw you", 4, 17),
        // React Email: a prop printed in JSX, and copy beside it.
        (
            "emails/react/cart.tsx",
            "token-missing-fallback",
            "{userFirstname}",
            14,
            18,
        ),
        (
            "emails/react/cart.tsx",
            "creepy-phrasing",
            "we noticed you",
            14,
            35,
        ),
        // A JSX character reference, labelled as written.
        (
            "emails/react/welcome.jsx",
            "sensitive-occasion",
            "Mother&apos;s Day",
            8,
            15,
        ),
        // An `<mj-include>` partial.
        (
            "emails/shared/footer.mjml",
            "token-missing-fallback",
            "{{ first_name }}",
            2,
            26,
        ),
        // The hidden preheader, after an emoji.
        (
            "emails/spring-sale.html",
            "token-missing-fallback",
            "{{ first_name }}",
            6,
            73,
        ),
        // A character reference is labelled as written.
        (
            "emails/spring-sale.html",
            "sensitive-occasion",
            "Father&rsquo;s Day",
            9,
            18,
        ),
        // A Handlebars partial supplies the unsubscribe link.
        (
            "emails/welcome.hbs",
            "token-missing-fallback",
            "{{firstName}}",
            2,
            8,
        ),
    ];
    let want: Vec<(String, &str, String, usize, usize)> = want
        .into_iter()
        .map(|(f, r, t, l, c)| (f.to_string(), r, t.to_string(), l, c))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn markup_css_urls_and_comments_are_not_copy() {
    let report = report_of(&[DIR]);
    for f in report.findings() {
        let text = std::fs::read_to_string(&f.file).unwrap();
        let label = &text[f.span.range()];
        for not_copy in [
            "fathers-day.png",
            "we-noticed-you",
            "noticed you */",
            "bodyClass",
            "on purpose",
        ] {
            assert!(!label.contains(not_copy), "{} labels {label:?}", f.file);
        }
    }
    // The stylesheet comment, the URL and the Handlebars comment would
    // each be a finding if they were read.
    assert!(report
        .findings()
        .all(|f| !(f.file.ends_with("spring-sale.html") && f.rule.name == "creepy-phrasing")));
}

#[test]
fn includes_supply_what_a_whole_email_needs() {
    let report = report_of(&[DIR]);
    // Every email here has its unsubscribe link and address in an include,
    // a partial, a content block or a layout.
    let missing: Vec<&str> = report
        .findings()
        .filter(|f| f.rule.name == "missing-unsubscribe" || f.rule.name == "missing-postal-address")
        .map(|f| f.file.as_str())
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
    // An opt-out condition in the template satisfies the occasion rule.
    assert!(report
        .findings()
        .all(|f| !(f.file.ends_with("mothers.liquid") && f.rule.name == "sensitive-occasion")));
}

#[test]
fn a_template_without_its_include_is_not_blamed_for_what_the_include_holds() {
    let dir = tempfile::tempdir().unwrap();
    let emails = dir.path().join("emails");
    std::fs::create_dir_all(&emails).unwrap();
    std::fs::write(
        emails.join("a.html"),
        "<html><body><p>Hello</p>{% include 'missing-footer' %}</body></html>",
    )
    .unwrap();
    std::fs::write(
        emails.join("b.html"),
        "<html><body><p>Hello</p></body></html>",
    )
    .unwrap();
    let a = emails.join("a.html");
    let b = emails.join("b.html");
    let report = report_of(&[a.to_str().unwrap(), b.to_str().unwrap()]);
    let unsub: Vec<&str> = report
        .findings()
        .filter(|f| f.rule.name == "missing-unsubscribe")
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(unsub.len(), 1, "{unsub:?}");
    assert!(unsub[0].ends_with("b.html"));
}

#[test]
fn web_pages_are_skipped_unless_named() {
    let report = report_of(&[DIR]);
    assert!(report
        .findings()
        .all(|f| !f.file.ends_with("site/about.html")));
    let named = report_of(&[&format!("{DIR}/site/about.html")]);
    assert!(
        named
            .findings()
            .any(|f| f.rule.name == "sensitive-occasion"),
        "a named file is checked"
    );
}

#[test]
fn the_copy_only_note_is_said_once_with_the_count() {
    let report = report_of(&[DIR]);
    let notes = report.notes();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with(&format!(
            "{} templates checked for copy only;",
            report.templates_alone()
        )),
        "{notes:?}"
    );
    let shown = pretty(
        &report,
        Style {
            color: false,
            width: 100,
        },
    );
    assert_eq!(shown.matches("checked for copy only").count(), 1);
    assert!(
        shown.trim_end().ends_with("templates"),
        "{}",
        shown.lines().last().unwrap()
    );
}

#[test]
fn a_campaign_that_names_a_template_brings_the_campaign_rules_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The repository root: copy files must be inside it.
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("emails")).unwrap();
    std::fs::create_dir_all(root.join("campaigns")).unwrap();
    std::fs::write(
        root.join("emails/dad.html"),
        "<html><body><p>Happy Father's Day!</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a> Dad Co., 1 Oak St, Reno</body></html>",
    )
    .unwrap();
    std::fs::write(
        root.join("campaigns/dad.yaml"),
        "campaign: dads\nchannels: [email]\nschedule:\n  send_at: 2027-06-10T09:00:00\naudience:\n  segment: all\n  exclude:\n    - attribute: fathers_day_opt_out\n      op: eq\n      value: true\ncontent:\n  email:\n    subject: For Dad\n    body: {file: ../emails/dad.html}\n",
    )
    .unwrap();
    let report = report_of(&[root.to_str().unwrap()]);
    // The campaign's audience excludes the opt-out: no occasion finding
    // in the template, and no copy-only note for it.
    assert!(
        report
            .findings()
            .all(|f| f.rule.name != "sensitive-occasion"),
        "{:?}",
        labels(&report)
    );
    assert_eq!(report.templates_alone(), 0);
    assert_eq!(report.templates_checked(), 1);
}

#[test]
fn pretty_output_of_the_templates() {
    let report = report_of(&[DIR]);
    insta::assert_snapshot!(pretty(
        &report,
        Style {
            color: false,
            width: 100
        }
    ));
}

#[test]
fn the_configuration_names_the_engine_of_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("braze")).unwrap();
    // Not in an email folder and with no sign of email: skipped, unless
    // the configuration says the folder holds Liquid templates.
    let block = root.join("braze/promo.html");
    std::fs::write(&block, "<p>Hi {{ first_name }}, spring is here.</p>\n").unwrap();
    let report = run_with(
        &[root.to_path_buf()],
        &Options::new(now()),
        &ConfigMode::Discover,
    )
    .unwrap();
    assert_eq!(report.templates_alone(), 0);
    std::fs::write(
        root.join("preflight.yaml"),
        "templates:\n  - {path: \"braze/**\", engine: liquid}\n",
    )
    .unwrap();
    let report = run_with(
        &[root.to_path_buf()],
        &Options::new(now()),
        &ConfigMode::Discover,
    )
    .unwrap();
    assert_eq!(report.templates_alone(), 1);
    assert!(report
        .findings()
        .any(|f| f.rule.name == "token-missing-fallback"));
    // A name preflight does not know is a located configuration error.
    std::fs::write(
        root.join("preflight.yaml"),
        "templates:\n  - {path: \"braze/**\", engine: velocity}\n",
    )
    .unwrap();
    let paths = vec![root.to_path_buf()];
    let err = run_with(&paths, &Options::new(now()), &ConfigMode::Discover)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`velocity` is not a template engine"), "{err}");
}

#[test]
fn a_bare_template_asks_a_fallback_only_of_profile_fields() {
    let dir = tempfile::tempdir().unwrap();
    let emails = dir.path().join("emails");
    std::fs::create_dir_all(&emails).unwrap();
    let t = emails.join("receipt-copy.html");
    std::fs::write(
        &t,
        "<p>Hi {{ customer.first_name }},</p><p>Total: {{ total }} from {{ company_name }}; order {{ receipt_id }}.</p>",
    )
    .unwrap();
    let report = report_of(&[t.to_str().unwrap()]);
    let names: Vec<String> = report
        .findings()
        .filter(|f| f.rule.name == "token-missing-fallback")
        .map(|f| f.message.split('`').nth(1).unwrap_or("").to_string())
        .collect();
    assert_eq!(names, ["customer.first_name"]);
}

#[test]
fn scripts_that_are_not_react_email_are_skipped() {
    let report = report_of(&[&format!("{DIR}/emails/react")]);
    assert_eq!(report.templates_alone(), 2);
    assert!(report
        .findings()
        .all(|f| !f.file.ends_with("not-email.tsx")));
}
