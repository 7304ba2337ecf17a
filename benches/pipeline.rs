//! One typical campaign file through the whole pipeline (read from memory,
//! parse, load, every rule, the rules across campaigns, JSON output), and
//! the same file through the YAML layer alone: the floor. Run with
//! `cargo bench --bench pipeline`; `scripts/bench.sh` measures whole runs.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use preflight::engine::lint::Options;
use preflight::input::yaml::{self, Budget};

/// A realistic campaign: several channels, conditions, sources and tokens.
const CAMPAIGN: &str = include_str!("../examples/clean/spring-running.yaml");
/// One with findings, so rendering does some work too.
const MISTAKES: &str = include_str!("../examples/mistakes/fathers-day.yaml");

fn pipeline(c: &mut Criterion) {
    let opts = Options::new(NaiveDate::from_ymd_opt(2030, 1, 1).expect("a date"));
    // Compile the vocabularies once, as a run does, before timing.
    preflight::engine::run::run_text("warm.yaml", CAMPAIGN, &opts);
    let mut g = c.benchmark_group("one file");
    for (name, text) in [("clean", CAMPAIGN), ("with findings", MISTAKES)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("lint {name}"), |b| {
            b.iter(|| {
                let report = preflight::engine::run::run_text("c.yaml", black_box(text), &opts);
                black_box(preflight::report::render::json(&report, false))
            })
        });
        g.bench_function(format!("parse only {name}"), |b| {
            b.iter(|| black_box(yaml::parse(black_box(text), 0, Budget::default())))
        });
    }
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
