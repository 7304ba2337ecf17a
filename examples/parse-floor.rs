//! The floor under `preflight check`: find, read and parse the same files
//! with the same YAML layer (saphyr-parser into preflight's span tree), on
//! the same threads, and do nothing else. `scripts/bench.sh` times it beside
//! the whole lint.
//!
//! ```sh
//! cargo run --release --example parse-floor -- DIR [THREADS] [--read-only]
//! ```

use std::path::PathBuf;

use preflight::input::yaml::{self, Budget};

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
            return (0, 0);
        };
        if read_only {
            return (bytes.len(), 0);
        }
        let nodes = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| yaml::parse(text, 0, Budget::default()).ok())
            .map_or(0, |docs| docs.len());
        (bytes.len(), nodes)
    });
    let bytes: usize = parsed.iter().map(|(b, _)| b).sum();
    let docs: usize = parsed.iter().map(|(_, d)| d).sum();
    println!(
        "{} files, {:.1} MB, {docs} documents parsed",
        inputs.len(),
        bytes as f64 / 1e6
    );
}
