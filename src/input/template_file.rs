//! Email templates as teams keep them in git: which files are templates,
//! their YAML front matter, the includes, partials and layouts they pull
//! in, and where their preheader is.
//!
//! Nothing here reads another file: the engine follows the includes found
//! here (within the repository) and lays their text where they render.

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::input::source::Span;
use crate::input::yaml;

/// The kind of a template file, from its extension (or the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.html`, `.htm`: HTML, possibly with Liquid, Handlebars or Jinja tags.
    Html,
    /// `.mjml`.
    Mjml,
    /// `.liquid`.
    Liquid,
    /// `.hbs`, `.handlebars`, `.mustache`.
    Handlebars,
    /// `.j2`, `.jinja`, `.jinja2`, `.njk`.
    Jinja,
    /// `.txt`: a plain-text body.
    Text,
    /// `.tsx`, `.jsx`: a React Email component.
    React,
}

impl Kind {
    /// The kind a file name says, if any.
    pub fn of_path(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" => Kind::Html,
            "mjml" => Kind::Mjml,
            "liquid" => Kind::Liquid,
            "hbs" | "handlebars" | "mustache" => Kind::Handlebars,
            "j2" | "jinja" | "jinja2" | "njk" => Kind::Jinja,
            "txt" => Kind::Text,
            "tsx" | "jsx" => Kind::React,
            _ => return None,
        })
    }

    /// The kind an engine name in the config means.
    pub fn of_engine(name: &str) -> Option<Kind> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "html" => Kind::Html,
            "mjml" => Kind::Mjml,
            "liquid" | "braze" | "shopify" => Kind::Liquid,
            "handlebars" | "hbs" | "mustache" | "mustachio" => Kind::Handlebars,
            "jinja" | "jinja2" | "nunjucks" | "django" => Kind::Jinja,
            "text" | "txt" => Kind::Text,
            "react-email" | "react" | "jsx" | "tsx" => Kind::React,
            _ => return None,
        })
    }

    /// The engine names the config accepts, for messages.
    pub const ENGINES: &'static str = "html, mjml, liquid, handlebars, jinja, text or react-email";

    /// Whether the markup is HTML-like (tags to read past).
    pub fn is_markup(self) -> bool {
        !matches!(self, Kind::Text | Kind::React)
    }
}

/// Folder names that say their files are email templates.
const EMAIL_FOLDERS: &[&str] = &[
    "email",
    "emails",
    "mail",
    "mails",
    "mailers",
    "newsletter",
    "newsletters",
    "email_templates",
    "email-templates",
    "templated_email",
    "content_blocks",
    "campaigns",
];

/// Whether a walked file of this kind is an email template (and not, say,
/// a web page or a theme's snippet). `.mjml` always is; React files are
/// decided by their imports; the others need a sign of email: an email
/// folder in the path, MJML or Outlook markup, a preheader, or an
/// unsubscribe link.
pub fn looks_like_email(path: &Path, kind: Kind, text: &str) -> bool {
    match kind {
        Kind::Mjml => return true,
        Kind::React => return false,
        // A text file is checked when named, or as the plain-text part of
        // the HTML body beside it (`body.txt` beside `body.html`).
        Kind::Text => return false,
        _ => {}
    }
    let in_email_folder = path
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| c.as_os_str().to_str())
        .any(|c| EMAIL_FOLDERS.iter().any(|f| c.eq_ignore_ascii_case(f)));
    if in_email_folder {
        return true;
    }
    let head = &text[..floor_boundary(text, 200_000)];
    EMAIL_SIGNS.is_match(head)
}

/// Markup only email uses.
static EMAIL_SIGNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)<mj-|<!--\[if\s+(?:gte\s+|lt\s+|lte\s+|gt\s+)?mso|xmlns:o=|",
        r#"class\s*=\s*["'][^"']*\b(?:preheader|preview-?text)\b|"#,
        r"\bunsubscribe\b|\*\|UNSUB\|\*|%%unsub|\{\{\s*\$\{?unsubscribe|",
        r"<(?:container|row|columns)\b[^>]*>|mc:edit|<webversion>|",
        // Maizzle: a layout extended, front matter with a preheader.
        r"<extends\s+src\s*=|\A(?:\u{feff})?---\r?\n(?:.*\r?\n){0,40}?\s*preheader\s*:",
    ))
    .expect("valid")
});

