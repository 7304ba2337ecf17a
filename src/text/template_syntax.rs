//! Mistakes in a template's syntax that would show customers raw braces:
//! unclosed `{{ }}`, `{% %}` and `*| |*`, blocks that are opened and never
//! closed (or closed twice), unknown filters and fallbacks whose quotes do
//! not close.

use std::ops::Range;
use std::sync::LazyLock;

use crate::input::yaml::{self, Budget};
use crate::text::template::{liquid_tags, pieces, Piece, MAILCHIMP};

/// One syntax mistake, with the exact characters to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
}

pub const FILTERS_FILE: (&str, &str) = (
    "checks/template-filters.yaml",
    include_str!("../../checks/template-filters.yaml"),
);

/// Reads the known filter names (sorted) from the filters file.
pub fn parse_filters(text: &str) -> Result<Vec<String>, String> {
    let docs = yaml::parse(text, 0, Budget::default()).map_err(|e| e.message)?;
    let root = docs.first().map(|d| &d.root).ok_or("empty filters file")?;
    let mut out = Vec::new();
    for e in root.as_map().ok_or("the filters file must be a mapping")? {
        for f in e
            .value
            .as_seq()
            .ok_or("each entry must be a list of names")?
        {
            let name = f.as_str().ok_or("a filter name must be text")?;
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(format!("`{name}` is not a filter name"));
            }
            out.push(name.to_string());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The filters the template languages know.
pub fn known_filters() -> &'static [String] {
    static F: LazyLock<Vec<String>> = LazyLock::new(|| {
        parse_filters(FILTERS_FILE.1)
            .unwrap_or_else(|e| panic!("built-in {} is invalid: {e}", FILTERS_FILE.0))
    });
    &F
}

/// Whether `at` lies in one of `ranges` (sorted, not overlapping): found by
/// binary search, so that checking every brace of a long body stays linear.
fn covered(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.start <= at);
    crate::work::add(ranges.len().max(1).ilog2() as usize + 1);
    i > 0 && ranges[i - 1].contains(&at)
}

