//! A YAML document tree in which every node carries its byte span.
//!
//! Built from `saphyr-parser`'s event stream without recursion, under budgets
//! (nesting depth, node count including alias expansion, document count) so
//! that hostile input costs bounded time and memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::source::{CharToByte, Span};

/// Limits applied while building the tree.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes in one file, counting every copy an alias makes.
    pub max_nodes: usize,
    /// Most YAML documents in one file.
    pub max_documents: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_depth: 64,
            max_nodes: 250_000,
            max_documents: 1_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: Style,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

impl Node {
    /// A plain scalar that YAML reads as null (`~`, `null`, or nothing).
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(s) => {
                s.style == Style::Plain
                    && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) if !self.is_null() => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.scalar().map(|s| s.text.as_str())
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Looks a key up in a mapping (the first one, if repeated).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.as_str() == Some(key))
    }

    /// What kind of value this is, in words a marketer reads.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "empty",
            Value::Scalar(s) if s.style == Style::Plain && is_number(&s.text) => "a number",
            Value::Scalar(s) if s.style == Style::Plain && is_bool(&s.text) => "true/false",
            Value::Scalar(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping (key: value pairs)",
        }
    }

    fn count(&self) -> usize {
        match &self.value {
            Value::Scalar(_) => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Value::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|e| e.key.count() + e.value.count())
                    .sum::<usize>()
            }
        }
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.parse::<f64>().is_ok()
}

fn is_bool(s: &str) -> bool {
    matches!(s, "true" | "false" | "True" | "False" | "TRUE" | "FALSE")
}

/// Says a YAML reader's error in words a marketer can act on, keeping the
/// reader's own words for whoever debugs it.
fn plain_message(raw: &str) -> String {
    let plain = if raw.contains("recursion limit") {
        return "values are nested too deeply for the YAML reader".to_string();
    } else if raw.contains("tab") {
        "a tab is used for indentation here; YAML indents with spaces only"
    } else if raw.contains("flow sequence") || raw == "misplaced bracket" {
        "a list written with `[` is not closed with `]`, or its items are missing a comma"
    } else if raw.contains("flow mapping") {
        "a mapping written with `{` is not closed with `}`, or its entries are missing a comma"
    } else if raw.contains("quoted scalar, found unexpected end") {
        "a quote is opened but never closed"
    } else if raw.contains("unknown escape")
        || raw.contains("hexadecimal")
        || raw.contains("Unicode character escape")
    {
        "a backslash inside double quotes starts an escape YAML does not know; use single quotes, or write `\\\\` for a backslash"
    } else if raw.contains("mapping values are not allowed") || raw.contains("':' indicator") {
        "a `key: value` appears where YAML did not expect one: check this line's indentation, look above for an unclosed `[`, `{` or quote, or put quotes around a value that contains `: `"
    } else if raw.contains("did not find expected key")
        || raw.contains("invalid indentation")
        || raw.contains("wrongly indented")
    {
        "this line is indented differently from the lines around it"
    } else if raw.contains("block sequence entries are not allowed") {
        "a `- ` list item appears where YAML did not expect a list: check its indentation"
    } else if raw.contains("unknown anchor") {
        "an alias (`*name`) refers to an anchor (`&name`) that is not defined above it"
    } else {
        return raw.to_string();
    };
    format!("{plain} (the YAML reader says: {raw})")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: Node,
    /// Every alias (`*name`) of the document, in order.
    pub aliases: Vec<AliasUse>,
}

/// One use of an alias: where `*name` is written, and the span of the
/// value its anchor (`&name`) marks. The tree holds a copy of that value at
/// the alias, whose inner nodes keep the anchor's spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AliasUse {
    pub alias: Span,
    pub anchor: Span,
}

/// A YAML syntax error or a budget that was exceeded.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    /// A budget was exceeded (rather than a syntax error).
    pub limit: bool,
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
    },
}

