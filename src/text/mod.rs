//! Copy as text: merge tokens of every template language, what a reader
//! sees, languages and word stems, SMS encodings, did-you-mean.

pub mod ampscript;
pub mod html;
pub mod language;
pub mod searchable;
pub mod sms;
pub mod suggest;
pub mod template;
pub mod template_syntax;
