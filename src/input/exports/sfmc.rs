//! Not written yet.

use super::{ReadOptions, Reading};
use crate::input::yaml::Node;

pub fn detect(_root: &Node, _path: &str) -> bool {
    false
}

pub fn read(_root: &Node, _path: &str, _opts: &ReadOptions) -> Option<Reading> {
    None
}
