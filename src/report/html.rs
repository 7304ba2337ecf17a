//! The HTML report: one self-contained page for the people who run the
//! campaigns. A summary in plain words, a send calendar (inline SVG), and a
//! card per campaign with its findings, the copy quoted and the offending
//! words marked, and each rule's explanation a click away.
//!
//! Campaign copy is untrusted text. Every value reaches the page through
//! maud, which escapes it for HTML text and attributes (inline SVG is parsed
//! by the same rules); the inline JSON has `<`, `>` and `&` written as
//! `\u003c`-style escapes so that no text can close its `<script>` element.
//! The page carries a Content-Security-Policy that allows no network access
//! and only its own style and script, by their SHA-256 hashes, so that an
//! inline handler or script that slipped through would still not run.
//! Nothing depends on the clock: the same report gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};

use crate::analysis::summary::CampaignSummary;
use crate::engine::run::Report;
use crate::knowledge::checks::{Checks, Kind};
use crate::knowledge::world_calendar::{country, WorldCalendar};
use crate::report::cards::{cards, plain_counts, texts, Card, Status};
use crate::report::excerpt::shown_char;
use crate::rule_meta::Severity;
use crate::rules::diagnostic::Finding;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Standard base64 with padding (RFC 4648), for the CSP hashes.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (chunk.get(1).copied().unwrap_or(0) as u32) << 8
            | chunk.get(2).copied().unwrap_or(0) as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CSP source of an inline element: `'sha256-…'` of its exact text.
fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// The page's Content-Security-Policy: nothing from the network, no
/// plugins, no forms, no base URL; only this page's style and script.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src 'none'; font-src 'none'; \
         connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; \
         form-action 'none'; base-uri 'none'",
        hash_source(SCRIPT),
        hash_source(STYLE)
    )
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&`
/// (which JSON allows only inside strings) as `\u` escapes, so that no text
/// can end the element or open a comment; U+2028 and U+2029 too.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).expect("JSON from values");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Text from a file as shown on the page: control and reordering
/// characters as visible escapes (line breaks and tabs kept, carriage
/// returns dropped). maud escapes the rest.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c => match shown_char(c, true) {
                Some(e) => out.push_str(&e),
                None => out.push(c),
            },
        }
    }
    out
}

/// A message with its `code` spans as `<code>`, everything escaped.
fn inline(text: &str) -> Markup {
    let parts: Vec<&str> = text.split('`').collect();
    // An odd backtick leaves the text as it is.
    let paired = parts.len() % 2 == 1;
    html! {
        @for (i, p) in parts.iter().enumerate() {
            @if paired && i % 2 == 1 { code { (visible(p)) } }
            @else if !paired && i > 0 { "`" (visible(p)) }
            @else { (visible(p)) }
        }
    }
}

/// A rule's documentation (Markdown-like: `## ` headings, fenced code,
/// `- ` lists, paragraphs) as HTML.
fn doc_markup(doc: &str) -> Markup {
    enum Block {
        Heading(String),
        Code(String),
        List(Vec<String>),
        Para(String),
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines = doc.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_end();
        if t.is_empty() {
            continue;
        }
        if let Some(h) = t.strip_prefix("## ") {
            blocks.push(Block::Heading(h.to_string()));
        } else if t.starts_with("```") {
            let mut code = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            blocks.push(Block::Code(code));
        } else if let Some(item) = t.strip_prefix("- ") {
            let item = item.to_string();
            match blocks.last_mut() {
                Some(Block::List(items)) => items.push(item),
                _ => blocks.push(Block::List(vec![item])),
            }
        } else if line.starts_with("  ") && matches!(blocks.last(), Some(Block::List(_))) {
            if let Some(Block::List(items)) = blocks.last_mut() {
                let last = items.last_mut().expect("a list has an item");
                last.push(' ');
                last.push_str(t.trim_start());
            }
        } else {
            let mut para = t.to_string();
            while let Some(next) = lines.peek() {
                let n = next.trim();
                if n.is_empty()
                    || n.starts_with("## ")
                    || n.starts_with("```")
                    || n.starts_with("- ")
                {
                    break;
                }
                para.push(' ');
                para.push_str(n);
                lines.next();
            }
            blocks.push(Block::Para(para));
        }
    }
    html! {
        @for b in &blocks {
            @match b {
                Block::Heading(h) => p.doc-h { strong { (h) } },
                Block::Code(c) => pre { code { (visible(c)) } },
                Block::List(items) => ul { @for i in items { li { (inline(i)) } } },
                Block::Para(p) => p { (inline(p)) },
            }
        }
    }
}

