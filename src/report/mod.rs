//! Findings as people and tools read them: every output format, the
//! excerpts of source they draw, and the rules' documentation.

pub mod cards;
pub mod compact;
pub mod diff;
pub mod docs;
pub mod excerpt;
pub mod github;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pretty;
pub mod render;
pub mod sarif;
