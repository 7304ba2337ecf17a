//! What preflight reads: files (only regular ones, through a limit), the
//! folders it walks, YAML and JSON as a tree whose every node knows its bytes, and
//! source positions.

pub mod discover;
pub mod exports;
pub mod html;
pub mod json;
pub mod jsx;
pub mod reading;
pub mod source;
pub mod template_file;
pub mod yaml;