/// The nearest character boundary at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Characters of context kept on each side of the marked words.
const CONTEXT: usize = 80;
/// Characters of the marked words shown at most.
const MARKED: usize = 300;

/// The quoted copy of a finding: the text before, the marked words and the
/// text after, on the finding's line(s), clipped around the mark.
pub fn quote(text: &str, start: usize, end: usize) -> Option<(String, String, String)> {
    let start = floor_boundary(text, start);
    let end = floor_boundary(text, end.max(start));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let clip_front = |s: &str| -> String {
        let n = s.chars().count();
        if n > CONTEXT {
            let skip: String = s.chars().skip(n - CONTEXT).collect();
            format!("…{skip}")
        } else {
            s.to_string()
        }
    };
    let clip_back = |s: &str, max: usize| -> String {
        if s.chars().count() > max {
            let keep: String = s.chars().take(max).collect();
            format!("{keep}…")
        } else {
            s.to_string()
        }
    };
    let before = clip_front(&text[line_start..start]);
    let marked = clip_back(&text[start..end], MARKED);
    let after = clip_back(&text[end..line_end], CONTEXT);
    if before.trim().is_empty() && marked.trim().is_empty() && after.trim().is_empty() {
        return None;
    }
    Some((visible(&before), visible(&marked), visible(&after)))
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Advice => "Advice",
    }
}

fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "advice",
    }
}

/// A symbol beside each severity, so that colour is never the only sign.
fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Advice => "●",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// When a campaign sends, as read: "2030-06-10 09:00, America/New_York".
fn send_phrase(s: &CampaignSummary) -> Option<String> {
    let at = s.send_at.as_ref()?.replace('T', " ");
    let zone = match s.timezone.as_deref() {
        Some("recipient") => ", in each recipient's local time".to_string(),
        Some(z) => format!(" ({z})"),
        None => String::new(),
    };
    let until = s
        .ends_at
        .as_ref()
        .map(|e| format!(", until {}", e.replace('T', " ")))
        .unwrap_or_default();
    Some(format!("{at}{zone}{until}"))
}

fn channel_label(ch: &str) -> &str {
    match ch {
        "email" => "Email",
        "sms" => "SMS",
        "push" => "Push",
        "ad" => "Ad",
        "web" => "Web",
        other => other,
    }
}

/// The letter drawn on a channel's marker in the calendar.
fn channel_letter(ch: &str) -> char {
    match ch {
        "sms" => 'S',
        "push" => 'P',
        "ad" => 'A',
        "web" => 'W',
        "email" => 'E',
        other => other.chars().next().map_or('?', |c| c.to_ascii_uppercase()),
    }
}

/// The channel's colour (white text on each meets WCAG AA).
fn channel_colour(ch: &str) -> &'static str {
    match ch {
        "email" => "#1d4ed8",
        "sms" => "#047857",
        "push" => "#7e22ce",
        "ad" => "#b45309",
        "web" => "#be185d",
        _ => "#374151",
    }
}

