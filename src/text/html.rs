//! What of an HTML (or MJML) text a reader sees, found with a real HTML
//! tokenizer (`html5gum`, which gives every token its bytes): tags,
//! comments (Outlook's conditional ones included), the document head,
//! styles and scripts are not copy; the text between tags is, and so are
//! the `alt` and `title` attributes (read aloud, shown when images are off).
//!
//! The caller masks template syntax (`{{ … }}`, `{% … %}`, `*|…|*`, `%%…%%`)
//! with spaces first, so that a `<` inside a merge tag never looks like a
//! tag, and the positions of the masked text are the source's.

use std::ops::Range;

use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};

/// Elements whose text is never copy: the head, styles, scripts, and the
/// MJML elements that hold settings rather than text.
const NOT_COPY: &[&[u8]] = &[
    b"head",
    b"style",
    b"script",
    b"noscript",
    b"template",
    b"svg",
    b"mj-head",
    b"mj-style",
    b"mj-attributes",
    b"mj-breakpoint",
    b"mj-font",
    b"mj-html-attributes",
];

/// Elements inside a non-copy element whose text is copy all the same
/// (MJML keeps its title and preview text in `mj-head`).
const COPY_INSIDE: &[&[u8]] = &[b"mj-title", b"mj-preview"];

/// Attributes whose value people read.
const READ_ATTRIBUTES: &[&[u8]] = &[b"alt", b"title"];

use crate::input::html::attribute_value;
pub use crate::input::html::has_tags;

/// The byte ranges of `masked` that are not copy.
pub fn not_copy(masked: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Open non-copy elements, and copy elements opened inside them.
    let mut hidden: Vec<Vec<u8>> = Vec::new();
    let mut shown_inside: Vec<Vec<u8>> = Vec::new();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Style and script bodies are read as raw text, as a browser does.
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(masked, emitter) {
        let Ok(token) = token;
        crate::work::add(1);
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                let span = tag.span.start..tag.span.end.min(masked.len());
                // Blank the tag, keeping the values of read attributes.
                let mut keep: Vec<Range<usize>> = tag
                    .attributes
                    .iter()
                    .filter(|(k, _)| READ_ATTRIBUTES.contains(&k.to_ascii_lowercase().as_slice()))
                    .filter_map(|(_, v)| attribute_value(masked, v.span.start..v.span.end))
                    .collect();
                keep.sort_by_key(|r| r.start);
                let hiding = !hidden.is_empty() && shown_inside.is_empty();
                let mut at = span.start;
                for k in keep {
                    if hiding || k.start < at || k.end > span.end {
                        continue;
                    }
                    out.push(at..k.start);
                    at = k.end;
                }
                out.push(at..span.end);
                if tag.self_closing {
                    continue;
                }
                if NOT_COPY.contains(&name.as_slice()) {
                    hidden.push(name);
                } else if !hidden.is_empty() && COPY_INSIDE.contains(&name.as_slice()) {
                    shown_inside.push(name);
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                out.push(tag.span.start..tag.span.end.min(masked.len()));
                if let Some(i) = shown_inside.iter().rposition(|n| *n == name) {
                    shown_inside.truncate(i);
                } else if let Some(i) = hidden.iter().rposition(|n| *n == name) {
                    hidden.truncate(i);
                    shown_inside.clear();
                }
            }
            Token::String(s) => {
                if !hidden.is_empty() && shown_inside.is_empty() {
                    out.push(s.span.start..s.span.end.min(masked.len()));
                }
            }
            Token::Comment(c) => out.push(c.span.start..c.span.end.min(masked.len())),
            Token::Doctype(d) => out.push(d.span.start..d.span.end.min(masked.len())),
            Token::Error(_) => {}
        }
    }
    out.retain(|r| r.start < r.end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text left after blanking, spaces squeezed.
    fn copy_of(html: &str) -> String {
        let mut bytes = html.as_bytes().to_vec();
        for r in not_copy(html) {
            for b in &mut bytes[r] {
                *b = b' ';
            }
        }
        String::from_utf8(bytes)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn only_what_a_reader_sees_is_left() {
        for (html, want) in [
            ("<p class=\"sale\">Hi there</p>", "Hi there"),
            (
                "<html><head><title>T</title><style>p > b { color: red }</style></head><body><p>Body</p></body></html>",
                "Body",
            ),
            ("<script>var a = '<p>x</p>';</script><p>y</p>", "y"),
            ("<!--[if mso]><p>Outlook only</p><![endif]--><p>All</p>", "All"),
            ("<img src=\"dad.png\" alt=\"Dad at the grill\"><p>x</p>", "Dad at the grill x"),
            ("<a href=x title='Shop now'>Go</a>", "Shop now Go"),
            ("<p data-role=\"module-unsubscribe\" class=\"unsubscribe\">Bye</p>", "Bye"),
            ("a < b and c > d", "a < b and c > d"),
            ("<br/>one<br />two", "one two"),
            (
                "<mjml><mj-head><mj-title>Title</mj-title><mj-preview>Peek</mj-preview><mj-attributes><mj-all font-family=\"Arial\" /></mj-attributes><mj-style>.x { color: red }</mj-style></mj-head><mj-body><mj-text>Hello</mj-text></mj-body></mjml>",
                "Title Peek Hello",
            ),
        ] {
            assert_eq!(copy_of(html), want, "{html}");
        }
    }

    #[test]
    fn hostile_markup_costs_linear_work() {
        let steps = |n: usize| {
            let html = "<p a=\"<\" b='>'><!--x--><style>".repeat(n);
            crate::work::count(|| not_copy(&html)).1
        };
        let (small, large) = (steps(2_000), steps(4_000));
        assert!(
            crate::work::at_most_doubled(small, large, 16),
            "{small} then {large}"
        );
    }
}
