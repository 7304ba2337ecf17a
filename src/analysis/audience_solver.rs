//! Deciding whether anyone can be in an audience, and naming the conditions
//! that leave it empty (used by `segment-contradiction`).
//!
//! # Input
//!
//! A conjunction of [`Literal`]s: each is an audience condition with a
//! polarity. An `include` condition must hold, an `exclude` condition must
//! not: a person is in the audience when every include holds and no exclude
//! does. An audience with `any_of` / `all_of` groups is many such
//! conjunctions, one per way into it ([`ways`]: the tree in disjunctive
//! normal form, negation pushed into the excludes, bounded by
//! [`MAX_WAYS`](crate::model::campaign::MAX_WAYS)); it is empty only when
//! every way is ([`audience_empty`]).
//!
//! # Semantics
//!
//! Attributes:
//! - A person's attribute is either **missing** or has **one value**. Values
//!   are typed and compared by a canonical form: a plain `true`/`false` is a
//!   boolean (a quoted `"true"` is text); `5`, `5.0` and `"5"` are the same
//!   number (a number is written `-12`, `3.5` or `1e3`: `+5` and `007` stay
//!   text, as phone numbers and codes are); `2027-01-01` and
//!   `2027-01-01T09:00` are the same day; other text is trimmed and compared
//!   without case.
//! - `eq v` needs the value v; `in [..]` a value in the list. `ne v` and
//!   `not_in [..]` need the value not to be among them, and **hold when the
//!   attribute is missing**. `gt`/`gte`/`lt`/`lte x` need a number (or a
//!   day, when x is a date) compared with x; any other value fails them.
//!   `exists` needs a value, `not_exists` none. `contains s` needs a text
//!   value containing s (without case), and is treated as an opaque
//!   substring test.
//! - An exclude is the negation: ¬(`eq v`) is "missing or another value",
//!   ¬(`gt x`) is "missing, not a number, or ≤ x", ¬`exists` is "missing",
//!   ¬(`contains s`) is "missing or not containing s", and so on.
//! - Numbers are real (`gt 3` with `lt 4` leaves 3.5); dates are whole days
//!   (`gt 2027-01-01` with `lt 2027-01-02` leaves none).
//! - An attribute compared only with plain booleans (and with no range and
//!   no `contains` condition) can only be `true`, `false` or missing. Any
//!   other attribute has an open domain: there is always a value no
//!   condition names, and a number-valued attribute may also hold a value
//!   that is not a number.
//! - **Conservative** where it cannot be sure: values of different types on
//!   one attribute, `contains` next to non-text values or ranges, and more
//!   `contains` work than [`CONTAINS_BUDGET`] leave only the reasoning about
//!   missing values; a condition that cannot be read (no op, no value, a
//!   range against text, an empty list, a `contains` text with spaces at its
//!   ends) is left out. Leaving a condition out only lets more people in, so
//!   the solver may miss an empty segment but never reports a segment that
//!   is not empty.
//!
//! Events (`event: order_placed, within: 30d, min_count: 2, where: {..}`):
//! includes of events always hold together. An exclude removes everyone an
//! include keeps when the include *implies* it: the same event name, the
//! exclude's `where` filters a subset of the include's (same keys, same
//! values), the include's window within the exclude's (`within` absent =
//! ever), and the include's `min_count` (default 1) at least the exclude's.
//!
//! # How it decides, in linear time
//!
//! Literals are grouped by attribute with a hash map. Each group is decided
//! by folding its literals into aggregated constraints (whether a missing
//! value is still allowed, the candidate values every `eq`/`in` allows, the
//! forbidden values, one interval for numbers or days, the required and
//! forbidden substrings), never by trying values against every literal.
//! Adding a literal only restricts, so the state answers "still
//! satisfiable?" after every literal: one pass finds the shortest
//! unsatisfiable prefix (its last literal is the one to point at), a pass
//! seeded with that literal finds the earliest partner, and a few more
//! passes complete the core when it needs more than two conditions (up to
//! [`MAX_NAMED`] literals). Event implication uses an index of every
//! include by its event name and each subset of its filters.
//!
//! Each pass adds the literals and values it touches to [`crate::work`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Bound;

use chrono::Datelike;

use crate::input::yaml::{Node, Style};
use crate::model::calendar::When;
use crate::model::campaign::{Audience, Condition, ConditionKind, Op};
use crate::work;

/// The most `contains` checks (substring tests) one attribute may cost;
/// past it the attribute's values are not compared (conservative).
pub const CONTAINS_BUDGET: usize = 100_000;

/// The most literals a contradiction names (the one pointed at included).
pub const MAX_NAMED: usize = 6;

/// Events with more `where` filters than this are indexed only under all of
/// them and under none (so an exclude naming some of them is not found).
const MAX_SUBSET_FILTERS: usize = 6;

/// An audience condition with its polarity.
#[derive(Debug, Clone, Copy)]
pub struct Literal<'c, 'a> {
    pub condition: &'c Condition<'a>,
    /// `true` for an include condition (it must hold), `false` for an
    /// exclude condition (it must not hold).
    pub holds: bool,
}

/// The literals of an audience, in file order (includes before excludes
/// where spans tie). `text` is the file's text: an event condition whose
/// `within` or `min_count` is written but could not be read (or is 0) is left
/// out, so it is not taken as "ever" or "once".
pub fn literals<'c, 'a>(
    include: &'c [Condition<'a>],
    exclude: &'c [Condition<'a>],
    text: &str,
) -> Vec<Literal<'c, 'a>> {
    let mut out: Vec<Literal<'c, 'a>> = include
        .iter()
        .map(|c| Literal {
            condition: c,
            holds: true,
        })
        .chain(exclude.iter().map(|c| Literal {
            condition: c,
            holds: false,
        }))
        .filter(|l| readable(l.condition, text))
        .collect();
    out.sort_by_key(|l| l.condition.span.start);
    out
}

/// The ways into an audience with groups (see
/// [`Audience::ways`](crate::model::campaign::Audience::ways)), each as the
/// literals of one conjunction in file order, unreadable conditions left
/// out as [`literals`] leaves them. A flat audience is one way, the same as
/// [`literals`] gives. `None` past
/// [`MAX_WAYS`](crate::model::campaign::MAX_WAYS).
pub fn ways<'c, 'a>(audience: &'c Audience<'a>, text: &str) -> Option<Vec<Vec<Literal<'c, 'a>>>> {
    ways_with(audience, &audience.include_terms, text)
}

/// [`ways`] with `include_terms` in place of the audience's include list
/// (see [`Audience::ways_with`]).
pub fn ways_with<'c, 'a>(
    audience: &'c Audience<'a>,
    include_terms: &[crate::model::campaign::Term],
    text: &str,
) -> Option<Vec<Vec<Literal<'c, 'a>>>> {
    let ways = audience.ways_with(include_terms)?;
    Some(
        ways.into_iter()
            .map(|w| {
                let mut out: Vec<Literal> = w
                    .into_iter()
                    .map(|(condition, holds)| Literal { condition, holds })
                    .filter(|l| readable(l.condition, text))
                    .collect();
                out.sort_by_key(|l| (l.condition.span.start, !l.holds));
                out
            })
            .collect(),
    )
}

/// Whether no one can be in the audience: every way into it is empty (an
/// `any_of` is empty only when every member is). `false` when unsure (past
/// [`MAX_WAYS`](crate::model::campaign::MAX_WAYS)).
pub fn audience_empty(audience: &Audience, text: &str) -> bool {
    ways(audience, text).is_some_and(|w| w.iter().all(|l| !satisfiable(l)))
}

