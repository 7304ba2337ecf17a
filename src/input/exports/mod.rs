//! Files the marketing platforms export (Klaviyo, Mailchimp, Meta ads,
//! Salesforce Marketing Cloud, Braze), read as they are.
//!
//! Each reader recognises its platform from the content (keys, `type`
//! values, the `mcdev` folder layout) and writes each campaign it finds as
//! a tree in preflight's own campaign shape (`campaign:`, `channels:`,
//! `schedule:`, `audience:`, `content:`), whose nodes keep the spans of the
//! exported bytes they come from: the same loader and rules read it, and
//! every finding points into the exported file. What a platform does not
//! export is listed as unknown ([`Part`]), so that the rules that need it
//! do not run, instead of reading it as missing.

pub mod braze;
pub mod klaviyo;
pub mod mailchimp;
pub mod meta;
pub mod sfmc;
pub mod times;

use crate::input::source::Span;
use crate::input::yaml::{Entry, Node, Scalar, Style, Value};
use std::collections::HashMap;

/// The platforms preflight reads exports of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Klaviyo,
    Mailchimp,
    Meta,
    Sfmc,
    Braze,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Klaviyo => "Klaviyo",
            Platform::Mailchimp => "Mailchimp",
            Platform::Meta => "Meta",
            Platform::Sfmc => "Salesforce Marketing Cloud",
            Platform::Braze => "Braze",
        }
    }

    /// The prefix of the platform's audience ids (`klaviyo:Y6nRLr`), so that
    /// ids from two platforms never read as one audience by chance.
    pub fn key(self) -> &'static str {
        match self {
            Platform::Klaviyo => "klaviyo",
            Platform::Mailchimp => "mailchimp",
            Platform::Meta => "meta",
            Platform::Sfmc => "sfmc",
            Platform::Braze => "braze",
        }
    }
}

/// A part of a campaign an export may not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// Who receives it (the conditions, not only a segment's name).
    Audience,
    /// When it is sent.
    Schedule,
    /// Where the audience's and the tokens' data come from.
    DataSources,
    /// What the recipients consented to.
    Consent,
    /// How often one person may receive it.
    Frequency,
    /// The message's copy (an export that names a template it does not
    /// hold).
    Body,
}

impl Part {
    pub fn phrase(self) -> &'static str {
        match self {
            Part::Audience => "audience",
            Part::Schedule => "send time",
            Part::DataSources => "data sources",
            Part::Consent => "consent",
            Part::Frequency => "frequency cap",
            Part::Body => "message copy",
        }
    }
}

/// What the platform adds to a message when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Addition {
    /// The opt-out sentence of a text message (Klaviyo's
    /// `add_opt_out_language`).
    OptOutLanguage,
    /// A footer with the unsubscribe link and the sender's postal address
    /// (Mailchimp's `auto_footer`).
    Footer,
}

/// One campaign read from an export.
#[derive(Debug, Clone)]
pub struct ExportCampaign {
    /// The campaign in preflight's own shape, spans in the export.
    pub root: Node,
    /// What the export does not say.
    pub unknown: Vec<Part>,
    /// Merge tokens the platform fills with a default of its own.
    pub token_defaults: Vec<String>,
    /// What the platform adds when it sends.
    pub adds: Vec<Addition>,
    /// The platform objects it was read from (`meta:creative:ID`), so that
    /// two exports of one object are not two campaigns.
    pub objects: Vec<String>,
}

/// What one exported file holds.
#[derive(Debug, Clone)]
pub struct Export {
    pub platform: Platform,
    /// What the file was read as, for `--verbose` (“a Klaviyo campaign with
    /// its messages, template and segment”).
    pub read_as: String,
    pub campaigns: Vec<ExportCampaign>,
}

/// What the readers are told by the configuration.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Platform audience ids (`klaviyo:Y6nRLr`, `meta:2385…`) to the one
    /// name the team gives that audience everywhere.
    pub same_audience: HashMap<String, String>,
}

