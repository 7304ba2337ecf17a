//! The HTML and Markdown reports: snapshots on the examples, escaping of
//! hostile copy (checked by tokenizing the page as a browser would), the
//! Content-Security-Policy, and same input, same bytes.

use chrono::NaiveDate;
use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};
use preflight::engine::lint::Options;
use preflight::engine::run::{run, Report};
use preflight::report::render::{html, markdown};

const HOSTILE: &str = "tests/fixtures/report/hostile-copy.yaml";

fn now() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
}

fn report(paths: &[&str]) -> Report {
    let paths: Vec<std::path::PathBuf> = paths.iter().map(Into::into).collect();
    let mut opts = Options::new(now());
    opts.keep_text = true;
    run(&paths, &opts).unwrap()
}

/// Every start tag of a page, with its attributes, as a browser's
/// tokenizer reads it (script and style bodies as raw text).
fn tags(page: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut emitter = DefaultEmitter::<()>::default();
    emitter.naively_switch_states(true);
    let mut out = Vec::new();
    for token in Tokenizer::new_with_emitter(page, emitter) {
        let Ok(Token::StartTag(tag)) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let attrs = tag
            .attributes
            .iter()
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).to_ascii_lowercase(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect();
        out.push((name, attrs));
    }
    out
}

#[test]
fn html_of_the_examples() {
    let page = html(&report(&["examples/"]), Some(now()));
    insta::assert_snapshot!("html_examples", page);
}

#[test]
fn markdown_of_the_examples() {
    let md = markdown(&report(&["examples/"]), None);
    insta::assert_snapshot!("markdown_examples", md);
}

#[test]
fn markdown_links_to_the_commit_when_given_a_base() {
    let md = markdown(
        &report(&["examples/mistakes/fathers-day.yaml"]),
        Some("https://github.com/o/r/blob/abc123/"),
    );
    assert!(
        md.contains("(https://github.com/o/r/blob/abc123/examples/mistakes/fathers-day.yaml#L4)")
    );
}