fn readable(c: &Condition, text: &str) -> bool {
    match &c.kind {
        ConditionKind::Attribute { .. } => true,
        ConditionKind::Event {
            within, min_count, ..
        } => {
            let written = text.get(c.span.range()).unwrap_or("");
            let window_ok = within.is_some() || !written.contains("within");
            let count_ok = match min_count {
                Some(m) => m.value > 0,
                None => !written.contains("min_count"),
            };
            window_ok && count_ok
        }
    }
}

/// A set of literals that no one can satisfy together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// The literal to point at (an index into the input): the last one
    /// needed, in input order, to empty the segment.
    pub at: usize,
    /// The other literals of the contradiction, in input order.
    pub others: Vec<usize>,
    /// Whether `at` and `others` are the whole contradiction; `false` when
    /// it takes more literals than [`MAX_NAMED`].
    pub complete: bool,
    /// The same condition is both included and excluded.
    pub both_sides: bool,
}

/// Every contradiction among `literals`: one per attribute whose literals
/// cannot hold together, and one per exclude event that removes everyone an
/// include event keeps; in input order of `at`. Empty when someone can be in
/// the audience.
pub fn solve(literals: &[Literal]) -> Vec<Contradiction> {
    let parsed: Vec<Parsed> = literals.iter().map(|l| parse(l.condition)).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut events = Vec::new();
    for (i, p) in parsed.iter().enumerate() {
        work::add(1);
        match p {
            Parsed::Attribute { name, .. } => {
                let g = *by_name.entry(*name).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[g].push(i);
            }
            Parsed::Event(_) => events.push(i),
        }
    }
    let mut out: Vec<Contradiction> = groups
        .iter()
        .filter_map(|g| attribute_group(literals, &parsed, g))
        .collect();
    out.extend(event_contradictions(literals, &parsed, &events));
    out.sort_by_key(|c| c.at);
    out
}

/// Whether someone can be in the audience.
pub fn satisfiable(literals: &[Literal]) -> bool {
    solve(literals).is_empty()
}

// ---------------------------------------------------------------------------
// Values

/// A value in canonical form. Within one attribute the solver only compares
/// values of one type, so the order between types does not matter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Bool(bool),
    /// A finite number, encoded so that the integer order is the numeric one.
    Num(u64),
    /// A day, as days from the common era.
    Day(i64),
    /// Trimmed, lower-cased text.
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Bool,
    Num,
    Day,
    Text,
}

impl Key {
    fn ty(&self) -> Ty {
        match self {
            Key::Bool(_) => Ty::Bool,
            Key::Num(_) => Ty::Num,
            Key::Day(_) => Ty::Day,
            Key::Text(_) => Ty::Text,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Key::Text(t) => Some(t),
            _ => None,
        }
    }
}

static BOOLS: [Key; 2] = [Key::Bool(false), Key::Bool(true)];

/// The canonical value of a scalar node; `None` for a list, a mapping or null.
fn key_of(node: &Node) -> Option<Key> {
    let s = node.scalar()?;
    Some(typed(&s.text, s.style == Style::Plain))
}

/// A scalar value in the canonical form the solver compares by (`5.0` and
/// `"5"` are one number, `Gold` and `gold` one text, `2027-01-01T09:00`
/// the day `2027-01-01`), as text; `None` for a list, a mapping or null.
pub fn canonical_value(node: &Node) -> Option<String> {
    key_of(node).map(|k| format!("{k:?}"))
}

fn typed(text: &str, plain: bool) -> Key {
    let t = text.trim();
    if plain {
        match t {
            "true" | "True" | "TRUE" => return Key::Bool(true),
            "false" | "False" | "FALSE" => return Key::Bool(false),
            _ => {}
        }
    }
    if let Some(x) = number(t) {
        return Key::Num(ordered(x));
    }
    if let Ok(w) = When::parse(t) {
        return Key::Day(i64::from(w.date().num_days_from_ce()));
    }
    Key::Text(fold(t))
}

/// Text without case, one character at a time (so no context-dependent
/// lower-casing: a substring of a folded text is the fold of a substring).
fn fold(t: &str) -> String {
    t.chars().flat_map(char::to_lowercase).collect()
}

/// A number written `-12`, `3.5`, `5.` or `1e3`. A sign `+` or a leading zero
/// (`007`, `02134`) makes it text: codes and phone numbers are written so.
fn number(t: &str) -> Option<f64> {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    let body = t.strip_prefix('-').unwrap_or(t);
    let int = digits(body);
    if int == 0 || (int > 1 && body.starts_with('0')) {
        return None;
    }
    let mut rest = &body[int..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = &r[digits(r)..];
    }
    if let Some(r) = rest.strip_prefix(['e', 'E']) {
        let r = r.strip_prefix(['+', '-']).unwrap_or(r);
        let n = digits(r);
        if n == 0 {
            return None;
        }
        rest = &r[n..];
    }
    if !rest.is_empty() {
        return None;
    }
    let x: f64 = t.parse().ok()?;
    // -0 and 0 are one number.
    x.is_finite().then_some(if x == 0.0 { 0.0 } else { x })
}

/// Maps a finite number to an integer with the same order.
fn ordered(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

// ---------------------------------------------------------------------------
// Literals, parsed

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

/// What an attribute condition says when it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pred {
    /// `eq`, `in`: the value is one of these (sorted, without repeats).
    OneOf(Vec<Key>),
    /// `ne`, `not_in`: there is no value, or another one.
    NoneOf(Vec<Key>),
    /// `gt`/`gte`/`lt`/`lte` a number or a day.
    Cmp(Cmp, Key),
    Exists,
    NotExists,
    /// `contains`, folded.
    Contains(String),
    /// A condition the solver cannot read: left out.
    Unknown,
}

impl Pred {
    fn size(&self) -> usize {
        match self {
            Pred::OneOf(ks) | Pred::NoneOf(ks) => ks.len(),
            _ => 1,
        }
    }
}

#[derive(Debug)]
struct EventAtom<'a> {
    name: &'a str,
    /// In minutes; `i64::MAX` when there is no window (ever).
    window: i64,
    min: u64,
    /// The filters that can be compared, as (key, canonical value), sorted
    /// by key; `None` when a key is repeated.
    filters: Option<Vec<(&'a str, String)>>,
    /// Some filter's value cannot be compared (a mapping, an empty value).
    odd_filter: bool,
}

#[derive(Debug)]
enum Parsed<'a> {
    Attribute {
        name: &'a str,
        op: Option<Op>,
        pred: Pred,
    },
    Event(EventAtom<'a>),
}

fn parse<'a>(c: &Condition<'a>) -> Parsed<'a> {
    match &c.kind {
        ConditionKind::Attribute { name, op, value } => {
            let op = op.map(|o| o.value);
            let pred = pred(op, *value);
            work::add(pred.size());
            Parsed::Attribute {
                name: name.value,
                op,
                pred,
            }
        }
        ConditionKind::Event {
            name,
            within,
            min_count,
            filters,
        } => {
            work::add(1 + filters.len());
            let mut odd_filter = false;
            let mut fs: Vec<(&'a str, String)> = Vec::new();
            for (k, v) in filters {
                match filter_value(v) {
                    Some(s) => fs.push((k.value, s)),
                    None => odd_filter = true,
                }
            }
            fs.sort();
            let mut keys: Vec<&str> = filters.iter().map(|(k, _)| k.value).collect();
            keys.sort_unstable();
            let repeated = keys.windows(2).any(|w| w[0] == w[1]);
            Parsed::Event(EventAtom {
                name: name.value,
                window: within.map_or(i64::MAX, |w| w.value.minutes),
                min: min_count.map_or(1, |m| m.value),
                filters: (!repeated).then_some(fs),
                odd_filter,
            })
        }
    }
}