/// Whether the text is a whole email rather than a part of one (a partial,
/// a content block, a component): only a whole email must have an
/// unsubscribe link and a postal address.
pub fn is_whole_email(kind: Kind, text: &str) -> bool {
    static WHOLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)<html[\s>]|<body[\s>]|<mjml[\s>]|<mj-body[\s>]").expect("valid")
    });
    kind != Kind::Text && WHOLE.is_match(text)
}

/// Whether a template is a layout that other templates fill (its content
/// comes from elsewhere: `<yield />`, `<block name=…>`, `{{ content }}`,
/// `{% block %}`, `{{{body}}}`, `{{> body}}`).
pub fn is_layout(text: &str) -> bool {
    static LAYOUT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)<yield\b|<block\s+name\s*=|<slot\b|<content\s*/?>|",
            r"\{\{\s*content\s*\}\}|\{\{\{\s*body\s*\}\}\}|\{\{>\s*body\s*\}\}|\{%-?\s*block\s",
        ))
        .expect("valid")
    });
    LAYOUT.is_match(text)
}

/// Whether a template's name says it is transactional mail (a receipt, a
/// password reset, an order confirmation), which needs no unsubscribe
/// link or postal address: the law asks them of marketing mail.
pub fn is_transactional(path: &Path) -> bool {
    static WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?:^|[^a-z])(?:password|passwd|reset|receipt|invoice|order|refund|payment|",
            r"fulfil+ment|shipping|shipment|delivery|confirm\w*|verif\w*|activation|account|",
            r"login|security|dunning|export|otp|2fa|magic.?link|email.?change\w*|billing)",
        ))
        .expect("valid")
    });
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|s| s.to_str())
        .unwrap_or("");
    WORDS.is_match(stem) || (matches!(stem, "index" | "content" | "body") && WORDS.is_match(folder))
}

/// YAML front matter: `---` on the first line, YAML, `---` on a line of
/// its own.
#[derive(Debug)]
pub struct FrontMatter {
    /// From the first `---` to the end of the closing line.
    pub range: Range<usize>,
    /// Its mapping, when it is one and it parses.
    pub root: Option<yaml::Node>,
    /// Why it does not parse, and where.
    pub error: Option<(Span, String)>,
}

impl FrontMatter {
    /// The text of a field (`subject`, `title`…), as its node.
    pub fn field(&self, names: &[&str]) -> Option<&yaml::Node> {
        let root = self.root.as_ref()?;
        names.iter().find_map(|n| {
            root.get(n)
                .map(|e| &e.value)
                .filter(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
        })
    }
}

/// The front matter of a text whose bytes start at `start` (after a
/// byte-order mark).
pub fn front_matter(text: &str, start: usize, budget: yaml::Budget) -> Option<FrontMatter> {
    let rest = text.get(start..)?;
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "---" {
        return None;
    }
    let inner_start = start + first_end + 1;
    // The closing `---` line.
    let mut at = inner_start;
    let (inner_end, end) = loop {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..line_end].trim_end_matches(['\n', '\r']);
        if line.trim_end() == "---" || line.trim_end() == "..." {
            break (at, line_end);
        }
        if line_end >= text.len() {
            return None;
        }
        at = line_end;
    };
    let inner = &text[inner_start..inner_end];
    let (root, error) = match yaml::parse(inner, inner_start, budget) {
        Ok(docs) => (
            docs.into_iter()
                .next()
                .map(|d| d.root)
                .filter(|r| r.as_map().is_some()),
            None,
        ),
        Err(e) => (None, Some((e.span, e.message))),
    };
    Some(FrontMatter {
        range: start..end,
        root,
        error,
    })
}

/// How an included file renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Where the include is written.
    Here,
    /// Around the file: a layout it extends (its text is read after the
    /// file's own).
    Around,
}

/// An include, partial or layout a template names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The directive's bytes (not copy; replaced by what it includes).
    pub range: Range<usize>,
    /// The name as written (a path, or a block or partial name).
    pub name: String,
    pub placement: Placement,
    /// A Braze content block (`{{content_blocks.${name}}}`): found by name
    /// in a `content_blocks` folder.
    pub content_block: bool,
}

