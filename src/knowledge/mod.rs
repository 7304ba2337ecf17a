//! What the rules know: the vocabulary packs (`checks/`), calendars of
//! occasions and seasons, SMS quiet hours, and the rules' settings.

mod baked_hir;
pub mod checks;
pub mod pattern_forms;
pub mod quiet_hours;
pub mod settings;
pub mod world_calendar;