fn pred(op: Option<Op>, value: Option<&Node>) -> Pred {
    let Some(op) = op else {
        return Pred::Unknown;
    };
    let one = || value.and_then(key_of);
    let many = || -> Option<Vec<Key>> {
        let v = value?;
        let mut ks: Vec<Key> = match v.as_seq() {
            Some(items) => items.iter().map(key_of).collect::<Option<_>>()?,
            None => vec![key_of(v)?],
        };
        ks.sort();
        ks.dedup();
        (!ks.is_empty()).then_some(ks)
    };
    let cmp = |c: Cmp| match one() {
        Some(k @ (Key::Num(_) | Key::Day(_))) => Pred::Cmp(c, k),
        _ => Pred::Unknown,
    };
    match op {
        Op::Exists => Pred::Exists,
        Op::NotExists => Pred::NotExists,
        Op::Eq => one().map_or(Pred::Unknown, |k| Pred::OneOf(vec![k])),
        Op::Ne => one().map_or(Pred::Unknown, |k| Pred::NoneOf(vec![k])),
        Op::In => many().map_or(Pred::Unknown, Pred::OneOf),
        Op::NotIn => many().map_or(Pred::Unknown, Pred::NoneOf),
        Op::Gt => cmp(Cmp::Gt),
        Op::Gte => cmp(Cmp::Gte),
        Op::Lt => cmp(Cmp::Lt),
        Op::Lte => cmp(Cmp::Lte),
        Op::Contains => match value.and_then(Node::scalar) {
            // Spaces at the ends would be lost to trimming: leave it out.
            Some(s) if !s.text.is_empty() && s.text.trim() == s.text => {
                Pred::Contains(fold(&s.text))
            }
            _ => Pred::Unknown,
        },
    }
}

/// A `where` filter's value in canonical form: a value, or a set of values.
fn filter_value(node: &Node) -> Option<String> {
    if let Some(k) = key_of(node) {
        return Some(format!("{k:?}"));
    }
    let mut ks: Vec<Key> = node.as_seq()?.iter().map(key_of).collect::<Option<_>>()?;
    ks.sort();
    ks.dedup();
    Some(format!("{ks:?}"))
}

// ---------------------------------------------------------------------------
// One attribute

/// How an attribute's values are compared, decided from all its literals.
#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Values are compared; otherwise only missing / present is reasoned
    /// about (mixed types, `contains` with non-text values, too much work).
    typed: bool,
    /// A boolean attribute: only `true`, `false` or missing.
    closed: bool,
}

fn mode(parsed: &[Parsed], group: &[usize]) -> Mode {
    let mut ty: Option<Ty> = None;
    let mut mixed = false;
    let mut range_op = false;
    let mut contains_op = false;
    let mut contains = 0usize;
    let mut values = 0usize;
    for &i in group {
        let Parsed::Attribute { op, pred, .. } = &parsed[i] else {
            continue;
        };
        work::add(pred.size());
        range_op |= matches!(op, Some(Op::Gt | Op::Gte | Op::Lt | Op::Lte));
        contains_op |= *op == Some(Op::Contains);
        let mut see = |t: Ty| match ty {
            None => ty = Some(t),
            Some(u) if u != t => mixed = true,
            _ => {}
        };
        match pred {
            Pred::OneOf(ks) | Pred::NoneOf(ks) => {
                values += ks.len();
                ks.iter().for_each(|k| see(k.ty()));
            }
            Pred::Cmp(_, k) => see(k.ty()),
            Pred::Contains(_) => contains += 1,
            _ => {}
        }
    }
    let contains_unsure = contains > 0
        && (!matches!(ty, None | Some(Ty::Text))
            || contains.saturating_mul(values + contains) > CONTAINS_BUDGET);
    Mode {
        typed: !mixed && !contains_unsure,
        closed: ty == Some(Ty::Bool) && !range_op && !contains_op,
    }
}

/// What the literals added so far allow, for one attribute.
struct State<'g> {
    mode: Mode,
    /// Every literal so far allows a missing value.
    missing_ok: bool,
    /// Some literal allows no value at all (`not_exists`, excluded `exists`).
    present_dead: bool,
    /// The value must be one of `live` (an `eq`/`in`, or a boolean attribute).
    restricted: bool,
    /// The candidates every `eq`/`in` so far allows, minus the forbidden
    /// ones and those failing a `contains`.
    live: BTreeSet<&'g Key>,
    forbidden: HashSet<&'g Key>,
    /// The interval numbers (or days) must fall in; days as closed bounds.
    lo: Option<(Key, bool)>,
    hi: Option<(Key, bool)>,
    /// A range must hold, so the value must be a number (or a day).
    needs_number: bool,
    /// Every day in `[lo, cursor)` is forbidden (the first free day is
    /// searched forward only, so all searches together are linear).
    cursor: i64,
    required: Vec<&'g str>,
    banned: Vec<&'g str>,
    /// A forbidden substring lies inside a required one.
    conflict: bool,
}

impl<'g> State<'g> {
    fn new(mode: Mode) -> Self {
        let closed = mode.typed && mode.closed;
        State {
            mode,
            missing_ok: true,
            present_dead: false,
            restricted: closed,
            live: if closed {
                BOOLS.iter().collect()
            } else {
                BTreeSet::new()
            },
            forbidden: HashSet::new(),
            lo: None,
            hi: None,
            needs_number: false,
            cursor: i64::MIN,
            required: Vec::new(),
            banned: Vec::new(),
            conflict: false,
        }
    }

    fn add(&mut self, pred: &'g Pred, holds: bool) {
        work::add(1 + pred.size());
        let typed = self.mode.typed;
        match (pred, holds) {
            (Pred::Unknown, _) => {}
            (Pred::OneOf(ks), true) | (Pred::NoneOf(ks), false) => {
                self.missing_ok = false;
                if typed {
                    self.one_of(ks);
                }
            }
            (Pred::OneOf(ks), false) | (Pred::NoneOf(ks), true) => {
                if typed {
                    self.none_of(ks);
                }
            }
            (Pred::Cmp(c, k), _) => {
                if holds {
                    self.missing_ok = false;
                    self.needs_number = true;
                }
                if typed {
                    self.bound(*c, k, holds);
                }
            }
            (Pred::Exists, true) | (Pred::NotExists, false) => self.missing_ok = false,
            (Pred::Exists, false) | (Pred::NotExists, true) => self.present_dead = true,
            (Pred::Contains(s), true) => {
                self.missing_ok = false;
                if typed {
                    self.require(s);
                }
            }
            (Pred::Contains(s), false) => {
                if typed {
                    self.ban(s);
                }
            }
        }
    }