/// Liquid and Jinja: `{% include 'x' %}`, `{% render "x" %}`,
/// `{% include x.html %}` (Jekyll), `{% extends "base.html" %}`.
static TAG_INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\{%-?\s*(include|include_relative|render|extends)\s+(?:'([^'\n]+)'|"([^"\n]+)"|([\w./-]+))[^%]*?-?%\}"#,
    )
    .expect("valid")
});

/// Handlebars partials: `{{> header}}`, `{{> "shared/footer" }}`,
/// `{{~> x~}}`; not dynamic ones (`{{> (lookup …)}}`).
static PARTIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{\{~?>\s*(?:'([^'\n]+)'|"([^"\n]+)"|([\w./@-]+))[^}]*?~?\}\}"#).expect("valid")
});

/// Braze content blocks: `{{content_blocks.${footer}}}`.
static CONTENT_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{\s*content_blocks\.\$\{\s*([^{}\n]+?)\s*\}[^{}\n]*\}\}").expect("valid")
});

/// The includes a template names, in order. `masked` is the text with
/// template syntax blanked (the same length), for finding HTML elements.
pub fn includes(text: &str, kind: Kind) -> Vec<Include> {
    let mut out = Vec::new();
    if kind == Kind::React {
        return out;
    }
    for c in TAG_INCLUDE.captures_iter(text) {
        crate::work::add(1);
        let whole = c.get(0).expect("match");
        let name = (2..=4).find_map(|i| c.get(i)).expect("one name").as_str();
        out.push(Include {
            range: whole.range(),
            name: name.to_string(),
            placement: if &c[1] == "extends" {
                Placement::Around
            } else {
                Placement::Here
            },
            content_block: false,
        });
    }
    for c in PARTIAL.captures_iter(text) {
        crate::work::add(1);
        let whole = c.get(0).expect("match");
        let name = (1..=3).find_map(|i| c.get(i)).expect("one name").as_str();
        out.push(Include {
            range: whole.range(),
            name: name.to_string(),
            placement: Placement::Here,
            content_block: false,
        });
    }
    for c in CONTENT_BLOCK.captures_iter(text) {
        crate::work::add(1);
        out.push(Include {
            range: c.get(0).expect("match").range(),
            name: c[1].to_string(),
            placement: Placement::Here,
            content_block: true,
        });
    }
    if kind.is_markup() && crate::input::html::has_tags(text) {
        for el in crate::input::html::elements(text, &["mj-include", "extends", "component"]) {
            let Some(src) = el.attribute(
                text,
                if el.name == "mj-include" {
                    "path"
                } else {
                    "src"
                },
            ) else {
                continue;
            };
            let src = src.trim();
            if src.is_empty() || src.contains("{{") {
                continue;
            }
            match el.name.as_str() {
                "extends" => out.push(Include {
                    range: el.tag.clone(),
                    name: src.to_string(),
                    placement: Placement::Around,
                    content_block: false,
                }),
                _ => out.push(Include {
                    range: el.tag.clone(),
                    name: src.to_string(),
                    placement: Placement::Here,
                    content_block: false,
                }),
            }
        }
    }
    out.sort_by_key(|i| (i.range.start, i.range.end));
    // Overlapping matches (an include inside another's bytes) keep the first.
    let mut end = 0;
    out.retain(|i| {
        let keep = i.range.start >= end;
        if keep {
            end = i.range.end;
        }
        keep
    });
    out
}

/// Where the preheader's text is: MJML's `<mj-preview>`, or HTML's hidden
/// preview element (`class="preheader"`, `class="preview-text"`, or an
/// early element hidden with `display: none`). The range is the element's
/// inner text.
pub fn preheader(text: &str, kind: Kind) -> Option<Range<usize>> {
    if !kind.is_markup() || !crate::input::html::has_tags(text) {
        return None;
    }
    if kind == Kind::Mjml || text.contains("<mj-preview") {
        return crate::input::html::first_element(text, &["mj-preview"], usize::MAX, |e| {
            !text[e.inner.clone()].trim().is_empty()
        })
        .map(|e| e.inner);
    }
    static CLASS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:preheader|pre-header|preview-?text|preview)\b").expect("valid")
    });
    static HIDDEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)display\s*:\s*none").expect("valid"));
    // The first of the first 400 such elements that is one, read only as
    // far as it (the preheader comes first in the body).
    let found = crate::input::html::first_element(text, &["div", "span", "p", "td"], 400, |e| {
        let class = e.attribute(text, "class").unwrap_or("");
        let id = e.attribute(text, "id").unwrap_or("");
        let style = e.attribute(text, "style").unwrap_or("");
        let named = CLASS.is_match(class) || CLASS.is_match(id);
        let hidden = HIDDEN.is_match(style) && e.tag.start < text.len().min(20_000);
        (named || hidden) && has_letters(&text[e.inner.clone()])
    })?;
    Some(found.inner)
}

