//! Arbitrary bytes through the whole pipeline: read, load, every rule, the
//! rules across campaigns (the input is split into two files at its first
//! NUL byte), and every output format.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use preflight::engine::lint::{check_file_guarded, Options};
use preflight::report::render;
use preflight::engine::run::{finish_run, Report};

fuzz_target!(|data: &[u8]| {
    let opts = Options::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    let checks = preflight::knowledge::checks::Checks::builtin();
    let (a, b) = match data.iter().position(|x| *x == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut files = vec![
        check_file_guarded("a.yaml", a, true, &opts, checks),
        check_file_guarded("b.yaml", b, false, &opts, checks),
    ];
    // A panic caught per file would hide a bug from the fuzzer: fail loudly.
    for f in &files {
        assert!(
            f.findings.iter().all(|x| x.rule.name != "internal-error"),
            "internal error: {:?}",
            f.findings
        );
    }
    let texts = [String::from_utf8_lossy(a).into_owned(), String::from_utf8_lossy(b).into_owned()];
    finish_run(&mut files, &opts.settings, |name| {
        Some(if name == "a.yaml" { texts[0].clone() } else { texts[1].clone() })
    });
    let report = Report { files, unreadable: Vec::new(), skipped_paths: Vec::new(), locations: Vec::new() };
    for f in report.findings() {
        let text = report.files.iter().find(|x| x.path == f.file).and_then(|x| x.text.as_deref()).unwrap_or("");
        assert!(f.span.end <= text.len() && text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
    let _ = render::pretty(&report, render::Style { color: false, width: 80 });
    let _ = render::compact(&report);
    let _ = render::github(&report);
    let _ = render::html(&report, None);
    let _ = render::markdown(&report, None);
    serde_json::from_str::<serde_json::Value>(&render::json(&report, true)).unwrap();
    serde_json::from_str::<serde_json::Value>(&render::sarif(&report)).unwrap();
});
