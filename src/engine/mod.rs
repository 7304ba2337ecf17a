//! From files to findings: checking one file, the run over many (threads,
//! configurations), suppressions and alias folding.

pub mod aliases;
pub mod attachments;
pub mod config;
pub mod exports;
pub mod fix;
pub mod lint;
pub mod parallel;
pub mod run;
pub mod suppress;
pub mod templates;
