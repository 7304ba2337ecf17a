//! Merge tokens in copy, and the copy's visible text.
//!
//! Recognised syntaxes:
//! - Liquid / Jinja style `{{ first_name }}`, with a fallback
//!   `{{ first_name | default: 'there' }}`;
//! - Mailchimp `*|FNAME|*` (no inline fallback), guarded by
//!   `*|IF:FNAME|* … *|END:IF|*`;
//! - guards that make a token safe when it is empty: Handlebars
//!   `{{#if first_name}}…{{else}}…{{/if}}` and Liquid
//!   `{% if first_name %}…{% else %}…{% endif %}`.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The template language a token is written in (it decides how a
/// fallback is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Liquid, Jinja, Django, Nunjucks, Handlebars: `| default: 'there'`.
    Liquid,
    /// Braze's Liquid attributes: `{{${first_name}}}`,
    /// `{{custom_attribute.${Loyalty Tier}}}`.
    Braze,
    Mailchimp,
    /// Salesforce Marketing Cloud AMPscript: `%%FirstName%%`, `%%=v(@x)=%%`.
    Ampscript,
    /// Mailjet: `[[var:firstname:"there"]]`, `{{var:firstname:"there"}}`.
    Mailjet,
    /// Handlebars helpers that take a fallback: Iterable's
    /// `{{defaultIfEmpty firstName "there"}}`, Salesforce's
    /// `{{isNullDefault tier "Basic"}}`.
    HandlebarsHelper,
    /// Mautic: `{contactfield=firstname|there}`.
    Mautic,
    /// SendGrid's `{{insert first_name "default=there"}}`.
    SendgridInsert,
}

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A value about the person the message goes to (or one preflight
    /// cannot place): it needs a fallback and a data source.
    Person,
    /// An item of a list the template loops over (`{{ p.name }}` inside
    /// `{% for p in products %}`, `{{this.title}}` inside `{{#each}}`), or
    /// a field of a section's object: the sender's data, filled for every
    /// item shown.
    Loop,
    /// A variable the template sets itself (`{% assign greeting = … %}`,
    /// AMPscript `SET @x = "…"`).
    Assigned,
}

/// How a token behaves when the person's value is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// Nothing: the copy shows an empty gap ("Hi ,").
    Missing,
    /// A `default` filter with this text (byte range into the copy).
    Default(Range<usize>),
    /// A `default` filter whose text is empty or blank.
    Empty,
    /// Inside an `if` block on the same name.
    Guarded,
    /// A Jinja `default('x')` without `true`: it fills in a missing value
    /// but not an empty string (byte range of the text into the copy).
    NotOnEmpty(Range<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'t> {
    /// The data name, such as `first_name` or `FNAME`.
    pub name: &'t str,
    /// The whole token, braces included.
    pub range: Range<usize>,
    /// The name inside the token.
    pub name_range: Range<usize>,
    pub fallback: Fallback,
    pub syntax: Syntax,
    pub role: Role,
}

impl Token<'_> {
    pub fn has_fallback(&self) -> bool {
        matches!(self.fallback, Fallback::Default(_) | Fallback::Guarded)
    }

    /// The fallback's text range, when it has one written inline.
    pub fn fallback_range(&self) -> Option<Range<usize>> {
        match &self.fallback {
            Fallback::Default(r) | Fallback::NotOnEmpty(r) => Some(r.clone()),
            _ => None,
        }
    }
}

/// A piece of a matched Liquid tag (as `regex::Match` gives it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Part<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl<'t> Part<'t> {
    pub fn start(&self) -> usize {
        self.start
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
    pub fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }
}

/// One Liquid tag: `{{ output }}` or `{% tag %}`, with an optional `-` on
/// either side inside the braces (whitespace control).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LiquidTag<'t> {
    whole: Part<'t>,
    inner: Part<'t>,
    /// `{{ … }}` rather than `{% … %}`.
    output: bool,
}

impl<'t> LiquidTag<'t> {
    /// As the regex `(?s)\{\{-?(.*?)-?\}\}|\{%-?(.*?)-?%\}` would capture:
    /// 0 the whole tag, 1 the inside of `{{ }}`, 2 the inside of `{% %}`.
    pub fn get(&self, group: usize) -> Option<Part<'t>> {
        match group {
            0 => Some(self.whole),
            1 if self.output => Some(self.inner),
            2 if !self.output => Some(self.inner),
            _ => None,
        }
    }
}

