//! A YAML document tree in which every node carries its byte span.
//!
//! Built from `saphyr-parser`'s event stream without recursion, under budgets
//! (nesting depth, node count including alias expansion, document count) so
//! that hostile input costs bounded time and memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::input::source::{CharToByte, Span};

/// Limits applied while building the tree.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes in one file, counting every copy an alias makes.
    pub max_nodes: usize,
    /// Most YAML documents in one file.
    pub max_documents: usize,
    /// Most bytes of text that aliases may copy into the tree: a large
    /// anchored value repeated many times costs its size each time.
    pub max_alias_bytes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_depth: 64,
            max_nodes: 250_000,
            max_documents: 1_000,
            max_alias_bytes: 10_000_000,
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
    /// Not YAML: text laid byte for byte over its span (copy kept in a file
    /// of its own, a template's body); its value may blank bytes that are
    /// not copy, but never moves one.
    Verbatim,
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

    /// The number of nodes and the bytes of text in this value.
    fn size(&self) -> (usize, usize) {
        match &self.value {
            Value::Scalar(s) => (1, s.text.len()),
            Value::Seq(items) => items.iter().fold((1, 0), |(n, b), i| {
                let (n2, b2) = i.size();
                (n + n2, b + b2)
            }),
            Value::Map(entries) => entries.iter().fold((1, 0), |(n, b), e| {
                let (n1, b1) = e.key.size();
                let (n2, b2) = e.value.size();
                (n + n1 + n2, b + b1 + b2)
            }),
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
    let has_word = |w: &str| {
        raw.split(|c: char| !c.is_alphanumeric())
            .any(|x| x.eq_ignore_ascii_case(w))
    };
    let plain = if raw.contains("recursion limit") {
        return "values are nested too deeply for the YAML reader".to_string();
    } else if raw.contains("unprintable") {
        "a character that cannot be printed (a control character) is written here; YAML allows only printable text, so delete it"
    } else if has_word("tab") || has_word("tabs") {
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

/// The first key repeated in any mapping of the tree: (the first key's
/// span, the repeated key). Keys are compared as text; each mapping is
/// checked with a hash set, so the walk is linear.
pub fn first_repeated_key(root: &Node) -> Option<(Span, &Node)> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Map(entries) => {
                let mut seen: HashMap<&str, Span> = HashMap::with_capacity(entries.len());
                for e in entries {
                    if let Some(k) = e.key.as_str() {
                        if let Some(first) = seen.insert(k, e.key.span) {
                            return Some((first, &e.key));
                        }
                    }
                    stack.push(&e.value);
                }
            }
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Scalar(_) => {}
        }
    }
    None
}

