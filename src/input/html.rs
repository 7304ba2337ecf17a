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
    scan(text, names, |_, _| std::ops::ControlFlow::Continue(()))
}

/// `elements(text, names).into_iter().take(limit).find(accept)`, without
/// reading the rest of the document once the answer is known: an element
/// is settled when its end tag is read (or an outer element's end tag
/// closes it), and the answer is the first settled element, in document
/// order, that `accept` takes, once every element before it is settled.
pub fn first_element(
    text: &str,
    names: &[&str],
    limit: usize,
    accept: impl Fn(&Element) -> bool,
) -> Option<Element> {
    let mut next = 0;
    let mut answer = None;
    scan(text, names, |found, open| {
        while next < found.len().min(limit) && !open.contains(&next) {
            if accept(&found[next]) {
                answer = Some(found[next].clone());
                return std::ops::ControlFlow::Break(());
            }
            next += 1;
        }
        if next >= limit {
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    answer
}

/// Whether some `<` is followed by one of `names` (lower-case ASCII), in
/// any case: a start tag of that name needs one, so without one there is
/// no element to look for and no need to tokenize.
fn may_hold_start_tag(text: &str, names: &[&str]) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'<'
            && names.iter().any(|n| {
                bytes
                    .get(i + 1..i + 1 + n.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(n.as_bytes()))
            })
    })
}

/// Tokenizes `text`, keeping the elements named in `names`; `seen` is told
/// the elements so far and which are still open after each element starts
/// or closes, and at the end (with nothing open), and may stop the scan.
/// Returns the elements found.
fn scan(
    text: &str,
    names: &[&str],
    mut seen: impl FnMut(&[Element], &[usize]) -> std::ops::ControlFlow<()>,
) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::new();
    // Open elements of the kinds asked for: their index in `out`.
    let mut open: Vec<usize> = Vec::new();
    if !may_hold_start_tag(text, names) {
        let _ = seen(&out, &open);
        return out;
    }
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
                if seen(&out, &open).is_break() {
                    return out;
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if let Some(i) = open.iter().rposition(|&k| out[k].name.as_bytes() == name) {
                    let k = open[i];
                    out[k].inner = out[k].inner.start..tag.span.start.max(out[k].inner.start);
                    open.truncate(i);
                    if seen(&out, &open).is_break() {
                        return out;
                    }
                }
            }
            _ => {}
        }
    }
    // Unclosed elements keep an empty inner text: all are settled now.
    let _ = seen(&out, &[]);
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
    fn the_first_element_taken_is_the_one_the_whole_list_gives() {
        let docs = [
            "<div class=\"preheader\"><b>Hi</b> there</div><div>x",
            "<DIV><div class=x>in</div>after</Div><td id=preview>p</td>",
            "<table><td><div style='display:none'></div><span>s</span></td></table>",
            "<div><span class=a>unclosed<div class=a>b</div></span><p class=a>c</p>",
            "<p class=a/><p class=a>text</p>",
            "no tags at all",
            "<div class=a>",
            "<script><div class=a>x</div></script><div class=a>y</div>",
        ];
        let names = ["div", "span", "p", "td"];
        for doc in docs {
            let with_class = |e: &Element| e.attribute(doc, "class").is_some();
            let class_and_text =
                |e: &Element| e.attribute(doc, "class").is_some() && !e.inner.is_empty();
            let with_text = |e: &Element| !e.inner.is_empty();
            let none = |_: &Element| false;
            let accepts: [&dyn Fn(&Element) -> bool; 4] =
                [&with_class, &class_and_text, &with_text, &none];
            for accept in accepts {
                for limit in [0, 1, 2, 3, 400] {
                    let all = elements(doc, &names)
                        .into_iter()
                        .take(limit)
                        .find(|e| accept(e));
                    assert_eq!(
                        first_element(doc, &names, limit, accept),
                        all,
                        "{doc} (limit {limit})"
                    );
                }
            }
        }
    }

    #[test]
    fn without_a_start_tag_of_a_name_there_is_nothing_to_tokenize() {
        assert!(may_hold_start_tag("a <MJ-Include path=x>", &["mj-include"]));
        assert!(!may_hold_start_tag(
            "a </mj-include> mj-include <mj-",
            &["mj-include"]
        ));
        assert!(elements("</div> div", &["div"]).is_empty());
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