/// Every Liquid tag of `text`, left to right, without overlaps. A hand-made
/// scanner with the same matches as the regex in [`LiquidTag::get`]: a lazy
/// capture needs the regex crate's backtracker, which cost more than every
/// other template step together.
pub(crate) fn liquid_tags(text: &str) -> Vec<LiquidTag<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    let raw = raw_regions(text);
    let mut next_raw = 0;
    // An opener after the last closer of its kind can close nowhere:
    // known without scanning the rest of the text from every such opener.
    let (last_output, last_tag) = (text.rfind("}}"), text.rfind("%}"));
    while let Some(off) = text[from..].find('{') {
        let s = from + off;
        // A raw block holds text, not tags: skip to its end.
        while raw.get(next_raw).is_some_and(|r| r.end <= s) {
            next_raw += 1;
        }
        if let Some(r) = raw.get(next_raw).filter(|r| r.start <= s) {
            from = r.end;
            continue;
        }
        let close = match bytes.get(s + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                from = s + 1;
                continue;
            }
        };
        let mut inner_start = s + 2;
        if bytes.get(inner_start) == Some(&b'-') {
            inner_start += 1;
        }
        let last = if close == "}}" { last_output } else { last_tag };
        if last.is_none_or(|l| l < inner_start) {
            from = s + 1;
            continue;
        }
        let Some(mut c) = text[inner_start..].find(close).map(|i| inner_start + i) else {
            crate::work::add(text.len() - inner_start);
            from = s + 1;
            continue;
        };
        // Braze's attribute syntax nests braces: `{{${first_name}}}` closes
        // its `${` before the tag's `}}`.
        if close == "}}" {
            let inner = &text[inner_start..c];
            let open = inner.matches("${").count();
            let closed = inner.matches('}').count();
            let mut extra = open.saturating_sub(closed);
            while extra > 0 && text.get(c + 2..c + 3) == Some("}") {
                c += 1;
                extra -= 1;
            }
        }
        let inner_end = if c > inner_start && bytes[c - 1] == b'-' {
            c - 1
        } else {
            c
        };
        crate::work::add(c - s);
        let part = |start, end| Part { text, start, end };
        out.push(LiquidTag {
            whole: part(s, c + 2),
            inner: part(inner_start, inner_end),
            output: close == "}}",
        });
        from = c + 2;
    }
    out
}
/// The regions of `text` that a template language leaves as they are:
/// Handlebars raw blocks (`{{{{raw}}}}…{{{{/raw}}}}`, the markers
/// included) and the insides of Liquid's `{% raw %}…{% endraw %}`. Sorted.
pub(crate) fn raw_regions(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if !text.contains("raw") {
        return out;
    }
    let mut from = 0;
    while let Some(off) = text[from..].find("{{{{") {
        let s = from + off;
        let Some(name_end) = text[s + 4..].find("}}}}").map(|i| s + 4 + i) else {
            break;
        };
        let name = text[s + 4..name_end].trim();
        if name.starts_with('/') || name.is_empty() || name.contains(['{', '}']) {
            from = name_end + 4;
            continue;
        }
        let word = name.split_whitespace().next().unwrap_or(name);
        let closer = format!("{{{{{{{{/{word}}}}}}}}}");
        let end = text[name_end..]
            .find(&closer)
            .map_or(text.len(), |i| name_end + i + closer.len());
        out.push(s..end);
        from = end;
    }
    let mut from = 0;
    while let Some(off) = text[from..].find("{%") {
        let s = from + off;
        let Some(close) = text[s..].find("%}").map(|i| s + i + 2) else {
            break;
        };
        let inner = text[s + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == "raw" {
            let end = find_endraw(text, close).unwrap_or(text.len());
            out.push(close..end);
            from = end;
        } else {
            from = close;
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Where the `{% endraw %}` after `from` starts.
fn find_endraw(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(off) = text[at..].find("{%") {
        let s = at + off;
        let close = text[s..].find("%}").map(|i| s + i + 2)?;
        let inner = text[s + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == "endraw" {
            return Some(s);
        }
        at = close;
    }
    None
}

pub(crate) static MAILCHIMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\|([A-Za-z0-9_:]*)\|\*").expect("valid"));
static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_.\-]*$").expect("valid"));
static DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*default\s*(:|\()?\s*(?:'([^']*)'|"([^"]*)")"#).expect("valid")
});
/// What follows a Jinja default's text when it also fills in empty strings.
static JINJA_TRUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*,\s*(?:boolean\s*=\s*)?(?:true|True)\s*\)").expect("valid"));
/// SendGrid's `{{insert first_name "default=there"}}`.
static INSERT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^insert\s+([A-Za-z_][A-Za-z0-9_.\-]*)(?:\s+"default=([^"]*)")?\s*$"#)
        .expect("valid")
});

/// What a block binds for the tokens inside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Scope<'t> {
    /// Nothing: names inside mean what they mean outside.
    #[default]
    None,
    /// Loop variables (`p` in `{% for p in products %}`, `item` in
    /// `{{#each items as |item|}}`).
    Vars(Vec<&'t str>),
    /// An implicit context (`{{#each items}}`, a Mustache section
    /// `{{#details}}`): every bare name inside is a field of the item.
    Implicit,
}

/// Braze's attribute syntax inside `{{ }}`: `${first_name}`,
/// `custom_attribute.${Loyalty Tier}`.
static BRAZE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:custom_attribute\.)?\$\{([^}]+)\}$").expect("valid"));
/// Braze values that are not the person's: content blocks, the campaign's
/// and Canvas's own properties, the trigger's event data.
static BRAZE_NAMESPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:content_blocks|campaign|canvas|event_properties|api_trigger_properties|canvas_entry_properties|context)\.\$\{[^}]*\}")
        .expect("valid")
});
/// Handlebars helpers that take a fallback, Mailjet's `var:`/`data:`.
static HELPER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:defaultIfEmpty|isNullDefault|default)\s+([A-Za-z_][A-Za-z0-9_.]*)\s+(?:"([^"]*)"|'([^']*)')\s*$"#)
        .expect("valid")
});
static MAILJET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:var|data):([A-Za-z_][A-Za-z0-9_.]*)(?::(?:"([^"]*)"|'([^']*)'))?\s*$"#)
        .expect("valid")
});
static MAILJET_BRACKETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[\[(?:var|data):([A-Za-z_][A-Za-z0-9_.]*)(?::(?:"([^"]*)"|'([^']*)'))?\]\]"#)
        .expect("valid")
});
static MAUTIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{contactfield=([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}").expect("valid")
});
/// SendGrid's substitution tags: `<%asm_group_unsubscribe_raw_url%>`.
static SENDGRID_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<%\s*([A-Za-z_][A-Za-z0-9_]*)\s*%>").expect("valid"));

/// A value token of a platform's own syntax: its name and fallback.
pub(crate) struct PlatformValue<'t> {
    name: &'t str,
    name_range: Range<usize>,
    fallback: Fallback,
    syntax: Syntax,
}

