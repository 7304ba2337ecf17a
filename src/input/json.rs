//! JSON campaign files, read into the same span-carrying tree as YAML.
//!
//! JSON is valid YAML 1.2, but the YAML reader refuses a surrogate pair
//! written as two escapes (`"\ud83d\ude00"`, which Python's `json.dumps`
//! writes for every emoji) and its messages speak of YAML. JSON is parsed
//! here with `jsonc-parser` (strict JSON: no comments, no trailing commas),
//! which gives every value its byte range. Strings become double-quoted
//! scalars, whose escapes the YAML tree already maps back to their source
//! bytes, so labels land on the right characters either way.

use jsonc_parser::ast::{ObjectPropName, Value as JsonValue};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::input::source::Span;
use crate::input::yaml::{Budget, Document, Entry, Node, Scalar, Style, Value, YamlError};

/// Whether a file's text should be read as JSON: it is named `.json`, or
/// it is not named as YAML and its first character (after a byte-order
/// mark and blanks) opens an object.
pub fn looks_like_json(path: &str, text: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".json")
        || (!lower.ends_with(".yaml")
            && !lower.ends_with(".yml")
            && text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{'))
}

/// Parses `text` (offset by `base` bytes in its file, for a byte-order
/// mark) into one document.
pub fn parse(text: &str, base: usize, budget: Budget) -> Result<Vec<Document>, YamlError> {
    // The parser descends recursively: measure the nesting first, so that a
    // hostile file is refused with a message instead of exhausting the stack.
    if let Some(at) = too_deep(text, budget.max_depth) {
        return Err(YamlError {
            message: format!(
                "it nests lists and objects more than {} levels deep",
                budget.max_depth
            ),
            span: Span::new(base + at, base + at + 1),
            limit: true,
        });
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_extended_string_escapes: false,
        allow_non_finite_numbers: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let r = e.range();
            YamlError {
                message: plain_message(&e.kind().to_string()),
                span: Span::new(base + r.start, base + r.end.max(r.start)),
                limit: false,
            }
        })?;
    let Some(value) = parsed.value else {
        return Ok(Vec::new());
    };
    let mut nodes = 0usize;
    let root = convert(&value, base, budget, &mut nodes)?;
    Ok(vec![Document {
        root,
        aliases: Vec::new(),
    }])
}

/// The parser's message, said for people.
fn plain_message(kind: &str) -> String {
    let k = kind.trim_end_matches('.');
    let lower = k.to_ascii_lowercase();
    if lower.contains("trailing comma") {
        return "a comma is followed by nothing: JSON does not allow a comma before `]` or `}`"
            .into();
    }
    if lower.contains("comment") {
        return "JSON has no comments: remove the `//` or `/* */` comment".into();
    }
    if lower.contains("surrogate") {
        return "an escape `\\uD800`–`\\uDFFF` is half of a character (such as an emoji) and must be followed by its other half".into();
    }
    if lower.contains("single-quoted") || lower.contains("single quote") {
        return "JSON strings need double quotes (`\"`), not single quotes".into();
    }
    if lower.contains("unterminated string") {
        return "a string is not closed: add the closing `\"`".into();
    }
    let mut first = k.chars();
    match first.next() {
        Some(c) => c.to_lowercase().chain(first).collect(),
        None => "it cannot be read".into(),
    }
}

