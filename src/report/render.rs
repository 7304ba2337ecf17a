//! Turning a report into text, one module per format: `pretty` (miette),
//! `compact`, `json`, `sarif` and `github`. Every function returns a string
//! or writes to the writer it is given; nothing here prints.

pub use crate::report::compact::{compact, suppressed_lines};
pub use crate::report::github::github;
pub use crate::report::html::html;
pub use crate::report::json::{json, json_to, JSON_VERSION};
pub use crate::report::markdown::markdown;
pub use crate::report::pretty::{config_error, pretty, Style};
pub use crate::report::sarif::{sarif, sarif_to, SARIF_VERSION};
