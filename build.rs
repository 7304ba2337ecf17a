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
    let mut found = Vec::new();
    packs(&checks, &mut found);
    // English and every-language packs first (checks/*.yaml), then each
    // language folder: the first entry of an id is the one others take
    // their category and message from.
    found.sort_by_key(|p| {
        let rel = p.strip_prefix(&root).unwrap_or(p).to_path_buf();
        (rel.components().count(), rel)
    });
    let mut code = String::from("/// The packs shipped inside the binary: (file name, text).\npub const BUILTIN_PACKS: &[(&str, &str)] = &[\n");
    for p in &found {
        let rel = p
            .strip_prefix(&root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            p.to_string_lossy()
        ));
        println!("cargo:rerun-if-changed={}", p.display());
    }
    code.push_str("];\n\n/// The same packs' YAML trees, parsed when preflight was built.\nconst BAKED_PACKS: &[(&str, Baked)] = &[\n");
    for p in &found {
        let rel = p
            .strip_prefix(&root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let tree = bake(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        code.push_str(&format!("    ({rel:?}, {tree}),\n"));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("builtin_packs.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// A pack's YAML as a Rust expression of `Baked` values (mappings with text
/// keys, lists, text and null), from the parser's events. Anchors, aliases
/// and more than one document are refused: no pack needs them.
fn bake(text: &str) -> Result<String, String> {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    enum Open {
        List(Vec<String>),
        Map(Vec<String>, Option<String>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut done: Option<String> = None;
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
                    (String::from("Baked::Null"), None)
                } else {
                    (
                        format!("Baked::Text({:?})", text.as_ref()),
                        Some(text.into_owned()),
                    )
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
                Some(Open::List(items)) => (format!("Baked::List(&[{}])", items.join(", ")), None),
                _ => return Err(format!("unbalanced list at {span:?}")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(items, None)) => {
                    (format!("Baked::Map(&[{}])", items.join(", ")), None)
                }
                _ => return Err(format!("unbalanced mapping at {span:?}")),
            },
        };
        match stack.last_mut() {
            None => {
                if done.is_some() {
                    return Err("more than one document".into());
                }
                done = Some(value.0);
            }
            Some(Open::List(items)) => items.push(value.0),
            Some(Open::Map(items, key)) => match key.take() {
                None => {
                    let k = value
                        .1
                        .ok_or_else(|| format!("a key that is not text at {span:?}"))?;
                    *key = Some(k);
                }
                Some(k) => items.push(format!("({k:?}, {})", value.0)),
            },
        }
    }
    done.ok_or_else(|| "the pack is empty".to_string())
}