impl<'t> PlatformValue<'t> {
    fn into_piece(self, range: Range<usize>) -> Piece<'t> {
        Piece::Value {
            name: self.name,
            name_range: self.name_range,
            range,
            fallback: self.fallback,
            syntax: self.syntax,
        }
    }
}

/// A fallback from a captured group: written, or empty.
fn fallback_of(g: Option<regex::Match>, at: usize) -> Fallback {
    match g {
        Some(d) if !d.as_str().trim().is_empty() => Fallback::Default(at + d.start()..at + d.end()),
        Some(_) => Fallback::Empty,
        None => Fallback::Missing,
    }
}

/// The inside of `{{ }}` as a Handlebars fallback helper or a Mailjet
/// variable; `at` is where `trimmed` starts in the text.
fn platform_value(trimmed: &str, at: usize) -> Option<PlatformValue<'_>> {
    for (re, syntax) in [
        (&*HELPER, Syntax::HandlebarsHelper),
        (&*MAILJET, Syntax::Mailjet),
    ] {
        if let Some(c) = re.captures(trimmed) {
            let name = c.get(1).expect("name");
            let fallback = match (c.get(2).or(c.get(3)), syntax) {
                // A helper without its fallback argument does not parse.
                (None, Syntax::HandlebarsHelper) => continue,
                (g, _) => fallback_of(g, at),
            };
            return Some(PlatformValue {
                name: name.as_str(),
                name_range: at + name.start()..at + name.end(),
                fallback,
                syntax,
            });
        }
    }
    None
}

/// Tokens of the syntaxes that are not `{{ }}` or `*| |*`: Mailjet's
/// `[[var:…]]`, Mautic's `{contactfield=…}`, SendGrid's `<%…%>` and
/// Marketing Cloud's AMPscript.
fn other_platforms<'t>(text: &'t str, out: &mut Vec<(Range<usize>, Piece<'t>)>) {
    if text.contains("[[") {
        for c in MAILJET_BRACKETS.captures_iter(text) {
            let whole = c.get(0).expect("match");
            let name = c.get(1).expect("name");
            out.push((
                whole.range(),
                Piece::Value {
                    name: name.as_str(),
                    name_range: name.range(),
                    range: whole.range(),
                    fallback: fallback_of(c.get(2).or(c.get(3)), 0),
                    syntax: Syntax::Mailjet,
                },
            ));
        }
    }
    if text.contains("{contactfield=") {
        for c in MAUTIC.captures_iter(text) {
            let whole = c.get(0).expect("match");
            let name = c.get(1).expect("name");
            out.push((
                whole.range(),
                Piece::Value {
                    name: name.as_str(),
                    name_range: name.range(),
                    range: whole.range(),
                    fallback: fallback_of(c.get(2), 0),
                    syntax: Syntax::Mautic,
                },
            ));
        }
    }
    if text.contains("<%") {
        for c in SENDGRID_TAG.captures_iter(text) {
            let whole = c.get(0).expect("match");
            let name = c.get(1).expect("name");
            out.push((
                whole.range(),
                Piece::Value {
                    name: name.as_str(),
                    name_range: name.range(),
                    range: whole.range(),
                    fallback: Fallback::Missing,
                    syntax: Syntax::Liquid,
                },
            ));
        }
    }
    if text.contains("%%") {
        crate::text::ampscript::pieces(text, out);
    }
}

