//! The campaign model (format v1): typed fields that keep their spans.
//! `crate::model::load` fills it from a YAML tree.

use std::fmt;

use crate::input::source::Span;
use crate::input::yaml::Node;
use crate::model::calendar::{Duration, When};
use crate::rule_meta::RuleMeta;
use crate::text::searchable::Searchable;
use crate::text::template::{tokens, visible_text, Token, Visible};

/// A value and where it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Email,
    Sms,
    Push,
    Ad,
    Web,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Sms,
        Channel::Push,
        Channel::Ad,
        Channel::Web,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
            Channel::Ad => "ad",
            Channel::Web => "web",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The copy fields this channel has.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Channel::Email => &["from", "subject", "preheader", "body", "text"],
            Channel::Sms => &["body"],
            Channel::Push => &["title", "body"],
            Channel::Ad | Channel::Web => &["headline", "body"],
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    In,
    NotIn,
    Gt,
    Gte,
    Lt,
    Lte,
    Contains,
    Exists,
    NotExists,
}

impl Op {
    pub(crate) const NAMES: [(&'static str, Op); 11] = [
        ("eq", Op::Eq),
        ("ne", Op::Ne),
        ("in", Op::In),
        ("not_in", Op::NotIn),
        ("gt", Op::Gt),
        ("gte", Op::Gte),
        ("lt", Op::Lt),
        ("lte", Op::Lte),
        ("contains", Op::Contains),
        ("exists", Op::Exists),
        ("not_exists", Op::NotExists),
    ];

    pub(crate) fn parse(s: &str) -> Option<Op> {
        Op::NAMES.iter().find(|(n, _)| *n == s).map(|(_, o)| *o)
    }

    pub fn takes_value(self) -> bool {
        !matches!(self, Op::Exists | Op::NotExists)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Recipient,
    Fixed(chrono_tz::Tz),
}

#[derive(Debug, Default)]
pub struct Schedule {
    pub send_at: Option<Spanned<When>>,
    pub timezone: Option<Spanned<Zone>>,
    pub ends_at: Option<Spanned<When>>,
}

#[derive(Debug)]
pub enum ConditionKind<'a> {
    Attribute {
        name: Spanned<&'a str>,
        op: Option<Spanned<Op>>,
        value: Option<&'a Node>,
    },
    Event {
        name: Spanned<&'a str>,
        within: Option<Spanned<Duration>>,
        min_count: Option<Spanned<u64>>,
        /// Event property filters: key and value node (text or list).
        filters: Vec<(Spanned<&'a str>, &'a Node)>,
    },
}

#[derive(Debug)]
pub struct Condition<'a> {
    /// The whole condition mapping.
    pub span: Span,
    pub kind: ConditionKind<'a>,
}

impl<'a> Condition<'a> {
    pub fn op(&self) -> Option<Op> {
        match &self.kind {
            ConditionKind::Attribute { op, .. } => op.map(|o| o.value),
            ConditionKind::Event { .. } => None,
        }
    }

    /// The attribute or event name.
    pub fn name(&self) -> Spanned<&'a str> {
        match &self.kind {
            ConditionKind::Attribute { name, .. } | ConditionKind::Event { name, .. } => *name,
        }
    }

    /// Every text value the condition compares against (values and event
    /// filters), with spans.
    pub fn values(&self) -> Vec<Spanned<&'a str>> {
        let mut out = Vec::new();
        let mut push = |n: &'a Node| {
            if let Some(items) = n.as_seq() {
                out.extend(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| Spanned::new(s, i.span))),
                );
            } else if let Some(s) = n.as_str() {
                out.push(Spanned::new(s, n.span));
            }
        };
        match &self.kind {
            ConditionKind::Attribute { value, .. } => {
                if let Some(v) = value {
                    push(v)
                }
            }
            ConditionKind::Event { filters, .. } => filters.iter().for_each(|(_, v)| push(v)),
        }
        out
    }
}

/// How the members of a group combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKind {
    /// `any_of`: at least one member holds.
    AnyOf,
    /// `all_of`: every member holds.
    AllOf,
}

impl GroupKind {
    /// The key it is written with.
    pub fn key(self) -> &'static str {
        match self {
            GroupKind::AnyOf => "any_of",
            GroupKind::AllOf => "all_of",
        }
    }
}

