//! The campaign loader: reads a YAML tree into the campaign model.
//!
//! It reports every structural problem it meets (`invalid-campaign`,
//! `unknown-field`, `duplicate-key`) instead of stopping at the first: a
//! partly broken campaign is still loaded as far as it can be, so the other
//! rules run too.

use crate::input::source::Span;
use crate::input::yaml::{Entry, Node, Style};
use crate::model::calendar::{Duration, When};
use crate::model::campaign::*;
use crate::rule_meta::sentence;
use crate::rule_meta::RuleMeta;
use crate::text::suggest::did_you_mean;

/// What kind of structural problem the loader met; the engine reports each
/// under its rule (`invalid-campaign`, `unknown-field`, `duplicate-key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Invalid,
    UnknownField,
    DuplicateKey,
}

/// A structural problem met while loading.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
    pub help: String,
    /// Another place that explains it (the first of two repeated keys).
    pub related: Option<(Span, String)>,
    /// A severity other than the rule's own, for a milder case.
    pub severity: Option<crate::rule_meta::Severity>,
    /// A safe replacement of the span's text, with what it does (the one
    /// field an unknown key was surely meant as).
    pub replacement: Option<(String, String)>,
}

/// The fix of an unknown key: renaming it to the one field it is surely a
/// typo of (no other field is close, and the mapping does not have that
/// field already). The engine checks that the key is written as it reads.
fn rename_key(
    key: &str,
    suggestion: &str,
    allowed: &[&str],
    entries: &[Entry],
) -> Option<(String, String)> {
    let others = allowed.iter().copied().filter(|a| *a != suggestion);
    if did_you_mean(key, others).is_some()
        || entries.iter().any(|e| e.key.as_str() == Some(suggestion))
    {
        return None;
    }
    Some((
        format!("Rename `{key}` to `{suggestion}`"),
        suggestion.to_string(),
    ))
}

const TOP_KEYS: &[&str] = &[
    "campaign",
    "name",
    "channels",
    "region",
    "language",
    "schedule",
    "audience",
    "data_sources",
    "consent",
    "acknowledge",
    "frequency",
    "retargeting",
    "season",
    "sender",
    "content",
];
const SCHEDULE_KEYS: &[&str] = &["send_at", "timezone", "ends_at"];
const AUDIENCE_KEYS: &[&str] = &[
    "segment",
    "list_size",
    "estimated_size",
    "include",
    "exclude",
];
const ATTRIBUTE_KEYS: &[&str] = &["attribute", "op", "value"];
const EVENT_KEYS: &[&str] = &["event", "within", "min_count", "where"];
const GROUP_NAMES: &[&str] = &["any_of", "all_of"];
const SOURCE_KEYS: &[&str] = &["name", "provides", "refreshed_at", "max_age", "coverage"];
const FREQUENCY_KEYS: &[&str] = &["cap", "per"];
const SENDER_KEYS: &[&str] = &["name", "postal_address"];
const RETARGETING_KEYS: &[&str] = &["delay", "window"];
const ACK_KEYS: &[&str] = &["rule", "reason"];
/// Every key of format v1, by the mapping it belongs to (for docs tests).
pub const FORMAT_KEYS: &[(&str, &[&str])] = &[
    ("campaign", TOP_KEYS),
    ("schedule", SCHEDULE_KEYS),
    ("audience", AUDIENCE_KEYS),
    ("attribute condition", ATTRIBUTE_KEYS),
    ("event condition", EVENT_KEYS),
    ("group", GROUP_NAMES),
    ("data source", SOURCE_KEYS),
    ("frequency", FREQUENCY_KEYS),
    ("retargeting", RETARGETING_KEYS),
    ("sender", SENDER_KEYS),
    ("acknowledge entry", ACK_KEYS),
];

// The message about too many ways in says 1,024.
const _: () = assert!(MAX_WAYS == 1024);

/// The keys of a group item of an include or exclude list.
const GROUP_KEYS: &[(&str, GroupKind)] =
    &[("any_of", GroupKind::AnyOf), ("all_of", GroupKind::AllOf)];

const CONDITION_KEYS: &[&str] = &[
    "attribute",
    "op",
    "value",
    "event",
    "within",
    "min_count",
    "where",
];

struct Loader<'p, 'n> {
    problems: &'p mut Vec<Problem>,
    /// The files the copy names, as the engine read them.
    attachments: &'n Attachments,
    /// Every rule, for reading the names an `acknowledge` entry gives.
    rules: &'p [&'static RuleMeta],
}

impl<'p, 'n> Loader<'p, 'n> {
    fn invalid(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(Problem {
            kind: ProblemKind::Invalid,
            span,
            message: sentence(message.into()),
            help: sentence(help.into()),
            related: None,
            severity: None,
            replacement: None,
        });
    }