/// One tag or token found in the text, in order.
pub(crate) enum Piece<'t> {
    Value {
        name: &'t str,
        name_range: Range<usize>,
        range: Range<usize>,
        fallback: Fallback,
        syntax: Syntax,
    },
    /// A block opener: the name it tests (for `if`), its block word, its
    /// range, and the names it binds inside (a loop's variables).
    Open(&'t str, &'t str, Range<usize>, Scope<'t>),
    /// A template variable set by the template itself.
    Assign(&'t str),
    Else,
    /// A block closer: its block word and range.
    Close(&'t str, Range<usize>),
    Other,
}

pub(crate) fn pieces(text: &str) -> Vec<(Range<usize>, Piece<'_>)> {
    let mut out = Vec::new();
    for c in liquid_tags(text) {
        let whole = c.get(0).expect("match");
        if let Some(inner) = c.get(1) {
            let body = inner.as_str();
            let trimmed = body.trim();
            let lead = body.len() - body.trim_start().len();
            let at = inner.start() + lead;
            if let Some(rest) = trimmed.strip_prefix('#') {
                let mut words = rest.split_whitespace();
                let block = words.next().unwrap_or("");
                let name = if block == "if" {
                    words.next().unwrap_or("")
                } else {
                    ""
                };
                let scope = match block {
                    "each" => match rest.split_once("as |") {
                        Some((_, vars)) => Scope::Vars(
                            vars.trim_end_matches(['|', ' '])
                                .split_whitespace()
                                .collect(),
                        ),
                        None => Scope::Implicit,
                    },
                    "if" | "unless" | "with" | "ifEquals" | "ifCond" => Scope::None,
                    // A Mustache section over a list or an object.
                    _ if NAME.is_match(block) => Scope::Implicit,
                    _ => Scope::None,
                };
                out.push((
                    whole.range(),
                    Piece::Open(name, block, whole.range(), scope),
                ));
                continue;
            }
            if trimmed == "else" || trimmed.starts_with("else ") {
                out.push((whole.range(), Piece::Else));
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('/') {
                out.push((whole.range(), Piece::Close(rest.trim(), whole.range())));
                continue;
            }
            if let Some(v) = platform_value(trimmed, at) {
                out.push((whole.range(), v.into_piece(whole.range())));
                continue;
            }
            if BRAZE_NAMESPACE.is_match(trimmed) {
                out.push((whole.range(), Piece::Other));
                continue;
            }
            if let Some(ins) = INSERT.captures(trimmed) {
                let name = ins.get(1).expect("name");
                let fallback = match ins.get(2) {
                    Some(d) if !d.as_str().trim().is_empty() => {
                        Fallback::Default(at + d.start()..at + d.end())
                    }
                    Some(_) => Fallback::Empty,
                    None => Fallback::Missing,
                };
                out.push((
                    whole.range(),
                    Piece::Value {
                        name: name.as_str(),
                        name_range: at + name.start()..at + name.end(),
                        range: whole.range(),
                        fallback,
                        syntax: Syntax::SendgridInsert,
                    },
                ));
                continue;
            }
            let (expr, filters) = match trimmed.find('|') {
                Some(i) => (trimmed[..i].trim_end(), Some(&trimmed[i + 1..])),
                None => (trimmed, None),
            };
            // Braze's attribute syntax: `${first_name}`, with the name
            // inside (which may hold spaces: `${Loyalty Tier}`).
            let (expr, name_at, syntax) = match BRAZE.captures(expr) {
                Some(b) => {
                    let n = b.get(1).expect("name");
                    let lead = n.as_str().len() - n.as_str().trim_start().len();
                    (n.as_str().trim(), at + n.start() + lead, Syntax::Braze)
                }
                None => (expr, at, Syntax::Liquid),
            };
            if !NAME.is_match(expr) && name_at == at {
                out.push((whole.range(), Piece::Other));
                continue;
            }
            let mut fallback = Fallback::Missing;
            if let Some(f) = filters {
                let f_start = at + trimmed.find('|').expect("has filter") + 1;
                for part in f.split('|') {
                    if let Some(d) = DEFAULT.captures(part) {
                        let g = d.get(2).or_else(|| d.get(3)).expect("one quote style");
                        let off = f_start + (part.as_ptr() as usize - f.as_ptr() as usize);
                        let jinja = d.get(1).is_some_and(|m| m.as_str() == "(");
                        let whole_default = d.get(0).expect("match");
                        let on_empty = !jinja || JINJA_TRUE.is_match(&part[whole_default.end()..]);
                        let range = off + g.start()..off + g.end();
                        fallback = if g.as_str().trim().is_empty() {
                            Fallback::Empty
                        } else if on_empty {
                            Fallback::Default(range)
                        } else {
                            Fallback::NotOnEmpty(range)
                        };
                    }
                }
            }
            out.push((
                whole.range(),
                Piece::Value {
                    name: expr,
                    name_range: name_at..name_at + expr.len(),
                    range: whole.range(),
                    fallback,
                    syntax,
                },
            ));
        } else if let Some(inner) = c.get(2) {
            let t = inner.as_str().trim();
            let mut words = t.split_whitespace();
            let piece = match words.next() {
                Some("if") => {
                    Piece::Open(words.next().unwrap_or(""), "if", whole.range(), Scope::None)
                }
                // `{% for p in products %}`, `{% for key, value in d.items() %}`.
                Some(b @ ("for" | "tablerow")) => {
                    let vars: Vec<&str> = t[b.len()..]
                        .split(" in ")
                        .next()
                        .unwrap_or("")
                        .split([',', ' '])
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .collect();
                    Piece::Open("", b, whole.range(), Scope::Vars(vars))
                }
                Some("capture") => {
                    let var = words.next().unwrap_or("");
                    out.push((whole.range(), Piece::Assign(var)));
                    Piece::Open("", "capture", whole.range(), Scope::None)
                }
                Some("assign" | "set") => match words.next() {
                    Some(var) => Piece::Assign(var.trim_end_matches('=')),
                    None => Piece::Other,
                },
                Some(b @ ("unless" | "case" | "comment" | "raw")) => {
                    Piece::Open("", b, whole.range(), Scope::None)
                }
                Some("else") | Some("elsif") | Some("when") => Piece::Else,
                Some(w) if w.starts_with("end") && w.len() > 3 => {
                    Piece::Close(&w[3..], whole.range())
                }
                _ => Piece::Other,
            };
            out.push((whole.range(), piece));
        }
    }
    for c in MAILCHIMP.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let inner = c.get(1).expect("group");
        let t = inner.as_str();
        let piece = if let Some(name) = t.strip_prefix("IF:") {
            Piece::Open(name, "IF", whole.range(), Scope::None)
        } else if t.starts_with("IFNOT:") {
            Piece::Open("", "IF", whole.range(), Scope::None)
        } else if t.starts_with("INTERESTED:") {
            Piece::Open("", "INTERESTED", whole.range(), Scope::None)
        } else if t.starts_with("ELSE:") || t.starts_with("ELSEIF:") {
            Piece::Else
        } else if let Some(block) = t.strip_prefix("END:") {
            Piece::Close(block, whole.range())
        } else if t.is_empty() {
            Piece::Other
        } else {
            Piece::Value {
                name: t.strip_prefix("HTML:").unwrap_or(t),
                name_range: if t.starts_with("HTML:") {
                    inner.start() + 5..inner.end()
                } else {
                    inner.range()
                },
                range: whole.range(),
                fallback: Fallback::Missing,
                syntax: Syntax::Mailchimp,
            }
        };
        out.push((whole.range(), piece));
    }
    other_platforms(text, &mut out);
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// The merge tokens of a text, in order, with their fallbacks and roles.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    if !has_template(text) {
        return Vec::new();
    }
    // Open blocks: (the name an `if` tests, in the else branch, what the
    // block binds), and how many blocks open and not in their else branch
    // test each name (lowercased), so that each token is checked in
    // constant time.
    let mut open: Vec<(String, bool, Scope)> = Vec::new();
    let mut guarding: std::collections::HashMap<String, usize> = Default::default();
    // Loop variables in force (with their count) and the implicit contexts.
    let mut vars: std::collections::HashMap<String, usize> = Default::default();
    let mut implicit = 0usize;
    let mut assigned: std::collections::HashSet<String> = Default::default();
    let mut out = Vec::new();
    for (_, piece) in pieces(text) {
        match piece {
            Piece::Open(name, _, _, scope) => {
                let name = name.to_lowercase();
                *guarding.entry(name.clone()).or_default() += 1;
                match &scope {
                    Scope::Vars(v) => v
                        .iter()
                        .for_each(|x| *vars.entry(x.to_string()).or_default() += 1),
                    Scope::Implicit => implicit += 1,
                    Scope::None => {}
                }
                open.push((name, false, scope));
            }
            Piece::Else => {
                if let Some(top) = open.last_mut() {
                    if !top.1 {
                        top.1 = true;
                        if let Some(n) = guarding.get_mut(&top.0) {
                            *n -= 1;
                        }
                    }
                }
            }
            Piece::Close(_, _) => {
                if let Some((name, in_else, scope)) = open.pop() {
                    if !in_else {
                        if let Some(n) = guarding.get_mut(&name) {
                            *n -= 1;
                        }
                    }
                    match scope {
                        Scope::Vars(v) => {
                            for x in v {
                                if let Some(n) = vars.get_mut(x) {
                                    *n -= 1;
                                }
                            }
                        }
                        Scope::Implicit => implicit = implicit.saturating_sub(1),
                        Scope::None => {}
                    }
                }
            }
            Piece::Assign(var) => {
                assigned.insert(var.to_string());
            }
            Piece::Other => {}
            Piece::Value {
                name,
                name_range,
                range,
                mut fallback,
                syntax,
            } => {
                if guarding.get(&name.to_lowercase()).is_some_and(|n| *n > 0) {
                    fallback = Fallback::Guarded;
                }
                let head = name.split('.').next().unwrap_or(name);
                let role = if vars.get(head).is_some_and(|n| *n > 0)
                    || matches!(head, "this" | "forloop" | "loop" | "tablerowloop")
                    || (implicit > 0 && !name.starts_with("@root"))
                {
                    Role::Loop
                } else if assigned.contains(head) {
                    Role::Assigned
                } else {
                    Role::Person
                };
                out.push(Token {
                    name,
                    range,
                    name_range,
                    fallback,
                    syntax,
                    role,
                });
            }
        }
    }
    out
}

/// Whether a text may hold template syntax at all.
fn has_template(text: &str) -> bool {
    text.contains("{{")
        || text.contains("{%")
        || text.contains("*|")
        || text.contains("[[")
        || text.contains("{contactfield=")
        || text.contains("<%")
        || text.contains("%%")
}

/// The characters a token without a fallback is counted as when judging
/// length: a typical first name or city.
pub const TOKEN_WIDTH: usize = 12;

/// The longest likely rendering of a template: each token becomes its
/// fallback or [`TOKEN_WIDTH`] characters, whichever is longer (padded with
/// `x`); tags are removed; of an `if`/`else` block only the first branch is
/// kept (usually the one with the value, and the longer).
pub fn rendered(text: &str) -> String {
    if !has_template(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    // Depth of open blocks, and the depth at which an else branch is being skipped.
    let mut depth = 0usize;
    let mut skipping: Option<usize> = None;
    for (range, piece) in pieces(text) {
        if range.start < at {
            continue;
        }
        if skipping.is_none() {
            out.push_str(&text[at..range.start]);
        }
        at = range.end;
        match piece {
            Piece::Open(..) => depth += 1,
            Piece::Close(..) => {
                if skipping == Some(depth) {
                    skipping = None;
                }
                depth = depth.saturating_sub(1);
            }
            Piece::Else => {
                if skipping.is_none() && depth > 0 {
                    skipping = Some(depth);
                }
            }
            Piece::Other | Piece::Assign(_) => {}
            Piece::Value { fallback, .. } => {
                if skipping.is_none() {
                    let fb = match &fallback {
                        Fallback::Default(r) | Fallback::NotOnEmpty(r) => &text[r.clone()],
                        _ => "",
                    };
                    out.push_str(fb);
                    let n = fb.chars().count();
                    if n < TOKEN_WIDTH {
                        out.extend(std::iter::repeat_n('x', TOKEN_WIDTH - n));
                    }
                }
            }
        }
    }
    if skipping.is_none() {
        out.push_str(&text[at..]);
    }
    out
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?://|www\.|mailto:)[^\s<>"']+"#).expect("valid"));
/// Template syntax other than Liquid's and Mailchimp's: AMPscript blocks
/// and inline expressions (`%%[ … ]%%`, `%%= … =%%`), personalisation
/// strings (`%%first_name%%`), and ERB-style tags (`<%asm_unsubscribe_url%>`).
static OTHER_SYNTAX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)%%\[.*?\]%%|%%=.*?=%%|%%[A-Za-z_][A-Za-z0-9_]*%%|<%.*?%>").expect("valid")
});