/// A scalar's span without the anchor (`&name`) and tag (`!tag`) written
/// before it.
fn skip_properties(text: &str, base: usize, sp: Span) -> Span {
    let mut at = sp.start.saturating_sub(base);
    let bytes = text.as_bytes();
    while at < sp.end.saturating_sub(base) && matches!(bytes.get(at), Some(b'&' | b'!')) {
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    let start = (at + base).min(sp.end);
    if text.is_char_boundary(start - base) {
        Span::new(start, sp.end)
    } else {
        sp
    }
}

/// Parses every document of `text`. `base` is the byte offset of `text` in
/// the file (a stripped byte-order mark), added to every span.
pub fn parse(text: &str, base: usize, budget: Budget) -> Result<Vec<Document>, YamlError> {
    let source_text = text;
    let conv = CharToByte::new(text, base);
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut aliases: Vec<AliasUse> = Vec::new();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;

    let over = |what: String, at: Span| YamlError {
        message: what,
        span: at,
        limit: true,
    };

    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(x) => x,
            Err(e) => {
                let at = conv.byte(e.marker().index());
                let message = plain_message(e.info());
                return Err(YamlError {
                    limit: e.info().contains("recursion limit"),
                    message,
                    span: Span::new(at, at),
                });
            }
        };
        let sp = conv.span(span.start.index(), span.end.index());
        let done: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                anchors.clear();
                aliases.clear();
                None
            }
            Event::DocumentEnd => {
                if let Some(r) = root.take() {
                    if docs.len() >= budget.max_documents {
                        return Err(over(
                            format!(
                                "the file has more than {} YAML documents",
                                budget.max_documents
                            ),
                            sp,
                        ));
                    }
                    docs.push(Document {
                        root: r,
                        aliases: std::mem::take(&mut aliases),
                    });
                }
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((node, size)) => {
                    nodes += size;
                    if nodes > budget.max_nodes {
                        return Err(over(
                            format!(
                                "this alias expands the file beyond {} values; aliases that repeat other aliases can grow without bound",
                                budget.max_nodes
                            ),
                            sp,
                        ));
                    }
                    aliases.push(AliasUse {
                        alias: sp,
                        anchor: node.span,
                    });
                    let mut n = node.clone();
                    n.span = sp;
                    Some((n, 0))
                }
                None => return Err(over("this alias refers to an unknown anchor".into(), sp)),
            },
            Event::Scalar(text, style, anchor, _tag) => {
                // The value starts after its anchor (`&name`) and tag (`!x`),
                // so that words found inside it are located exactly.
                let sp = skip_properties(source_text, base, sp);
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                Some((
                    Node {
                        span: sp,
                        value: Value::Scalar(Scalar {
                            text: text.into_owned(),
                            style,
                        }),
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= budget.max_depth {
                    return Err(over(
                        format!(
                            "values are nested more than {} levels deep",
                            budget.max_depth
                        ),
                        sp,
                    ));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start: sp.start,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start: sp.start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else {
                    return Err(YamlError {
                        message: "a list or mapping ends that never started".into(),
                        span: sp,
                        limit: false,
                    });
                };
                let (start, anchor, value, last_end) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => {
                        let last = items.last().map(|n| n.span.end);
                        (start, anchor, Value::Seq(items), last)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        let last = entries.last().map(|e| e.value.span.end.max(e.key.span.end));
                        (start, anchor, Value::Map(entries), last)
                    }
                };
                // Flow collections end at their closing bracket; block ones
                // at their last value (the end event sits on the next token).
                let closes = text
                    .as_bytes()
                    .get(sp.start.wrapping_sub(base))
                    .is_some_and(|b| matches!(b, b']' | b'}'));
                let end = if closes {
                    sp.start + 1
                } else {
                    last_end.unwrap_or(start).max(start)
                };
                Some((
                    Node {
                        span: Span::new(start, end),
                        value,
                    },
                    anchor,
                ))
            }
        };

        if let Some((node, anchor)) = done {
            nodes += 1;
            if nodes > budget.max_nodes {
                return Err(over(
                    format!("the file holds more than {} values", budget.max_nodes),
                    node.span,
                ));
            }
            if anchor > 0 {
                let size = node.count();
                anchors.insert(anchor, (node.clone(), size));
            }
            match stack.last_mut() {
                None => root = Some(node),
                Some(Frame::Seq { items, .. }) => items.push(node),
                Some(Frame::Map { entries, key, .. }) => match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push(Entry {
                        key: k,
                        value: node,
                    }),
                },
            }
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = parse(text, 0, Budget::default()).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0).root
    }

    fn src<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.span.range()]
    }

    #[test]
    fn scalar_spans_are_byte_ranges_of_the_value() {
        let t = "a: 🎉 party\nb: 'quoted'\nc: \"dq\"\n";
        let root = one(t);
        assert_eq!(src(t, &root.get("a").unwrap().value), "🎉 party");
        assert_eq!(src(t, &root.get("b").unwrap().value), "'quoted'");
        assert_eq!(src(t, &root.get("c").unwrap().value), "\"dq\"");
        assert_eq!(src(t, &root.get("b").unwrap().key), "b");
    }

    #[test]
    fn block_collections_end_at_their_last_value() {
        let t = "list:\n  - one\n  - two\nnext: 1\n";
        let root = one(t);
        let list = &root.get("list").unwrap().value;
        assert_eq!(src(t, list), "- one\n  - two");
        let flow = one("x: [a, b]  # c\n");
        assert_eq!(flow.get("x").unwrap().value.span, Span::new(3, 9));
    }

    #[test]
    fn crlf_and_bom_keep_byte_offsets() {
        let t = "\u{feff}a: 1\r\nb: héllo\r\n";
        let docs = parse(&t[3..], 3, Budget::default()).unwrap();
        let b = &docs[0].root.get("b").unwrap().value;
        assert_eq!(&t[b.span.range()], "héllo");
    }

    #[test]
    fn several_documents() {
        let docs = parse("a: 1\n---\nb: 2\n", 0, Budget::default()).unwrap();
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn syntax_error_has_a_position() {
        let t = "a: [1, 2\nb: 3\n";
        let e = parse(t, 0, Budget::default()).unwrap_err();
        assert!(e.span.start > 0 && e.span.start <= t.len(), "{e:?}");
    }

    #[test]
    fn syntax_errors_are_said_plainly() {
        for (text, says) in [
            ("a: [1, 2\nb: 3\n", "unclosed `[`"),
            ("a:\n\tb: 1\n", "tab"),
            ("a: \"x\n", "quote is opened but never closed"),
            ("a:\n  b: 1\n c: 2\n", "indented differently"),
        ] {
            let e = parse(text, 0, Budget::default()).unwrap_err();
            assert!(
                e.message.contains(says) && e.message.contains("the YAML reader says"),
                "{text:?}: {e:?}"
            );
        }
    }

    #[test]
    fn scalar_spans_start_after_anchor_and_tag_and_aliases_are_listed() {
        let text = "a: &x \"hi\"\nb: !!str  there\nc: *x\n";
        let docs = parse(text, 0, Budget::default()).unwrap();
        let doc = &docs[0];
        let span = |k: &str| doc.root.get(k).unwrap().value.span;
        assert_eq!(&text[span("a").start..span("a").end], "\"hi\"");
        assert_eq!(&text[span("b").start..span("b").end], "there");
        assert_eq!(&text[span("c").start..span("c").end], "*x");
        assert_eq!(
            doc.aliases,
            [AliasUse {
                alias: span("c"),
                anchor: span("a")
            }]
        );
    }

    #[test]
    fn alias_bomb_hits_the_node_budget() {
        let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            t.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let e = parse(&t, 0, Budget::default()).unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
    }

    #[test]
    fn deep_nesting_hits_the_depth_budget() {
        let t = "[".repeat(100_000);
        let e = parse(&t, 0, Budget::default()).unwrap_err();
        assert!(e.message.contains("nested"), "{e:?}");
        let mut block = String::new();
        for i in 0..200 {
            block.push_str(&" ".repeat(i * 2));
            block.push_str("k:\n");
        }
        let e = parse(&block, 0, Budget::default()).unwrap_err();
        assert!(e.message.contains("nested more than 64"), "{e:?}");
    }

    #[test]
    fn null_and_kinds() {
        let root = one("a: ~\nb:\nc: 3\nd: [1]\n");
        assert!(root.get("a").unwrap().value.is_null());
        assert!(root.get("b").unwrap().value.is_null());
        assert_eq!(root.get("c").unwrap().value.kind_name(), "a number");
        assert_eq!(root.get("d").unwrap().value.kind_name(), "a list");
    }
}

