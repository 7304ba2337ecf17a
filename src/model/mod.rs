//! The campaign model: its types, the loader that fills them from a YAML
//! tree (reporting every structural problem), dates and durations, and the
//! format's JSON Schema.

pub mod calendar;
pub mod campaign;
pub mod load;
pub mod schema;