/// The text a reader sees: HTML tags, URLs and template syntax are blanked
/// out with spaces, the text of token fallbacks is kept, and HTML character
/// references (`&rsquo;`, `&#39;`, `&amp;`, `&nbsp;`…) are decoded.
/// [`Visible::source_range`] maps a range of the result back to `text`.
#[derive(Debug, Clone)]
pub struct Visible<'t> {
    pub text: Cow<'t, str>,
    /// Each decoded character reference: (start in the result, its length
    /// there, its length in the source). Sorted; empty when none.
    shifts: Vec<(usize, usize, usize)>,
    /// For each shift, how much longer the source is than the text before it.
    deltas: Vec<isize>,
}

impl Visible<'_> {
    /// The source byte range of a range of the visible text.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        self.to_source(r.start, false)..self.to_source(r.end, true)
    }

    fn to_source(&self, o: usize, is_end: bool) -> usize {
        // The shifts that start before `o`, found by binary search; the
        // source is longer than the text by the sum of their differences.
        let k = self.shifts.partition_point(|&(start, _, _)| start < o);
        crate::work::add(self.shifts.len().max(1).ilog2() as usize + 1);
        if k == 0 {
            return o;
        }
        let (start, out_len, src_len) = self.shifts[k - 1];
        let before = self.deltas[k - 1];
        if o < start + out_len {
            let base = (start as isize + before) as usize;
            return if is_end { base + src_len } else { base };
        }
        let after = before + src_len as isize - out_len as isize;
        (o as isize + after) as usize
    }
}

