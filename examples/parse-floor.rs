//! The floor under `preflight check`: find, read and parse the same files
//! with the same parsers, on the same threads, and do nothing else.
//! `scripts/bench.sh` times it beside the whole lint.
//!
//! ```sh
//! cargo run --release --example parse-floor -- DIR [THREADS] [--read-only]
//! ```
//!
//! The same discovery as `preflight check` (`preflight::engine::run::discover`),
//! then each file by its extension:
//!
//! - `.yaml`, `.yml`: preflight's YAML layer (saphyr-parser into its span tree);
//! - `.json`: preflight's JSON reader (jsonc-parser into the same tree), as
//!   platform exports are read;
//! - HTML, MJML, Liquid, Handlebars and Jinja templates: the html5gum
//!   tokenizer, set up as preflight sets it (spans, raw text in `<style>`
//!   and `<script>`), every token taken;
//! - `.tsx`, `.jsx`: oxc_parser into its AST;
//! - anything else found (a `.txt` body): read only.
//!
//! Nothing else: no template syntax, includes, export readers, campaign
//! model or rules. With `--read-only`, files are only read.

use std::path::PathBuf;

use html5gum::emitters::default::DefaultEmitter;
use html5gum::Tokenizer;
use preflight::input::yaml::{self, Budget};

/// What parsing one file gave: bytes, YAML/JSON documents, HTML tokens,
/// script statements, files that did not parse.
#[derive(Default, Clone, Copy)]
struct Parsed {
    bytes: usize,
    documents: usize,
    tokens: usize,
    statements: usize,
    failed: usize,
}

fn parse(path: &std::path::Path, text: &str) -> Parsed {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut p = Parsed {
        bytes: text.len(),
        ..Parsed::default()
    };
    match ext.as_str() {
        "yaml" | "yml" => match yaml::parse(text, 0, Budget::default()) {
            Ok(docs) => p.documents = docs.len(),
            Err(_) => p.failed = 1,
        },
        "json" => match preflight::input::json::parse(text, 0, Budget::default()) {
            Ok(docs) => p.documents = docs.len(),
            Err(_) => p.failed = 1,
        },
        "html" | "htm" | "mjml" | "liquid" | "hbs" | "handlebars" | "mustache" | "njk" | "j2"
        | "jinja" | "jinja2" => {
            let mut emitter = DefaultEmitter::<usize>::new_with_span();
            emitter.naively_switch_states(true);
            for token in Tokenizer::new_with_emitter(text, emitter) {
                let Ok(_token) = token;
                p.tokens += 1;
            }
        }
        "tsx" | "jsx" => {
            let allocator = oxc_allocator::Allocator::default();
            let source_type = if ext == "tsx" {
                oxc_span::SourceType::tsx()
            } else {
                oxc_span::SourceType::jsx()
            };
            let parsed = oxc_parser::Parser::new(&allocator, text, source_type).parse();
            p.statements = parsed.program.body.len();
            p.failed = usize::from(parsed.panicked || !parsed.diagnostics.is_empty());
        }
        _ => {}
    }
    p
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let read_only = args.iter().any(|a| a == "--read-only");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--read-only").collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: parse-floor DIR [THREADS] [--read-only]");
        std::process::exit(2);
    };
    let threads: usize = args
        .get(1)
        .map_or(0, |t| t.parse().expect("THREADS is a number"));
    let (inputs, _) =
        preflight::engine::run::discover(&[PathBuf::from(dir.as_str())]).expect("a folder");
    let parsed = preflight::engine::parallel::map(&inputs, threads, |input| {
        let Ok(bytes) = std::fs::read(&input.path) else {
            return Parsed::default();
        };
        if read_only {
            return Parsed {
                bytes: bytes.len(),
                ..Parsed::default()
            };
        }
        match std::str::from_utf8(&bytes) {
            Ok(text) => parse(&input.path, text),
            Err(_) => Parsed {
                bytes: bytes.len(),
                failed: 1,
                ..Parsed::default()
            },
        }
    });
    let sum = parsed.iter().fold(Parsed::default(), |a, p| Parsed {
        bytes: a.bytes + p.bytes,
        documents: a.documents + p.documents,
        tokens: a.tokens + p.tokens,
        statements: a.statements + p.statements,
        failed: a.failed + p.failed,
    });
    println!(
        "{} files, {:.1} MB, {} documents parsed, {} HTML tokens, {} script statements, {} files did not parse",
        inputs.len(),
        sum.bytes as f64 / 1e6,
        sum.documents,
        sum.tokens,
        sum.statements,
        sum.failed
    );
}
