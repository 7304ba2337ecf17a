//! The rules' thresholds, with their defaults. Each rule documents the ones
//! it reads (its `settings` list); a test checks those documented defaults
//! against [`Settings::default`].

use crate::calendar::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `segment-too-broad.max_ratio`: the largest share of the list a segment may reach.
    pub broad_max_ratio: f64,
    /// `segment-too-narrow.min_size`: the smallest segment that is measurable.
    pub narrow_min_size: u64,
    /// `stale-data.default_max_age`: how old a source may be when it gives no `max_age`.
    pub default_max_age: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            broad_max_ratio: 0.5,
            narrow_min_size: 100,
            default_max_age: Duration::days(30),
        }
    }
}

impl Settings {
    /// A setting's current value as a user would write it, by its documented name.
    pub fn value_of(&self, name: &str) -> Option<String> {
        Some(match name {
            "max_ratio" => self.broad_max_ratio.to_string(),
            "min_size" => self.narrow_min_size.to_string(),
            "default_max_age" => self.default_max_age.to_string(),
            _ => return None,
        })
    }
}