    /// The entries of a mapping whose keys are allowed; reports the others
    /// as unknown fields, and repeated keys as invalid.
    fn fields<'a>(
        &mut self,
        node: &'a Node,
        allowed: &[&str],
        place: &str,
    ) -> Vec<(&'a str, &'a Entry)> {
        let place = &field_name(place);
        let Some(entries) = node.as_map() else {
            self.invalid(
                node.span,
                format!(
                    "{place} must be a mapping (key: value pairs), but it is {}",
                    node.kind_name()
                ),
                format!("write {place} as `key: value` lines, indented under its name"),
            );
            return Vec::new();
        };
        let mut out: Vec<(&'a str, &'a Entry)> = Vec::with_capacity(entries.len());
        for e in entries {
            let Some(key) = e.key.as_str() else {
                self.invalid(
                    e.key.span,
                    format!("a key in {place} is not text"),
                    "keys are plain words such as `name`",
                );
                continue;
            };
            if !allowed.contains(&key) {
                let suggestion = did_you_mean(key, allowed.iter().copied());
                let replacement = suggestion.and_then(|s| rename_key(key, s, allowed, entries));
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`? Fields here: {}", allowed.join(", ")),
                    None => format!("fields here: {}", allowed.join(", ")),
                };
                self.problems.push(Problem {
                    kind: ProblemKind::UnknownField,
                    span: e.key.span,
                    message: sentence(format!(
                        "`{key}` is not a field of {place}, so it would be ignored"
                    )),
                    help: sentence(help),
                    related: None,
                    severity: None,
                    replacement,
                });
                continue;
            }
            if let Some((_, first)) = out.iter().find(|(k, _)| *k == key) {
                self.problems.push(Problem {
                    kind: ProblemKind::DuplicateKey,
                    span: e.key.span,
                    message: sentence(format!(
                        "`{key}` appears twice in {place}; tools disagree about which one wins"
                    )),
                    help: sentence(format!("keep one `{key}` and merge the two values into it")),
                    related: Some((first.key.span, "first written here".into())),
                    severity: None,
                    replacement: None,
                });
                continue;
            }
            out.push((key, e));
        }
        out
    }

    fn text<'a>(&mut self, node: &'a Node, what: &str) -> Option<Spanned<&'a str>> {
        let what = &field_name(what);
        if node.is_null() {
            self.invalid(
                node.span,
                format!("{what} is empty"),
                format!("write a value for {what}, or remove the line"),
            );
            return None;
        }
        match node.scalar() {
            Some(s) => Some(Spanned::new(s.text.as_str(), node.span)),
            None => {
                self.invalid(
                    node.span,
                    format!("{what} must be text, but it is {}", node.kind_name()),
                    format!("write {what} as a single value"),
                );
                None
            }
        }
    }

    fn count(&mut self, node: &Node, what: &str) -> Option<Spanned<u64>> {
        let what = &field_name(what);
        let s = self.text(node, what)?;
        let plain = node.scalar().is_some_and(|s| s.style == Style::Plain);
        match s.value.parse::<u64>() {
            Ok(n) if plain => Some(Spanned::new(n, s.span)),
            _ => {
                self.invalid(
                    s.span,
                    format!("{what} must be a whole number, but it is `{}`", s.value),
                    format!("write {what} as digits only, such as `12000`"),
                );
                None
            }
        }
    }

    /// Reads a text value with `parse`, reporting its error at the value.
    fn parsed<T>(
        &mut self,
        node: &Node,
        what: &str,
        parse: impl Fn(&str) -> Result<T, String>,
        help: &str,
    ) -> Option<Spanned<T>> {
        let what = &field_name(what);
        let s = self.text(node, what)?;
        match parse(s.value) {
            Ok(v) => Some(Spanned::new(v, s.span)),
            Err(e) => {
                self.invalid(s.span, format!("{what}: {e}"), help);
                None
            }
        }
    }

    fn when(&mut self, node: &Node, what: &str) -> Option<Spanned<When>> {
        self.parsed(
            node,
            what,
            When::parse,
            "dates look like `2027-06-10` or `2027-06-10T09:00:00`",
        )
    }

    fn duration(&mut self, node: &Node, what: &str) -> Option<Spanned<Duration>> {
        self.parsed(
            node,
            what,
            Duration::parse,
            "durations look like `15m`, `2h`, `30d` or `2w`",
        )
    }

    /// A duration that must be longer than zero (a window, a period).
    fn positive_duration(&mut self, node: &Node, what: &str) -> Option<Spanned<Duration>> {
        let d = self.duration(node, what)?;
        if d.value.minutes > 0 {
            return Some(d);
        }
        let what = field_name(what);
        self.invalid(
            d.span,
            format!("{what} is zero, which is no length of time at all"),
            "write how long, such as `7d`",
        );
        None
    }

    fn list<'a>(&mut self, node: &'a Node, what: &str, example: &str) -> &'a [Node] {
        let what = &field_name(what);
        match node.as_seq() {
            Some(items) => items,
            None => {
                self.invalid(
                    node.span,
                    format!("{what} must be a list, but it is {}", node.kind_name()),
                    format!("write it as a list, such as `{example}`"),
                );
                &[]
            }
        }
    }

    fn texts<'a>(&mut self, node: &'a Node, what: &str, example: &str) -> Vec<Spanned<&'a str>> {
        let items = self.list(node, what, example);
        items
            .iter()
            .filter_map(|i| self.text(i, &format!("an entry of {what}")))
            .collect()
    }

    fn campaign<'a>(&mut self, root: &'a Node) -> Campaign<'a>
    where
        'n: 'a,
    {
        let mut c = Campaign {
            span: root.span,
            ..Campaign::default()
        };
        let fields = self.fields(root, TOP_KEYS, "a campaign");
        let mut content = None;
        for (key, e) in &fields {
            let v = &e.value;
            match *key {
                "campaign" => {
                    c.id_key = e.key.span;
                    c.id = self.text(v, "the campaign id");
                    if let Some(id) = c.id {
                        let ok = !id.value.is_empty()
                            && id.value.chars().all(|ch| {
                                ch.is_ascii_lowercase()
                                    || ch.is_ascii_digit()
                                    || ch == '-'
                                    || ch == '_'
                            });
                        if !ok {
                            self.invalid(
                                id.span,
                                format!("the campaign id `{}` is not a slug", id.value),
                                "use lowercase letters, digits and hyphens, such as `fathers-day-2027`; put the display name in `name:`",
                            );
                        }
                    }
                }
                "name" => {
                    if self.text(v, "the campaign name").is_some() {
                        c.name = Some(v);
                    }
                }
                "channels" => {
                    for ch in self.texts(v, "channels", "channels: [email, push]") {
                        match Channel::parse(ch.value) {
                            Some(k) => {
                                if let Some(first) = c.channels.iter().find(|x| x.value == k) {
                                    self.problems.push(Problem {
                                        kind: ProblemKind::DuplicateKey,
                                        span: ch.span,
                                        message: sentence(format!(
                                            "`{k}` is listed twice in `channels`; it is one channel, sent once"
                                        )),
                                        help: sentence(format!("remove the second `{k}`")),
                                        related: Some((first.span, "first listed here".into())),
                                        severity: Some(crate::rule_meta::Severity::Warning),
                                        replacement: None,
                                    });
                                    continue;
                                }
                                c.channels.push(Spanned::new(k, ch.span))
                            }
                            None => {
                                let names = Channel::ALL.map(Channel::as_str);
                                let hint = did_you_mean(ch.value, names.iter().copied())
                                    .map(|s| format!("did you mean `{s}`? "))
                                    .unwrap_or_default();
                                self.invalid(
                                    ch.span,
                                    format!("`{}` is not a channel preflight knows", ch.value),
                                    format!("{hint}Channels are: {}", names.join(", ")),
                                );
                            }
                        }
                    }
                    if c.channels.is_empty() && v.as_seq().is_some_and(|s| s.is_empty()) {
                        self.invalid(
                            v.span,
                            "the campaign has no channels",
                            "list where it is sent, such as `channels: [email]`",
                        );
                    }
                }
                "language" => {
                    if let Some(l) = self.text(v, "language") {
                        if crate::text::language::is_language_tag(l.value) {
                            c.language = Some(l);
                        } else {
                            self.invalid(
                                l.span,
                                format!("`{}` is not a language tag", l.value),
                                "write a language code such as `en`, `es`, `fr`, `de`, `it`, `pt` or `nl`, optionally with a region (`es-MX`, `pt-BR`)",
                            );
                        }
                    }
                }
                "region" => {
                    if let Some(r) = self.text(v, "region") {
                        if is_region(r.value) {
                            c.region = Some(r);
                        } else {
                            self.invalid(
                                r.span,
                                format!("region `{}` is not a country code", r.value),
                                "write a two-letter ISO 3166 code in capitals, such as `US`, `GB` or `FR` (or a subdivision such as `US-FL`)",
                            );
                        }
                    }
                }
                "schedule" => {
                    c.schedule_key = Some(e.key.span);
                    self.schedule(v, &mut c.schedule);
                }
                "audience" => c.audience = Some(self.audience(e)),
                "data_sources" => {
                    for item in self.list(v, "data_sources", "data_sources: [{name: crm, ...}]") {
                        if let Some(ds) = self.source(item) {
                            c.data_sources.push(ds);
                        }
                    }
                }
                "consent" => c.consent = self.texts(v, "consent", "consent: [email_marketing]"),
                "acknowledge" => {
                    for item in
                        self.list(v, "acknowledge", "acknowledge: [{rule: ..., reason: ...}]")
                    {
                        if let Some(a) = self.acknowledgement(item) {
                            c.acknowledge.push(a);
                        }
                    }
                }
                "frequency" => c.frequency = Some(self.frequency(e)),
                "retargeting" => c.retargeting = Some(self.retargeting(e)),
                "season" => {
                    if let Some(t) = self.text(v, "season") {
                        match Season::parse(t.value) {
                            Some(s) => c.season = Some(Spanned::new(s, t.span)),
                            None => self.invalid(
                                t.span,
                                format!("`{}` is not a season", t.value),
                                "write one of winter, spring, summer, autumn, or any",
                            ),
                        }
                    }
                }
                "sender" => {
                    for (key, f) in self.fields(v, SENDER_KEYS, "sender") {
                        let t = self.text(&f.value, key);
                        if key == "postal_address" {
                            c.sender_address = t.filter(|t| !t.value.trim().is_empty());
                        }
                    }
                }
                "content" => content = Some(*e),
                _ => unreachable!("key filtered by TOP_KEYS"),
            }
        }

        if c.id.is_none() && c.id_key == Span::default() {
            // Only documents with a `campaign` key reach the loader, but
            // keep a sane anchor for any caller that loads others.
            c.id_key = Span::new(root.span.start, root.span.start);
        }
        let anchor = c.anchor();
        if !fields.iter().any(|(k, _)| *k == "channels") {
            self.invalid(
                anchor,
                "the campaign does not say its channels",
                "add `channels:` with any of email, sms, push, ad, web",
            );
        }
        if !fields.iter().any(|(k, _)| *k == "schedule") {
            self.invalid(
                anchor,
                "the campaign has no schedule",
                "add `schedule:` with `send_at:`, such as `send_at: 2027-06-10T09:00:00`",
            );
        } else if !fields.iter().any(|(k, e)| {
            *k == "schedule" && (e.value.get("send_at").is_some() || e.value.as_map().is_none())
        }) {
            self.invalid(
                c.schedule_key.unwrap_or(anchor),
                "the schedule has no `send_at`",
                "add `send_at:` with the date and time of the send, such as `2027-06-10T09:00:00`",
            );
        }
        if let (Some(s), Some(e)) = (c.schedule.send_at, c.schedule.ends_at) {
            if e.value.at < s.value.at {
                self.invalid(
                    e.span,
                    format!(
                        "the campaign ends ({}) before it starts ({})",
                        e.value.date(),
                        s.value.date()
                    ),
                    "move `ends_at` after `send_at`",
                );
            }
        }
        if let Some(e) = content {
            self.content(e, &mut c.content_keys, &mut c.copy);
        }
        c
    }

    fn schedule(&mut self, node: &Node, s: &mut Schedule) {
        for (key, e) in self.fields(node, SCHEDULE_KEYS, "schedule") {
            match key {
                "send_at" => s.send_at = self.when(&e.value, "send_at"),
                "ends_at" => s.ends_at = self.when(&e.value, "ends_at"),
                "timezone" => {
                    let Some(t) = self.text(&e.value, "timezone") else {
                        continue;
                    };
                    if t.value == "recipient" {
                        s.timezone = Some(Spanned::new(Zone::Recipient, t.span));
                    } else if let Ok(tz) = t.value.parse::<chrono_tz::Tz>() {
                        s.timezone = Some(Spanned::new(Zone::Fixed(tz), t.span));
                    } else {
                        let hint =
                            did_you_mean(t.value, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
                                .map(|z| format!("did you mean `{z}`? "))
                                .unwrap_or_default();
                        self.invalid(
                            t.span,
                            format!("`{}` is not a time zone", t.value),
                            format!("{hint}Use an IANA zone such as `America/New_York`, or `recipient` to send in each person's own time"),
                        );
                    }
                }
                _ => unreachable!(),
            }
        }
    }

    fn audience<'a>(&mut self, entry: &'a Entry) -> Audience<'a> {
        let mut a = Audience {
            key: entry.key.span,
            node: Some(&entry.value),
            ..Audience::default()
        };
        for (key, e) in self.fields(&entry.value, AUDIENCE_KEYS, "audience") {
            let v = &e.value;
            match key {
                "segment" => {
                    if self.text(v, "segment").is_some() {
                        a.segment = Some(v);
                    }
                }
                "list_size" => a.list_size = self.count(v, "list_size"),
                "estimated_size" => a.estimated_size = self.count(v, "estimated_size"),
                "include" | "exclude" => {
                    if key == "include" {
                        a.include_key = Some(e.key.span);
                    } else {
                        a.exclude_entry = Some(e);
                    }
                    if v.is_null() {
                        continue; // an empty list written as `include:`
                    }
                    let items = self.list(v, key, "- attribute: ...");
                    let mut conds: Vec<Condition<'a>> = Vec::new();
                    let mut broken = v.as_seq().is_none();
                    let terms: Vec<Term> = items
                        .iter()
                        .map(|i| self.term(i, key, 0, &mut conds, &mut broken))
                        .collect();
                    if key == "include" {
                        a.include_broken = broken;
                        a.include = conds;
                        a.include_terms = terms;
                    } else {
                        a.exclude = conds;
                        a.exclude_terms = terms;
                    }
                }
                _ => unreachable!(),
            }
        }
        if a.has_groups() && (a.way_count() > MAX_WAYS || a.ways().is_none()) {
            self.problems.push(Problem {
                kind: ProblemKind::Invalid,
                span: a.include_key.unwrap_or(a.key),
                message: sentence(
                    "the `any_of` groups of this audience combine into too many ways to qualify (more than 1,024, or too many conditions across them) to check one by one, so the checks that look at each way in (contradictions, one dimension, single signals) skip it".to_string(),
                ),
                help: sentence("merge options that mean the same (several `eq` on one attribute are one `in`), or split the audience into campaigns of their own".to_string()),
                related: None,
                severity: Some(crate::rule_meta::Severity::Warning),
                replacement: None,
            });
        }
        a
    }

    /// One item of an include or exclude list: a condition or a group,
    /// `depth` groups deep. Conditions go to `conds` in file order; an item
    /// that cannot be read is reported, sets `broken`, and becomes
    /// [`Term::Unreadable`].
    fn term<'a>(
        &mut self,
        node: &'a Node,
        list: &str,
        depth: usize,
        conds: &mut Vec<Condition<'a>>,
        broken: &mut bool,
    ) -> Term {
        let group = GROUP_KEYS
            .iter()
            .find_map(|(k, kind)| node.get(k).map(|_| (*k, *kind)));
        let Some((name, kind)) = group else {
            return match self.condition(node, list) {
                Some(c) => {
                    conds.push(c);
                    Term::Leaf(conds.len() - 1)
                }
                None => {
                    *broken = true;
                    Term::Unreadable
                }
            };
        };
        let Some(entry) = node.get(name) else {
            *broken = true;
            return Term::Unreadable;
        };
        // Unknown keys are reported with a did-you-mean; a condition's keys
        // or a second group beside the group get a message of their own.
        let mut allowed: Vec<&str> = GROUP_NAMES.to_vec();
        allowed.extend(CONDITION_KEYS);
        let place = format!("an `{name}` group");
        let mut fine = true;
        for (k, e) in self.fields(node, &allowed, &place) {
            if k == name {
                continue;
            }
            fine = false;
            if GROUP_NAMES.contains(&k) {
                self.invalid(
                    e.key.span,
                    format!("this item has both `{name}` and `{k}`"),
                    format!("make them two items of the list, or put one group inside the other (`{name}:` holding an item `- {k}: [...]`)"),
                );
            } else {
                self.invalid(
                    e.key.span,
                    format!("`{k}` sits next to `{name}`, but a group holds only its list of members"),
                    format!("move the condition into the `{name}` list as one of its members, or make it an item of its own"),
                );
            }
        }
        fine &= node.as_map().is_some_and(|m| {
            m.iter()
                .all(|e| e.key.as_str().is_some_and(|k| allowed.contains(&k)))
        });
        if depth >= MAX_GROUP_DEPTH {
            self.invalid(
                entry.key.span,
                format!(
                    "this `{name}` is more than {MAX_GROUP_DEPTH} groups deep, deeper than preflight reads"
                ),
                "flatten the groups: an `all_of` inside an `all_of` (or an `any_of` inside an `any_of`) can be merged into its parent",
            );
            *broken = true;
            return Term::Unreadable;
        }
        let items = self.list(&entry.value, name, "- attribute: ...");
        if entry.value.as_seq().is_none() {
            *broken = true;
            return Term::Unreadable;
        }
        if items.is_empty() {
            let means = match kind {
                GroupKind::AnyOf => "matches no one",
                GroupKind::AllOf => "matches everyone",
            };
            self.invalid(
                entry.value.span,
                format!("this `{name}` group is empty, so it {means}"),
                format!("list its members under `{name}:` (conditions or groups), or remove it"),
            );
            *broken = true;
            return Term::Unreadable;
        }
        let members: Vec<Term> = items
            .iter()
            .map(|i| self.term(i, list, depth + 1, conds, broken))
            .collect();
        if !fine {
            *broken = true;
            return Term::Unreadable;
        }
        Term::Group {
            kind,
            key: entry.key.span,
            span: node.span,
            members,
        }
    }

    fn condition<'a>(&mut self, node: &'a Node, list: &str) -> Option<Condition<'a>> {
        let place = format!("an {list} condition");
        if node.as_map().is_none() {
            self.fields(node, &[], &place);
            return None;
        }
        let is_event = node.get("event").is_some();
        let is_attr = node.get("attribute").is_some();
        if is_event && is_attr {
            self.invalid(
                node.span,
                format!("{place} names both an attribute and an event"),
                "split it into two conditions: one `attribute:` and one `event:`",
            );
            return None;
        }
        if !is_event && !is_attr {
            // Report unknown keys first: a typo such as `atribute` is the likely cause.
            let mut allowed: Vec<&str> = CONDITION_KEYS.to_vec();
            allowed.extend(GROUP_NAMES);
            self.fields(node, &allowed, &place);
            self.invalid(
                node.span,
                format!("{place} has neither `attribute:` nor `event:`"),
                "start the condition with `attribute: <name>` (with `op:` and `value:`) or `event: <name>`, or make it a group with `any_of:` or `all_of:`",
            );
            return None;
        }
        if is_attr {
            let mut name = None;
            let mut op = None;
            let mut value = None;
            for (key, e) in self.fields(node, ATTRIBUTE_KEYS, &place) {
                match key {
                    "attribute" => name = self.text(&e.value, "attribute"),
                    "op" => {
                        let Some(t) = self.text(&e.value, "op") else {
                            continue;
                        };
                        match Op::parse(t.value) {
                            Some(o) => op = Some(Spanned::new(o, t.span)),
                            None => {
                                let names = Op::NAMES.map(|(n, _)| n);
                                let hint = did_you_mean(t.value, names.iter().copied())
                                    .map(|s| format!("did you mean `{s}`? "))
                                    .unwrap_or_default();
                                self.invalid(
                                    t.span,
                                    format!("`{}` is not a comparison preflight knows", t.value),
                                    format!("{hint}Use one of: {}", names.join(", ")),
                                );
                            }
                        }
                    }
                    "value" => value = Some(&e.value),
                    _ => unreachable!(),
                }
            }
            let name = name?;
            match (op, value) {
                (None, _) if node.get("op").is_none() => self.invalid(
                    name.span,
                    format!("the condition on `{}` has no `op:`", name.value),
                    "add `op:` (eq, ne, in, not_in, gt, gte, lt, lte, contains, exists, not_exists)",
                ),
                (Some(o), None) if o.value.takes_value() => self.invalid(
                    o.span,
                    format!("the condition on `{}` has an `op:` but no `value:` to compare with", name.value),
                    "add `value:`",
                ),
                _ => {}
            }
            Some(Condition {
                span: node.span,
                kind: ConditionKind::Attribute { name, op, value },
            })
        } else {
            let mut name = None;
            let mut within = None;
            let mut min_count = None;
            let mut filters = Vec::new();
            for (key, e) in self.fields(node, EVENT_KEYS, &place) {
                match key {
                    "event" => name = self.text(&e.value, "event"),
                    "within" => within = self.positive_duration(&e.value, "within"),
                    "min_count" => {
                        min_count = self.count(&e.value, "min_count");
                        if let Some(m) = min_count.filter(|m| m.value == 0) {
                            self.invalid(
                                m.span,
                                "min_count is 0, so the condition always holds",
                                "use 1 or more, or remove the condition",
                            );
                        }
                    }
                    "where" => {
                        let Some(entries) = e.value.as_map() else {
                            self.fields(&e.value, &[], "where");
                            continue;
                        };
                        for f in entries {
                            if let Some(k) = self.text(&f.key, "a `where` key") {
                                filters.push((k, &f.value));
                            }
                        }
                    }
                    _ => unreachable!(),
                }
            }
            Some(Condition {
                span: node.span,
                kind: ConditionKind::Event {
                    name: name?,
                    within,
                    min_count,
                    filters,
                },
            })
        }
    }

    fn source<'a>(&mut self, node: &'a Node) -> Option<DataSource<'a>> {
        if node.as_map().is_none() {
            self.fields(node, &[], "a data source");
            return None;
        }
        let mut ds = DataSource {
            span: node.span,
            name: None,
            provides: Vec::new(),
            refreshed_at: None,
            max_age: None,
            coverage: Vec::new(),
        };
        let mut coverage = None;
        for (key, e) in self.fields(node, SOURCE_KEYS, "a data source") {
            match key {
                "name" => ds.name = self.text(&e.value, "the data source name"),
                "provides" => {
                    ds.provides =
                        self.texts(&e.value, "provides", "provides: [first_name, order_placed]")
                }
                "refreshed_at" => ds.refreshed_at = self.when(&e.value, "refreshed_at"),
                "max_age" => ds.max_age = self.positive_duration(&e.value, "max_age"),
                "coverage" => coverage = Some(&e.value),
                _ => unreachable!(),
            }
        }
        if let Some(node) = coverage {
            self.coverage(node, &mut ds);
            if !ds.provides.is_empty() {
                let provided: std::collections::HashSet<&str> =
                    ds.provides.iter().map(|p| p.value).collect();
                for (name, _) in &ds.coverage {
                    if !provided.contains(name.value) {
                        self.invalid(
                            name.span,
                            format!(
                                "`coverage` names `{}`, which this source does not list in `provides`",
                                name.value
                            ),
                            "add it to `provides`, or fix the name",
                        );
                    }
                }
            }
        }
        if ds.name.is_none() && node.get("name").is_none() {
            self.invalid(
                node.span,
                "a data source has no `name`",
                "add `name:`, such as `name: crm`",
            );
        }
        Some(ds)
    }

    fn frequency(&mut self, entry: &Entry) -> Frequency {
        let mut f = Frequency {
            key: entry.key.span,
            cap: None,
            per: None,
        };
        let fields = self.fields(&entry.value, FREQUENCY_KEYS, "frequency");
        for (key, e) in &fields {
            match *key {
                "cap" => {
                    f.cap = self.count(&e.value, "cap");
                    if let Some(c) = f.cap.filter(|c| c.value == 0) {
                        self.invalid(
                            c.span,
                            "a cap of 0 means the campaign may send nothing",
                            "write the most messages one person may get, such as `cap: 3`",
                        );
                    }
                }
                "per" => f.per = self.positive_duration(&e.value, "per"),
                _ => unreachable!(),
            }
        }
        if entry.value.as_map().is_some() {
            for need in FREQUENCY_KEYS {
                if !fields.iter().any(|(k, _)| k == need) {
                    self.invalid(
                        entry.key.span,
                        format!("`frequency` has no `{need}`"),
                        "write both, such as `frequency: {cap: 3, per: 7d}`",
                    );
                }
            }
        }
        f
    }

    fn retargeting(&mut self, entry: &Entry) -> Retargeting {
        let mut r = Retargeting {
            key: entry.key.span,
            delay: None,
            window: None,
        };
        for (key, e) in self.fields(&entry.value, RETARGETING_KEYS, "retargeting") {
            match key {
                "delay" => r.delay = self.duration(&e.value, "delay"),
                "window" => r.window = self.positive_duration(&e.value, "window"),
                _ => unreachable!(),
            }
        }
        r
    }

    fn coverage<'a>(&mut self, node: &'a Node, ds: &mut DataSource<'a>) {
        let Some(entries) = node.as_map() else {
            self.fields(node, &[], "coverage");
            return;
        };
        for e in entries {
            let Some(name) = self.text(&e.key, "a `coverage` key") else {
                continue;
            };
            let Some(share) = self.text(&e.value, "a coverage share") else {
                continue;
            };
            let plain = e.value.scalar().is_some_and(|s| s.style == Style::Plain);
            match share.value.parse::<f64>() {
                Ok(x) if plain && (0.0..=1.0).contains(&x) => {
                    ds.coverage.push((name, Spanned::new(x, share.span)))
                }
                _ => self.invalid(
                    share.span,
                    format!(
                        "the coverage of `{}` must be a share between 0 and 1, but it is `{}`",
                        name.value, share.value
                    ),
                    "write the share of the list for which the value is known, such as `0.35` for 35%",
                ),
            }
        }
    }

    fn acknowledgement<'a>(&mut self, node: &'a Node) -> Option<Acknowledgement<'a>> {
        if node.as_map().is_none() {
            self.fields(node, &[], "an acknowledge entry");
            return None;
        }
        let mut rule = None;
        let mut reason = None;
        for (key, e) in self.fields(node, ACK_KEYS, "an acknowledge entry") {
            match key {
                "rule" => {
                    let Some(t) = self.text(&e.value, "the acknowledged rule") else {
                        continue;
                    };
                    let found = self
                        .rules
                        .iter()
                        .find(|r| r.name == t.value || r.code == t.value);
                    match found.copied() {
                        Some(r) if r.acknowledgeable() => rule = Some(r),
                        Some(r) => self.invalid(
                            t.span,
                            format!("`{}` cannot be acknowledged", r.name),
                            "fix the campaign file instead: this rule reports a mistake in its structure",
                        ),
                        None => {
                            let names = self.rules.iter().flat_map(|r| [r.name, r.code]);
                            let hint = did_you_mean(t.value, names)
                                .map(|s| format!("did you mean `{s}`? "))
                                .unwrap_or_default();
                            self.invalid(
                                t.span,
                                format!("`{}` is not a preflight rule", t.value),
                                format!("{hint}`preflight rules` lists every rule"),
                            );
                        }
                    }
                }
                "reason" => {
                    if let Some(t) = self.text(&e.value, "the reason") {
                        if !t.value.trim().is_empty() {
                            reason = Some(t.value);
                        }
                    }
                }
                _ => unreachable!(),
            }
        }
        if reason.is_none() {
            self.invalid(
                node.span,
                "this acknowledgement gives no reason",
                "add `reason:` saying why the exception is safe, so reviewers can check it",
            );
            return None;
        }
        Some(Acknowledgement {
            span: node.span,
            rule,
            reason,
        })
    }

    fn content<'a>(
        &mut self,
        entry: &'a Entry,
        keys: &mut Vec<Spanned<Channel>>,
        out: &mut Vec<CopyField<'a>>,
    ) where
        'n: 'a,
    {
        let names = Channel::ALL.map(Channel::as_str);
        for (key, e) in self.fields(&entry.value, &names, "content") {
            let channel = Channel::parse(key).expect("key filtered by channel names");
            keys.push(Spanned::new(channel, e.key.span));
            let place = format!("the {key} content");
            for (field, f) in self.fields(&e.value, channel.fields(), &place) {
                let field = channel
                    .fields()
                    .iter()
                    .find(|n| **n == field)
                    .expect("allowed field");
                let what = format!("{key} {field}");
                if f.value.as_map().is_some() {
                    if let Some(copy) = self.copy_file(channel, field, &f.value, &what) {
                        out.push(copy);
                    }
                } else if self.text(&f.value, &what).is_some() {
                    out.push(CopyField::new(channel, field, &f.value));
                }
            }
        }
    }
}

impl<'p, 'n> Loader<'p, 'n> {
    /// `field: {file: PATH}`: copy kept in a file of its own, which the
    /// engine has read (or failed to) before loading.
    fn copy_file<'a>(
        &mut self,
        channel: Channel,
        field: &'static str,
        node: &'a Node,
        what: &str,
    ) -> Option<CopyField<'a>>
    where
        'n: 'a,
    {
        let place = format!("the {what}");
        let entries = self.fields(node, &["file"], &place);
        let Some((_, entry)) = entries.into_iter().next() else {
            // Other keys are reported as unknown fields already.
            if node.as_map().is_some_and(|m| !m.is_empty()) {
                return None;
            }
            self.invalid(
                node.span,
                format!("the {what} is a mapping without `file:`"),
                "write the copy as text, or name the file that holds it: `{file: templates/welcome.html}`",
            );
            return None;
        };
        let path = self.text(&entry.value, "file")?;
        if path.value.trim().is_empty() {
            self.invalid(
                path.span,
                "`file:` names no file",
                "write the path of the file that holds the copy, from the campaign file's folder",
            );
            return None;
        }
        match self.attachments.get(&entry.value.span) {
            Some(AttachedCopy::Read(text)) => {
                let mut copy = CopyField::new(channel, field, text);
                copy.file = Some(path);
                Some(copy)
            }
            Some(AttachedCopy::Failed { message, help }) => {
                let (message, help) = (message.clone(), help.clone());
                self.invalid(path.span, message, help);
                None
            }
            None => {
                self.invalid(
                    path.span,
                    format!("`{}` was not read", path.value),
                    "copy in files is read when campaigns are checked from files; here the campaign was given as text alone",
                );
                None
            }
        }
    }
}

/// The `{file: PATH}` values of a campaign's copy, for the engine to read
/// before loading: each path's node.
pub fn file_references(root: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let Some(content) = root.get("content") else {
        return out;
    };
    for channel in content.value.as_map().unwrap_or(&[]) {
        for field in channel.value.as_map().unwrap_or(&[]) {
            if let Some(file) = field.value.get("file") {
                if file.value.as_str().is_some() {
                    out.push(&file.value);
                }
            }
        }
    }
    out
}

/// Whether a text is an ISO 3166 country code (`US`) or subdivision (`US-FL`).
pub fn is_region(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && (b.len() == 2
            || (b[2] == b'-'
                && (2..=3).contains(&(b.len() - 3))
                && b[3..]
                    .iter()
                    .all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())))
}

/// A bare field name is shown as code (`list_size`); phrases stay as they are.
fn field_name(what: &str) -> std::borrow::Cow<'_, str> {
    if !what.is_empty() && what.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        std::borrow::Cow::Owned(format!("`{what}`"))
    } else {
        std::borrow::Cow::Borrowed(what)
    }
}

/// Loads a campaign from its YAML tree; `rules` are every rule preflight has
/// (an `acknowledge` entry must name one).
pub fn load<'a>(
    root: &'a Node,
    problems: &mut Vec<Problem>,
    rules: &[&'static RuleMeta],
) -> Campaign<'a> {
    static NONE: std::sync::LazyLock<Attachments> = std::sync::LazyLock::new(Attachments::new);
    load_with(root, &NONE, problems, rules)
}

/// Loads a campaign whose copy may name files, given what the engine read
/// of them (`attachments`, by the span of each path).
pub fn load_with<'a>(
    root: &'a Node,
    attachments: &'a Attachments,
    problems: &mut Vec<Problem>,
    rules: &[&'static RuleMeta],
) -> Campaign<'a> {
    let mut c = Loader {
        problems,
        attachments,
        rules,
    }
    .campaign(root);
    c.assign_languages(None);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::yaml::{parse, Budget};

    fn problems(text: &str) -> Vec<(String, String, String)> {
        let docs = parse(text, 0, Budget::default()).unwrap();
        let mut p = Vec::new();
        load(&docs[0].root, &mut p, crate::rules::metas());
        p.into_iter()
            .map(|p| {
                (
                    crate::rules::for_problem(p.kind).name.to_string(),
                    text[p.span.range()].to_string(),
                    p.message + " / " + &p.help,
                )
            })
            .collect()
    }

    const OK: &str = "campaign: c1\nchannels: [email]\nschedule:\n  send_at: 2027-06-10T09:00:00\n";

    #[test]
    fn a_minimal_campaign_loads_cleanly() {
        assert!(problems(OK).is_empty(), "{:?}", problems(OK));
    }

    #[test]
    fn unknown_fields_get_did_you_mean() {
        let p = problems(&format!("{OK}audience:\n  exlude: []\n"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "unknown-field");
        assert_eq!(p[0].1, "exlude");
        assert!(p[0].2.contains("Did you mean `exclude`"), "{}", p[0].2);
    }

    #[test]
    fn wrong_types_and_bad_values_point_at_the_value() {
        let cases = [
            ("audience:\n  list_size: lots\n", "lots", "whole number"),
            (
                "schedule:\n  send_at: 2027-02-30\n",
                "2027-02-30",
                "not a real calendar date",
            ),
            ("region: usa\n", "usa", "not a country code"),
            (
                "schedule:\n  send_at: 2027-06-10\n  timezone: America/New_Yrok\n",
                "America/New_Yrok",
                "America/New_York",
            ),
            (
                "audience:\n  include:\n    - event: x\n      within: 3 months\n",
                "3 months",
                "not a duration",
            ),
            (
                "audience:\n  include:\n    - attribute: x\n      op: equals\n      value: 1\n",
                "equals",
                "eq, ne, in",
            ),
        ];
        for (extra, at, says) in cases {
            let text = if extra.starts_with("schedule") {
                format!("campaign: c1\nchannels: [email]\n{extra}")
            } else {
                format!("{OK}{extra}")
            };
            let p = problems(&text);
            assert!(
                p.iter()
                    .any(|(r, s, m)| r == "invalid-campaign" && s == at && m.contains(says)),
                "{extra}: {p:?}"
            );
        }
    }

    #[test]
    fn missing_required_fields_are_reported() {
        let p = problems("campaign: c1\n");
        let msgs: Vec<_> = p.iter().map(|x| x.2.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("channels")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("no schedule")), "{msgs:?}");
        assert!(p.iter().all(|x| x.1 == "c1"));
    }

    #[test]
    fn acknowledgements_need_a_known_rule_and_a_reason() {
        let p = problems(&format!(
            "{OK}acknowledge:\n  - rule: sensitive-ocasion\n    reason: ok\n  - rule: stale-data\n"
        ));
        assert!(
            p.iter()
                .any(|x| x.1 == "sensitive-ocasion"
                    && x.2.contains("Did you mean `sensitive-occasion`")),
            "{p:?}"
        );
        assert!(p.iter().any(|x| x.2.contains("gives no reason")), "{p:?}");
    }

    #[test]
    fn a_schedule_without_send_at_is_reported_once() {
        let p = problems("campaign: c1\nchannels: [email]\nschedule:\n  timezone: recipient\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].2.contains("no `send_at`"));
        let p = problems("campaign: c1\nchannels: [email]\nschedule:\n  send_at: someday\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].1, "someday");
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(sentence("the file".into()), "The file.");
        assert_eq!(sentence("`x` is odd!".into()), "`x` is odd!");
    }

    #[test]
    fn duplicate_keys_are_invalid() {
        let p = problems(&format!("{OK}consent: [a]\nconsent: [b]\n"));
        assert_eq!(p.len(), 1);
        assert!(p[0].2.contains("appears twice"));
    }

    #[test]
    fn conditions_need_an_attribute_or_event() {
        let p = problems(&format!(
            "{OK}audience:\n  include:\n    - atribute: x\n      op: eq\n      value: 1\n"
        ));
        assert!(
            p.iter().any(|x| x.0 == "unknown-field"
                && x.1 == "atribute"
                && x.2.contains("`attribute`")),
            "{p:?}"
        );
    }

    #[test]
    fn frequency_retargeting_coverage_and_season_are_read_and_checked() {
        let ok = format!(
            "{OK}frequency: {{cap: 2, per: 7d}}\nretargeting: {{delay: 4h, window: 7d}}\nseason: fall\ndata_sources:\n  - name: crm\n    provides: [a]\n    coverage: {{a: 0.35}}\n"
        );
        assert!(problems(&ok).is_empty(), "{:?}", problems(&ok));
        let docs = parse(&ok, 0, Budget::default()).unwrap();
        let mut p = Vec::new();
        let c = load(&docs[0].root, &mut p, crate::rules::metas());
        let f = c.frequency.unwrap();
        assert_eq!(f.cap.unwrap().value, 2);
        assert_eq!(f.per.unwrap().value, Duration::days(7));
        assert_eq!(
            c.retargeting.unwrap().delay.unwrap().value,
            Duration::hours(4)
        );
        assert_eq!(c.season.unwrap().value, Season::Autumn);
        assert_eq!(c.data_sources[0].coverage[0].1.value, 0.35);

        let bad = [
            ("frequency: {cap: 2}\n", "frequency", "has no `per`"),
            ("frequency: {cap: 0, per: 1d}\n", "0", "cap of 0"),
            ("retargeting: {delay: soon}\n", "soon", "not a duration"),
            ("season: monsoon\n", "monsoon", "not a season"),
            (
                "data_sources:\n  - name: crm\n    provides: [a]\n    coverage: {a: 35}\n",
                "35",
                "between 0 and 1",
            ),
            (
                "data_sources:\n  - name: crm\n    provides: [a]\n    coverage: {b: 0.5}\n",
                "b",
                "does not list in `provides`",
            ),
        ];
        for (extra, at, says) in bad {
            let p = problems(&format!("{OK}{extra}"));
            assert!(
                p.iter().any(|(_, s, m)| s == at && m.contains(says)),
                "{extra}: {p:?}"
            );
        }
    }

    /// A condition at `indent` spaces, as an item of a list.
    fn cond(indent: usize, name: &str) -> String {
        let pad = " ".repeat(indent);
        format!("{pad}- attribute: {name}\n{pad}  op: eq\n{pad}  value: 1\n")
    }

    fn loaded<R>(text: &str, f: impl FnOnce(&Campaign, &[Problem]) -> R) -> R {
        let docs = parse(text, 0, Budget::default()).unwrap();
        let mut p = Vec::new();
        let c = load(&docs[0].root, &mut p, crate::rules::metas());
        f(&c, &p)
    }

    #[test]
    fn groups_load_as_a_tree_with_every_condition_listed() {
        let text = format!(
            "{OK}audience:\n  include:\n{}    - any_of:\n{}        - all_of:\n{}{}  exclude:\n    - any_of:\n{}",
            cond(4, "a"),
            cond(8, "b"),
            cond(12, "c"),
            cond(12, "d"),
            cond(8, "e"),
        );
        loaded(&text, |c, p| {
            assert!(p.is_empty(), "{p:?}");
            let a = c.audience.as_ref().unwrap();
            let names: Vec<&str> = a.include.iter().map(|c| c.name().value).collect();
            assert_eq!(names, ["a", "b", "c", "d"]);
            assert_eq!(a.exclude.len(), 1);
            assert!(a.has_groups() && !a.include_broken);
            let Term::Group { kind, members, .. } = &a.include_terms[1] else {
                panic!("{:?}", a.include_terms);
            };
            assert_eq!(*kind, GroupKind::AnyOf);
            assert!(
                matches!(&members[1], Term::Group { kind: GroupKind::AllOf, members, .. } if members == &[Term::Leaf(2), Term::Leaf(3)])
            );
            // a and (b or (c and d)): two ways in.
            let ways: Vec<Vec<&str>> = a
                .include_ways()
                .unwrap()
                .iter()
                .map(|w| w.iter().map(|c| c.name().value).collect())
                .collect();
            assert_eq!(ways, [vec!["a", "b"], vec!["a", "c", "d"]]);
            assert_eq!(a.way_count(), 2);
            let required: Vec<&str> = a
                .required_includes()
                .iter()
                .map(|c| c.name().value)
                .collect();
            assert_eq!(required, ["a"]);
            assert_eq!(a.sufficient_excludes().len(), 1);
        });
    }

    #[test]
    fn broken_groups_are_located() {
        let empty = format!("{OK}audience:\n  include:\n    - any_of: []\n");
        let p = problems(&empty);
        assert!(
            p.iter().any(|x| x.0 == "invalid-campaign"
                && x.1 == "[]"
                && x.2.contains("empty, so it matches no one")),
            "{p:?}"
        );
        let both = format!(
            "{OK}audience:\n  include:\n    - any_of:\n{}      all_of:\n{}",
            cond(8, "a"),
            cond(8, "b")
        );
        let p = problems(&both);
        assert!(
            p.iter()
                .any(|x| x.1 == "all_of" && x.2.contains("both `any_of` and `all_of`")),
            "{p:?}"
        );
        let beside = format!(
            "{OK}audience:\n  include:\n    - any_of:\n{}      attribute: x\n",
            cond(8, "a")
        );
        let p = problems(&beside);
        assert!(
            p.iter()
                .any(|x| x.1 == "attribute" && x.2.contains("sits next to `any_of`")),
            "{p:?}"
        );
        let typo = format!(
            "{OK}audience:\n  include:\n    - any_off:\n{}",
            cond(8, "a")
        );
        let p = problems(&typo);
        assert!(
            p.iter()
                .any(|x| x.0 == "unknown-field" && x.1 == "any_off" && x.2.contains("`any_of`")),
            "{p:?}"
        );
        let not_a_list = format!("{OK}audience:\n  include:\n    - all_of: x\n");
        let p = problems(&not_a_list);
        assert!(
            p.iter()
                .any(|x| x.1 == "x" && x.2.contains("must be a list")),
            "{p:?}"
        );
        loaded(&beside, |c, _| {
            assert!(c.audience.as_ref().unwrap().include_broken)
        });
    }

    #[test]
    fn groups_are_bounded() {
        // Nine groups deep: the ninth is refused at its key.
        let mut text = format!("{OK}audience:\n  include:\n");
        for d in 0..9 {
            text += &format!("{}- any_of:\n", " ".repeat(4 + 4 * d));
        }
        text += &cond(4 + 4 * 9, "deep");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].1, "any_of");
        assert!(p[0].2.contains("more than 8 groups deep"), "{p:?}");
        let at = text.rfind("any_of").unwrap();
        loaded(&text, |_, p| assert_eq!(p[0].span.start, at));
        // Eleven groups of two options each: 2,048 ways in.
        let mut text = format!("{OK}audience:\n  include:\n");
        for g in 0..11 {
            text += "    - any_of:\n";
            text += &cond(8, &format!("x{g}"));
            text += &cond(8, &format!("y{g}"));
        }
        loaded(&text, |c, p| {
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!(p[0].severity, Some(crate::rule_meta::Severity::Warning));
            assert!(
                p[0].message
                    .contains("too many ways to qualify (more than 1,024,"),
                "{}",
                p[0].message
            );
            let a = c.audience.as_ref().unwrap();
            assert_eq!(a.way_count(), 2048);
            assert!(a.include_ways().is_none() && a.ways().is_none());
        });
    }
}