/// The most levels of groups inside one another (`any_of` in an `all_of`
/// in an `any_of` …); a deeper group is `invalid-campaign`.
pub const MAX_GROUP_DEPTH: usize = 8;

/// The most ways into one audience (the combinations of its `any_of`
/// members, excludes included) that the rules reason about one by one; past
/// it they skip the audience, and the loader says so.
pub const MAX_WAYS: usize = 1024;

/// One item of an `include` or `exclude` list: a condition, or a group.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A condition: its index in the audience's `include` (or `exclude`)
    /// list of conditions.
    Leaf(usize),
    /// `any_of: [...]` or `all_of: [...]`.
    Group {
        kind: GroupKind,
        /// The `any_of` / `all_of` key.
        key: Span,
        /// The whole item.
        span: Span,
        members: Vec<Term>,
    },
    /// An item that could not be read (already reported): it may hold for
    /// anyone, so reasoning treats it as always true, which only lets more
    /// people in.
    Unreadable,
}

impl Term {
    pub fn is_group(&self) -> bool {
        matches!(self, Term::Group { .. })
    }
}

/// A condition with its polarity: `true` when it must hold (an include),
/// `false` when it must not (an exclude).
pub type Signed<'c, 'a> = (&'c Condition<'a>, bool);

/// The ways into an audience of `terms` read with `polarity`, as
/// conjunctions of signed conditions (disjunctive normal form); `None`
/// past `max` ways. `Unreadable` items drop out (always true).
fn ways_of<'c, 'a>(
    terms: &[Term],
    conditions: &'c [Condition<'a>],
    polarity: bool,
    all: bool,
    max: usize,
) -> Option<Vec<Vec<Signed<'c, 'a>>>> {
    // `all` with positive polarity is a conjunction; negation swaps them.
    if all {
        let mut acc: Vec<Vec<Signed>> = vec![Vec::new()];
        // The conditions in all the ways so far, bounded too: a thousand
        // ways of thousands of conditions each would cost too much memory.
        let mut size = 0usize;
        for t in terms {
            let w = term_ways(t, conditions, polarity, max)?;
            if acc.len().saturating_mul(w.len()) > max {
                return None;
            }
            let added: usize = w.iter().map(Vec::len).sum();
            size = size
                .saturating_mul(w.len())
                .saturating_add(added.saturating_mul(acc.len()));
            if size > MAX_WAY_CONDITIONS {
                return None;
            }
            crate::work::add(added.saturating_mul(acc.len()) + 1);
            if let [only] = w.as_slice() {
                // One way (a condition, or an all_of): every way gets it,
                // in place, so a long list costs its length.
                for a in &mut acc {
                    a.extend_from_slice(only);
                }
                continue;
            }
            let mut next = Vec::with_capacity(acc.len() * w.len());
            for a in &acc {
                for b in &w {
                    crate::work::add(a.len());
                    let mut v = a.clone();
                    v.extend(b.iter().copied());
                    next.push(v);
                }
            }
            acc = next;
        }
        Some(acc)
    } else {
        let mut acc = Vec::new();
        let mut size = 0usize;
        for t in terms {
            let w = term_ways(t, conditions, polarity, max)?;
            size = size.saturating_add(w.iter().map(Vec::len).sum());
            acc.extend(w);
            if acc.len() > max || size > MAX_WAY_CONDITIONS {
                return None;
            }
        }
        Some(acc)
    }
}

/// The most conditions all the ways into one audience may hold together
/// (each condition counted once per way it is in). A list without groups
/// is one way and always fits: the YAML budget allows fewer conditions.
pub const MAX_WAY_CONDITIONS: usize = 1 << 20;

fn term_ways<'c, 'a>(
    t: &Term,
    conditions: &'c [Condition<'a>],
    polarity: bool,
    max: usize,
) -> Option<Vec<Vec<Signed<'c, 'a>>>> {
    match t {
        Term::Leaf(i) => Some(vec![conditions
            .get(*i)
            .map(|c| (c, polarity))
            .into_iter()
            .collect()]),
        Term::Unreadable => Some(vec![Vec::new()]),
        Term::Group { kind, members, .. } => {
            // ¬(a ∧ b) = ¬a ∨ ¬b and ¬(a ∨ b) = ¬a ∧ ¬b.
            let all = (*kind == GroupKind::AllOf) == polarity;
            ways_of(members, conditions, polarity, all, max)
        }
    }
}