/// Finds where the characters `range` (byte range into the scalar's *value*)
/// sit in the file, so that a label can point at one word inside a long,
/// quoted, escaped or block scalar.
///
/// The value is aligned with the source greedily: quotes, indentation, line
/// breaks and escapes that the value does not contain are stepped over. A
/// character the alignment cannot place lands on the nearest position, so the
/// result always lies inside the scalar's span.
pub fn locate_in_scalar(file: &str, node: &Node, range: std::ops::Range<usize>) -> Span {
    let Value::Scalar(scalar) = &node.value else {
        return node.span;
    };
    let value = scalar.text.as_str();
    let raw_start = node.span.start.min(file.len());
    let raw_end = node.span.end.min(file.len()).max(raw_start);
    let raw = &file[raw_start..raw_end];
    if raw == value {
        return Span::new(
            raw_start + range.start,
            raw_start + range.end.min(value.len()),
        );
    }
    let raw_b = raw.as_bytes();
    let mut ri = match scalar.style {
        Style::SingleQuoted | Style::DoubleQuoted => 1,
        // The parser's span of a block scalar starts at its content; skip
        // the `|`/`>` header line only if it is included.
        Style::Literal | Style::Folded if raw.starts_with(['|', '>']) => {
            raw.find('\n').map(|i| i + 1).unwrap_or(raw.len())
        }
        Style::Literal | Style::Folded => 0,
        Style::Plain => 0,
    };
    let quote = match scalar.style {
        Style::SingleQuoted => Some(b'\''),
        _ => None,
    };
    let mut start = None;
    let mut end = ri;
    for (vi, ch) in value.char_indices() {
        if vi >= range.end {
            break;
        }
        let at;
        loop {
            if ri >= raw.len() {
                at = raw.len();
                break;
            }
            let rc = raw[ri..].chars().next().unwrap_or(' ');
            if scalar.style == Style::DoubleQuoted && rc == '\\' {
                let next = raw_b.get(ri + 1).copied().unwrap_or(b' ');
                if next == b'\n' || next == b'\r' {
                    ri += 1;
                    while ri < raw_b.len() && matches!(raw_b[ri], b'\n' | b'\r' | b' ' | b'\t') {
                        ri += 1;
                    }
                    continue;
                }
                at = ri;
                ri += match next {
                    b'x' => 4,
                    b'u' => 6,
                    b'U' => 10,
                    _ => 2,
                };
                ri = ri.min(raw.len());
                while !raw.is_char_boundary(ri) {
                    ri += 1;
                }
                break;
            }
            if rc == ch {
                at = ri;
                ri += rc.len_utf8();
                break;
            }
            let skippable = rc.is_whitespace() || Some(rc as u32) == quote.map(u32::from);
            if skippable {
                ri += rc.len_utf8();
                continue;
            }
            at = ri;
            break;
        }
        if vi >= range.start && start.is_none() {
            start = Some(at);
        }
        end = ri.max(at);
    }
    let s = start.unwrap_or(end).min(raw.len());
    let e = end.max(s).min(raw.len());
    Span::new(raw_start + s, raw_start + e)
}

