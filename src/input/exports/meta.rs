//! Not written yet.

use super::{ReadOptions, Reading};
use crate::input::yaml::Node;

pub fn detect(_root: &Node) -> bool {
    false
}

pub fn read(_root: &Node, _opts: &ReadOptions) -> Option<Reading> {
    None
}
