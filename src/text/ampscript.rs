//! Salesforce Marketing Cloud's AMPscript, as far as merge tokens go.
//!
//! - `%%FirstName%%`: a personalization string (a subscriber attribute, or
//!   a system string such as `%%profile_center_url%%`);
//! - `%%=v(@name)=%%`, `%%=AttributeValue("FirstName")=%%`,
//!   `%%=[FirstName]=%%`: an inline expression that prints a value;
//! - `%%[ SET @name = AttributeValue("FirstName") IF EMPTY(@name) THEN SET
//!   @name = "there" ENDIF ]%%`: a code block; a variable that the block
//!   gives a literal value when it is empty has that fallback wherever it
//!   is printed;
//! - `%%=IIF(Empty([FirstName]), "there", [FirstName])=%%`: an inline
//!   fallback.
//!
//! Code blocks are read for what they set, not run.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::text::template::{Fallback, Piece, Syntax};

/// `SET @x = AttributeValue("Attr")`, `SET @x = [Attr]`, `SET @x = "literal"`.
static SET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bset\s+@([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:attributevalue\(\s*['"]([^'"]+)['"]\s*\)|\[([^\]]+)\]|['"]([^'"]*)['"]|(\w+)\s*\()"#)
        .expect("valid")
});
/// An emptiness test on a variable: `EMPTY(@x)`, `@x == ""`.
static EMPTY_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:\bempty\(\s*@([A-Za-z_][A-Za-z0-9_]*)\s*\)|@([A-Za-z_][A-Za-z0-9_]*)\s*==\s*(?:""|''))"#)
        .expect("valid")
});
/// An inline fallback: `IIF(Empty(X), "there", …)`.
static IIF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^\s*iif\s*\(\s*empty\s*\(\s*(@[A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\]|attributevalue\(\s*['"][^'"]+['"]\s*\))\s*\)\s*,\s*['"]([^'"]*)['"]"#)
        .expect("valid")
});
/// What an inline expression prints: a variable, an attribute.
static REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)@([A-Za-z_][A-Za-z0-9_]*)|attributevalue\(\s*['"]([^'"]+)['"]\s*\)|\[([^\]]+)\]"#,
    )
    .expect("valid")
});
/// Functions whose output is not the subscriber's data.
static SYSTEM_CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:contentblockby(?:key|id|name)|contentarea\w*|treatascontent\w*|redirectto|cloudpagesurl|microsite\w*|now|systemdatetolocaldate|httpget|buildrowsetfromstring)\s*\(")
        .expect("valid")
});

/// What the code blocks say of one variable.
#[derive(Debug, Default, Clone)]
struct Var<'t> {
    /// The attribute it is set from, when it is.
    attribute: Option<&'t str>,
    /// It is set to a literal, or computed: the template's own value.
    own: bool,
    /// The literal it gets when it is empty, as a byte range.
    fallback: Option<Range<usize>>,
}

/// Adds the AMPscript tokens of `text` to `out`.
pub(crate) fn pieces<'t>(text: &'t str, out: &mut Vec<(Range<usize>, Piece<'t>)>) {
    // Every `%%…%%` span, in order: blocks, inline expressions and
    // personalization strings.
    let mut spans: Vec<(Range<usize>, Range<usize>, u8)> = Vec::new();
    let mut from = 0;
    let bytes = text.as_bytes();
    while let Some(off) = text[from..].find("%%") {
        let s = from + off;
        let (kind, close) = match bytes.get(s + 2) {
            Some(b'[') => (b'[', "]%%"),
            Some(b'=') => (b'=', "=%%"),
            _ => (b'%', "%%"),
        };
        let inner_start = s + if kind == b'%' { 2 } else { 3 };
        let Some(end) = text[inner_start..].find(close).map(|i| inner_start + i) else {
            break;
        };
        crate::work::add(end - s);
        let inner = inner_start..end;
        if kind == b'%' {
            let name = &text[inner.clone()];
            let ok = !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ');
            if !ok {
                // Not a personalization string (`100%% sure`): look on from
                // the second `%%`.
                from = s + 2;
                continue;
            }
        }
        spans.push((s..end + close.len(), inner, kind));
        from = end + close.len();
    }
    if spans.is_empty() {
        return;
    }
    // What the blocks set.
    let mut vars: HashMap<String, Var<'t>> = HashMap::new();
    for (_, inner, kind) in &spans {
        if *kind != b'[' {
            continue;
        }
        let block = &text[inner.clone()];
        for c in SET.captures_iter(block) {
            let v = vars.entry(c[1].to_ascii_lowercase()).or_default();
            if let Some(a) = c.get(2).or(c.get(3)) {
                v.attribute.get_or_insert(a.as_str());
            } else {
                v.own = v.attribute.is_none();
            }
        }
        for t in EMPTY_TEST.captures_iter(block) {
            let name = t.get(1).or(t.get(2)).expect("a variable").as_str();
            let after = &block[t.get(0).expect("match").end()..];
            // The literal set to the same variable after the test.
            for c in SET.captures_iter(after) {
                if c[1].eq_ignore_ascii_case(name) {
                    if let Some(lit) = c.get(4) {
                        let at = inner.start + (block.len() - after.len());
                        let v = vars.entry(name.to_ascii_lowercase()).or_default();
                        if !lit.as_str().trim().is_empty() {
                            v.fallback = Some(at + lit.start()..at + lit.end());
                        }
                        break;
                    }
                }
            }
        }
    }
    for (whole, inner, kind) in spans {
        match kind {
            b'%' => out.push((
                whole.clone(),
                Piece::Value {
                    name: text[inner.clone()].trim(),
                    name_range: inner,
                    range: whole,
                    fallback: Fallback::Missing,
                    syntax: Syntax::Ampscript,
                },
            )),
            b'=' => out.push((whole.clone(), inline(text, whole, inner, &vars))),
            _ => out.push((whole, Piece::Other)),
        }
    }
}

