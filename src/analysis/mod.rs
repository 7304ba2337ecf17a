//! Readings of a campaign that several rules share: its wording, whom a
//! sentence speaks to, what its audience conditions allow, and the
//! fingerprints the rules across campaigns compare.

pub mod audience_solver;
pub mod audience_tree;
pub mod fingerprint;
pub mod reader;
pub mod summary;
pub mod wording;