/// Some letter outside tags and template syntax (a preheader that is only
/// `&nbsp;&zwnj;` padding is not one).
fn has_letters(s: &str) -> bool {
    let mut in_tag = false;
    let mut in_entity = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '&' if !in_tag => in_entity = true,
            ';' if in_entity => in_entity = false,
            c if !in_tag && !in_entity && c.is_alphabetic() => return true,
            c if in_entity && !c.is_alphanumeric() && c != '#' => in_entity = false,
            _ => {}
        }
    }
    false
}

/// Copy that says, in its own logic, that people who opted out of an
/// occasion's messages do not get it: a condition on an opt-out
/// attribute (`{% if customer.fathers_day_opt_out %}{% abort_message %}`,
/// `{{#unless optedOutOfMothersDay}}`).
pub fn has_opt_out_guard(text: &str) -> bool {
    static GUARD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)\{%-?\s*(?:if|unless|elsif)\b[^%]*?(?:opt_?out|opted_?out|unsubscribed|suppress|do_not_|no_)[^%]*?%\}|",
            r"\{\{[#^]\s*(?:if|unless)\b[^}]*?(?:opt_?out|opted_?out|unsubscribed|suppress)[^}]*?\}\}",
        ))
        .expect("valid")
    });
    GUARD.is_match(text)
}