impl ReadOptions {
    /// The name an audience is compared by across campaigns.
    pub fn audience_name(&self, platform: Platform, id: &str) -> String {
        let key = format!("{}:{id}", platform.key());
        self.same_audience.get(&key).cloned().unwrap_or(key)
    }
}

/// Which platform wrote a JSON document, from its content.
pub fn detect(root: &Node, path: &str) -> Option<Platform> {
    if klaviyo::detect(root) {
        Some(Platform::Klaviyo)
    } else if sfmc::detect(root, path) {
        Some(Platform::Sfmc)
    } else if mailchimp::detect(root) {
        Some(Platform::Mailchimp)
    } else if meta::detect(root) {
        Some(Platform::Meta)
    } else if braze::detect(root) {
        Some(Platform::Braze)
    } else {
        None
    }
}

/// The resources of an export in reading order.
pub enum Reading {
    /// Campaigns to check.
    Campaigns(Export),
    /// A resource that campaigns name (a segment, a list, merge fields, a
    /// template): checked with the campaign that names it.
    Part(Platform, String),
}

/// A file read with an export: a Mailchimp campaign's content and merge
/// fields, the HTML of a Marketing Cloud asset. Its spans lie in the
/// offset space of the export being checked (laid after its own text).
#[derive(Debug, Clone)]
pub struct Companion {
    /// The file's name in the export's folder.
    pub name: String,
    /// A JSON file's tree, or the whole text of any other file.
    pub node: Node,
}

/// The files in the export's folder to read with it (by name), for the
/// platform that wrote it.
pub fn companions(platform: Platform, root: &Node, path: &str) -> Vec<String> {
    match platform {
        Platform::Mailchimp => mailchimp::companions(root, path),
        Platform::Sfmc => sfmc::companions(root, path),
        _ => Vec::new(),
    }
}

/// Reads one parsed JSON document as an export, with the files read
/// beside it.
pub fn read(
    root: &Node,
    path: &str,
    text: &str,
    companions: &[Companion],
    opts: &ReadOptions,
) -> Option<Reading> {
    match detect(root, path)? {
        Platform::Klaviyo => klaviyo::read(root, opts),
        Platform::Mailchimp => mailchimp::read(root, companions, opts),
        Platform::Meta => meta::read(root, opts),
        Platform::Braze => braze::read(root, opts),
        Platform::Sfmc => sfmc::read(root, path, text, companions, opts),
    }
}

/// The file name of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `1 campaign`, `2 campaigns`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

// ---- Writing a campaign in preflight's shape ----------------------------

/// A plain scalar standing for the bytes at `span`.
pub fn plain(text: impl Into<String>, span: Span) -> Node {
    Node {
        span,
        value: Value::Scalar(Scalar {
            text: text.into(),
            style: Style::Plain,
        }),
    }
}

/// A mapping at `span` with keys that stand for `span` too.
pub fn map(span: Span, entries: Vec<(&str, Node)>) -> Node {
    Node {
        span,
        value: Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| Entry {
                    key: plain(k, Span::new(v.span.start, v.span.start)),
                    value: v,
                })
                .collect(),
        ),
    }
}

/// A list at `span`.
pub fn seq(span: Span, items: Vec<Node>) -> Node {
    Node {
        span,
        value: Value::Seq(items),
    }
}

/// The value at a path of keys.
pub fn at<'n>(node: &'n Node, path: &[&str]) -> Option<&'n Node> {
    let mut n = node;
    for k in path {
        n = &n.get(k)?.value;
    }
    Some(n)
}

