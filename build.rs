//! Embeds every vocabulary pack under `checks/` (a YAML file with a
//! top-level `pack:` key, in `checks/` or a language folder such as
//! `checks/es/`), so that adding a pack file is enough to ship it.

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
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("builtin_packs.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