/// The HTML report. `now` is the date the run checked against when it was
/// given (`--now`): the page shows it; otherwise the page names no date, so
/// that the same input gives the same bytes.
pub fn html(report: &Report, now: Option<NaiveDate>) -> String {
    let cards = cards(report);
    let texts = texts(report);
    let (e, w, a) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Advice),
    );
    let real: Vec<&Card> = cards.iter().filter(|c| c.summary.is_some()).collect();
    let status_count = |s: Status| real.iter().filter(|c| c.status() == s).count();
    let (ready, with_errors, with_warnings) = (
        status_count(Status::Ready),
        status_count(Status::Errors),
        status_count(Status::Warnings),
    );
    let counts = plain_counts(&cards);
    let rules: BTreeMap<&str, &str> = report
        .findings()
        .map(|f| (f.rule.code, f.rule.name))
        .collect();
    let channels: BTreeSet<&str> = report
        .summaries()
        .flat_map(|s| s.channels.iter().map(String::as_str))
        .collect();
    let data = serde_json::json!({
        "tool": "preflight",
        "version": env!("CARGO_PKG_VERSION"),
        "summary": {
            "errors": e, "warnings": w, "advice": a,
            "campaigns": report.campaigns(), "files": report.files_checked(),
            "templates": report.templates_checked(),
            "ready": ready, "with_errors": with_errors, "with_warnings": with_warnings,
            "suppressed": report.suppressed(), "unreadable_files": report.unreadable.len(),
        },
        "findings": report.findings().map(|f| serde_json::json!({
            "file": f.file, "line": f.start.line, "column": f.start.column,
            "code": f.rule.code, "rule": f.rule.name, "severity": severity_key(f.severity),
            "campaign": f.campaign, "message": f.message,
        })).collect::<Vec<_>>(),
    });
    let title = format!("preflight: {}", report.summary());
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(content_security_policy());
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (visible(&title)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#campaigns" { "Skip to the campaigns" }
                header.top {
                    h1 { "Campaign check" }
                    p.sub {
                        "Checked by preflight " (env!("CARGO_PKG_VERSION"))
                        @if let Some(d) = now { ", with dates as of " (d.format("%Y-%m-%d").to_string()) }
                        ". " (visible(&report.summary())) "."
                    }
                }
                main {
                    section.summary aria-labelledby="summary-h" {
                        h2 #summary-h { "At a glance" }
                        ul.tiles {
                            li.tile.ok { span.num data-count="ready" { (ready) } span.what { "✔ ready to send" } }
                            li.tile.bad { span.num data-count="with_errors" { (with_errors) } span.what { "✖ with errors to fix" } }
                            li.tile.warn { span.num data-count="with_warnings" { (with_warnings) } span.what { "▲ with warnings only" } }
                        }
                        p.totals {
                            "Of " span data-count="campaigns" { (report.campaigns()) } " "
                            (if report.campaigns() == 1 { "campaign" } else { "campaigns" })
                            " in " span data-count="files" { (report.files_checked()) } " "
                            (if report.files_checked() == 1 { "file" } else { "files" })
                            ": " span data-count="errors" { (e) } " " (if e == 1 { "error" } else { "errors" })
                            ", " span data-count="warnings" { (w) } " " (if w == 1 { "warning" } else { "warnings" })
                            ", " span data-count="advice" { (a) } " advice."
                            @if report.suppressed() > 0 { " " (plural(report.suppressed(), "finding was", "findings were")) " silenced by an acknowledgement or an ignore comment." }
                        }
                        @if !counts.is_empty() {
                            h3 { "What needs attention" }
                            ul.kinds {
                                @for c in counts.iter().take(KINDS_SHOWN) { (kind(c)) }
                            }
                            @if counts.len() > KINDS_SHOWN {
                                details.more-kinds {
                                    summary { (plural(counts.len() - KINDS_SHOWN, "more kind of mistake", "more kinds of mistake")) }
                                    ul.kinds { @for c in counts.iter().skip(KINDS_SHOWN) { (kind(c)) } }
                                }
                            }
                        }
                        @if !report.unreadable.is_empty() {
                            h3 { "Files that could not be read" }
                            ul { @for u in &report.unreadable { li { code { (visible(&u.file)) } ": " (visible(&u.error)) } } }
                        }
                    }
                    (calendar(report, &cards))
                    section #campaigns aria-labelledby="campaigns-h" {
                        h2 #campaigns-h { "Campaigns" }
                        form #filters.filters hidden aria-label="Filter the findings" {
                            fieldset {
                                legend { "Severity" }
                                @for s in [Severity::Error, Severity::Warning, Severity::Advice] {
                                    label { input type="checkbox" name="severity" value=(severity_key(s)) checked; " " (severity_icon(s)) " " (severity_word(s)) }
                                }
                            }
                            label { "Rule " select name="rule" {
                                option value="" { "All rules" }
                                @for (code, name) in &rules { option value=(code) { (name) " (" (code) ")" } }
                            } }
                            label { "Channel " select name="channel" {
                                option value="" { "All channels" }
                                @for ch in &channels { option value=(ch) { (channel_label(ch)) } }
                            } }
                            label { "Campaign " select name="campaign" {
                                option value="" { "All campaigns" }
                                @for c in &cards { option value=(c.anchor()) { (visible(&c.title())) } }
                            } }
                            button type="reset" { "Show everything" }
                            p #shown.shown aria-live="polite" {}
                        }
                        @for c in &cards { (card(c, &texts)) }
                    }
                }
                footer { p { "preflight checks campaign files before launch. Run " code { "preflight explain <rule>" } " for any rule's full documentation." } }
                script type="application/json" #preflight-data { (PreEscaped(script_json(&data))) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    lines(page.into_string())
}

