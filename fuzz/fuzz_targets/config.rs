//! Arbitrary bytes as a configuration file and as a vocabulary pack: each is
//! read or refused with a located error, and the error is drawn.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use preflight::engine::config::Config;
use preflight::report::render;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let style = render::Style { color: false, width: 80 };
    if let Err(e) = Config::parse(Path::new("preflight.yaml"), text) {
        assert!(e.text.is_empty() || e.span.end <= e.text.len());
        let _ = render::config_error(&e, style);
    }
    match preflight::knowledge::checks::parse_pack("pack.yaml", text) {
        Ok(pack) => {
            // A pack that reads must also compile with the built-in ones.
            let mut all = vec![pack];
            for (f, t) in preflight::knowledge::checks::BUILTIN_PACKS {
                all.push(preflight::knowledge::checks::parse_pack(f, t).unwrap());
            }
            if let Ok(checks) = preflight::knowledge::checks::Checks::compile(all) {
                let _ = checks.validate();
            }
        }
        Err(e) => assert!(e.span.end <= text.len()),
    }
});