#[test]
fn hostile_copy_is_only_text_in_html() {
    let page = html(&report(&[HOSTILE]), Some(now()));
    let tags = tags(&page);
    let allowed = [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "a",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "main",
        "section",
        "ul",
        "ol",
        "li",
        "span",
        "div",
        "svg",
        "text",
        "rect",
        "line",
        "form",
        "fieldset",
        "legend",
        "label",
        "input",
        "select",
        "option",
        "button",
        "article",
        "dl",
        "dt",
        "dd",
        "code",
        "figure",
        "figcaption",
        "pre",
        "mark",
        "strong",
        "details",
        "summary",
        "footer",
        "script",
    ];
    for (name, attrs) in &tags {
        assert!(
            allowed.contains(&name.as_str()),
            "unexpected element <{name}>"
        );
        for (k, v) in attrs {
            assert!(!k.starts_with("on"), "<{name}> has a handler {k}={v:?}");
            if k == "href" {
                assert!(v.starts_with('#'), "<{name}> links out: {v:?}");
            }
        }
    }
    let scripts: Vec<_> = tags.iter().filter(|(n, _)| n == "script").collect();
    assert_eq!(
        scripts.len(),
        2,
        "only the data block and the page's own script"
    );
    assert!(scripts[0]
        .1
        .iter()
        .any(|(k, v)| k == "type" && v == "application/json"));
    assert_eq!(tags.iter().filter(|(n, _)| n == "style").count(), 1);
    // The copy is there, escaped.
    assert!(page.contains("Sale &lt;/script&gt;&lt;script&gt;window.__pwned='name'&lt;/script&gt;"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned='img'&quot;&gt;"));
    assert!(page.contains("&lt;a href=&quot;javascript:window.__pwned='href'&quot;&gt;"));
    // The inline JSON cannot end its element.
    let start = page.find("id=\"preflight-data\"").unwrap();
    let body = &page[page[start..].find('>').unwrap() + start + 1..];
    let body = &body[..body.find("</script>").unwrap()];
    assert!(!body.contains('<') && !body.contains('>'));
    let data: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(data["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("</script><script>window.__pwned='id'</script>"));
}

#[test]
fn hostile_copy_is_only_text_in_markdown() {
    let md = markdown(&report(&[HOSTILE]), None);
    for line in md.lines() {
        // Only the summary's own <details> and <summary> are HTML; code
        // spans show their text literally.
        let outside_code: String = line.split('`').step_by(2).collect::<Vec<_>>().join("");
        let stripped = outside_code
            .replace("<details>", "")
            .replace("</details>", "")
            .replace("<summary>", "")
            .replace("</summary>", "");
        assert!(!stripped.contains('<'), "raw HTML in: {line}");
    }
    assert!(md.contains("&lt;/script&gt;&lt;script&gt;"));
}

#[test]
fn the_policy_allows_only_the_page_own_style_and_script() {
    let page = html(&report(&["examples/mistakes/fathers-day.yaml"]), None);
    let csp = preflight::report::html::content_security_policy();
    assert!(page.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
    )));
    assert!(csp.starts_with("default-src 'none'; script-src 'sha256-"));
    assert!(!csp.contains("unsafe"));
    // The hashes are of the exact text between the tags.
    use sha2::Digest;
    for tag in ["style", "script"] {
        let open = if tag == "script" {
            "<script>".to_string()
        } else {
            "<style>".to_string()
        };
        let at = page.rfind(&open).unwrap() + open.len();
        let text = &page[at..at + page[at..].find(&format!("</{tag}>")).unwrap()];
        let digest = sha2::Sha256::digest(text.as_bytes());
        let b64 = base64(&digest);
        assert!(csp.contains(&format!("{tag}-src 'sha256-{b64}'")), "{tag}");
    }
    // No style attributes, which the policy would block.
    assert!(tags(&page)
        .iter()
        .all(|(_, a)| a.iter().all(|(k, _)| k != "style")));
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    let mut out: String = bits
        .as_bytes()
        .chunks(6)
        .map(|c| {
            let mut s = String::from_utf8(c.to_vec()).unwrap();
            while s.len() < 6 {
                s.push('0');
            }
            ABC[usize::from_str_radix(&s, 2).unwrap()] as char
        })
        .collect();
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

#[test]
fn same_input_same_bytes_and_no_date_without_now() {
    let a = html(&report(&["examples/"]), None);
    let b = html(&report(&["examples/"]), None);
    assert_eq!(a, b);
    assert!(!a.contains("dates as of"));
    assert_eq!(
        markdown(&report(&["examples/"]), None),
        markdown(&report(&["examples/"]), None)
    );
}

#[test]
fn template_findings_show_the_template_and_sit_on_their_campaign_card() {
    let page = html(
        &report(&["examples/mistakes/fathers-day-grills.yaml"]),
        None,
    );
    assert!(page
        .contains("In <code>examples/mistakes/templates/fathers-day-grills.html</code>, line 5"));
    assert_eq!(page.matches("<article class=\"card\"").count(), 1);
}

#[test]
fn the_calendar_outlines_an_overloaded_week_and_marks_occasions() {
    let page = html(&report(&["examples/mistakes/trail-week.yaml"]), None);
    assert_eq!(page.matches("<rect class=\"over\"").count(), 1);
    assert!(page.contains("▲ over the cap"));
    // Four campaigns to one segment: one lane, four marks linking to cards.
    assert_eq!(page.matches("class=\"lane-l\"").count(), 1);
    for card in ["#c1", "#c2", "#c3", "#c4"] {
        assert!(
            page.contains(&format!("<a href=\"{card}\"><title>")),
            "{card}"
        );
    }
    let page = html(&report(&["examples/mistakes/fathers-day.yaml"]), None);
    assert!(
        page.contains("Father's Day (US)"),
        "the US date of Father's Day"
    );
}

#[test]
fn cards_say_the_audience_in_one_sentence_and_the_page_works_without_scripts() {
    let page = html(&report(&["examples/clean/garden-club-welcome.yaml"]), None);
    assert!(page.contains(
        "People who had “club joined” in the last week and whose “gardening” is yes, except those whose “email opt out” is yes; about 1,200 of 95,000."
    ));
    assert!(page.contains("✔ Ready to send"));
    // The filter form needs the script, so it starts hidden.
    assert!(page.contains("<form class=\"filters\" id=\"filters\" hidden"));
}

#[test]
fn summaries_are_kept_only_when_a_report_shows_them() {
    let paths = vec![std::path::PathBuf::from("examples")];
    let with = run(&paths, &Options::new(now())).unwrap();
    let mut opts = Options::new(now());
    opts.keep_summaries = false;
    let without = run(&paths, &opts).unwrap();
    assert!(with.summaries().count() > 5, "the examples' campaigns");
    assert_eq!(without.summaries().count(), 0);
    // Nothing else changes: the machine-readable outputs are the same.
    let json = |r: &Report| preflight::report::render::json(r, true);
    assert_eq!(json(&with), json(&without));
}