/// The page with a line break after each block element's end, so that a
/// change to the report reads as a diff of lines. Copy is escaped, so these
/// end tags occur only as the page's own; `<pre>` holds only `<code>` and
/// `<mark>`, so no quoted copy changes.
fn lines(page: String) -> String {
    const ENDS: [&str; 16] = [
        "</p>",
        "</li>",
        "</dt>",
        "</dd>",
        "</dl>",
        "</header>",
        "</figure>",
        "</details>",
        "</article>",
        "</section>",
        "</option>",
        "</label>",
        "</fieldset>",
        "</text>",
        "</div>",
        "</h3>",
    ];
    let mut out = page;
    for end in ENDS {
        out = out.replace(end, &format!("{end}\n"));
    }
    out = out
        .replace("<rect ", "\n<rect ")
        .replace("<line ", "\n<line ");
    out.push('\n');
    out
}

/// Kinds of mistake listed before the rest are folded.
const KINDS_SHOWN: usize = 8;

/// One kind of mistake in plain words, with its rule's code.
fn kind(c: &crate::report::cards::PlainCount) -> Markup {
    html! {
        li class=(format!("sev-{}", severity_key(c.severity))) {
            span.icon aria-hidden="true" { (severity_icon(c.severity)) }
            " " (c.sentence) " "
            span.code { "(" (c.code) ")" }
        }
    }
}

/// One campaign's card.
fn card(c: &Card, texts: &HashMap<&str, &str>) -> Markup {
    let status = c.status();
    let (e, w, a) = c.counts();
    let status_text = match status {
        Status::Ready if a > 0 => format!(
            "✔ Ready to send ({})",
            plural(a, "piece of advice", "pieces of advice")
        ),
        Status::Ready => "✔ Ready to send".to_string(),
        Status::Errors => format!(
            "✖ {}{}",
            plural(e, "error", "errors"),
            if w > 0 {
                format!(", {}", plural(w, "warning", "warnings"))
            } else {
                String::new()
            }
        ),
        Status::Warnings => format!("▲ {}", plural(w, "warning", "warnings")),
    };
    let channels = c.summary.map(|s| s.channels.join(" ")).unwrap_or_default();
    html! {
        article.card id=(c.anchor()) data-campaign=(c.anchor()) data-channels=(channels) aria-labelledby=(format!("{}-h", c.anchor())) {
            header {
                h3 id=(format!("{}-h", c.anchor())) { (visible(&c.title())) }
                p class=(format!("status st-{}", status.key())) { (status_text) }
            }
            dl.facts {
                @if let Some(s) = c.summary {
                    @if let Some(id) = &s.id { dt { "Id" } dd { code { (visible(id)) } } }
                    dt { "Channels" }
                    dd { @if s.channels.is_empty() { "none" } @for ch in &s.channels { span class=(format!("chip ch-{ch}")) { (channel_label(ch)) } " " } }
                    dt { "Sends" } dd { (visible(&send_phrase(s).unwrap_or_else(|| "no send date".to_string()))) }
                    @if let Some(r) = &s.region { dt { "Region" } dd { (visible(r)) } }
                    dt { "Audience" } dd {
                        @if let Some(a) = &s.audience { (visible(a)) } @else { "no conditions written" }
                        @if let Some(seg) = &s.segment { " " span.seg { "Segment " code { (visible(seg)) } } }
                    }
                }
                dt { "File" } dd { code { (visible(c.file)) } @if let Some(s) = c.summary { ", line " (s.line) } }
            }
            @if c.findings.is_empty() {
                p.none { "No findings." }
            } @else {
                ol.findings {
                    @for f in &c.findings { (finding(f, texts)) }
                }
            }
        }
    }
}