/// The first escape YAML does not know in the double-quoted scalar that
/// starts at or before byte `at` (the reader points at the opening quote).
fn bad_escape(text: &str, base: usize, at: usize) -> Option<Span> {
    let local = at.checked_sub(base)?;
    let bytes = text.as_bytes();
    let open = text
        .get(..=local.min(text.len().saturating_sub(1)))?
        .rfind('"')?;
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return None,
            b'\\' => {
                let next = text.get(i + 1..)?.chars().next()?;
                let hex = match next {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"'
                    | '/' | '\\' | 'N' | '_' | 'L' | 'P' | '\n' | '\r' => 0,
                    _ => {
                        return Some(Span::new(base + i, base + i + 1 + next.len_utf8()));
                    }
                };
                let digits = text.get(i + 2..i + 2 + hex);
                if hex > 0 && !digits.is_some_and(|d| d.bytes().all(|b| b.is_ascii_hexdigit())) {
                    let end = (i + 2..=(i + 2 + hex).min(text.len()))
                        .rev()
                        .find(|e| text.is_char_boundary(*e))
                        .unwrap_or(i + 2);
                    return Some(Span::new(base + i, base + end));
                }
                i += 1 + next.len_utf8() + hex;
            }
            _ => i += 1,
        }
    }
    None
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
    let mut anchors: HashMap<usize, (Node, usize, usize)> = HashMap::new();
    let mut aliases: Vec<AliasUse> = Vec::new();
    let mut nodes = 0usize;
    let mut alias_bytes = 0usize;
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
                let mut message = plain_message(e.info());
                let mut span = Span::new(at, at);
                if e.info().contains("escape") || e.info().contains("hexadecimal") {
                    if let Some(bad) = bad_escape(source_text, base, at) {
                        span = bad;
                    }
                } else if e.info().contains("unprintable") {
                    if let Some(c) = source_text
                        .get(at.saturating_sub(base)..)
                        .and_then(|t| t.chars().next())
                    {
                        message = format!(
                            "the character U+{:04X} cannot be printed; YAML allows only printable text, so delete it (the YAML reader says: {})",
                            c as u32,
                            e.info()
                        );
                        span = Span::new(at, at + c.len_utf8());
                    }
                }
                return Err(YamlError {
                    limit: e.info().contains("recursion limit"),
                    message,
                    span,
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
                Some((node, size, bytes)) => {
                    nodes += size;
                    alias_bytes += bytes;
                    if alias_bytes > budget.max_alias_bytes {
                        return Err(over(
                            format!(
                                "the aliases (`*name`) in this file repeat more than {} of text; aliases that repeat large values can grow without bound",
                                crate::input::reading::size_phrase(budget.max_alias_bytes as u64)
                            ),
                            sp,
                        ));
                    }
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
                None => {
                    return Err(YamlError {
                        message: plain_message("found unknown anchor"),
                        span: sp,
                        limit: false,
                    })
                }
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
                let (size, bytes) = node.size();
                // The anchored value is kept as a copy for its aliases:
                // nested anchors copy the same text again, so it counts.
                alias_bytes += bytes;
                if alias_bytes > budget.max_alias_bytes {
                    return Err(over(
                        format!(
                            "the anchors (`&name`) and aliases (`*name`) in this file copy more than {} of text; nested anchors and aliases that repeat large values can grow without bound",
                            crate::input::reading::size_phrase(budget.max_alias_bytes as u64)
                        ),
                        node.span,
                    ));
                }
                anchors.insert(anchor, (node.clone(), size, bytes));
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
    fn errors_point_at_the_character_at_fault() {
        // An unknown escape: at `\q`, not at the opening quote.
        let t = "a: \"🎉 \\q\"\n";
        let e = parse(t, 0, Budget::default()).unwrap_err();
        assert_eq!(&t[e.span.range()], "\\q", "{e:?}");
        assert!(e.message.contains("escape"), "{e:?}");
        let t = "a: \"ok \\n then \\u00zz\"\n";
        let e = parse(t, 0, Budget::default()).unwrap_err();
        assert_eq!(&t[e.span.range()], "\\u00zz", "{e:?}");
        // A control character is named as one, not as a tab.
        let t = "a: red\u{0}\n";
        let e = parse(t, 0, Budget::default()).unwrap_err();
        assert!(
            e.message.contains("U+0000") && !e.message.contains("a tab"),
            "{e:?}"
        );
        assert_eq!(&t[e.span.range()], "\u{0}");
        // A tab is still a tab.
        let e = parse("a:\n\tb: 1\n", 0, Budget::default()).unwrap_err();
        assert!(e.message.contains("tab is used"), "{e:?}");
        // An alias to an anchor that does not exist is not a size limit.
        let e = parse("a: *nowhere\n", 0, Budget::default()).unwrap_err();
        assert!(!e.limit && e.message.contains("not defined"), "{e:?}");
    }

    #[test]
    fn aliases_of_a_large_value_hit_the_byte_budget() {
        let big = "x".repeat(100_000);
        let mut t = format!("a: &big \"{big}\"\nl:\n");
        for _ in 0..200 {
            t.push_str("  - *big\n");
        }
        let e = parse(&t, 0, Budget::default()).unwrap_err();
        assert!(e.limit && e.message.contains("10.0 MB"), "{e:?}");
        assert!(t[e.span.range()].starts_with("*big"), "{e:?}");
        // A few repeats are fine.
        let t = format!("a: &big \"{big}\"\nb: *big\nc: *big\n");
        assert!(parse(&t, 0, Budget::default()).is_ok());
    }

    #[test]
    fn nested_anchors_are_budgeted_as_copies() {
        // Each nested anchor keeps its own copy of the same large value.
        let mut t = String::from("name: ");
        for i in 0..60 {
            t.push_str(&format!("&a{i} ["));
        }
        t.push_str(&format!("\"{}\"", "x".repeat(1_000_000)));
        t.push_str(&"]".repeat(60));
        t.push('\n');
        let e = parse(&t, 0, Budget::default()).unwrap_err();
        assert!(e.limit && e.message.contains("anchors"), "{e:?}");
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
///
/// One call walks the value from its start; for many words in one long
/// scalar, build a [`Locator`] once (as the rules' context does).
pub fn locate_in_scalar(file: &str, node: &Node, range: std::ops::Range<usize>) -> Span {
    match Alignment::new(file, node, None) {
        Some(a) => a.locate(&[], range),
        None => node.span,
    }
}

/// The alignment of a scalar's value with its source, with the walker's
/// state saved every [`Locator::STRIDE`] characters so that each lookup
/// resumes near its word instead of walking from the start.
#[derive(Debug, Clone, Default)]
pub struct Locator {
    /// `(value byte, source byte)` before every `STRIDE`-th character.
    checkpoints: Vec<(usize, usize)>,
    /// The value is written as it is (compared once, not per lookup).
    identity: bool,
}

impl Locator {
    const STRIDE: usize = 64;

    /// Walks the whole value once.
    pub fn new(file: &str, node: &Node) -> Locator {
        let Some(a) = Alignment::new(file, node, None) else {
            return Locator::default();
        };
        if a.identity {
            return Locator {
                checkpoints: Vec::new(),
                identity: true,
            };
        }
        let mut checkpoints = Vec::with_capacity(a.value.len() / Self::STRIDE + 1);
        let mut ri = a.first;
        for (n, (vi, ch)) in a.value.char_indices().enumerate() {
            if n % Self::STRIDE == 0 {
                checkpoints.push((vi, ri));
            }
            ri = a.step(ch, ri).1;
        }
        crate::work::add(a.value.len());
        Locator {
            checkpoints,
            identity: false,
        }
    }

    /// [`locate_in_scalar`], resuming from the nearest saved state.
    pub fn locate(&self, file: &str, node: &Node, range: std::ops::Range<usize>) -> Span {
        match Alignment::new(file, node, Some(self.identity)) {
            Some(a) => a.locate(&self.checkpoints, range),
            None => node.span,
        }
    }
}

/// Whether `bytes` start with an escaped high surrogate followed by an
/// escaped low one: `\ud83d\ude00`.
fn is_surrogate_pair(bytes: &[u8]) -> bool {
    let unit = |b: &[u8]| -> Option<u16> {
        if b.len() < 6 || b[0] != b'\\' || b[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    };
    matches!(
        (unit(bytes), bytes.get(6..).and_then(unit)),
        (Some(0xD800..=0xDBFF), Some(0xDC00..=0xDFFF))
    )
}

/// A scalar's value and its source text, for aligning the two.
struct Alignment<'f> {
    value: &'f str,
    raw: &'f str,
    raw_start: usize,
    style: Style,
    /// The value is written as it is (a plain one-line scalar).
    identity: bool,
    /// Where the value's first character is looked for in the source.
    first: usize,
}

impl<'f> Alignment<'f> {
    /// `identity`: whether the value is written as it is, when already known.
    fn new(file: &'f str, node: &'f Node, identity: Option<bool>) -> Option<Alignment<'f>> {
        let Value::Scalar(scalar) = &node.value else {
            return None;
        };
        let value = scalar.text.as_str();
        let raw_start = node.span.start.min(file.len());
        let raw_end = node.span.end.min(file.len()).max(raw_start);
        let raw = file.get(raw_start..raw_end)?;
        let first = match scalar.style {
            Style::SingleQuoted | Style::DoubleQuoted => 1,
            // The parser's span of a block scalar starts at its content; skip
            // the `|`/`>` header line only if it is included.
            Style::Literal | Style::Folded if raw.starts_with(['|', '>']) => {
                raw.find('\n').map(|i| i + 1).unwrap_or(raw.len())
            }
            Style::Literal | Style::Folded | Style::Plain | Style::Verbatim => 0,
        };
        Some(Alignment {
            value,
            raw,
            raw_start,
            style: scalar.style,
            // Verbatim text is laid byte for byte over its span (it may
            // blank what is not copy, keeping every byte's place).
            identity: scalar.style == Style::Verbatim
                || identity.unwrap_or_else(|| {
                    crate::work::add(value.len() / 16);
                    raw == value
                }),
            first: first.min(raw.len()),
        })
    }

    /// Places the value character `ch`, looked for from source byte `ri`:
    /// where it sits, and where the next one is looked for.
    fn step(&self, ch: char, mut ri: usize) -> (usize, usize) {
        let raw = self.raw;
        let raw_b = raw.as_bytes();
        let quote = (self.style == Style::SingleQuoted).then_some('\'');
        let mut steps = 0;
        let placed = loop {
            steps += 1;
            if ri >= raw.len() {
                break (raw.len(), raw.len());
            }
            let rc = raw[ri..].chars().next().unwrap_or(' ');
            if self.style == Style::DoubleQuoted && rc == '\\' {
                let next = raw_b.get(ri + 1).copied().unwrap_or(b' ');
                if next == b'\n' || next == b'\r' {
                    ri += 1;
                    while ri < raw_b.len() && matches!(raw_b[ri], b'\n' | b'\r' | b' ' | b'\t') {
                        ri += 1;
                    }
                    continue;
                }
                let at = ri;
                ri += match next {
                    b'x' => 4,
                    // A UTF-16 surrogate pair (`\ud83d\ude00`, as JSON
                    // writers escape an emoji) is one character.
                    b'u' if is_surrogate_pair(&raw_b[ri..]) => 12,
                    b'u' => 6,
                    b'U' => 10,
                    _ => 2,
                };
                ri = ri.min(raw.len());
                while !raw.is_char_boundary(ri) {
                    ri += 1;
                }
                break (at, ri);
            }
            if rc == ch {
                break (ri, ri + rc.len_utf8());
            }
            if rc.is_whitespace() || Some(rc) == quote {
                ri += rc.len_utf8();
                continue;
            }
            break (ri, ri);
        };
        crate::work::add(steps);
        placed
    }

    /// The source span of value bytes `range`, walking from the last saved
    /// state at or before its start.
    fn locate(&self, checkpoints: &[(usize, usize)], range: std::ops::Range<usize>) -> Span {
        if self.identity {
            return Span::new(
                self.raw_start + range.start.min(self.value.len()),
                self.raw_start + range.end.min(self.value.len()),
            );
        }
        let k = checkpoints.partition_point(|&(v, _)| v <= range.start);
        let (from, mut ri) = match k {
            0 => (0, self.first),
            _ => checkpoints[k - 1],
        };
        let mut start = None;
        let mut end = ri;
        for (vi, ch) in self.value[from..].char_indices() {
            let vi = from + vi;
            if vi >= range.end {
                break;
            }
            let (at, next) = self.step(ch, ri);
            ri = next;
            if vi >= range.start && start.is_none() {
                start = Some(at);
            }
            end = ri.max(at);
        }
        let s = start.unwrap_or(end).min(self.raw.len());
        let e = end.max(s).min(self.raw.len());
        Span::new(self.raw_start + s, self.raw_start + e)
    }
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

    #[test]
    fn a_locator_gives_the_same_spans_as_walking_from_the_start() {
        let file = format!(
            "body: \"{}\"\n",
            (0..400)
                .map(|i| format!("w{i} caf\\u00e9 \\\"q\\\" 🎉\\n"))
                .collect::<String>()
        );
        let docs = parse(&file, 0, Budget::default()).unwrap();
        let node = &docs[0].root.get("body").unwrap().value;
        let value = node.as_str().unwrap();
        let locator = Locator::new(&file, node);
        for (i, _) in value.char_indices().step_by(7) {
            let end = (i + 5).min(value.len());
            let end = (end..=value.len())
                .find(|e| value.is_char_boundary(*e))
                .unwrap();
            assert_eq!(
                locator.locate(&file, node, i..end),
                locate_in_scalar(&file, node, i..end),
                "at {i}"
            );
        }
    }

    #[test]
    fn many_words_in_one_long_scalar_cost_linear_work() {
        // Every word of an escaped one-line body located: twice the body,
        // at most twice the steps.
        let steps = |n: usize| {
            let file = format!("body: \"{}\"\n", "Hi {{ name }}, caf\\u00e9 ".repeat(n));
            let docs = parse(&file, 0, Budget::default()).unwrap();
            let node = &docs[0].root.get("body").unwrap().value;
            let value = node.as_str().unwrap().to_string();
            crate::work::count(|| {
                let locator = Locator::new(&file, node);
                for (i, _) in value.match_indices("name") {
                    locator.locate(&file, node, i..i + 4);
                }
            })
            .1
        };
        let (small, large) = (steps(2_000), steps(4_000));
        assert!(
            crate::work::at_most_doubled(small, large, 1_000),
            "{small} {large}"
        );
    }
}