static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});").expect("valid")
});

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|c| !c.is_control());
    }
    Some(match name {
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        "nbsp" => ' ',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "aacute" => 'á',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        _ => return None,
    })
}

/// See [`Visible`].
pub fn visible_text(text: &str) -> Visible<'_> {
    let has_markup = text.contains('<')
        || text.contains("{{")
        || text.contains("{%")
        || text.contains("*|")
        || text.contains("://")
        || text.contains("www.")
        || text.contains("mailto:");
    let blanked: Cow<'_, str> = if has_markup {
        blank_markup(text)
    } else {
        Cow::Borrowed(text)
    };
    if !blanked.contains('&') {
        return Visible {
            text: blanked,
            shifts: Vec::new(),
            deltas: Vec::new(),
        };
    }
    let mut out = String::with_capacity(blanked.len());
    let mut shifts = Vec::new();
    let mut last = 0;
    for c in ENTITY.captures_iter(&blanked) {
        let whole = c.get(0).expect("match");
        let Some(ch) = decode_entity(&c[1]) else {
            continue;
        };
        out.push_str(&blanked[last..whole.start()]);
        shifts.push((out.len(), ch.len_utf8(), whole.len()));
        out.push(ch);
        last = whole.end();
    }
    if shifts.is_empty() {
        return Visible {
            text: blanked,
            shifts,
            deltas: Vec::new(),
        };
    }
    out.push_str(&blanked[last..]);
    let mut delta = 0isize;
    let deltas = shifts
        .iter()
        .map(|&(_, out_len, src_len)| {
            let before = delta;
            delta += src_len as isize - out_len as isize;
            before
        })
        .collect();
    Visible {
        text: Cow::Owned(out),
        shifts,
        deltas,
    }
}