/// Every syntax mistake in `text`, in order.
pub fn malformed(text: &str, filters: &[String]) -> Vec<Malformed> {
    if !text.contains('{') && !text.contains('}') && !text.contains("*|") && !text.contains("|*") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let tags = liquid_tags(text);
    let ranges: Vec<Range<usize>> = tags
        .iter()
        .map(|c| c.get(0).expect("match").range())
        .collect();
    // A tag whose body holds another opener swallowed a tag that was never closed.
    for c in &tags {
        let whole = c.get(0).expect("match");
        let body = c.get(1).or_else(|| c.get(2)).expect("body").as_str();
        if body.contains("{{") || body.contains("{%") {
            let (open, close) = if whole.as_str().starts_with("{{") {
                ("{{", "}}")
            } else {
                ("{%", "%}")
            };
            out.push(Malformed {
                range: whole.start()..whole.start() + 2,
                message: format!(
                    "this `{open}` is never closed: customers would see the raw braces"
                ),
                help: format!("close it with `{close}` right after the token's name"),
            });
        }
    }
    // Openers and closers outside any complete tag.
    let raw = crate::text::template::raw_regions(text);
    for (open, close) in [("{{", "}}"), ("{%", "%}")] {
        for (at, _) in text.match_indices(open) {
            if covered(&raw, at) {
                continue;
            }
            if !covered(&ranges, at) && !covered(&ranges, at + 1) {
                out.push(Malformed {
                    range: at..at + 2,
                    message: format!(
                        "this `{open}` is never closed: customers would see the raw braces"
                    ),
                    help: format!("close it with `{close}`, or remove it"),
                });
            }
        }
        for (at, _) in text.match_indices(close) {
            if covered(&raw, at) {
                continue;
            }
            if !covered(&ranges, at) && !covered(&ranges, at + 1) {
                out.push(Malformed {
                    range: at..at + 2,
                    message: format!(
                        "this `{close}` closes nothing: customers would see the raw braces"
                    ),
                    help: format!("add the missing `{open}` before the token's name, or remove it"),
                });
            }
        }
    }
    let mc: Vec<Range<usize>> = MAILCHIMP.find_iter(text).map(|m| m.range()).collect();
    for (at, _) in text.match_indices("*|") {
        if !covered(&mc, at) {
            out.push(Malformed {
                range: at..at + 2,
                message: "this Mailchimp merge tag is never closed with `|*`".into(),
                help: "write merge tags as `*|FNAME|*`".into(),
            });
        }
    }
    // Blocks: every opener needs its closer, in order. Each block word keeps
    // the stack places of its open blocks, so a closer finds its opener at
    // once however deep the stack is.
    let mut stack: Vec<(&str, Range<usize>)> = Vec::new();
    let mut by_word: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (_, piece) in pieces(text) {
        crate::work::add(1);
        match piece {
            Piece::Open(_, block, range, _) => {
                by_word
                    .entry(block.to_ascii_lowercase())
                    .or_default()
                    .push(stack.len());
                stack.push((block, range));
            }
            Piece::Close(block, range) => {
                let word = block.split_whitespace().next().unwrap_or("");
                let word = word.split(':').next().unwrap_or(word);
                match by_word
                    .get(&word.to_ascii_lowercase())
                    .and_then(|v| v.last().copied())
                {
                    Some(i) => {
                        for (b, r) in stack.drain(i + 1..) {
                            if let Some(v) = by_word.get_mut(&b.to_ascii_lowercase()) {
                                v.pop();
                            }
                            out.push(never_closed(text, b, r));
                        }
                        if let Some((b, _)) = stack.pop() {
                            if let Some(v) = by_word.get_mut(&b.to_ascii_lowercase()) {
                                v.pop();
                            }
                        }
                    }
                    None => out.push(Malformed {
                        range: range.clone(),
                        message: format!("`{}` closes a block that was never opened", &text[range]),
                        help: "remove it, or add the block's opening tag before it".into(),
                    }),
                }
            }
            _ => {}
        }
    }
    for (b, r) in stack {
        out.push(never_closed(text, b, r));
    }
    // Filters and quoted fallbacks.
    for c in &tags {
        let Some(inner) = c.get(1) else { continue };
        let body = inner.as_str();
        let Some(bar) = body.find('|') else { continue };
        if body.trim_start().starts_with(['#', '/']) {
            continue;
        }
        // A JavaScript expression (Maizzle, Eleventy: `page.preheader ||
        // 'x'`) has `||` for "or", not filters.
        if body.contains("||") {
            continue;
        }
        let mut at = inner.start() + bar + 1;
        for part in body[bar + 1..].split('|') {
            let lead = part.len() - part.trim_start().len();
            let trimmed = part.trim();
            let name_len = trimmed
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(trimmed.len());
            let name = &trimmed[..name_len];
            let start = at + lead;
            if !name.is_empty() && filters.binary_search_by(|f| f.as_str().cmp(name)).is_err() {
                let hint =
                    crate::text::suggest::did_you_mean(name, filters.iter().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                out.push(Malformed {
                    range: start..start + name.len(),
                    message: format!("`{name}` is not a filter the template languages know, so the platform would reject the template or print it raw"),
                    help: format!("{hint}Check the spelling; fallbacks are written `default: 'there'`"),
                });
            }
            if name == "default" || name == "d" {
                if let Some(q) = unclosed_quote(&trimmed[name_len..]) {
                    let q_at = start + name_len + q;
                    out.push(Malformed {
                        range: q_at..q_at + 1,
                        message: "the fallback's quote is never closed".into(),
                        help: "close the fallback text with the same quote it opens with, such as `default: 'there'`".into(),
                    });
                }
            }
            at += part.len() + 1;
        }
    }
    out.sort_by_key(|m| (m.range.start, m.range.end));
    out.dedup();
    out
}

/// The offset of a quote that opens and never closes, if any.
fn unclosed_quote(args: &str) -> Option<usize> {
    let mut quote: Option<(char, usize)> = None;
    for (i, ch) in args.char_indices() {
        match quote {
            None if ch == '\'' || ch == '"' => quote = Some((ch, i)),
            Some((q, _)) if ch == q => quote = None,
            _ => {}
        }
    }
    quote.map(|(_, i)| i)
}

fn never_closed(text: &str, block: &str, range: Range<usize>) -> Malformed {
    let closer = match block {
        "IF" | "INTERESTED" => format!("*|END:{block}|*"),
        b if text[range.clone()].starts_with("{{") => format!("{{{{/{b}}}}}"),
        b => format!("{{% end{b} %}}"),
    };
    Malformed {
        message: format!(
            "`{}` opens a block that is never closed: the rest of the message may not show",
            &text[range.clone()]
        ),
        help: format!("close the block with `{closer}`"),
        range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        malformed(text, known_filters())
            .into_iter()
            .map(|m| (text[m.range].to_string(), m.message))
            .collect()
    }

    #[test]
    fn the_filters_file_is_valid() {
        let f = parse_filters(FILTERS_FILE.1).unwrap();
        assert!(f.iter().any(|x| x == "default"));
        assert!(parse_filters("liquid: [ok, 'bad name']\n").is_err());
    }

    #[test]
    fn well_formed_templates_pass() {
        for ok in [
            "Hi {{ first_name | default: 'there' }},",
            "{{#if first_name}}Hi {{first_name}}{{else}}Hi{{/if}}",
            "{% if city %}In {{ city | upcase }}{% else %}Near you{% endif %}",
            "*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hi*|END:IF|* *|UNSUB|*",
            "{{ name | default('there', true) | title }}",
            "{{ first_name|default:\"it's you\" }}",
            "{% for x in items %}{{ x }}{% endfor %}",
            "Plain text with a } brace.",
        ] {
            assert!(found(ok).is_empty(), "{ok}: {:?}", found(ok));
        }
    }

    #[test]
    fn mistakes_point_at_their_characters() {
        let cases = [
            (
                "Hi {{ first_name }, welcome {{ city }}",
                "{{",
                "never closed",
            ),
            ("Hi {{ first_name", "{{", "never closed"),
            ("Hi first_name }}", "}}", "closes nothing"),
            ("{% if vip %}Gold members", "{% if vip %}", "never closed"),
            ("{{#if first_name}}Hi", "{{#if first_name}}", "never closed"),
            ("*|IF:FNAME|*Hi *|FNAME|*", "*|IF:FNAME|*", "never closed"),
            (
                "Hi {{ first_name | defualt: 'there' }}",
                "defualt",
                "not a filter",
            ),
            (
                "Hi {{ first_name | default: 'there }}",
                "'",
                "quote is never closed",
            ),
            ("Hi{% endif %}", "{% endif %}", "never opened"),
            ("Hi *|FNAME", "*|", "never closed"),
        ];
        for (text, at, says) in cases {
            let f = found(text);
            assert!(
                f.iter().any(|(s, m)| s == at && m.contains(says)),
                "{text}: {f:?}"
            );
        }
        let f = malformed("{{ x | defualt: 'y' }}", known_filters());
        assert!(f[0].help.contains("did you mean `default`?"), "{:?}", f[0]);
    }

    #[test]
    fn many_tags_in_one_long_body_cost_linear_work() {
        let steps = |n: usize| {
            let text = "Hi {{ name }}, {% if vip %}VIP{% endif %} *|FNAME|* ".repeat(n);
            crate::work::count(|| malformed(&text, &[])).1
        };
        // Binary searches: n·log n, a little over double.
        let (small, large) = (steps(2_000), steps(4_000));
        assert!(
            crate::work::at_most_doubled(small, large, small / 5),
            "{small} {large}"
        );
    }

    #[test]
    fn raw_blocks_hold_text_not_tags() {
        let hbs = "{{{{raw}}}}<script>{\"a\": {\"b\": 1}}</script> {{ not_a_token }}{{{{/raw}}}} {{ first_name }}";
        assert!(malformed(hbs, &[]).is_empty(), "{:?}", malformed(hbs, &[]));
        let names: Vec<&str> = crate::text::template::tokens(hbs)
            .iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["first_name"]);
        let liquid = "{% raw %}{{ shown as is }} }}{% endraw %} {{ city }}";
        assert!(
            malformed(liquid, &[]).is_empty(),
            "{:?}",
            malformed(liquid, &[])
        );
        let names: Vec<&str> = crate::text::template::tokens(liquid)
            .iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["city"]);
    }
}