/// The largest char boundary at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_extensions_and_engines() {
        assert_eq!(Kind::of_path(Path::new("a/b.MJML")), Some(Kind::Mjml));
        assert_eq!(Kind::of_path(Path::new("x.njk")), Some(Kind::Jinja));
        assert_eq!(Kind::of_path(Path::new("x.yaml")), None);
        assert_eq!(Kind::of_engine("Nunjucks"), Some(Kind::Jinja));
        assert_eq!(Kind::of_engine("cobol"), None);
    }

    #[test]
    fn front_matter_is_read_at_its_bytes() {
        let t = "---\ntitle: Spring sale\npreheader: \"Up to 30% off\"\n---\n<p>Hi</p>\n";
        let fm = front_matter(t, 0, yaml::Budget::default()).unwrap();
        assert_eq!(
            &t[fm.range.clone()],
            "---\ntitle: Spring sale\npreheader: \"Up to 30% off\"\n---\n"
        );
        let subject = fm.field(&["subject", "title"]).unwrap();
        assert_eq!(&t[subject.span.range()], "Spring sale");
        let pre = fm.field(&["preheader"]).unwrap();
        assert_eq!(&t[pre.span.range()], "\"Up to 30% off\"");
        // CRLF, and no front matter at all.
        let crlf = "---\r\nsubject: Hi\r\n---\r\nBody";
        let fm = front_matter(crlf, 0, yaml::Budget::default()).unwrap();
        assert_eq!(&crlf[fm.range.end..], "Body");
        assert!(front_matter("<p>---</p>", 0, yaml::Budget::default()).is_none());
        assert!(front_matter("---\nnever closed: true\n", 0, yaml::Budget::default()).is_none());
        // Broken YAML is kept with its place.
        let bad = "---\nsubject: [unclosed\n---\nx";
        let fm = front_matter(bad, 0, yaml::Budget::default()).unwrap();
        assert!(fm.root.is_none() && fm.error.is_some());
    }

    #[test]
    fn includes_of_every_engine_are_found() {
        let t = concat!(
            "{% include 'header.liquid' %}",
            "{% render \"footer\", year: 2027 %}",
            "{%- include snippets/x.html -%}",
            "{{> shared/footer }}",
            "{{~> \"quoted\" ~}}",
            "{{> (lookup . 'dyn') }}",
            "{{content_blocks.${Spring Footer}}}",
            "{% extends \"base.html\" %}",
            "<mj-include path=\"./header.mjml\" />",
            "<extends src=\"src/layouts/main.html\">",
        );
        let found: Vec<(String, Placement, bool)> = includes(t, Kind::Html)
            .into_iter()
            .map(|i| (i.name, i.placement, i.content_block))
            .collect();
        let names: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "header.liquid",
                "footer",
                "snippets/x.html",
                "shared/footer",
                "quoted",
                "Spring Footer",
                "base.html",
                "./header.mjml",
                "src/layouts/main.html"
            ]
        );
        assert!(found[5].2, "a content block");
        assert_eq!(found[6].1, Placement::Around);
        assert_eq!(found[8].1, Placement::Around);
        for i in includes(t, Kind::Html) {
            assert!(
                t[i.range.clone()].starts_with('{') || t[i.range.clone()].starts_with('<'),
                "{:?}",
                &t[i.range]
            );
        }
    }

    #[test]
    fn preheaders_are_found_where_they_hide() {
        let cases = [
            ("<body><div class=\"preheader\" style=\"display:none\">Last day: 20% off</div><p>Hi</p></body>", Kind::Html, Some("Last day: 20% off")),
            ("<body><span style=\"display: none; max-height:0\">Peek</span><p>Hi</p></body>", Kind::Html, Some("Peek")),
            ("<div class=\"preheader\">&nbsp;&zwnj;&nbsp;</div><p>Hi</p>", Kind::Html, None),
            ("<p class=\"previewer\">not it</p>", Kind::Html, None),
            ("<mjml><mj-head><mj-preview>Your order ships</mj-preview></mj-head></mjml>", Kind::Mjml, Some("Your order ships")),
            ("Plain text", Kind::Text, None),
        ];
        for (t, kind, want) in cases {
            assert_eq!(preheader(t, kind).map(|r| &t[r]), want, "{t}");
        }
    }

    #[test]
    fn email_templates_are_told_from_web_pages() {
        let p = Path::new("site/about.html");
        assert!(!looks_like_email(
            p,
            Kind::Html,
            "<html><body><h1>About us</h1></body></html>"
        ));
        assert!(looks_like_email(
            p,
            Kind::Html,
            "<p>Bye</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>"
        ));
        assert!(looks_like_email(
            p,
            Kind::Html,
            "<!--[if mso]><table><![endif]-->"
        ));
        assert!(looks_like_email(
            Path::new("emails/welcome.html"),
            Kind::Html,
            "<p>Hi</p>"
        ));
        assert!(looks_like_email(Path::new("x/y.mjml"), Kind::Mjml, ""));
        assert!(is_whole_email(
            Kind::Html,
            "<!doctype html><html lang=en><body>x</body></html>"
        ));
        assert!(!is_whole_email(Kind::Liquid, "<p>Footer</p>"));
    }

    #[test]
    fn layouts_and_transactional_mail_are_recognised() {
        assert!(is_layout(
            "<html><body><block name=\"template\"></block></body></html>"
        ));
        assert!(is_layout("<body>{{{ body }}}</body>"));
        assert!(is_layout("<body>{{ content }}</body>"));
        assert!(!is_layout("<body><p>Your content here</p></body>"));
        for p in [
            "emails/password_reset.mjml",
            "x/order-confirmation.html",
            "receipt/content.html",
            "a/confirm_payment.mjml",
        ] {
            assert!(is_transactional(Path::new(p)), "{p}");
        }
        for p in [
            "emails/welcome.html",
            "spring-sale.html",
            "newsletter/content.html",
            "x/recorder.html",
        ] {
            assert!(!is_transactional(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn opt_out_guards_are_recognised() {
        assert!(has_opt_out_guard(
            "{% if customer.fathers_day_opt_out %}{% abort_message('opted out') %}{% endif %}"
        ));
        assert!(has_opt_out_guard(
            "{{#unless optedOutOfMothersDay}}Happy Mother's Day{{/unless}}"
        ));
        assert!(!has_opt_out_guard("{% abort_message('no data') %}"));
        assert!(!has_opt_out_guard(
            "{% if first_name %}Hi {{ first_name }}{% endif %}"
        ));
    }
}
