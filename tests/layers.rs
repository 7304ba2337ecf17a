//! The library's layers depend one way: input readers, text, the campaign
//! model, the vocabularies, shared analyses, rules, the engine, reports.
//! A module may name its own layer and the ones before it, never one after
//! (test code aside). This test reads `src/` and fails on the first use that
//! points the wrong way.

use std::fs;
use std::path::{Path, PathBuf};

const ORDER: &[&str] = &[
    "work",
    "rule_meta",
    "input",
    "text",
    "model",
    "knowledge",
    "analysis",
    "rules",
    "engine",
    "report",
    "server",
];

fn rank(layer: &str) -> Option<usize> {
    ORDER.iter().position(|l| *l == layer)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file that is not test code, with comments blanked out.
fn production_code(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut skipping_test_module = false;
    let mut depth = 0i64;
    let mut pending_cfg_test = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if skipping_test_module {
            depth += line.matches('{').count() as i64 - line.matches('}').count() as i64;
            if depth <= 0 {
                skipping_test_module = false;
            }
            continue;
        }
        if trimmed.starts_with("#[cfg(test)]") {
            pending_cfg_test = true;
            continue;
        }
        if pending_cfg_test {
            pending_cfg_test = false;
            if trimmed.contains("mod ") && trimmed.ends_with('{') {
                skipping_test_module = true;
                depth = 1;
                continue;
            }
            if trimmed.contains("mod ") && trimmed.ends_with(';') {
                continue;
            }
        }
        let code = match trimmed.find("//") {
            Some(at) => &trimmed[..at],
            None => trimmed,
        };
        lines.push((n + 1, code.to_string()));
    }
    lines
}

#[test]
fn layers_depend_only_on_the_layers_before_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("inside src");
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        if first == "lib" || first == "main" {
            continue;
        }
        let own = rank(&first).unwrap_or_else(|| panic!("{} is in no layer", rel.display()));
        // A test-only helper module is declared `#[cfg(test)] mod testing;`.
        if rel.file_stem().is_some_and(|s| s == "testing") {
            continue;
        }
        let text = fs::read_to_string(file).expect("readable");
        for (line, code) in production_code(&text) {
            let mut rest = code.as_str();
            while let Some(at) = rest.find("crate::") {
                let after = &rest[at + "crate::".len()..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if let Some(dep) = rank(&name) {
                    if dep > own {
                        wrong.push(format!("src/{}:{line}: {first} uses {name}", rel.display()));
                    }
                }
                rest = after;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "uses that point up the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_layer_check_sees_a_wrong_way_use() {
    let code = "use crate::engine::lint;\n#[cfg(test)]\nmod tests {\n    use crate::report;\n}\n// crate::report in a comment\n";
    let seen: Vec<String> = production_code(code)
        .into_iter()
        .filter(|(_, c)| c.contains("crate::"))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(seen, vec!["use crate::engine::lint;".to_string()]);
}
