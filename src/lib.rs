//! preflight: a linter for marketing-campaign definitions.
//!
//! The library reads campaign files and returns findings; it never prints.
//! `src/main.rs` parses arguments, calls [`run::run`] and maps the result to
//! an exit code.

pub mod across;
pub mod aliases;
pub mod ampscript;
pub mod audience_solver;
pub mod calendar;
pub mod campaign;
pub mod checks;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod excerpt;
pub mod language;
pub mod lint;
pub mod parallel;
pub mod quiet_hours;
pub mod reader;
pub mod reading;
pub mod render;
pub mod rule_meta;
pub mod rules;
pub mod run;
pub mod schema;
pub mod searchable;
pub mod settings;
pub mod sms;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod template;
pub mod template_syntax;
pub mod wording;
pub mod work;
pub mod world_calendar;
pub mod yaml;
