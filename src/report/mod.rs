//! Findings as people and tools read them: every output format, the
//! excerpts of source they draw, and the rules' documentation.

pub mod docs;
pub mod excerpt;
pub mod render;