    fn one_of(&mut self, ks: &'g [Key]) {
        let next: BTreeSet<&'g Key> = if self.restricted {
            ks.iter().filter(|k| self.live.contains(k)).collect()
        } else {
            ks.iter()
                .filter(|k| !self.forbidden.contains(k) && self.passes(k))
                .collect()
        };
        self.live = next;
        self.restricted = true;
    }

    fn none_of(&mut self, ks: &'g [Key]) {
        for k in ks {
            self.forbidden.insert(k);
            if self.restricted {
                self.live.remove(k);
            }
        }
    }

    /// Whether a candidate passes the `contains` literals so far.
    fn passes(&self, k: &Key) -> bool {
        let Some(t) = k.text() else {
            return true;
        };
        work::add(self.required.len() + self.banned.len());
        self.required.iter().all(|r| t.contains(r)) && !self.banned.iter().any(|n| t.contains(n))
    }

    fn require(&mut self, s: &'g str) {
        work::add(1 + self.banned.len());
        self.conflict |= self.banned.iter().any(|n| s.contains(n));
        self.required.push(s);
        if self.restricted {
            work::add(self.live.len());
            self.live.retain(|k| k.text().is_none_or(|t| t.contains(s)));
        }
    }

    fn ban(&mut self, s: &'g str) {
        work::add(1 + self.required.len());
        self.conflict |= self.required.iter().any(|r| r.contains(s));
        self.banned.push(s);
        if self.restricted {
            work::add(self.live.len());
            self.live
                .retain(|k| k.text().is_none_or(|t| !t.contains(s)));
        }
    }

    /// Tightens the interval. An excluded range restricts numbers to its
    /// complement (¬`gt x` is `lte x` for numbers) without requiring one.
    fn bound(&mut self, cmp: Cmp, k: &Key, holds: bool) {
        let (lower, open) = match (cmp, holds) {
            (Cmp::Gt, true) | (Cmp::Lte, false) => (true, true),
            (Cmp::Gte, true) | (Cmp::Lt, false) => (true, false),
            (Cmp::Lt, true) | (Cmp::Gte, false) => (false, true),
            (Cmp::Lte, true) | (Cmp::Gt, false) => (false, false),
        };
        // Days are whole: an open bound is the closed one a day further in.
        let (key, open) = match k {
            Key::Day(d) if open => (Key::Day(if lower { d + 1 } else { d - 1 }), false),
            _ => (k.clone(), open),
        };
        let slot = if lower { &mut self.lo } else { &mut self.hi };
        let tighter = match slot {
            None => true,
            Some((cur, cur_open)) => {
                let beyond = if lower { key > *cur } else { key < *cur };
                beyond || (key == *cur && open && !*cur_open)
            }
        };
        if tighter {
            *slot = Some((key, open));
        }
    }

    fn interval_empty(&self) -> bool {
        match (&self.lo, &self.hi) {
            (Some((l, lo_open)), Some((h, hi_open))) => l > h || (l == h && (*lo_open || *hi_open)),
            _ => false,
        }
    }

    fn unsat(&mut self) -> bool {
        !self.missing_ok && !self.present_possible()
    }

    /// Whether some value satisfies every literal so far.
    fn present_possible(&mut self) -> bool {
        if self.present_dead {
            return false;
        }
        if !self.mode.typed {
            return true;
        }
        if self.conflict {
            return false;
        }
        if self.restricted {
            return self.live_in_interval();
        }
        // An open domain: a value no condition names passes every `ne`, and
        // (unless a range must hold) every excluded range too.
        if !self.needs_number {
            return true;
        }
        if self.interval_empty() {
            return false;
        }
        let (Some((lo, _)), Some((hi, _))) = (&self.lo, &self.hi) else {
            return true; // unbounded: endless numbers or days
        };
        match (lo, hi) {
            (Key::Day(a), Key::Day(b)) => {
                let (a, b) = (*a, *b);
                let mut c = self.cursor.max(a);
                while c <= b && self.forbidden.contains(&Key::Day(c)) {
                    work::add(1);
                    c += 1;
                }
                self.cursor = c;
                c <= b
            }
            _ if lo < hi => true, // real numbers: endless between
            _ => !self.forbidden.contains(lo),
        }
    }

    fn live_in_interval(&self) -> bool {
        if self.lo.is_none() && self.hi.is_none() {
            return !self.live.is_empty();
        }
        if self.interval_empty() {
            return false;
        }
        fn end(b: &Option<(Key, bool)>) -> Bound<&Key> {
            match b {
                None => Bound::Unbounded,
                Some((k, true)) => Bound::Excluded(k),
                Some((k, false)) => Bound::Included(k),
            }
        }
        let range = (end(&self.lo), end(&self.hi));
        self.live.range::<Key, _>(range).next().is_some()
    }
}

enum Scan {
    /// Every literal together is satisfiable.
    Sat,
    /// The seed alone is unsatisfiable.
    SeedUnsat,
    /// Adding `rest[j]` made it unsatisfiable.
    At(usize),
}

/// Adds the seed, then `rest` one by one, and says when it first becomes
/// unsatisfiable. Linear in the literals and values added.
fn scan<'g>(
    mode: Mode,
    literals: &[Literal],
    parsed: &'g [Parsed],
    seed: &[usize],
    rest: &[usize],
) -> Scan {
    let mut state = State::new(mode);
    let add = |state: &mut State<'g>, i: usize| {
        if let Parsed::Attribute { pred, .. } = &parsed[i] {
            state.add(pred, literals[i].holds);
        }
    };
    for &i in seed {
        add(&mut state, i);
    }
    if state.unsat() {
        return Scan::SeedUnsat;
    }
    for (j, &i) in rest.iter().enumerate() {
        add(&mut state, i);
        if state.unsat() {
            return Scan::At(j);
        }
    }
    Scan::Sat
}

fn attribute_group(
    literals: &[Literal],
    parsed: &[Parsed],
    group: &[usize],
) -> Option<Contradiction> {
    let mode = mode(parsed, group);
    // The shortest unsatisfiable prefix: its last literal is pointed at.
    let Scan::At(p) = scan(mode, literals, parsed, &[], group) else {
        return None;
    };
    let mut core = vec![group[p]];
    // Each pass finds the earliest literal that, with the core so far, still
    // leaves no one; it belongs to the contradiction. Stops when the core
    // alone leaves no one.
    let mut limit = p;
    let complete = loop {
        if core.len() >= MAX_NAMED {
            break false;
        }
        match scan(mode, literals, parsed, &core, &group[..limit]) {
            Scan::SeedUnsat => break true,
            Scan::At(j) => {
                core.push(group[j]);
                limit = j;
            }
            Scan::Sat => break false, // cannot happen: literals only restrict
        }
    };
    let at = core[0];
    let mut others = core.split_off(1);
    others.reverse();
    let both_sides = complete
        && others.len() == 1
        && literals[at].holds != literals[others[0]].holds
        && same_attribute_condition(&parsed[at], &parsed[others[0]]);
    Some(Contradiction {
        at,
        others,
        complete,
        both_sides,
    })
}

