//! Embeds every vocabulary pack under `checks/` (a YAML file with a
//! top-level `pack:` key, in `checks/` or a language folder such as
//! `checks/es/`), so that adding a pack file is enough to ship it.
//!
//! Each pack is embedded twice: its text (which the test suite reads and
//! validates as a user's pack is read), and its YAML tree already parsed
//! (`BAKED_PACKS`), which preflight reads at start-up instead of parsing
//! 300 KB of YAML on every run. A test checks that both give the same
//! packs.

use std::path::{Path, PathBuf};

#[path = "src/knowledge/baked_hir.rs"]
mod baked_hir;
#[allow(dead_code)] // the run's other forms
#[path = "src/knowledge/pattern_forms.rs"]
mod pattern_forms;

fn packs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            packs(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            if text.lines().any(|l| l.starts_with("pack:")) {
                out.push(p);
            }
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let checks = root.join("checks");
    println!("cargo:rerun-if-changed=checks");
    println!("cargo:rerun-if-changed=src/knowledge/baked_hir.rs");
    println!("cargo:rerun-if-changed=src/knowledge/pattern_forms.rs");
    let mut found = Vec::new();
    packs(&checks, &mut found);
    // English and every-language packs first (checks/*.yaml), then each
    // language folder: the first entry of an id is the one others take
    // their category and message from.
    found.sort_by_key(|p| {
        let rel = p.strip_prefix(&root).unwrap_or(p).to_path_buf();
        (rel.components().count(), rel)
    });
    // Each pack's name: its path under the project, with `/`.
    let name = |p: &PathBuf| {
        p.strip_prefix(&root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut code = String::from("/// The packs shipped inside the binary: (file name, text).\npub const BUILTIN_PACKS: &[(&str, &str)] = &[\n");
    for p in &found {
        let rel = name(p);
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            p.to_string_lossy()
        ));
        println!("cargo:rerun-if-changed={}", p.display());
    }
    code.push_str("];\n\n/// The same packs' YAML trees, parsed when preflight was built.\nconst BAKED_PACKS: &[(&str, Baked)] = &[\n");
    let mut trees = Vec::new();
    for p in &found {
        let rel = name(p);
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let tree = bake(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        code.push_str(&format!("    ({rel:?}, {}),\n", tree.rust()));
        trees.push(tree);
    }
    code.push_str("];\n");
    // The widened form of every entry's patterns, parsed.
    let mut blob = Vec::new();
    code.push_str("\n/// Where each entry's widened patterns, parsed, are in `WIDENED_HIRS` (in bytes), by pack and entry.\nconst BAKED_WIDENED: &[&[Option<(usize, usize)>]] = &[\n");
    for tree in &trees {
        let spans: Vec<String> = tree
            .entry_patterns()
            .iter()
            .map(|ps| match bake_widened(ps, &mut blob) {
                Some((start, len)) => format!("Some(({start}, {len}))"),
                None => "None".into(),
            })
            .collect();
        code.push_str(&format!("    &[{}],\n", spans.join(", ")));
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out_dir.join("widened.hir"), blob).expect("OUT_DIR is writable");
    code.push_str("\n/// The parsed widened patterns (`baked_hir`'s numbers, packed).\nstatic WIDENED_HIRS: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/widened.hir\"));\n");
    std::fs::write(out_dir.join("builtin_packs.rs"), code).expect("OUT_DIR is writable");
}

/// A pack's YAML: mappings with text keys, lists, text and null.
enum Tree {
    Null,
    Text(String),
    List(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

impl Tree {
    /// The tree as a Rust expression of `Baked` values.
    fn rust(&self) -> String {
        match self {
            Tree::Null => "Baked::Null".into(),
            Tree::Text(t) => format!("Baked::Text({t:?})"),
            Tree::List(items) => {
                let items: Vec<String> = items.iter().map(Tree::rust).collect();
                format!("Baked::List(&[{}])", items.join(", "))
            }
            Tree::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("({k:?}, {})", v.rust()))
                    .collect();
                format!("Baked::Map(&[{}])", entries.join(", "))
            }
        }
    }

    fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The `patterns` of each entry of a pack, in order.
    fn entry_patterns(&self) -> Vec<Vec<String>> {
        let Some(Tree::List(entries)) = self.get("entries") else {
            return Vec::new();
        };
        entries
            .iter()
            .map(|e| match e.get("patterns") {
                Some(Tree::List(ps)) => ps
                    .iter()
                    .filter_map(|p| match p {
                        Tree::Text(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect()
    }
}

/// The widened form of each entry's patterns, parsed as the run parses a
/// candidate set's patterns (case-insensitive, Unicode), written with
/// `baked_hir::encode` and `pack` into `blob`: its (start, length) in bytes, or `None`
/// for an entry of words only or one the run must parse itself.
fn bake_widened(patterns: &[String], blob: &mut Vec<u8>) -> Option<(usize, usize)> {
    if patterns.is_empty() {
        return None;
    }
    let source = format!(
        "(?:{})",
        pattern_forms::widened(&pattern_forms::alternation(patterns))
    );
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(&source)
        .ok()?;
    let bytes = baked_hir::pack(&baked_hir::encode(&hir)?);
    let start = blob.len();
    blob.extend_from_slice(&bytes);
    Some((start, bytes.len()))
}

/// Reads a pack's YAML with the parser the run uses. Anchors, aliases and
/// more than one document are refused: no pack needs them.
fn bake(text: &str) -> Result<Tree, String> {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    enum Open {
        List(Vec<Tree>),
        Map(Vec<(String, Tree)>, Option<String>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut done: Option<Tree> = None;
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| e.to_string())?;
        let value = match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::Nothing
            | Event::DocumentStart(_)
            | Event::DocumentEnd => continue,
            Event::Alias(_) => return Err(format!("an alias at {span:?}: packs do not use them")),
            Event::Scalar(text, style, anchor, _) => {
                if anchor != 0 {
                    return Err(format!("an anchor at {span:?}: packs do not use them"));
                }
                // A plain scalar YAML reads as null, as the run's reader does.
                if style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Tree::Null
                } else {
                    Tree::Text(text.into_owned())
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    return Err(format!("an anchor at {span:?}: packs do not use them"));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::List(Vec::new())
                } else {
                    Open::Map(Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::List(items)) => Tree::List(items),
                _ => return Err(format!("unbalanced list at {span:?}")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(items, None)) => Tree::Map(items),
                _ => return Err(format!("unbalanced mapping at {span:?}")),
            },
        };
        match stack.last_mut() {
            None => {
                if done.is_some() {
                    return Err("more than one document".into());
                }
                done = Some(value);
            }
            Some(Open::List(items)) => items.push(value),
            Some(Open::Map(items, key)) => match key.take() {
                None => match value {
                    Tree::Text(k) => *key = Some(k),
                    _ => return Err(format!("a key that is not text at {span:?}")),
                },
                Some(k) => items.push((k, value)),
            },
        }
    }
    done.ok_or_else(|| "the pack is empty".to_string())
}