/// One finding: severity, rule, message, the quoted copy, help and docs.
fn finding(f: &Finding, texts: &HashMap<&str, &str>) -> Markup {
    let sev = severity_key(f.severity);
    let quoted = texts
        .get(f.file.as_str())
        .and_then(|t| quote(t, f.span.start, f.span.end));
    html! {
        li class=(format!("finding sev-{sev}")) data-severity=(sev) data-rule=(f.rule.code) data-file=(visible(&f.file)) data-line=(f.start.line) {
            p.fhead {
                span class=(format!("badge b-{sev}")) { span aria-hidden="true" { (severity_icon(f.severity)) } " " (severity_word(f.severity)) }
                " "
                span.rule { (inline(f.rule.summary)) }
            }
            p.msg { (inline(&f.message)) }
            @if let Some((before, marked, after)) = quoted {
                figure.quote {
                    figcaption { "In " code { (visible(&f.file)) } ", line " (f.start.line) ", column " (f.start.column) ":" }
                    pre { code { (before) mark { (marked) } (after) } }
                }
            } @else {
                p.where { "In " code { (visible(&f.file)) } ", line " (f.start.line) ", column " (f.start.column) "." }
            }
            @if !f.help.is_empty() { p.help { strong { "How to fix: " } (inline(&f.help)) } }
            @if !f.related.is_empty() {
                ul.related {
                    @for r in &f.related { li { (inline(&r.message)) " — " code { (visible(&r.file)) ":" (r.start.line) } } }
                }
            }
            details.doc {
                summary { "About this rule: " code { (f.rule.name) } " (" (f.rule.code) ")" }
                div.doc-body { (doc_markup(&f.rule.doc_text())) }
            }
        }
    }
}

// --- the send calendar ------------------------------------------------

/// Width of one day in the calendar.
const DAY: i64 = 26;
/// Width of the audience labels on the left.
const LEFT: i64 = 200;
/// Height of one channel band in a campaign's marker.
const BAND: i64 = 14;
/// The longest stretch of days one block of the calendar shows.
const MAX_DAYS: i64 = 35;

/// A campaign placed on the calendar.
struct Placed<'a> {
    card: usize,
    s: &'a CampaignSummary,
    start: NaiveDate,
    /// The last day drawn (the end, clipped to the block).
    end: NaiveDate,
    /// It runs on past the block.
    runs_on: bool,
    lane: String,
    row: usize,
}

fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn short_label(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let keep: String = s.chars().take(max - 1).collect();
        format!("{keep}…")
    } else {
        s.to_string()
    }
}