fn same_attribute_condition(a: &Parsed, b: &Parsed) -> bool {
    match (a, b) {
        (
            Parsed::Attribute {
                op: o1, pred: p1, ..
            },
            Parsed::Attribute {
                op: o2, pred: p2, ..
            },
        ) => o1 == o2 && p1 == p2 && *p1 != Pred::Unknown,
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Events

fn subset_key(name: &str, filters: &[(&str, String)], mask: u64) -> String {
    let mut key = String::from(name);
    for (bit, (k, v)) in filters.iter().enumerate() {
        // `u64::MAX` takes every filter, however many there are.
        let on = u32::try_from(bit)
            .ok()
            .and_then(|b| mask.checked_shr(b))
            .map_or(mask == u64::MAX, |m| m & 1 == 1);
        if on {
            key.push('\0');
            key.push_str(k);
            key.push('\u{1}');
            key.push_str(v);
        }
    }
    key
}

/// The include events, by name and each subset of their filters, sorted by
/// window, with the best `min_count` (and its include) up to each window.
struct EventIndex {
    windows: Vec<i64>,
    best: Vec<(u64, usize)>,
}

fn event_contradictions(
    literals: &[Literal],
    parsed: &[Parsed],
    events: &[usize],
) -> Vec<Contradiction> {
    let atom = |i: usize| match &parsed[i] {
        Parsed::Event(e) => Some(e),
        Parsed::Attribute { .. } => None,
    };
    let mut entries: HashMap<String, Vec<(i64, u64, usize)>> = HashMap::new();
    for &i in events.iter().filter(|&&i| literals[i].holds) {
        let Some(e) = atom(i) else { continue };
        let Some(fs) = &e.filters else { continue };
        let masks: Vec<u64> = if fs.len() <= MAX_SUBSET_FILTERS {
            (0..1u64 << fs.len()).collect()
        } else {
            vec![0, u64::MAX]
        };
        work::add(masks.len());
        for mask in masks {
            entries
                .entry(subset_key(e.name, fs, mask))
                .or_default()
                .push((e.window, e.min, i));
        }
    }
    if entries.is_empty() {
        return Vec::new();
    }
    let index: HashMap<String, EventIndex> = entries
        .into_iter()
        .map(|(key, mut v)| {
            work::add(v.len());
            v.sort_by_key(|&(w, _, i)| (w, i));
            let mut best: Vec<(u64, usize)> = Vec::with_capacity(v.len());
            for &(_, m, i) in &v {
                let b = match best.last() {
                    Some(&(bm, bi)) if bm >= m => (bm, bi),
                    _ => (m, i),
                };
                best.push(b);
            }
            let windows = v.iter().map(|&(w, _, _)| w).collect();
            (key, EventIndex { windows, best })
        })
        .collect();
    let mut out = Vec::new();
    for &i in events.iter().filter(|&&i| !literals[i].holds) {
        work::add(1);
        let Some(e) = atom(i) else { continue };
        let Some(fs) = e.filters.as_ref().filter(|_| !e.odd_filter) else {
            continue;
        };
        let Some(ix) = index.get(&subset_key(e.name, fs, u64::MAX)) else {
            continue;
        };
        // Includes whose window lies within the exclude's.
        let n = ix.windows.partition_point(|&w| w <= e.window);
        if n == 0 || ix.best[n - 1].0 < e.min {
            continue;
        }
        let inc = ix.best[n - 1].1;
        let both_sides = atom(inc).is_some_and(|a| {
            !a.odd_filter && a.window == e.window && a.min == e.min && a.filters == e.filters
        });
        out.push(Contradiction {
            at: i,
            others: vec![inc],
            complete: true,
            both_sides,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::yaml::{parse as parse_yaml, Budget};
    use crate::model::load::load;
    use proptest::prelude::*;

    /// Solves an audience written as YAML lines under `include:` and
    /// `exclude:`; returns each contradiction as the text of its conditions
    /// (the one pointed at first), and whether it is complete.
    fn solve_yaml(include: impl AsRef<str>, exclude: impl AsRef<str>) -> Vec<(Vec<String>, bool)> {
        let text = audience(include.as_ref(), exclude.as_ref());
        let docs = parse_yaml(&text, 0, Budget::default()).expect("valid YAML");
        let mut problems = Vec::new();
        let c = load(&docs[0].root, &mut problems, crate::rules::metas());
        let lits = literals(c.include(), c.exclude(), &text);
        let show = |i: usize| {
            let span = lits[i].condition.span;
            let t = text[span.range()].split_whitespace().collect::<Vec<_>>();
            format!("{}{}", if lits[i].holds { "" } else { "not " }, t.join(" "))
        };
        solve(&lits)
            .into_iter()
            .map(|c| {
                let mut v = vec![show(c.at)];
                v.extend(c.others.iter().map(|&i| show(i)));
                (v, c.complete)
            })
            .collect()
    }

    fn audience(include: &str, exclude: &str) -> String {
        let list = |s: &str| {
            if s.is_empty() {
                " []\n".to_string()
            } else {
                format!("\n{s}")
            }
        };
        format!(
            "campaign: c\naudience:\n  include:{}  exclude:{}",
            list(include),
            list(exclude)
        )
    }

    fn a(name: &str, op: &str, value: &str) -> String {
        format!("    - {{attribute: {name}, op: {op}, value: {value}}}\n")
    }

    fn bare(name: &str, op: &str) -> String {
        format!("    - {{attribute: {name}, op: {op}}}\n")
    }

    fn empty(include: impl AsRef<str>, exclude: impl AsRef<str>) -> bool {
        !solve_yaml(include, exclude).is_empty()
    }

    #[test]
    fn opted_in_minus_suppressed_is_not_a_contradiction() {
        assert!(!empty(
            a("preferences.offers", "eq", "true"),
            a("unsubscribed", "eq", "true")
        ));
        assert!(!empty(a("tier", "eq", "gold"), a("region", "eq", "gold")));
    }

    #[test]
    fn canonical_values() {
        // Numbers by value, text without case or outer spaces, days by day.
        assert!(empty(a("n", "eq", "5"), a("n", "eq", "'5.0'")));
        assert!(empty(a("n", "eq", "5") + &a("n", "ne", "5.0"), ""));
        assert!(empty(a("t", "eq", "Gold"), a("t", "eq", "' gold '")));
        assert!(empty(
            a("d", "eq", "2027-01-01"),
            a("d", "eq", "'2027-01-01T10:00:00'")
        ));
        // A quoted "true" is text, so it is not compared with a boolean.
        assert!(!empty(a("b", "eq", "true"), a("b", "eq", "'true'")));
        // Codes with a sign or leading zeros stay text.
        assert!(!empty(a("zip", "eq", "'02134'"), a("zip", "eq", "2134")));
        assert!(!empty(a("p", "eq", "'+1555'"), a("p", "eq", "1555")));
    }

    #[test]
    fn boolean_attributes_have_two_values() {
        let inc = bare("flag", "exists") + &a("flag", "ne", "true") + &a("flag", "ne", "false");
        let got = solve_yaml(&inc, "");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.len(), 3, "{got:?}");
        assert!(got[0].1);
        assert!(empty(
            bare("flag", "exists"),
            a("flag", "eq", "true") + &a("flag", "eq", "false")
        ));
        // Missing is still possible without `exists`.
        assert!(!empty(
            a("flag", "ne", "true") + &a("flag", "ne", "false"),
            ""
        ));
        // Text has an open domain.
        assert!(!empty(
            bare("tier", "exists") + &a("tier", "ne", "a") + &a("tier", "ne", "b"),
            ""
        ));
    }

    #[test]
    fn numbers_are_real_and_days_are_whole() {
        assert!(!empty(a("n", "gt", "3") + &a("n", "lt", "4"), ""));
        assert!(empty(a("n", "gt", "3") + &a("n", "lte", "3"), ""));
        assert!(!empty(a("n", "gte", "3") + &a("n", "lte", "3"), ""));
        assert!(empty(
            a("n", "gte", "3") + &a("n", "lte", "3") + &a("n", "ne", "3"),
            ""
        ));
        assert!(empty(
            a("d", "gt", "2027-01-01") + &a("d", "lt", "2027-01-02"),
            ""
        ));
        assert!(!empty(
            a("d", "gt", "2027-01-01") + &a("d", "lt", "2027-01-03"),
            ""
        ));
        assert!(empty(
            a("d", "gt", "2027-01-01") + &a("d", "lt", "2027-01-03") + &a("d", "ne", "2027-01-02"),
            ""
        ));
        // An excluded range leaves the numbers outside it.
        assert!(empty(a("n", "gt", "3"), a("n", "gt", "2")));
        assert!(!empty(a("n", "gt", "2"), a("n", "gt", "3")));
        // ... and values that are not numbers, unless a number is required.
        assert!(!empty(
            bare("n", "exists"),
            a("n", "gt", "2") + &a("n", "lte", "2")
        ));
        assert!(empty(a("n", "eq", "2"), a("n", "gt", "1")));
    }

    #[test]
    fn contains_is_an_opaque_substring_test() {
        assert!(empty(a("t", "contains", "ab"), a("t", "contains", "a")));
        // Either way round, both are named.
        let got = solve_yaml(
            a("t", "contains", "ab") + &a("t", "eq", "ab"),
            a("t", "contains", "a"),
        );
        assert_eq!(got[0].0.len(), 2, "{got:?}");
        assert!(got[0].1);
        assert!(empty(a("t", "contains", "AB"), a("t", "contains", "ab")));
        assert!(!empty(a("t", "contains", "a"), a("t", "contains", "ab")));
        assert!(!empty(
            a("t", "contains", "a") + &a("t", "contains", "b"),
            a("t", "contains", "ab")
        ));
        assert!(empty(a("t", "eq", "gold"), a("t", "contains", "old")));
        assert!(empty(
            a("t", "in", "[gold, silver]") + &a("t", "contains", "x"),
            ""
        ));
        assert!(!empty(
            a("t", "in", "[gold, silver]") + &a("t", "contains", "ilv"),
            ""
        ));
        // Next to numbers or ranges: not sure, so satisfiable.
        assert!(!empty(
            a("t", "contains", "a") + &a("t", "gt", "3") + &a("t", "lt", "2"),
            ""
        ));
        assert!(!empty(a("t", "eq", "12") + &a("t", "contains", "x"), ""));
        // Spaces at the ends are not trimmed away: left out.
        assert!(!empty(a("t", "contains", "ab"), a("t", "contains", "' a'")));
        // Presence still counts.
        assert!(empty(
            a("t", "contains", "a") + &bare("t", "not_exists"),
            ""
        ));
    }

    #[test]
    fn mixed_types_and_broken_conditions_are_satisfiable() {
        assert!(!empty(a("age", "gt", "30") + &a("age", "eq", "thirty"), ""));
        assert!(!empty(a("tier", "eq", "5") + &a("tier", "eq", "gold"), ""));
        assert!(!empty(a("d", "gt", "2027-01-01") + &a("d", "lt", "5"), ""));
        assert!(!empty(a("age", "gt", "old") + &a("age", "lt", "young"), ""));
        assert!(!empty(bare("age", "gt") + &bare("age", "eq"), ""));
        assert!(!empty(a("t", "in", "[]"), ""));
        // Missing values are still reasoned about.
        assert!(empty(
            a("tier", "eq", "5") + &a("tier", "eq", "gold") + &bare("tier", "not_exists"),
            ""
        ));
    }

    #[test]
    fn the_core_names_the_conditions_needed() {
        let got = solve_yaml(
            &(a("tier", "in", "[a, b]")
                + &a("other", "eq", "1")
                + &a("tier", "ne", "a")
                + &a("tier", "ne", "b")),
            "",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].0,
            [
                "{attribute: tier, op: ne, value: b}",
                "{attribute: tier, op: in, value: [a, b]}",
                "{attribute: tier, op: ne, value: a}"
            ]
        );
        // The earliest partner is named, not every one.
        let got = solve_yaml(
            &(a("n", "gt", "5") + &a("n", "gt", "6") + &a("n", "lt", "2")),
            "",
        );
        assert_eq!(
            got[0].0,
            [
                "{attribute: n, op: lt, value: 2}",
                "{attribute: n, op: gt, value: 5}"
            ]
        );
        // One finding per attribute.
        let got = solve_yaml(
            &(a("x", "eq", "1")
                + &a("x", "eq", "2")
                + &a("x", "eq", "3")
                + &a("y", "eq", "1")
                + &a("y", "eq", "2")),
            "",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        // A long core is cut short.
        let values: Vec<String> = (0..20).map(|i| format!("v{i}")).collect();
        let mut inc = a("t", "in", &format!("[{}]", values.join(", ")));
        for v in &values {
            inc += &a("t", "ne", v);
        }
        let got = solve_yaml(&inc, "");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.len(), MAX_NAMED);
        assert!(!got[0].1);
    }

    fn ev(name: &str, extra: &str) -> String {
        format!("    - {{event: {name}{extra}}}\n")
    }

    #[test]
    fn an_exclude_implied_by_an_include_event_empties_the_segment() {
        let inc = ev(
            "order_placed",
            ", within: 30d, min_count: 2, where: {category: Running, channel: web}",
        );
        for exc in [
            ev("order_placed", ", within: 90d"),
            ev("order_placed", ""),
            ev("order_placed", ", within: 30d, min_count: 2"),
            ev("order_placed", ", where: {category: running}"),
            ev(
                "order_placed",
                ", within: 5w, where: {channel: web, category: running}",
            ),
        ] {
            assert!(empty(&inc, &exc), "{exc}");
        }
        for exc in [
            ev("order_placed", ", within: 7d"),
            ev("order_placed", ", min_count: 3"),
            ev("order_placed", ", where: {category: trail}"),
            ev("order_placed", ", where: {category: running, region: US}"),
            ev("order_placed", ", where: {category: [running]}"),
            ev("cart_abandoned", ""),
        ] {
            assert!(!empty(&inc, &exc), "{exc}");
        }
        // Includes always hold together.
        assert!(!empty(
            &(ev("order_placed", ", within: 7d") + &ev("order_placed", ", min_count: 5")),
            ""
        ));
        // Events and attributes do not mix.
        assert!(!empty(ev("vip", ""), bare("vip", "exists")));
        // An unreadable window is not taken as "ever".
        assert!(!empty(
            ev("o", ", within: 30d"),
            ev("o", ", within: 3 months")
        ));
        // The include that implies it is named.
        let got = solve_yaml(
            &(ev("o", ", within: 400d") + &ev("o", ", within: 30d")),
            ev("o", ", within: 90d"),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].0,
            ["not {event: o, within: 90d}", "{event: o, within: 30d}"]
        );
    }

    // -----------------------------------------------------------------------
    // The property test: the solver against brute force over small domains.

    /// A value as the oracle sees it.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum V {
        Missing,
        B(bool),
        N(f64),
        /// Days after 2027-01-01.
        D(i64),
        T(&'static str),
    }

    const BOOL_POOL: &[(&str, V)] = &[("true", V::B(true)), ("false", V::B(false))];
    const NUM_POOL: &[(&str, V)] = &[
        ("1", V::N(1.0)),
        ("2", V::N(2.0)),
        ("3", V::N(3.0)),
        ("2.0", V::N(2.0)),
        ("'3'", V::N(3.0)),
    ];
    const TEXT_POOL: &[(&str, V)] = &[
        ("x", V::T("x")),
        ("xy", V::T("xy")),
        ("X", V::T("x")),
        ("' xy'", V::T("xy")),
    ];
    const DATE_POOL: &[(&str, V)] = &[
        ("2027-01-01", V::D(0)),
        ("2027-01-02", V::D(1)),
        ("2027-01-04", V::D(3)),
        ("2027-01-02T10:00:00", V::D(1)),
    ];
    const CONTAINS_POOL: &[&str] = &["x", "y", "xy", "X", "xY"];
    const OPS: &[&str] = &[
        "eq",
        "ne",
        "in",
        "not_in",
        "gt",
        "gte",
        "lt",
        "lte",
        "contains",
        "exists",
        "not_exists",
    ];

    #[derive(Debug, Clone)]
    struct Cond {
        attr: usize,
        holds: bool,
        op: &'static str,
        /// The YAML of the value (None: no value written) and its values.
        value: Option<String>,
        values: Vec<V>,
        contains: Option<&'static str>,
    }

    fn family(f: usize) -> Vec<(&'static str, V)> {
        match f {
            0 => BOOL_POOL.to_vec(),
            1 => NUM_POOL.to_vec(),
            2 => TEXT_POOL.to_vec(),
            3 => DATE_POOL.to_vec(),
            _ => [BOOL_POOL, NUM_POOL, TEXT_POOL, DATE_POOL].concat(),
        }
    }

    fn favourite_ops(f: usize) -> &'static [&'static str] {
        match f {
            0 => &[
                "eq",
                "ne",
                "ne",
                "in",
                "not_in",
                "exists",
                "exists",
                "not_exists",
            ],
            1 | 3 => &[
                "eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "exists",
            ],
            2 => &[
                "eq", "ne", "in", "not_in", "contains", "contains", "contains", "exists",
            ],
            _ => OPS,
        }
    }

    fn conds(families: &[usize], raw: &[(usize, bool, usize, Vec<usize>, bool)]) -> Vec<Cond> {
        raw.iter()
            .map(|(attr, holds, op, picks, broken)| {
                let attr = attr % families.len();
                let pool = family(families[attr]);
                // Mostly the ops that matter for the family's values.
                let op = if op % 8 == 0 {
                    OPS[op / 8 % OPS.len()]
                } else {
                    let fav = favourite_ops(families[attr]);
                    fav[op / 8 % fav.len()]
                };
                let pick = |i: usize| pool[picks[i % picks.len()] % pool.len()];
                let (value, values, contains) = match op {
                    _ if *broken && op != "exists" && op != "not_exists" => (None, vec![], None),
                    "exists" | "not_exists" => (None, vec![], None),
                    "contains" => {
                        let s = CONTAINS_POOL[picks[0] % CONTAINS_POOL.len()];
                        (Some(s.to_string()), vec![], Some(s))
                    }
                    "in" | "not_in" => {
                        let items: Vec<_> = (0..picks.len()).map(pick).collect();
                        let yaml = items.iter().map(|(y, _)| *y).collect::<Vec<_>>().join(", ");
                        (
                            Some(format!("[{yaml}]")),
                            items.iter().map(|(_, v)| *v).collect(),
                            None,
                        )
                    }
                    _ => {
                        let (y, v) = pick(0);
                        (Some(y.to_string()), vec![v], None)
                    }
                };
                Cond {
                    attr,
                    holds: *holds,
                    op,
                    value,
                    values,
                    contains,
                }
            })
            .collect()
    }

    const ATTRS: [&str; 3] = ["a", "b", "c"];

    fn yaml_of(cs: &[Cond], excludes_first: bool) -> String {
        let mut inc = String::new();
        let mut exc = String::new();
        for c in cs {
            let mut s = format!("    - attribute: {}\n      op: {}\n", ATTRS[c.attr], c.op);
            if let Some(v) = &c.value {
                s += &format!("      value: {v}\n");
            }
            if c.holds {
                inc += &s;
            } else {
                exc += &s;
            }
        }
        if excludes_first {
            let list = |s: &str| {
                if s.is_empty() {
                    " []\n".to_string()
                } else {
                    format!("\n{s}")
                }
            };
            return format!(
                "campaign: c\naudience:\n  exclude:{}  include:{}",
                list(&exc),
                list(&inc)
            );
        }
        audience(&inc, &exc)
    }

    fn is_range(op: &str) -> bool {
        matches!(op, "gt" | "gte" | "lt" | "lte")
    }

    /// Whether the oracle leaves the condition out (unreadable).
    fn left_out(c: &Cond) -> bool {
        match c.op {
            "exists" | "not_exists" => false,
            "contains" => c.contains.is_none(),
            op if is_range(op) => !matches!(c.values.first(), Some(V::N(_) | V::D(_))),
            _ => c.values.is_empty(),
        }
    }

    fn same(a: V, b: V) -> bool {
        match (a, b) {
            (V::B(x), V::B(y)) => x == y,
            (V::N(x), V::N(y)) => x == y,
            (V::D(x), V::D(y)) => x == y,
            (V::T(x), V::T(y)) => x == y,
            _ => false,
        }
    }

    /// The condition, read positively, for one value of its attribute.
    fn truth(c: &Cond, s: V) -> bool {
        let any = c.values.iter().any(|&v| same(v, s));
        let cmp = |x: f64, y: f64| match c.op {
            "gt" => x > y,
            "gte" => x >= y,
            "lt" => x < y,
            _ => x <= y,
        };
        match c.op {
            "eq" | "in" => s != V::Missing && any,
            "ne" | "not_in" => !any,
            "exists" => s != V::Missing,
            "not_exists" => s == V::Missing,
            "contains" => match s {
                V::T(t) => t.contains(&c.contains.unwrap().to_lowercase()),
                _ => false,
            },
            _ => match (s, c.values[0]) {
                (V::N(x), V::N(y)) => cmp(x, y),
                (V::D(x), V::D(y)) => cmp(x as f64, y as f64),
                _ => false,
            },
        }
    }

    fn ty(v: V) -> u8 {
        match v {
            V::B(_) => 0,
            V::N(_) => 1,
            V::D(_) => 2,
            _ => 3,
        }
    }

    /// The types compared on one attribute (values and thresholds).
    fn types(cs: &[&Cond]) -> Vec<u8> {
        let mut t: Vec<u8> = cs
            .iter()
            .filter(|c| !left_out(c))
            .flat_map(|c| c.values.iter().map(|&v| ty(v)))
            .collect();
        t.sort();
        t.dedup();
        t
    }

    fn domain(cs: &[&Cond]) -> Vec<V> {
        let boolean = types(cs) == [0] && !cs.iter().any(|c| is_range(c.op) || c.op == "contains");
        let mut d = vec![V::Missing, V::B(true), V::B(false)];
        if !boolean {
            d.extend([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5].map(V::N));
            d.extend((-1..=4).map(V::D));
            d.extend(["q", "x", "xq", "y", "yx", "xy", "xyq"].map(V::T));
        }
        d
    }

    /// Whether some value of the attribute satisfies every condition in `cs`
    /// (its domain decided by `all`, all the attribute's conditions).
    fn oracle(all: &[&Cond], cs: &[&Cond]) -> bool {
        domain(all).into_iter().any(|s| {
            cs.iter()
                .filter(|c| !left_out(c))
                .all(|c| truth(c, s) == c.holds)
        })
    }

    /// Where the solver may say "satisfiable" although no value is: mixed
    /// types, or `contains` next to values that are not text.
    fn unsure(cs: &[&Cond]) -> bool {
        let t = types(cs);
        t.len() > 1
            || (cs.iter().any(|c| c.op == "contains" && !left_out(c)) && t.iter().any(|&x| x != 3))
    }

    fn check_against_oracle(cs: &[Cond], excludes_first: bool) -> Result<(), TestCaseError> {
        let text = yaml_of(cs, excludes_first);
        let docs = parse_yaml(&text, 0, Budget::default()).expect("valid YAML");
        let mut problems = Vec::new();
        let campaign = load(&docs[0].root, &mut problems, crate::rules::metas());
        let lits = literals(campaign.include(), campaign.exclude(), &text);
        // The literals come in file order.
        let mut order: Vec<&Cond> = cs.iter().filter(|c| c.holds != excludes_first).collect();
        order.extend(cs.iter().filter(|c| c.holds == excludes_first));
        prop_assert_eq!(lits.len(), order.len());
        let found = solve(&lits);
        for (ai, name) in ATTRS.iter().enumerate() {
            let all: Vec<&Cond> = order.iter().copied().filter(|c| c.attr == ai).collect();
            let empty = !oracle(&all, &all);
            let reported: Vec<&Contradiction> = found
                .iter()
                .filter(|c| lits[c.at].condition.name().value == *name)
                .collect();
            prop_assert!(
                reported.len() <= 1,
                "{} findings on {}\n{}",
                reported.len(),
                name,
                text
            );
            if let Some(c) = reported.first() {
                prop_assert!(
                    empty,
                    "a false contradiction on {}: {:?}\n{}",
                    name,
                    c,
                    text
                );
                let core: Vec<&Cond> = std::iter::once(c.at)
                    .chain(c.others.iter().copied())
                    .map(|i| order[i])
                    .collect();
                prop_assert!(
                    !oracle(&all, &core),
                    "the core is satisfiable: {:?}\n{}",
                    c,
                    text
                );
                if c.complete && !unsure(&all) {
                    for skip in 0..core.len() {
                        let rest: Vec<&Cond> = core
                            .iter()
                            .enumerate()
                            .filter(|(k, _)| *k != skip)
                            .map(|(_, c)| *c)
                            .collect();
                        prop_assert!(
                            oracle(&all, &rest),
                            "the core is not minimal: {:?}\n{}",
                            c,
                            text
                        );
                    }
                }
            } else {
                prop_assert!(
                    !empty || unsure(&all),
                    "a missed contradiction on {}\n{}",
                    name,
                    text
                );
            }
        }
        Ok(())
    }

    fn raw_condition() -> impl Strategy<Value = (usize, bool, usize, Vec<usize>, bool)> {
        (
            0..3usize,
            any::<bool>(),
            0..1000usize,
            proptest::collection::vec(0..64usize, 1..4),
            proptest::bool::weighted(0.05),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_solver_agrees_with_brute_force(
            // Mostly one family of values per attribute, so that most cases
            // are ones the solver decides; family 4 mixes them all.
            families in proptest::collection::vec(prop_oneof![4 => 0..4usize, 1 => Just(4usize)], 2..=3),
            raw in proptest::collection::vec(raw_condition(), 1..10),
            excludes_first in proptest::bool::weighted(0.25),
        ) {
            let cs = conds(&families, &raw);
            check_against_oracle(&cs, excludes_first)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The same on one attribute, so that its conditions pile up.
        #[test]
        fn one_attribute_agrees_with_brute_force(
            family in prop_oneof![4 => 0..4usize, 1 => Just(4usize)],
            raw in proptest::collection::vec(raw_condition(), 1..7),
            excludes_first in proptest::bool::weighted(0.25),
        ) {
            let cs = conds(&[family], &raw);
            check_against_oracle(&cs, excludes_first)?;
        }
    }

    #[test]
    fn known_oracle_cases() {
        // A few shapes pinned down, through the same path as the property.
        let c = |attr, holds, op: &'static str, vals: &[(&str, V)]| Cond {
            attr,
            holds,
            op,
            value: (!vals.is_empty()).then(|| {
                if op == "in" || op == "not_in" {
                    format!(
                        "[{}]",
                        vals.iter().map(|v| v.0).collect::<Vec<_>>().join(", ")
                    )
                } else {
                    vals[0].0.to_string()
                }
            }),
            values: vals.iter().map(|v| v.1).collect(),
            contains: None,
        };
        let t = ("true", V::B(true));
        let f = ("false", V::B(false));
        check_against_oracle(
            &[
                c(0, true, "exists", &[]),
                c(0, true, "ne", &[t]),
                c(0, true, "ne", &[f]),
            ],
            false,
        )
        .unwrap();
        check_against_oracle(
            &[
                c(1, true, "gt", &[DATE_POOL[0]]),
                c(1, true, "lt", &[DATE_POOL[1]]),
                c(0, false, "eq", &[t]),
            ],
            true,
        )
        .unwrap();
    }

    // -----------------------------------------------------------------------
    // Linearity: the steps taken at most double when the input doubles.

    fn steps(include: &str, exclude: &str) -> (usize, u64) {
        let text = audience(include, exclude);
        let docs = parse_yaml(&text, 0, Budget::default()).expect("valid YAML");
        let mut problems = Vec::new();
        let c = load(&docs[0].root, &mut problems, crate::rules::metas());
        let lits = literals(c.include(), c.exclude(), &text);
        let (found, n) = work::count(|| solve(&lits));
        (found.len(), n)
    }

    fn linear(shape: impl Fn(usize) -> (String, String), findings: impl Fn(usize) -> usize) {
        let (inc, exc) = shape(10_000);
        let (f1, small) = steps(&inc, &exc);
        let (inc, exc) = shape(20_000);
        let (f2, large) = steps(&inc, &exc);
        assert_eq!((f1, f2), (findings(10_000), findings(20_000)));
        assert!(small > 10_000, "{small}");
        assert!(
            work::at_most_doubled(small, large, 64),
            "10,000: {small} steps, 20,000: {large} steps"
        );
    }

    fn lines(n: usize, f: impl Fn(usize) -> String) -> String {
        (0..n).map(f).collect()
    }

    #[test]
    fn solving_is_linear_on_one_attribute() {
        // Rising lower bounds, then an upper bound below them all.
        linear(
            |n| {
                (
                    lines(n - 1, |i| a("score", "gt", &i.to_string())) + &a("score", "lt", "0"),
                    String::new(),
                )
            },
            |_| 1,
        );
        // Every value of a long list excluded one by one: a core too long to name.
        linear(
            |n| {
                let list: Vec<String> = (0..n / 2).map(|i| format!("v{i}")).collect();
                (
                    a("tier", "in", &format!("[{}]", list.join(", "))),
                    lines(n / 2, |i| a("tier", "eq", &format!("v{i}"))),
                )
            },
            |_| 1,
        );
        // Satisfiable: any value but these.
        linear(
            |n| {
                (
                    bare("tier", "exists") + &lines(n, |i| a("tier", "ne", &format!("v{i}"))),
                    String::new(),
                )
            },
            |_| 0,
        );
        // Every day of a range excluded.
        linear(
            |n| {
                let day = |i: usize| {
                    (chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
                        + chrono::Days::new(i as u64))
                    .to_string()
                };
                (
                    a("joined", "gte", &day(0)) + &a("joined", "lt", &day(n)),
                    lines(n, |i| a("joined", "eq", &day(i))),
                )
            },
            |_| 1,
        );
        // Contains next to a long list.
        linear(
            |n| {
                let list: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
                (
                    a("t", "contains", "v1") + &a("t", "in", &format!("[{}]", list.join(", "))),
                    String::new(),
                )
            },
            |_| 0,
        );
    }

    #[test]
    fn solving_is_linear_over_many_attributes() {
        linear(
            |n| {
                (
                    lines(n / 2, |i| {
                        a(&format!("a{i}"), "eq", "x") + &a(&format!("a{i}"), "eq", "y")
                    }),
                    String::new(),
                )
            },
            |n| n / 2,
        );
        linear(
            |n| {
                (
                    lines(n / 2, |i| a(&format!("a{i}"), "eq", "true")),
                    lines(n / 2, |i| a(&format!("b{i}"), "eq", "true")),
                )
            },
            |_| 0,
        );
        linear(
            |n| {
                (
                    lines(n / 2, |i| {
                        ev(
                            "order_placed",
                            &format!(", within: {}d, where: {{c: v{i}, d: w}}", i + 1),
                        )
                    }),
                    lines(n / 2, |i| {
                        ev(
                            "order_placed",
                            &format!(", within: {}d, where: {{c: v{i}}}", i + 1 + i % 2),
                        )
                    }),
                )
            },
            |n| n / 2,
        );
    }
}
