//! From files to findings: checking one file, the run over many (threads,
//! configurations), suppressions, alias folding, and what a finding is.

pub mod aliases;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod lint;
pub mod parallel;
pub mod run;
pub mod suppress;