/// The piece an inline expression `%%= … =%%` is.
fn inline<'t>(
    text: &'t str,
    whole: Range<usize>,
    inner: Range<usize>,
    vars: &HashMap<String, Var<'t>>,
) -> Piece<'t> {
    let expr = &text[inner.clone()];
    if SYSTEM_CALL.is_match(expr) {
        return Piece::Other;
    }
    if let Some(c) = IIF.captures(expr) {
        let subject = c.get(1).expect("subject");
        let (name, at) = referenced(subject.as_str(), inner.start + subject.start());
        let lit = c.get(2).expect("fallback");
        let fallback = if lit.as_str().trim().is_empty() {
            Fallback::Empty
        } else {
            Fallback::Default(inner.start + lit.start()..inner.start + lit.end())
        };
        return Piece::Value {
            name,
            name_range: at..at + name.len(),
            range: whole,
            fallback,
            syntax: Syntax::Ampscript,
        };
    }
    let Some(r) = REF.captures(expr) else {
        return Piece::Other;
    };
    if let Some(var) = r.get(1) {
        let at = inner.start + var.start();
        let info = vars.get(&var.as_str().to_ascii_lowercase());
        if info.is_some_and(|v| v.own && v.attribute.is_none() && v.fallback.is_none()) {
            // The template's own variable (`SET @greeting = "Hello"`).
            return Piece::Assign(var.as_str());
        }
        let fallback = match info.and_then(|v| v.fallback.clone()) {
            Some(f) => Fallback::Default(f),
            None => Fallback::Missing,
        };
        let name = info.and_then(|v| v.attribute).unwrap_or(var.as_str());
        return Piece::Value {
            name,
            name_range: at - 1..at + var.len(),
            range: whole,
            fallback,
            syntax: Syntax::Ampscript,
        };
    }
    let g = r.get(2).or(r.get(3)).expect("an attribute");
    let at = inner.start + g.start();
    Piece::Value {
        name: g.as_str(),
        name_range: at..at + g.len(),
        range: whole,
        fallback: Fallback::Missing,
        syntax: Syntax::Ampscript,
    }
}

/// The name an `Empty(…)` test is about, and where the name starts.
fn referenced(subject: &str, at: usize) -> (&str, usize) {
    if let Some(v) = subject.strip_prefix('@') {
        return (v, at + 1);
    }
    if let Some(inner) = subject.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return (inner, at + 1);
    }
    let q = subject.find(['"', '\'']).map_or(0, |i| i + 1);
    let rest = &subject[q..];
    let end = rest.find(['"', '\'']).unwrap_or(rest.len());
    (&rest[..end], at + q)
}

#[cfg(test)]
mod tests {
    use crate::text::template::{tokens, Fallback, Syntax};

    fn one(text: &str) -> (String, Fallback, String) {
        let t = tokens(text);
        assert_eq!(t.len(), 1, "{t:#?}");
        let t = &t[0];
        assert_eq!(t.syntax, Syntax::Ampscript);
        (
            t.name.to_string(),
            t.fallback.clone(),
            text[t.name_range.clone()].to_string(),
        )
    }

    #[test]
    fn personalization_strings_and_inline_values() {
        let (name, fb, at) = one("Hi %%FirstName%%, welcome");
        assert_eq!(
            (name.as_str(), fb, at.as_str()),
            ("FirstName", Fallback::Missing, "FirstName")
        );
        let (name, _, at) = one("Hi %%=AttributeValue(\"FirstName\")=%%!");
        assert_eq!((name.as_str(), at.as_str()), ("FirstName", "FirstName"));
        let (name, _, _) = one("Hi %%=[First Name]=%%!");
        assert_eq!(name, "First Name");
        // Not a token: percentages.
        assert!(tokens("100%% cotton, 50%% off").is_empty());
    }

    #[test]
    fn fallbacks_inline_and_from_a_block() {
        let text = "Hi %%=IIF(Empty([FirstName]), \"there\", [FirstName])=%%";
        let (name, fb, _) = one(text);
        assert_eq!(name, "FirstName");
        let Fallback::Default(r) = fb else {
            panic!("{fb:?}")
        };
        assert_eq!(&text[r], "there");
        let text = "%%[ SET @fn = AttributeValue(\"FirstName\") IF EMPTY(@fn) THEN SET @fn = \"friend\" ENDIF ]%% Hi %%=v(@fn)=%%";
        let (name, fb, at) = one(text);
        assert_eq!((name.as_str(), at.as_str()), ("FirstName", "@fn"));
        let Fallback::Default(r) = fb else {
            panic!("{fb:?}")
        };
        assert_eq!(&text[r], "friend");
        // Without the test, no fallback.
        let text = "%%[ SET @fn = AttributeValue(\"FirstName\") ]%% Hi %%=v(@fn)=%%";
        assert_eq!(one(text).1, Fallback::Missing);
    }

    #[test]
    fn the_templates_own_values_and_content_blocks_are_not_tokens() {
        assert!(tokens("%%[ SET @greeting = \"Hello\" ]%% %%=v(@greeting)=%%").is_empty());
        assert!(tokens("%%=ContentBlockByKey(\"footer\")=%%").is_empty());
    }
}