/// How many ways into the audience `terms` make (saturating): an `all_of`
/// multiplies, an `any_of` adds; negation swaps them.
fn count_ways(terms: &[Term], polarity: bool, all: bool) -> usize {
    let each = terms.iter().map(|t| match t {
        Term::Leaf(_) | Term::Unreadable => 1,
        Term::Group { kind, members, .. } => {
            count_ways(members, polarity, (*kind == GroupKind::AllOf) == polarity)
        }
    });
    if all {
        each.fold(1usize, usize::saturating_mul)
    } else {
        each.fold(0usize, usize::saturating_add).max(1)
    }
}

/// The conditions under `terms` that hold for everyone the terms let in
/// (`all`: the terms are a conjunction): reached through `all_of` groups
/// only, or through groups of one member.
fn required<'c, 'a>(
    terms: &[Term],
    conditions: &'c [Condition<'a>],
    all: bool,
    out: &mut Vec<&'c Condition<'a>>,
) {
    if !all && terms.len() != 1 {
        return;
    }
    for t in terms {
        match t {
            Term::Leaf(i) => out.extend(conditions.get(*i)),
            Term::Unreadable => {}
            Term::Group { kind, members, .. } => {
                required(members, conditions, *kind == GroupKind::AllOf, out)
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Audience<'a> {
    /// The `audience` key.
    pub key: Span,
    pub segment: Option<&'a Node>,
    pub list_size: Option<Spanned<u64>>,
    pub estimated_size: Option<Spanned<u64>>,
    /// The `include` key, when written.
    pub include_key: Option<Span>,
    /// Some include condition could not be read (already reported as
    /// `invalid-campaign`): rules that judge the whole include list skip.
    pub include_broken: bool,
    /// Every include condition, those inside groups too, in file order.
    pub include: Vec<Condition<'a>>,
    /// Every exclude condition, those inside groups too, in file order.
    pub exclude: Vec<Condition<'a>>,
    /// The `include` list as written: conditions (indices into `include`)
    /// and groups. All of them must hold.
    pub include_terms: Vec<Term>,
    /// The `exclude` list as written (indices into `exclude`): a person
    /// is left out when any of them holds.
    pub exclude_terms: Vec<Term>,
    /// The `audience` value as written (for fixes that add to it).
    pub node: Option<&'a Node>,
    /// The `exclude` entry as written, when there is one.
    pub exclude_entry: Option<&'a crate::input::yaml::Entry>,
}

impl<'a> Audience<'a> {
    /// Whether the include or exclude list holds a group.
    pub fn has_groups(&self) -> bool {
        self.include_terms
            .iter()
            .chain(&self.exclude_terms)
            .any(Term::is_group)
    }

    /// The ways into the audience by its include list alone: each a set
    /// of conditions that together let a person in (one per combination of
    /// `any_of` members; a flat list is one way, its conditions in order).
    /// `None` past [`MAX_WAYS`].
    pub fn include_ways(&self) -> Option<Vec<Vec<&Condition<'a>>>> {
        let ways = ways_of(&self.include_terms, &self.include, true, true, MAX_WAYS)?;
        Some(
            ways.into_iter()
                .map(|w| w.into_iter().map(|(c, _)| c).collect())
                .collect(),
        )
    }

    /// The ways into the audience, excludes included: in each, the include
    /// conditions that must hold and the exclude conditions that must not.
    /// `None` past [`MAX_WAYS`].
    pub fn ways(&self) -> Option<Vec<Vec<Signed<'_, 'a>>>> {
        self.ways_with(&self.include_terms)
    }

    /// The ways into the audience with `include_terms` (over this
    /// audience's include conditions) in place of its include list: one
    /// option of an `any_of` alone, say.
    pub fn ways_with(&self, include_terms: &[Term]) -> Option<Vec<Vec<Signed<'_, 'a>>>> {
        let inc = ways_of(include_terms, &self.include, true, true, MAX_WAYS)?;
        // A person is left out when any exclude holds: none may.
        let exc = ways_of(&self.exclude_terms, &self.exclude, false, true, MAX_WAYS)?;
        if inc.len().saturating_mul(exc.len()) > MAX_WAYS {
            return None;
        }
        let size = inc
            .iter()
            .map(Vec::len)
            .sum::<usize>()
            .saturating_mul(exc.len())
            + exc
                .iter()
                .map(Vec::len)
                .sum::<usize>()
                .saturating_mul(inc.len());
        if size > MAX_WAY_CONDITIONS {
            return None;
        }
        crate::work::add(size + 1);
        let mut out = Vec::with_capacity(inc.len() * exc.len());
        for a in &inc {
            for b in &exc {
                let mut v = a.clone();
                v.extend(b.iter().copied());
                out.push(v);
            }
        }
        Some(out)
    }

    /// How many ways into the audience there are, excludes included
    /// (saturating).
    pub fn way_count(&self) -> usize {
        count_ways(&self.include_terms, true, true).saturating_mul(count_ways(
            &self.exclude_terms,
            false,
            true,
        ))
    }

    /// The include conditions that hold for everyone in the audience: those
    /// not inside an `any_of` of several members.
    pub fn required_includes(&self) -> Vec<&Condition<'a>> {
        let mut out = Vec::new();
        required(&self.include_terms, &self.include, true, &mut out);
        out
    }

    /// The exclude conditions that leave a person out on their own: those
    /// not inside an `all_of` of several members.
    pub fn sufficient_excludes(&self) -> Vec<&Condition<'a>> {
        let mut out = Vec::new();
        // Under negation an `any_of` of excludes is a conjunction of
        // exclusions: each member excludes alone.
        fn walk<'c, 'a>(
            terms: &[Term],
            conditions: &'c [Condition<'a>],
            out: &mut Vec<&'c Condition<'a>>,
        ) {
            for t in terms {
                match t {
                    Term::Leaf(i) => out.extend(conditions.get(*i)),
                    Term::Unreadable => {}
                    Term::Group { kind, members, .. } => {
                        if *kind == GroupKind::AnyOf || members.len() == 1 {
                            walk(members, conditions, out)
                        }
                    }
                }
            }
        }
        walk(&self.exclude_terms, &self.exclude, &mut out);
        out
    }
}