/// Blanks tags, URLs and template syntax with spaces (same byte length).
fn blank_markup(text: &str) -> Cow<'_, str> {
    let mut blank: Vec<Range<usize>> = Vec::new();
    for c in liquid_tags(text) {
        let whole = c.get(0).expect("match").range();
        // Keep a quoted default's text readable.
        match c.get(1).map(|i| (i, i.as_str())) {
            Some((inner, body)) if body.contains('|') => {
                let keep = body.find('|').and_then(|i| {
                    let after = &body[i + 1..];
                    DEFAULT
                        .captures(after)
                        .and_then(|d| d.get(2).or_else(|| d.get(3)))
                        .map(|g| {
                            let off = inner.start() + i + 1;
                            off + g.start()..off + g.end()
                        })
                });
                match keep {
                    Some(k) => {
                        blank.push(whole.start..k.start);
                        blank.push(k.end..whole.end);
                    }
                    None => blank.push(whole),
                }
            }
            Some((inner, body)) => {
                let lead = body.len() - body.trim_start().len();
                match INSERT.captures(body.trim()).and_then(|c| c.get(2)) {
                    Some(d) => {
                        let off = inner.start() + lead;
                        blank.push(whole.start..off + d.start());
                        blank.push(off + d.end()..whole.end);
                    }
                    None => blank.push(whole),
                }
            }
            _ => blank.push(whole),
        }
    }
    blank.extend(MAILCHIMP.find_iter(text).map(|m| m.range()));
    blank.extend(OTHER_SYNTAX.find_iter(text).map(|m| m.range()));
    let mut bytes = text.as_bytes().to_vec();
    let apply = |bytes: &mut Vec<u8>, ranges: &[Range<usize>]| {
        for r in ranges {
            for b in &mut bytes[r.start.min(r.end)..r.end.min(text.len())] {
                *b = b' ';
            }
        }
    };
    apply(&mut bytes, &blank);
    // The markup, read by an HTML tokenizer once template syntax is masked
    // (so that a `<` inside a merge tag never opens a tag); then URLs.
    let masked = String::from_utf8_lossy(&bytes).into_owned();
    let mut rest = Vec::new();
    if crate::text::html::has_tags(&masked) {
        rest.extend(crate::text::html::not_copy(&masked));
    }
    rest.extend(URL.find_iter(&masked).map(|m| m.range()));
    apply(&mut bytes, &rest);
    // Blanked ranges always cover whole characters (they start and end at
    // ASCII delimiters or at regex match bounds), so this stays UTF-8; fall
    // back to the original text if it ever does not.
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liquid_scanner_matches_the_regex() {
        let re = Regex::new(r"(?s)\{\{-?(.*?)-?\}\}|\{%-?(.*?)-?%\}").unwrap();
        let alphabet: Vec<char> = "{}%-a \né".chars().collect();
        let mut seed: u64 = 0x243f_6a88_85a3_08d3;
        let mut cases: Vec<String> = [
            "",
            "{{",
            "{{}}",
            "{{-}}",
            "{{--}}",
            "{%-%}",
            "{{ a }}",
            "{{{ a }}}",
            "{% if x %}{{ y }}{% endif %}",
            "{{ a -}}",
            "{{- a }}",
            "{{ a }",
            "{ {{ a }} }",
            "{{ a %}",
            "{% a }}",
            "{{ a }}}}",
            "é{{é}}é",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 14) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            cases.push(s);
        }
        for text in &cases {
            let want: Vec<_> = re
                .captures_iter(text)
                .map(|c| {
                    (
                        c.get(0).unwrap().range(),
                        c.get(1).map(|m| m.range()),
                        c.get(2).map(|m| m.range()),
                    )
                })
                .collect();
            let got: Vec<_> = liquid_tags(text)
                .iter()
                .map(|c| {
                    (
                        c.get(0).unwrap().range(),
                        c.get(1).map(|m| m.range()),
                        c.get(2).map(|m| m.range()),
                    )
                })
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    fn summary(text: &str) -> Vec<(String, String)> {
        tokens(text)
            .into_iter()
            .map(|t| {
                let fb = match &t.fallback {
                    Fallback::Missing => "missing".to_string(),
                    Fallback::Empty => "empty".to_string(),
                    Fallback::Guarded => "guarded".to_string(),
                    Fallback::Default(r) => format!("default:{}", &text[r.clone()]),
                    Fallback::NotOnEmpty(r) => format!("not-on-empty:{}", &text[r.clone()]),
                };
                (t.name.to_string(), fb)
            })
            .collect()
    }

    #[test]
    fn rendering_counts_tokens_as_fallback_or_twelve_characters() {
        assert_eq!(rendered("Hi {{ first_name }}!"), "Hi xxxxxxxxxxxx!");
        assert_eq!(
            rendered("Hi {{ first_name | default: 'there' }}!"),
            "Hi therexxxxxxx!"
        );
        assert_eq!(
            rendered("{{ x | default: 'a very long fallback text' }}"),
            "a very long fallback text"
        );
        assert_eq!(
            rendered("{{#if first_name}}Hi {{first_name}}{{else}}Hello there{{/if}}, go"),
            "Hi xxxxxxxxxxxx, go"
        );
        assert_eq!(
            rendered("*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi*|END:IF|*!"),
            "Hi xxxxxxxxxxxx!"
        );
        assert_eq!(rendered("plain"), "plain");
    }

    #[test]
    fn platform_fallback_forms() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        // Klaviyo's spacing, SendGrid's insert, Jinja with and without `true`.
        assert_eq!(
            summary("{{ first_name|default:'friend' }}"),
            vec![s("first_name", "default:friend")]
        );
        assert_eq!(
            summary("Hi {{insert first_name \"default=there\"}} {{insert city}}"),
            vec![s("first_name", "default:there"), s("city", "missing")]
        );
        assert_eq!(
            summary("{{ first_name | default('there', true) }}"),
            vec![s("first_name", "default:there")]
        );
        assert_eq!(
            summary("{{ first_name | default('there') }}"),
            vec![s("first_name", "not-on-empty:there")]
        );
        assert_eq!(
            summary("*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi*|END:IF|*"),
            vec![s("FNAME", "guarded")]
        );
        assert_eq!(
            summary("{{#if first_name}}Hi {{first_name}}{{else}}Hi{{/if}}"),
            vec![s("first_name", "guarded")]
        );
        let src = "Hi {{insert first_name \"default=there\"}},";
        let v = visible_text(src);
        assert_eq!(v.text.len(), src.len());
        assert_eq!(
            v.text.split_whitespace().collect::<Vec<_>>(),
            ["Hi", "there", ","]
        );
    }

    #[test]
    fn liquid_tokens_and_defaults() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            summary("Hi {{ first_name }},"),
            vec![s("first_name", "missing")]
        );
        assert_eq!(
            summary("Hi {{ first_name | default: 'there' }}, {{city|default:\"you\"}}"),
            vec![s("first_name", "default:there"), s("city", "default:you")]
        );
        assert_eq!(
            summary("Hi {{ first_name | default: '' }}"),
            vec![s("first_name", "empty")]
        );
        assert_eq!(
            summary("{{ name | capitalize | default: 'friend' }}"),
            vec![s("name", "default:friend")]
        );
        assert_eq!(summary("{{ 'literal' }} {{ x + 1 }}"), vec![]);
    }

    #[test]
    fn guards_make_tokens_safe() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            summary("{{#if first_name}}Hi {{first_name}}{{else}}Hi {{first_name}}{{/if}} {{city}}"),
            vec![
                s("first_name", "guarded"),
                s("first_name", "missing"),
                s("city", "missing")
            ]
        );
        assert_eq!(
            summary("{% if city %}in {{ city }}{% endif %}"),
            vec![s("city", "guarded")]
        );
        assert_eq!(
            summary("*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi*|END:IF|* *|LNAME|* *|UNSUB|*"),
            vec![
                s("FNAME", "guarded"),
                s("LNAME", "missing"),
                s("UNSUB", "missing")
            ]
        );
    }

    #[test]
    fn token_ranges_point_at_names() {
        let t = "Hello {{  first_name }}!";
        let tok = &tokens(t)[0];
        assert_eq!(&t[tok.name_range.clone()], "first_name");
        assert_eq!(&t[tok.range.clone()], "{{  first_name }}");
    }

    #[test]
    fn visible_text_keeps_offsets_and_fallback_words() {
        let t = "<a href=\"https://x.com/fathers-day\">Shop</a> {{ occasion | default: 'Father’s Day' }} www.expecting.com";
        let v = visible_text(t).text;
        assert_eq!(v.len(), t.len());
        assert!(!v.contains("href") && !v.contains("fathers-day") && !v.contains("expecting"));
        assert!(v.contains("Shop") && v.contains("Father’s Day"));
        let i = v.find("Father’s Day").unwrap();
        assert_eq!(&t[i..i + "Father’s Day".len()], "Father’s Day");
        assert!(matches!(visible_text("plain words").text, Cow::Borrowed(_)));
    }

    #[test]
    fn character_references_are_decoded_and_mapped_back() {
        let t =
            "<p>Happy Father&rsquo;s Day &amp; more&#8230; caf&eacute; Father&#39;s&nbsp;Day</p>";
        let v = visible_text(t);
        assert!(
            v.text
                .contains("Happy Father’s Day & more… café Father's Day"),
            "{}",
            v.text
        );
        let i = v.text.find("Father’s Day").unwrap();
        let r = v.source_range(i..i + "Father’s Day".len());
        assert_eq!(&t[r], "Father&rsquo;s Day");
        let j = v.text.rfind("Father's Day").unwrap();
        let r = v.source_range(j..j + "Father's Day".len());
        assert_eq!(&t[r], "Father&#39;s&nbsp;Day");
        // A range that starts inside a decoded character covers all of it.
        let k = v.text.find('’').unwrap();
        assert_eq!(&t[v.source_range(k..k + 3)], "&rsquo;");
        // Unknown references stay as written.
        assert_eq!(visible_text("a &bogus; b").text, "a &bogus; b");
    }

    /// (name, has a fallback, syntax, role) of every token.
    fn seen(text: &str) -> Vec<(String, bool, Syntax, Role)> {
        tokens(text)
            .into_iter()
            .map(|t| (t.name.to_string(), t.has_fallback(), t.syntax, t.role))
            .collect()
    }

    #[test]
    fn every_platforms_token_syntax() {
        use Role::Person;
        for (text, name, fallback, syntax) in [
            ("Hi {{${first_name}}}!", "first_name", false, Syntax::Braze),
            (
                "Hi {{${first_name} | default: 'there'}}!",
                "first_name",
                true,
                Syntax::Braze,
            ),
            (
                "Tier: {{custom_attribute.${Loyalty Tier}}}",
                "Loyalty Tier",
                false,
                Syntax::Braze,
            ),
            (
                "Tier: {{custom_attribute.${Loyalty Tier} | default: 'Basic'}}",
                "Loyalty Tier",
                true,
                Syntax::Braze,
            ),
            (
                "Hi [[var:firstname:\"there\"]]",
                "firstname",
                true,
                Syntax::Mailjet,
            ),
            ("Hi [[data:firstname]]", "firstname", false, Syntax::Mailjet),
            (
                "Hi {{var:firstname:\"there\"}}",
                "firstname",
                true,
                Syntax::Mailjet,
            ),
            (
                "Hi {{defaultIfEmpty firstName \"there\"}}",
                "firstName",
                true,
                Syntax::HandlebarsHelper,
            ),
            (
                "Tier {{isNullDefault tier \"Basic\"}}",
                "tier",
                true,
                Syntax::HandlebarsHelper,
            ),
            (
                "Hi {contactfield=firstname|there}",
                "firstname",
                true,
                Syntax::Mautic,
            ),
            (
                "Hi {contactfield=firstname}",
                "firstname",
                false,
                Syntax::Mautic,
            ),
            ("Hi %%FirstName%%", "FirstName", false, Syntax::Ampscript),
            (
                "Hi {{insert name \"default=there\"}}",
                "name",
                true,
                Syntax::SendgridInsert,
            ),
        ] {
            assert_eq!(
                seen(text),
                [(name.to_string(), fallback, syntax, Person)],
                "{text}"
            );
        }
        // Names point at the name itself.
        let text = "Tier: {{custom_attribute.${Loyalty Tier}}}";
        assert_eq!(&text[tokens(text)[0].name_range.clone()], "Loyalty Tier");
        // Braze's content blocks and campaign properties are no person's data.
        assert!(tokens("{{content_blocks.${footer}}} {{campaign.${name}}}").is_empty());
        // A nested `${…}` closes before the tag: nothing is left over.
        assert!(crate::text::template_syntax::malformed("Hi {{${first_name}}}!", &[]).is_empty());
    }

    #[test]
    fn loop_section_and_assigned_variables_are_not_the_persons() {
        let roles = |text: &str| -> Vec<(String, Role)> {
            tokens(text)
                .into_iter()
                .map(|t| (t.name.to_string(), t.role))
                .collect()
        };
        let r = roles("{{#each items}}{{this.title}} {{price}}{{/each}} {{first_name}}");
        assert_eq!(
            r,
            [
                ("this.title".to_string(), Role::Loop),
                ("price".to_string(), Role::Loop),
                ("first_name".to_string(), Role::Person)
            ]
        );
        let r = roles("{% for p in products %}{{ p.name }}{% endfor %}{{ p.name }}");
        assert_eq!(
            r,
            [
                ("p.name".to_string(), Role::Loop),
                ("p.name".to_string(), Role::Person)
            ]
        );
        let r = roles("{{#each lines as |line|}}{{line.sku}} {{@root.first_name}}{{/each}}");
        assert_eq!(r[0], ("line.sku".to_string(), Role::Loop));
        let r = roles("{{#attachment_details}}{{attachment_name}}{{/attachment_details}}");
        assert_eq!(r, [("attachment_name".to_string(), Role::Loop)]);
        let r = roles("{% assign greeting = 'Hi' %}{{ greeting }} {% capture note %}x{% endcapture %}{{ note }}");
        assert_eq!(
            r,
            [
                ("greeting".to_string(), Role::Assigned),
                ("note".to_string(), Role::Assigned)
            ]
        );
        // An `if` block is no scope.
        assert_eq!(roles("{{#if vip}}{{first_name}}{{/if}}")[0].1, Role::Person);
    }
}
