//! HTML (and MJML) elements with their bytes, found with a real HTML
//! tokenizer (`html5gum`): the start tag, the text inside, and the
//! attributes, for readers that look for one element (a preheader, an
//! `<mj-include>`, a layout a template extends).

use std::ops::Range;

use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};

/// Whether a text holds HTML worth tokenizing: some `<` followed by a
/// letter, `/` or `!`.
pub fn has_tags(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// One element of a kind asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Lower-case name.
    pub name: String,
    /// The start tag's bytes.
    pub tag: Range<usize>,
    /// Between the start tag and the matching end tag (empty for a
    /// self-closing or unclosed element).
    pub inner: Range<usize>,
    /// Each attribute: lower-case name and the bytes of `name="value"`.
    attributes: Vec<(String, Range<usize>)>,
}

impl Element {
    /// An attribute's value, quotes removed.
    pub fn attribute<'t>(&self, text: &'t str, name: &str) -> Option<&'t str> {
        let (_, span) = self.attributes.iter().find(|(n, _)| n == name)?;
        attribute_value(text, span.clone()).and_then(|r| text.get(r))
    }
}

/// Every element named in `names`, in document order, with its inner text
/// up to the matching end tag.
pub fn elements(text: &str, names: &[&str]) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::new();
    // Open elements of the kinds asked for: their index in `out`.
    let mut open: Vec<usize> = Vec::new();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(text, emitter) {
        let Ok(token) = token;
        crate::work::add(1);
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name.to_ascii_lowercase()).into_owned();
                if !names.contains(&name.as_str()) {
                    continue;
                }
                let end = tag.span.end.min(text.len());
                out.push(Element {
                    name,
                    tag: tag.span.start..end,
                    inner: end..end,
                    attributes: tag
                        .attributes
                        .iter()
                        .map(|(k, v)| {
                            (
                                String::from_utf8_lossy(&k.to_ascii_lowercase()).into_owned(),
                                v.span.start..v.span.end.min(text.len()),
                            )
                        })
                        .collect(),
                });
                if !tag.self_closing {
                    open.push(out.len() - 1);
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if let Some(i) = open.iter().rposition(|&k| out[k].name.as_bytes() == name) {
                    let k = open[i];
                    out[k].inner = out[k].inner.start..tag.span.start.max(out[k].inner.start);
                    open.truncate(i);
                }
            }
            _ => {}
        }
    }
    out
}

/// The bytes of an attribute's value inside its `name="value"` span.
pub fn attribute_value(text: &str, attr: Range<usize>) -> Option<Range<usize>> {
    let raw = text.get(attr.clone())?;
    let eq = raw.find('=')?;
    let after = &raw[eq + 1..];
    let lead = after.len() - after.trim_start().len();
    let value = &after[lead..];
    let start = attr.start + eq + 1 + lead;
    match value.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let end = value[1..].find(q).map_or(value.len(), |i| i + 1);
            Some(start + 1..start + end)
        }
        Some(_) => Some(start..start + value.trim_end_matches('>').trim_end().len()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_are_found_in_every_quoting() {
        let t = "alt=\"a b\" alt='c' alt=d> alt = \"e\"";
        assert_eq!(&t[attribute_value(t, 0..9).unwrap()], "a b");
        assert_eq!(&t[attribute_value(t, 10..17).unwrap()], "c");
        assert_eq!(&t[attribute_value(t, 18..24).unwrap()], "d");
        assert_eq!(&t[attribute_value(t, 25..34).unwrap()], "e");
    }

    #[test]
    fn elements_come_with_their_inner_text_and_attributes() {
        let t = "<div class=\"preheader\"><b>Hi</b> there</div><mj-include path='./f.mjml'/><div>x";
        let found = elements(t, &["div", "mj-include"]);
        assert_eq!(found.len(), 3);
        assert_eq!(&t[found[0].inner.clone()], "<b>Hi</b> there");
        assert_eq!(found[0].attribute(t, "class"), Some("preheader"));
        assert_eq!(found[1].attribute(t, "path"), Some("./f.mjml"));
        assert!(found[1].inner.is_empty());
        assert!(found[2].inner.is_empty(), "unclosed");
    }
}