#[derive(Debug)]
pub struct DataSource<'a> {
    pub span: Span,
    pub name: Option<Spanned<&'a str>>,
    pub provides: Vec<Spanned<&'a str>>,
    pub refreshed_at: Option<Spanned<When>>,
    pub max_age: Option<Spanned<Duration>>,
    /// The share of the list (0–1) for which each attribute is known.
    pub coverage: Vec<(Spanned<&'a str>, Spanned<f64>)>,
}

impl<'a> DataSource<'a> {
    /// Whether this source lists `name` in `provides`.
    pub fn provides(&self, name: &str) -> bool {
        self.provides.iter().any(|p| p.value == name)
    }
}

/// `frequency: {cap: 3, per: 7d}`: the most messages this campaign may send
/// one person in a window.
#[derive(Debug, Clone, Copy)]
pub struct Frequency {
    /// The `frequency` key.
    pub key: Span,
    pub cap: Option<Spanned<u64>>,
    pub per: Option<Spanned<Duration>>,
}

/// `retargeting: {delay: 2h, window: 14d}`: how soon after the triggering
/// behaviour the first message goes, and how long the person is followed.
#[derive(Debug, Clone, Copy)]
pub struct Retargeting {
    /// The `retargeting` key.
    pub key: Span,
    pub delay: Option<Spanned<Duration>>,
    pub window: Option<Spanned<Duration>>,
}

/// The season a campaign's products belong to (`season:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    Winter,
    Spring,
    Summer,
    Autumn,
    /// Not bound to a season: seasonal checks are off.
    Any,
}

impl Season {
    pub const NAMES: [(&'static str, Season); 6] = [
        ("winter", Season::Winter),
        ("spring", Season::Spring),
        ("summer", Season::Summer),
        ("autumn", Season::Autumn),
        ("fall", Season::Autumn),
        ("any", Season::Any),
    ];

    pub fn parse(s: &str) -> Option<Season> {
        Season::NAMES.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Season::Winter => "winter",
            Season::Spring => "spring",
            Season::Summer => "summer",
            Season::Autumn => "autumn",
            Season::Any => "any",
        }
    }
}