/// The byte where nesting first exceeds `max`, outside strings.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn convert(
    value: &JsonValue,
    base: usize,
    budget: Budget,
    nodes: &mut usize,
) -> Result<Node, YamlError> {
    *nodes += 1;
    let r = value.range();
    let span = Span::new(base + r.start, base + r.end);
    if *nodes > budget.max_nodes {
        return Err(YamlError {
            message: format!("it holds more than {} values", budget.max_nodes),
            span: Span::new(span.start, span.start),
            limit: true,
        });
    }
    let scalar = |text: String, style: Style| Value::Scalar(Scalar { text, style });
    let value = match value {
        JsonValue::StringLit(s) => scalar(s.value.to_string(), Style::DoubleQuoted),
        JsonValue::NumberLit(n) => scalar(n.value.to_string(), Style::Plain),
        JsonValue::BooleanLit(b) => scalar(b.value.to_string(), Style::Plain),
        JsonValue::NullKeyword(_) => scalar("null".into(), Style::Plain),
        JsonValue::Array(a) => Value::Seq(
            a.elements
                .iter()
                .map(|e| convert(e, base, budget, nodes))
                .collect::<Result<_, _>>()?,
        ),
        JsonValue::Object(o) => Value::Map(
            o.properties
                .iter()
                .map(|p| {
                    let (key_text, key_range) = match &p.name {
                        ObjectPropName::String(s) => (s.value.to_string(), s.range()),
                        ObjectPropName::Word(w) => (w.value.to_string(), w.range()),
                    };
                    *nodes += 1;
                    Ok(Entry {
                        key: Node {
                            span: Span::new(base + key_range.start, base + key_range.end),
                            value: scalar(key_text, Style::DoubleQuoted),
                        },
                        value: convert(&p.value, base, budget, nodes)?,
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Node { span, value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::yaml::locate_in_scalar;

    fn root(text: &str) -> Node {
        parse(text, 0, Budget::default())
            .expect("valid")
            .remove(0)
            .root
    }

    #[test]
    fn surrogate_pairs_decode_and_locate_on_their_escapes() {
        let text = r#"{"subject": "\ud83d\ude00 Hi \u00e9t\u00e9 {{ name }}"}"#;
        let r = root(text);
        let v = &r.get("subject").expect("subject").value;
        let s = v.as_str().expect("text");
        assert_eq!(s, "😀 Hi été {{ name }}");
        let at = s.find("Hi").expect("Hi");
        let span = locate_in_scalar(text, v, at..at + 2);
        assert_eq!(&text[span.range()], "Hi");
        let emoji = locate_in_scalar(text, v, 0..'😀'.len_utf8());
        assert_eq!(&text[emoji.range()], r"\ud83d\ude00");
        let e = s.find("été").expect("été");
        let word = locate_in_scalar(text, v, e..e + "été".len());
        assert_eq!(&text[word.range()], r"\u00e9t\u00e9");
    }

    #[test]
    fn keys_and_values_keep_their_bytes() {
        let text = "{\r\n  \"campaign\": \"x\",\r\n  \"n\": [1, true, null]\r\n}";
        let r = root(text);
        let Value::Map(entries) = &r.value else {
            panic!("a map")
        };
        assert_eq!(&text[entries[0].key.span.range()], "\"campaign\"");
        assert_eq!(&text[entries[1].value.span.range()], "[1, true, null]");
        let Value::Seq(items) = &entries[1].value.value else {
            panic!("a list")
        };
        assert!(items[2].is_null());
        assert_eq!(items[0].as_str(), Some("1"));
    }

    #[test]
    fn errors_are_located_and_plain() {
        for (text, at, says) in [
            (r#"{"a": [1,]}"#, ",", "comma"),
            (r#"{"a": "\ud83d"}"#, r"\ud83d", "half of a character"),
            (r#"{"a": 'x'}"#, "'", "double quotes"),
            ("{\"a\": 1 // no\n}", "//", "comments"),
        ] {
            let e = parse(text, 0, Budget::default()).expect_err(text);
            assert!(!e.limit);
            assert!(
                e.message.to_lowercase().contains(says),
                "{text}: {}",
                e.message
            );
            assert!(
                text[e.span.start..].starts_with(&at[..1]),
                "{text}: at {:?}",
                &text[e.span.range()]
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = "[".repeat(100_000);
        let e = parse(&text, 0, Budget::default()).expect_err("too deep");
        assert!(e.limit);
        assert_eq!(e.span.start, Budget::default().max_depth);
        // Brackets inside strings do not count.
        let text = format!("{{\"a\": \"{}\"}}", "[".repeat(1000));
        assert!(parse(&text, 0, Budget::default()).is_ok());
    }

    #[test]
    fn json_is_recognised_by_name_or_first_character() {
        assert!(looks_like_json("c/a.JSON", "x"));
        assert!(looks_like_json("-", "\u{feff}  {\"campaign\": 1}"));
        assert!(!looks_like_json("a.yaml", "{campaign: x}"));
        assert!(!looks_like_json("a.txt", "campaign: x"));
    }
}
