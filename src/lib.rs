//! preflight: a linter for marketing-campaign definitions.
//!
//! The library reads campaign files and returns findings; it never prints.
//! `src/main.rs` parses arguments, calls [`run::run`] and maps the result to
//! an exit code.

pub mod analysis;
pub mod engine;
pub mod input;
pub mod knowledge;
pub mod model;
pub mod report;
pub mod rule_meta;
pub mod rules;
pub mod server;
pub mod text;
pub mod work;
