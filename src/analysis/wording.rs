//! The words of a campaign that vocabularies are matched against: its copy
//! as a reader sees it, its name, and its segment name.

use std::borrow::Cow;

use crate::input::yaml::Node;
use crate::knowledge::checks::{Lexicon, Match};
use crate::model::campaign::{Campaign, CopyField};
use crate::text::searchable::Searchable;
use crate::text::template::Visible;

/// One searchable text. Map a range of `text` with [`Wording::value_range`]
/// before locating it in the file.
pub struct Wording<'a> {
    pub node: &'a Node,
    /// `email subject`, `campaign name`, `segment name`…
    pub what: String,
    /// The text, in its languages, for the vocabularies.
    pub search: Cow<'a, Searchable<'a>>,
    visible: Option<&'a Visible<'a>>,
    /// The copy field, when this is copy.
    pub copy: Option<&'a CopyField<'a>>,
}

/// The copy of every channel, as the reader sees it (markup blanked out).
pub fn copy<'a>(c: &'a Campaign<'a>) -> Vec<Wording<'a>> {
    c.copy
        .iter()
        .map(|f| {
            let visible = f.visible();
            Wording {
                node: f.node,
                what: f.label(),
                search: Cow::Borrowed(&f.search),
                visible: Some(visible),
                copy: Some(f),
            }
        })
        .collect()
}

impl Wording<'_> {
    /// The text.
    pub fn text(&self) -> &str {
        &self.search.text
    }

    /// The first match of each entry of `lex` in this text, in text order
    /// (entries of one id in several languages count as one).
    pub fn first_match_per_entry(&self, lex: &Lexicon) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        for m in lex.find_all(&self.search) {
            let id = &lex.entries[m.entry].id;
            if !out.iter().any(|o| lex.entries[o.entry].id == *id) {
                out.push(m);
            }
        }
        out
    }

    /// The range of the scalar's value that `r` (a range of `text`) came from.
    pub fn value_range(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        match &self.visible {
            Some(v) => v.source_range(r),
            None => r,
        }
    }
}

/// The copy, then the campaign name and the segment name.
pub fn copy_and_names<'a>(c: &'a Campaign<'a>) -> Vec<Wording<'a>> {
    let mut out = copy(c);
    if let Some(n) = c.name {
        out.push(Wording {
            node: n,
            what: "campaign name".into(),
            search: Cow::Owned(Searchable::new(n.as_str().unwrap_or(""), c.name_langs)),
            visible: None,
            copy: None,
        });
    }
    if let Some(seg) = c.audience.as_ref().and_then(|a| a.segment) {
        out.push(Wording {
            node: seg,
            what: "segment name".into(),
            search: Cow::Owned(Searchable::name(seg.as_str().unwrap_or(""), c.name_langs)),
            visible: None,
            copy: None,
        });
    }
    out
}

/// Trims a quoted excerpt to a readable length.
pub fn excerpt(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}…")
    } else {
        s
    }
}