/// The text at a path of keys, when it is text that says something.
pub fn text_at<'n>(node: &'n Node, path: &[&str]) -> Option<&'n str> {
    at(node, path)
        .and_then(Node::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// The value at a path when it is non-empty text, to be used as copy.
pub fn copy_at(node: &Node, path: &[&str]) -> Option<Node> {
    at(node, path)
        .filter(|n| n.as_str().is_some_and(|s| !s.trim().is_empty()))
        .cloned()
}

/// Whether the value at a path is `true`.
pub fn is_true(node: &Node, path: &[&str]) -> bool {
    at(node, path).and_then(Node::as_str) == Some("true")
}

/// The campaign's id as preflight shows it: the platform's name for it,
/// else its id.
pub fn campaign_id(name: Option<&Node>, id: Option<&Node>, at: Span) -> Node {
    name.or(id)
        .filter(|n| n.as_str().is_some())
        .map(|n| plain(n.as_str().unwrap_or_default(), n.span))
        .unwrap_or_else(|| plain("(no name)", at))
}

/// A campaign of one platform, built up field by field.
pub struct Builder {
    pub span: Span,
    pub entries: Vec<(&'static str, Node)>,
    pub channels: Vec<Node>,
    pub content: Vec<(&'static str, Node)>,
    pub unknown: Vec<Part>,
    pub token_defaults: Vec<String>,
    pub adds: Vec<Addition>,
    pub objects: Vec<String>,
}

impl Builder {
    pub fn new(span: Span, id: Node) -> Self {
        Builder {
            span,
            entries: vec![("campaign", id)],
            channels: Vec::new(),
            content: Vec::new(),
            unknown: Vec::new(),
            token_defaults: Vec::new(),
            adds: Vec::new(),
            objects: Vec::new(),
        }
    }

    pub fn set(&mut self, key: &'static str, value: Node) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, value));
    }

    pub fn unknown(&mut self, part: Part) {
        if !self.unknown.contains(&part) {
            self.unknown.push(part);
        }
    }

    /// The schedule from a time as the platform wrote it: a send in each
    /// recipient's own time zone (`local`) reads its wall clock; any other
    /// gets `naive_offset` when it has none. A time that cannot be read
    /// leaves the send time unknown.
    pub fn send_at(&mut self, time: &Node, local: bool, naive_offset: Option<&str>) {
        let raw = time.as_str().unwrap_or_default();
        let value = if local {
            times::wall_clock(raw)
        } else {
            times::iso(raw, naive_offset)
        };
        let Some(v) = value else {
            self.unknown(Part::Schedule);
            return;
        };
        let mut entries = vec![("send_at", times::node(v, time))];
        if local {
            entries.push(("timezone", plain("recipient", time.span)));
        }
        self.set("schedule", map(time.span, entries));
    }

    /// Consent on each channel the campaign sends on: for a platform that
    /// sends marketing only to people subscribed on the channel.
    pub fn consent_of_channels(&mut self, at: Span) {
        let consent: Vec<Node> = self
            .channels
            .iter()
            .filter_map(|c| match c.as_str() {
                Some("email") => Some("email_marketing"),
                Some("sms") => Some("sms_marketing"),
                Some("push") => Some("push"),
                _ => None,
            })
            .map(|p| plain(p, at))
            .collect();
        if !consent.is_empty() {
            self.set("consent", seq(at, consent));
        }
    }

    /// Adds a channel's copy (fields that are missing are left out).
    pub fn channel(&mut self, channel: &'static str, at: Span, fields: Vec<(&str, Option<Node>)>) {
        let fields: Vec<(&str, Node)> = fields
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        if !self.channels.iter().any(|c| c.as_str() == Some(channel)) {
            self.channels.push(plain(channel, at));
        }
        if fields.is_empty() {
            return;
        }
        // A second message on one channel (an A/B test's variants) is
        // read as a campaign of its own (see [`Builder::finish`]).
        self.content.push((channel, map(at, fields)));
    }

    /// The campaigns: one per message when a channel has several (an
    /// A/B test's variants each read as the campaign).
    pub fn finish(mut self) -> Vec<ExportCampaign> {
        if self.channels.is_empty() {
            self.unknown(Part::Body);
        }
        let mut per_channel: Vec<(&'static str, Vec<Node>)> = Vec::new();
        for (k, v) in std::mem::take(&mut self.content) {
            match per_channel.iter_mut().find(|(c, _)| *c == k) {
                Some((_, list)) => list.push(v),
                None => per_channel.push((k, vec![v])),
            }
        }
        let variants = per_channel.iter().map(|(_, l)| l.len()).max().unwrap_or(1);
        let mut out = Vec::new();
        for i in 0..variants.max(1) {
            let content: Vec<(&str, Node)> = per_channel
                .iter()
                .filter_map(|(k, list)| Some((*k, list.get(i).or(list.last())?.clone())))
                .collect();
            let mut entries = self.entries.clone();
            entries.push(("channels", seq(self.span, self.channels.clone())));
            if !content.is_empty() {
                entries.push(("content", map(self.span, content)));
            }
            out.push(ExportCampaign {
                root: map(self.span, entries),
                unknown: self.unknown.clone(),
                token_defaults: self.token_defaults.clone(),
                adds: self.adds.clone(),
                objects: self.objects.clone(),
            });
        }
        out
    }
}

/// A condition on a profile attribute, in preflight's shape.
pub fn attribute(at: Span, name: Node, op: &str, value: Option<Node>) -> Node {
    let mut entries = vec![("attribute", name), ("op", plain(op, at))];
    if let Some(v) = value {
        entries.push(("value", v));
    }
    map(at, entries)
}

/// A condition on an event, in preflight's shape.
pub fn event(at: Span, name: Node, within: Option<Node>, min_count: Option<Node>) -> Node {
    let mut entries = vec![("event", name)];
    if let Some(w) = within {
        entries.push(("within", w));
    }
    if let Some(m) = min_count {
        entries.push(("min_count", m));
    }
    map(at, entries)
}

/// A group of conditions (`any_of`, `all_of`); one member stands alone.
pub fn group(kind: &str, at: Span, mut members: Vec<Node>) -> Option<Node> {
    match members.len() {
        0 => None,
        1 => members.pop(),
        _ => Some(map(at, vec![(kind, seq(at, members))])),
    }
}

/// The resources of a bundle by type and id (JSON:API `included`, an
/// array of documents).
pub struct Index<'n> {
    pub by_id: HashMap<(&'n str, &'n str), &'n Node>,
}

impl<'n> Index<'n> {
    pub fn new<'i>(resources: impl Iterator<Item = &'n Node>) -> Self {
        let mut by_id = HashMap::new();
        for r in resources {
            if let (Some(t), Some(id)) = (text_at(r, &["type"]), text_at(r, &["id"])) {
                by_id.entry((t, id)).or_insert(r);
            }
        }
        Index { by_id }
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&'n Node> {
        self.by_id.get(&(kind, id)).copied()
    }

    /// A resource of any of these types.
    pub fn any(&self, kinds: &[&str], id: &str) -> Option<&'n Node> {
        kinds.iter().find_map(|k| self.get(k, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_one_stand_alone() {
        let at = Span::new(0, 0);
        let one = group("any_of", at, vec![plain("a", at)]).expect("one");
        assert_eq!(one.as_str(), Some("a"));
        assert!(group("any_of", at, vec![]).is_none());
        let two = group("any_of", at, vec![plain("a", at), plain("b", at)]).expect("two");
        assert!(two.get("any_of").is_some());
    }

    #[test]
    fn audience_names_are_mapped_or_kept_per_platform() {
        let mut o = ReadOptions::default();
        o.same_audience
            .insert("klaviyo:Y6nRLr".into(), "vip-customers".into());
        assert_eq!(
            o.audience_name(Platform::Klaviyo, "Y6nRLr"),
            "vip-customers"
        );
        assert_eq!(o.audience_name(Platform::Meta, "Y6nRLr"), "meta:Y6nRLr");
    }
}