/// The send calendar: blocks of up to five weeks around the run's sends,
/// one lane per audience segment, channel-coloured markers (with the
/// channel's letter), the occasions of the run's regions, and the weeks an
/// audience gets more than the cap (`audience-overload`) outlined.
fn calendar(report: &Report, cards: &[Card]) -> Markup {
    let mut sends: Vec<(usize, &CampaignSummary, NaiveDate, Option<NaiveDate>)> = cards
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let s = c.summary?;
            let start = date_of(s.send_at.as_deref()?)?;
            let end = s
                .ends_at
                .as_deref()
                .and_then(date_of)
                .filter(|e| *e > start);
            Some((i, s, start, end))
        })
        .collect();
    sends.sort_by_key(|(i, _, d, _)| (*d, *i));
    let unplaced: Vec<&Card> = cards
        .iter()
        .filter(|c| {
            c.summary
                .is_some_and(|s| s.send_at.as_deref().and_then(date_of).is_none())
        })
        .collect();
    // Blocks: sends within a week of each other share one, up to MAX_DAYS.
    let mut blocks: Vec<(NaiveDate, NaiveDate, Vec<usize>)> = Vec::new();
    for (k, (_, _, start, _)) in sends.iter().enumerate() {
        match blocks.last_mut() {
            Some((first, last, members))
                if (*start - *last).num_days() <= 7
                    && (*start - *first).num_days() < MAX_DAYS - 3 =>
            {
                *last = (*last).max(*start);
                members.push(k);
            }
            _ => blocks.push((*start, *start, vec![k])),
        }
    }
    // Overloaded audiences: the campaigns each audience-overload finding
    // names, by card.
    let places = crate::report::cards::Places::new(cards);
    let mut overloads: BTreeSet<BTreeSet<usize>> = BTreeSet::new();
    for (i, c) in cards.iter().enumerate() {
        for f in c
            .findings
            .iter()
            .filter(|f| f.rule.name == "audience-overload")
        {
            let mut set: BTreeSet<usize> = [i].into();
            set.extend(
                f.related
                    .iter()
                    .filter_map(|r| places.card_at(&r.file, r.start.line)),
            );
            overloads.insert(set);
        }
    }
    let countries: BTreeSet<&str> = report
        .summaries()
        .filter_map(|s| s.region.as_deref())
        .map(country)
        .collect();
    let world = WorldCalendar::builtin();
    let occasion_names = Checks::builtin().lexicon(Kind::Occasion);

    let mut svgs: Vec<(i64, i64, String, String)> = Vec::new();
    for (first, last, members) in &blocks {
        let y: i64 = 0;
        let from = *first - chrono::Duration::days(1);
        let to = (*last + chrono::Duration::days(1)).max(*first + chrono::Duration::days(6));
        let days = (to - from).num_days() + 1;
        let x_of = |d: NaiveDate| LEFT + (d - from).num_days() * DAY;
        // Place the campaigns in lanes (by segment) and rows (no overlap).
        let mut placed: Vec<Placed> = members
            .iter()
            .map(|&k| {
                let (card, s, start, end) = sends[k];
                let end_all = end.unwrap_or(start);
                Placed {
                    card,
                    s,
                    start,
                    end: end_all.min(to),
                    runs_on: end_all > to,
                    lane: s.segment.clone().unwrap_or_default(),
                    row: 0,
                }
            })
            .collect();
        placed.sort_by(|a, b| {
            (a.lane.is_empty(), &a.lane, a.start, a.card).cmp(&(
                b.lane.is_empty(),
                &b.lane,
                b.start,
                b.card,
            ))
        });
        let mut lanes: Vec<(String, Vec<usize>)> = Vec::new();
        for (p_i, p) in placed.iter().enumerate() {
            match lanes.last_mut() {
                Some((name, list)) if *name == p.lane => list.push(p_i),
                _ => lanes.push((p.lane.clone(), vec![p_i])),
            }
        }
        // Rows within each lane: first row whose last marker ends before.
        for (_, list) in &lanes {
            let mut row_ends: Vec<NaiveDate> = Vec::new();
            for &p_i in list {
                let p = &placed[p_i];
                let row = row_ends
                    .iter()
                    .position(|e| *e < p.start)
                    .unwrap_or(row_ends.len());
                if row == row_ends.len() {
                    row_ends.push(p.end);
                } else {
                    row_ends[row] = p.end;
                }
                placed[p_i].row = row;
            }
        }
        // Header: the dates, the month, the occasions.
        let mut occasions: Vec<(NaiveDate, String)> = Vec::new();
        for id in world.occasion_ids() {
            let mut by_date: BTreeMap<NaiveDate, Vec<&str>> = BTreeMap::new();
            for c in &countries {
                let Some((_, rule)) = world.rule_for(id, c) else {
                    continue;
                };
                for year in [from.year(), to.year()]
                    .into_iter()
                    .collect::<BTreeSet<_>>()
                {
                    if let Some(d) = rule.date_in(year).filter(|d| *d >= from && *d <= to) {
                        by_date.entry(d).or_default().push(c);
                    }
                }
            }
            let name = occasion_names
                .by_id(id)
                .map_or(id.to_string(), |e| e.display().to_string());
            for (d, cs) in by_date {
                let mut cs = cs;
                cs.dedup();
                occasions.push((d, format!("{name} ({})", cs.join(", "))));
            }
        }
        occasions.sort();
        let head = 58 + 14 * occasions.len() as i64;
        // The overloads each lane shows: sets with two or more of its campaigns.
        let lane_over: Vec<Vec<&BTreeSet<usize>>> = lanes
            .iter()
            .map(|(_, list)| {
                let in_lane: BTreeSet<usize> = list.iter().map(|&p| placed[p].card).collect();
                overloads
                    .iter()
                    .filter(|set| set.intersection(&in_lane).count() >= 2)
                    .collect()
            })
            .collect();
        let row_height = |list: &[usize]| {
            let tallest = list
                .iter()
                .map(|&p| placed[p].s.channels.len().max(1) as i64)
                .max()
                .unwrap_or(1);
            tallest * BAND + 6
        };
        let lane_heights: Vec<i64> = lanes
            .iter()
            .zip(&lane_over)
            .map(|((_, list), over)| {
                let rows = list.iter().map(|&p| placed[p].row).max().unwrap_or(0) + 1;
                let h = (rows as i64) * row_height(list) + 10;
                if over.is_empty() {
                    h
                } else {
                    h.max(42)
                }
            })
            .collect();
        let body_h: i64 = lane_heights.iter().sum();
        let block_h = head + body_h;
        let mut b = String::new();
        let esc = |s: &str| maud::html! { (s) }.into_string();
        b.push_str(&format!(
            "<text class=\"blk\" x=\"0\" y=\"{}\">{} – {}</text>",
            y + 14,
            from.format("%e %B %Y").to_string().trim(),
            to.format("%e %B %Y").to_string().trim()
        ));
        for i in 0..days {
            let d = from + chrono::Duration::days(i);
            let x = LEFT + i * DAY;
            if d.weekday().number_from_monday() >= 6 {
                b.push_str(&format!(
                    "<rect class=\"wkend\" x=\"{x}\" y=\"{}\" width=\"{DAY}\" height=\"{}\"/>",
                    y + head - 34,
                    body_h + 34
                ));
            }
            b.push_str(&format!(
                "<text class=\"day\" x=\"{}\" y=\"{}\">{}</text><text class=\"wd\" x=\"{}\" y=\"{}\">{}</text>",
                x + DAY / 2,
                y + head - 6,
                d.day(),
                x + DAY / 2,
                y + head - 20,
                &d.format("%a").to_string()[..2]
            ));
        }
        for (k, (d, label)) in occasions.iter().enumerate() {
            let x = x_of(*d) + DAY / 2;
            let ly = y + 32 + 14 * k as i64;
            let right = x > LEFT + days * DAY / 2;
            b.push_str(&format!(
                "<line class=\"occ\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/><text class=\"occ-l\" x=\"{}\" y=\"{ly}\"{}>{}</text>",
                ly + 2,
                y + block_h,
                if right { x + 4 } else { x - 4 },
                if right { " text-anchor=\"end\"" } else { "" },
                esc(&if right { format!("{label} ◆") } else { format!("◆ {label}") })
            ));
        }
        // Lanes.
        let mut ly = y + head;
        for (lane_no, ((lane, list), h)) in lanes.iter().zip(&lane_heights).enumerate() {
            b.push_str(&format!(
                "<line class=\"lane\" x1=\"0\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\"/>",
                LEFT + days * DAY
            ));
            let over = &lane_over[lane_no];
            let name = if lane.is_empty() {
                "(no segment)".to_string()
            } else {
                lane.clone()
            };
            b.push_str(&format!(
                "<text class=\"lane-l\" x=\"0\" y=\"{}\"><title>{}</title>{}</text>",
                ly + 16,
                esc(&name),
                esc(&short_label(&name, 26))
            ));
            for set in over {
                let in_lane: Vec<&Placed> = list
                    .iter()
                    .map(|&p| &placed[p])
                    .filter(|p| set.contains(&p.card))
                    .collect();
                let (Some(a), Some(z)) = (
                    in_lane.iter().map(|p| p.start).min(),
                    in_lane.iter().map(|p| p.start).max(),
                ) else {
                    continue;
                };
                b.push_str(&format!(
                    "<rect class=\"over\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>",
                    x_of(a) - 2,
                    ly + 2,
                    x_of(z) - x_of(a) + DAY + 4,
                    h - 4
                ));
            }
            if !over.is_empty() {
                b.push_str(&format!(
                    "<text class=\"over-l\" x=\"0\" y=\"{}\">▲ over the cap</text>",
                    ly + 32
                ));
            }
            for &p_i in list {
                let p = &placed[p_i];
                let card = &cards[p.card];
                let x = x_of(p.start) + 2;
                let top = ly + 5 + p.row as i64 * row_height(list);
                // The campaign's name after its mark, as far as the next
                // mark in its row (or the block's end) leaves room.
                let next = list
                    .iter()
                    .map(|&q| &placed[q])
                    .filter(|q| q.row == p.row && q.start > p.start)
                    .map(|q| x_of(q.start))
                    .min()
                    .unwrap_or(LEFT + days * DAY);
                let room = (next - (x + DAY + 2)) / 7;
                let chans: Vec<&str> = if p.s.channels.is_empty() {
                    vec![""]
                } else {
                    p.s.channels.iter().map(String::as_str).collect()
                };
                let label = format!(
                    "{}: {}, {}",
                    card.title(),
                    send_phrase(p.s).unwrap_or_default(),
                    p.s.channels
                        .iter()
                        .map(|c| channel_label(c))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                b.push_str(&format!(
                    "<a href=\"#{}\"><title>{}</title>",
                    card.anchor(),
                    esc(&visible(&label))
                ));
                if p.end > p.start || p.runs_on {
                    let x2 = x_of(p.end) + DAY - 2;
                    let my = top + chans.len() as i64 * BAND + 2;
                    b.push_str(&format!(
                        "<line class=\"run\" x1=\"{x}\" y1=\"{my}\" x2=\"{x2}\" y2=\"{my}\"/>"
                    ));
                    if p.runs_on {
                        b.push_str(&format!(
                            "<text class=\"more\" aria-hidden=\"true\" x=\"{}\" y=\"{}\">→</text>",
                            x2 - 10,
                            my + 4
                        ));
                    }
                }
                for (k, ch) in chans.iter().enumerate() {
                    let by = top + k as i64 * BAND;
                    b.push_str(&format!(
                        "<rect x=\"{x}\" y=\"{by}\" width=\"{}\" height=\"{BAND}\" fill=\"{}\" rx=\"2\"/><text class=\"ch\" aria-hidden=\"true\" x=\"{}\" y=\"{}\">{}</text>",
                        DAY - 4,
                        channel_colour(ch),
                        x + (DAY - 4) / 2,
                        by + BAND - 3,
                        channel_letter(ch)
                    ));
                }
                if room >= 4 {
                    b.push_str(&format!(
                        "<text class=\"nm\" x=\"{}\" y=\"{}\">{}</text>",
                        x + DAY,
                        top + BAND - 3,
                        esc(&visible(&short_label(&card.title(), room as usize)))
                    ));
                }
                b.push_str("</a>\n");
            }
            ly += h;
        }
        let caption = format!(
            "{} to {}",
            from.format("%e %B %Y").to_string().trim(),
            to.format("%e %B %Y").to_string().trim()
        );
        svgs.push((LEFT + days * DAY + 4, block_h + 4, b, caption));
    }
    let legend: Vec<&str> = report
        .summaries()
        .flat_map(|s| s.channels.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    html! {
        section.calendar aria-labelledby="calendar-h" {
            h2 #calendar-h { "Send calendar" }
            @if blocks.is_empty() {
                p { "No campaign in this run has a send date." }
            } @else {
                p.legend {
                    "Each mark is a campaign on its send day, in the lane of its audience; a line shows how long it runs. "
                    @for ch in &legend { span class=(format!("chip ch-{ch}")) { (channel_letter(ch)) " " (channel_label(ch)) } " " }
                    span.legend-occ { "◆ occasion in the campaigns' regions" } " "
                    span.legend-over { "▲ outlined: the audience gets more messages than the cap" }
                }
                div.cal-blocks {
                    @for (w, h, body, caption) in &svgs {
                        div.cal-scroll tabindex="0" role="region" aria-label=(format!("Sends from {caption}")) {
                            svg xmlns="http://www.w3.org/2000/svg" width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) {
                                (PreEscaped(body))
                            }
                        }
                    }
                }
            }
            @if !unplaced.is_empty() {
                p { "Not on the calendar (no readable send date): "
                    @for (i, c) in unplaced.iter().enumerate() { @if i > 0 { ", " } a href=(format!("#{}", c.anchor())) { (visible(&c.title())) } }
                    "." }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn script_json_cannot_close_its_element() {
        let v = serde_json::json!({"m": "</script><script>alert(1)</script><!-- & \u{2028}"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn quotes_clip_around_the_mark() {
        let text = "a: 1\nsubject: Hello there {{ first_name }}!\nz: 2\n";
        let start = text.find("{{").unwrap();
        let end = text.find("}}").unwrap() + 2;
        let (b, m, a) = quote(text, start, end).unwrap();
        assert_eq!(
            (b.as_str(), m.as_str(), a.as_str()),
            ("subject: Hello there ", "{{ first_name }}", "!")
        );
        let long = format!("{}X{}", "é".repeat(500), "ü".repeat(500));
        let at = long.find('X').unwrap();
        let (b, m, a) = quote(&long, at, at + 1).unwrap();
        assert_eq!(b.chars().count(), CONTEXT + 1);
        assert_eq!(m, "X");
        assert_eq!(a.chars().count(), CONTEXT + 1);
    }

    #[test]
    fn controls_and_reordering_characters_are_shown_as_escapes() {
        assert_eq!(
            visible("a\u{1b}[31mb\u{202e}c\r\n"),
            "a\\u{1b}[31mb\\u{202e}c\n"
        );
    }
}
