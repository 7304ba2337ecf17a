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

/// The language server's round trip on a typical campaign: a didChange with
/// the whole text in, the publishDiagnostics out, over an in-memory
/// connection (the editor's pipe aside). The configuration is looked up
/// from the file's place on every change, as in an editor.
fn server_round_trip(c: &mut Criterion) {
    use lsp_server::{Connection, Message, Notification};
    let (server, client) = Connection::memory();
    let now = NaiveDate::from_ymd_opt(2030, 1, 1);
    let thread = std::thread::spawn(move || {
        preflight::server::serve(&server, now).expect("the server stops cleanly")
    });
    let send = |m: Message| client.sender.send(m).expect("the server listens");
    send(Message::Request(lsp_server::Request::new(
        1.into(),
        "initialize".into(),
        serde_json::json!({ "capabilities": {} }),
    )));
    let _ = client.receiver.recv();
    send(Message::Notification(Notification::new(
        "initialized".into(),
        serde_json::json!({}),
    )));
    let path = format!(
        "{}/examples/mistakes/fathers-day.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let uri = format!("file://{path}");
    let published = || loop {
        if let Ok(Message::Notification(n)) = client.receiver.recv() {
            if n.method == "textDocument/publishDiagnostics" {
                return n;
            }
        }
    };
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".into(),
        serde_json::json!({ "textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": MISTAKES } }),
    )));
    published();
    let mut version = 1;
    c.bench_function("server didChange to publishDiagnostics", |b| {
        b.iter(|| {
            version += 1;
            send(Message::Notification(Notification::new(
                "textDocument/didChange".into(),
                serde_json::json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": MISTAKES }],
                }),
            )));
            black_box(published())
        })
    });
    send(Message::Request(lsp_server::Request::new(
        2.into(),
        "shutdown".into(),
        serde_json::Value::Null,
    )));
    send(Message::Notification(Notification::new(
        "exit".into(),
        serde_json::Value::Null,
    )));
    drop(client);
    let _ = thread.join();
}

criterion_group!(benches, pipeline, server_round_trip);
criterion_main!(benches);