#[derive(Debug)]
pub struct Acknowledgement<'a> {
    pub span: Span,
    /// The rule named, when it is a known rule.
    pub rule: Option<&'static RuleMeta>,
    pub reason: Option<&'a str>,
}

/// Copy kept in a file of its own (`body: {file: ../templates/welcome.html}`),
/// as the engine found it. The loader does no reading: the engine reads
/// every file a campaign names first, and hands the results over by the
/// span of the path as written.
#[derive(Debug)]
pub enum AttachedCopy {
    /// The file's text, as a scalar whose span lies in the file's own
    /// stretch of the run's offsets (see `crate::input::source::SourceMap`).
    Read(Node),
    /// It could not be read: what to tell the author, and how to fix it.
    Failed { message: String, help: String },
}

/// The files the copy of one campaign file names, by the span of each path.
pub type Attachments = std::collections::HashMap<Span, AttachedCopy>;

/// One piece of copy: a channel's field such as `email.subject`.
#[derive(Debug)]
pub struct CopyField<'a> {
    pub channel: Channel,
    pub field: &'static str,
    /// The text: a scalar of the campaign file, or the whole of a file the
    /// campaign names (then its span lies in that file's stretch).
    pub node: &'a Node,
    /// The path as written in `{file: PATH}`, when the copy is in a file of
    /// its own.
    pub file: Option<Spanned<&'a str>>,
    /// Part of the copy comes from an include, a partial or a layout that
    /// could not be read: rules that look for what must be somewhere in it
    /// (an unsubscribe link, a postal address) cannot tell, and stay quiet.
    pub incomplete: bool,
    /// The text as a reader sees it and its merge tokens, worked out once
    /// when the campaign is loaded (many rules read the same copy).
    visible: Visible<'a>,
    tokens: Vec<Token<'a>>,
    /// The visible text for the vocabularies, in the field's language
    /// (set by [`Campaign::assign_languages`]).
    pub search: Searchable<'a>,
}

impl<'a> CopyField<'a> {
    pub fn new(channel: Channel, field: &'static str, node: &'a Node) -> Self {
        let text = node.as_str().unwrap_or("");
        let visible = visible_text(text);
        CopyField {
            channel,
            field,
            node,
            file: None,
            incomplete: false,
            search: Searchable::new(
                visible.text.clone(),
                crate::text::language::Langs::of(crate::text::language::Lang::En),
            ),
            visible,
            tokens: tokens(text),
        }
    }

    /// The languages of the field's copy.
    pub fn langs(&self) -> crate::text::language::Langs {
        self.search.langs
    }

    pub fn text(&self) -> &'a str {
        self.node.as_str().unwrap_or("")
    }

    /// The text as a reader sees it: markup blanked, character references decoded.
    pub fn visible(&self) -> &Visible<'a> {
        &self.visible
    }

    /// The merge tokens of the text, in order.
    pub fn tokens(&self) -> &[Token<'a>] {
        &self.tokens
    }

    /// Where it shows: a subject line, SMS, push title and the like are seen
    /// before the message is opened (lock screens, inbox lists).
    pub fn is_glanceable(&self) -> bool {
        matches!(
            (self.channel, self.field),
            (Channel::Email, "subject") | (Channel::Sms, _) | (Channel::Push, "title")
        )
    }

    /// Where a glanceable field is seen before the message is opened.
    pub fn seen_where(&self) -> Option<&'static str> {
        match (self.channel, self.field) {
            (Channel::Email, "subject") => Some("shows in inbox lists"),
            (Channel::Sms, _) | (Channel::Push, "title") => Some("shows on lock screens"),
            _ => None,
        }
    }

    /// `email subject`, `push title`… for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.channel, self.field)
    }
}

