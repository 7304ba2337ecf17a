//! Findings as people and tools read them: every output format, the
//! excerpts of source they draw, and the rules' documentation.

pub mod compact;
pub mod diff;
pub mod docs;
pub mod excerpt;
pub mod github;
pub mod json;
pub mod pretty;
pub mod render;
pub mod sarif;