#[cfg(test)]
mod locate_tests {
    use super::*;

    fn check(file: &str, key: &str, word: &str) {
        let docs = parse(file, 0, Budget::default()).unwrap();
        let node = &docs[0].root.get(key).unwrap().value;
        let value = node.as_str().unwrap();
        let i = value.find(word).expect("word in value");
        let sp = locate_in_scalar(file, node, i..i + word.len());
        assert_eq!(&file[sp.range()], word, "in {file:?}");
    }

    #[test]
    fn finds_words_in_every_scalar_style() {
        check("body: Happy Father's Day\n", "body", "Father's Day");
        check("body: 'It''s Father''s Day soon'\n", "body", "soon");
        check(
            "body: \"Line\\nTwo \\\"Father's Day\\\" 🎉 end\"\n",
            "body",
            "end",
        );
        check(
            "body: \"caf\\u00e9 then Father's Day\"\n",
            "body",
            "Father's Day",
        );
        check(
            "body: |\n  Hello\n  Happy Father's Day\n",
            "body",
            "Father's Day",
        );
        check(
            "body: >\n  Hello there\n  Happy Father's Day\n",
            "body",
            "Father's Day",
        );
        check(
            "body: >\r\n  Hi 🎉\r\n  Happy Father's Day\r\n",
            "body",
            "Father's Day",
        );
        check(
            "body: plain text\n  continued Father's Day\n",
            "body",
            "Father's Day",
        );
    }
}