/// One campaign: one YAML document.
#[derive(Debug, Default)]
pub struct Campaign<'a> {
    /// The document's root mapping.
    pub span: Span,
    /// The `campaign` key, and its id value.
    pub id_key: Span,
    pub id: Option<Spanned<&'a str>>,
    pub name: Option<&'a Node>,
    pub channels: Vec<Spanned<Channel>>,
    pub region: Option<Spanned<&'a str>>,
    /// `language:` as written (a BCP 47 tag such as `es-MX`).
    pub language: Option<Spanned<&'a str>>,
    /// The languages whose vocabularies apply to names (segments,
    /// attributes, events): the copy's, and English, the usual language of
    /// identifiers. Set by [`Campaign::assign_languages`].
    pub name_langs: crate::text::language::Langs,
    pub schedule_key: Option<Span>,
    pub schedule: Schedule,
    pub audience: Option<Audience<'a>>,
    pub data_sources: Vec<DataSource<'a>>,
    pub consent: Vec<Spanned<&'a str>>,
    pub acknowledge: Vec<Acknowledgement<'a>>,
    pub frequency: Option<Frequency>,
    pub retargeting: Option<Retargeting>,
    pub season: Option<Spanned<Season>>,
    /// `sender.postal_address`: the sender's physical address.
    pub sender_address: Option<Spanned<&'a str>>,
    /// The channel keys under `content`, with their spans.
    pub content_keys: Vec<Spanned<Channel>>,
    /// Every copy field, in file order.
    pub copy: Vec<CopyField<'a>>,
    /// A template checked on its own, without a campaign file: only the
    /// rules that judge copy run (the audience, schedule and data rules
    /// need a campaign).
    pub copy_only: bool,
    /// What the file this campaign was read from does not say (a platform
    /// export has no data sources, a Braze message no audience): the rules
    /// that need it do not run.
    pub unknown: Vec<crate::input::exports::Part>,
    /// Merge tokens the sending platform fills with a default of its own
    /// when a profile has no value (a Mailchimp merge field's default).
    pub token_defaults: Vec<String>,
    /// What the platform adds to the message when it sends (its opt-out
    /// sentence, its footer).
    pub platform_adds: Vec<crate::input::exports::Addition>,
    /// What the data sources provide, by name (built on first use, so that
    /// thousands of conditions and sources cost one pass).
    pub(crate) provides_index: std::cell::OnceCell<ProvidesIndex>,
}

/// The data sources' `provides` and `coverage`, by name. (Owned names: a
/// cell of borrowed ones would tie the campaign's lifetime down.)
#[derive(Debug, Default)]
pub(crate) struct ProvidesIndex {
    /// Each name (a trailing `.*` removed) and the first source giving it.
    by_name: std::collections::HashMap<Box<str>, usize>,
    /// Each name written exactly, and the first source giving it.
    exact: std::collections::HashMap<Box<str>, usize>,
    /// Each attribute's coverage: (source, place in its `coverage`).
    coverage: std::collections::HashMap<Box<str>, (usize, usize)>,
}

impl<'a> Campaign<'a> {
    /// Whether the file this campaign was read from does not say `part`.
    pub fn is_unknown(&self, part: crate::input::exports::Part) -> bool {
        self.unknown.contains(&part)
    }

    /// Whether the platform adds `what` when it sends.
    pub fn platform_adds(&self, what: crate::input::exports::Addition) -> bool {
        self.platform_adds.contains(&what)
    }

    pub fn id_str(&self) -> Option<&'a str> {
        self.id.map(|s| s.value)
    }

    /// Where to point when a whole-campaign finding has no better place.
    pub fn anchor(&self) -> Span {
        self.id.map(|s| s.span).unwrap_or(self.id_key)
    }

    pub fn has_consent(&self, purpose: &str) -> bool {
        self.consent.iter().any(|c| c.value == purpose)
    }

    /// The data source that lists `name` (an attribute, event or token) in
    /// `provides`, if any.
    pub fn source_of(&self, name: &str) -> Option<&DataSource<'a>> {
        let i = *self.provides_index().exact.get(name)?;
        self.data_sources.get(i)
    }

    fn provides_index(&self) -> &ProvidesIndex {
        self.provides_index.get_or_init(|| {
            let mut ix = ProvidesIndex::default();
            for (i, d) in self.data_sources.iter().enumerate() {
                for p in &d.provides {
                    ix.exact.entry(p.value.into()).or_insert(i);
                    let name = p.value.strip_suffix(".*").unwrap_or(p.value);
                    ix.by_name.entry(name.into()).or_insert(i);
                }
                for (k, (n, _)) in d.coverage.iter().enumerate() {
                    ix.coverage.entry(n.value.into()).or_insert((i, k));
                }
            }
            ix
        })
    }

    /// Whether a data source provides `name`, itself or as a field of
    /// something it provides (`profile` provides `profile.city`).
    pub fn provides(&self, name: &str) -> bool {
        let ix = self.provides_index();
        crate::work::add(1);
        if ix.by_name.contains_key(name) {
            return true;
        }
        name.match_indices('.')
            .any(|(i, _)| ix.by_name.contains_key(&name[..i]))
    }

    /// The coverage a data source states for an attribute: the source's
    /// name and the share.
    pub fn coverage_of(&self, name: &str) -> Option<(&'a str, Spanned<f64>)> {
        let (i, k) = *self.provides_index().coverage.get(name)?;
        let ds = &self.data_sources[i];
        let source = ds.name.map(|n| n.value).unwrap_or("its source");
        Some((source, ds.coverage[k].1))
    }

    /// Whether one person can get more than one message from this campaign.
    pub fn can_repeat(&self) -> bool {
        self.schedule.ends_at.is_some() || self.retargeting.is_some() || self.channels.len() > 1
    }

    /// Decides the language of each copy field: the campaign's `language:`,
    /// else `default` (the configuration's), else what the field's own text
    /// reliably is, else what the campaign's copy as a whole reliably is,
    /// else English together with the languages of the campaign's region
    /// (a short subject says too little to tell, and a region alone never
    /// decides: Canada, Switzerland, Belgium and the US speak several).
    pub fn assign_languages(&mut self, default: Option<&str>) {
        use crate::text::language::{detect, Detected, Lang, Langs};
        let declared = self.language.map(|l| l.value).or(default);
        let fixed: Option<Langs> = declared.map(|tag| match Lang::from_tag(tag) {
            Some(l) => Langs::of(l),
            // A language preflight has no vocabulary for: only the checks
            // that do not depend on words run.
            None => Langs::NONE,
        });
        // Detection reads at most a few kilobytes of each text, and only the
        // longer fields on their own: a subject says too little.
        const OWN: usize = 200;
        let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).take(OWN).count();
        let head = |t: &str| -> String {
            let mut end = t.len().min(1024);
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t[..end].to_string()
        };
        let mut own: Vec<Option<Langs>> = Vec::with_capacity(self.copy.len());
        let mut longest: Option<(usize, Lang)> = None;
        for f in &self.copy {
            let text = &f.visible().text;
            let detected = match fixed {
                Some(_) => None,
                None if letters(text) >= OWN => match detect(&head(text)) {
                    Detected::Lang(l) => {
                        if longest.is_none_or(|(n, _)| text.len() > n) {
                            longest = Some((text.len(), l));
                        }
                        Some(Langs::of(l))
                    }
                    _ => None,
                },
                None => None,
            };
            own.push(detected);
        }
        let campaign_langs = fixed.unwrap_or_else(|| match longest {
            Some((_, l)) => Langs::of(l),
            None => {
                let whole: String = self
                    .copy
                    .iter()
                    .map(|f| head(&f.visible().text))
                    .collect::<Vec<_>>()
                    .join("\n");
                match detect(&head(&whole)) {
                    Detected::Lang(l) => Langs::of(l),
                    // A text in a language preflight has no words for, or one
                    // too short to tell: English (harmless on text with no
                    // English in it) and the region's languages.
                    Detected::Other | Detected::Unsure => {
                        let region = self.region.map(|r| r.value).unwrap_or("");
                        crate::text::language::languages_of_region(region)
                            .into_iter()
                            .fold(Langs::of(Lang::En), Langs::with)
                    }
                }
            }
        });
        let assigned: Vec<Langs> = own
            .into_iter()
            .map(|o| o.unwrap_or(campaign_langs))
            .collect();
        let mut names = Langs::of(Lang::En);
        for (f, langs) in self.copy.iter_mut().zip(assigned) {
            f.search.langs = langs;
            for l in langs.iter() {
                names = names.with(l);
            }
        }
        if let Some(l) = fixed {
            for x in l.iter() {
                names = names.with(x);
            }
        }
        self.name_langs = names;
    }

    pub fn include(&self) -> &[Condition<'a>] {
        self.audience
            .as_ref()
            .map(|a| a.include.as_slice())
            .unwrap_or(&[])
    }

    pub fn exclude(&self) -> &[Condition<'a>] {
        self.audience
            .as_ref()
            .map(|a| a.exclude.as_slice())
            .unwrap_or(&[])
    }
}
