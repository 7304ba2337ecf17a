//! The engine: from one file's bytes to its findings.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::analysis::fingerprint::{self, Fingerprint};
use crate::engine::attachments;
use crate::engine::config::{Config, Defaults, Level};
use crate::engine::suppress;
use crate::input::source::{LineCol, LineIndex, Sources, Span};
use crate::input::yaml::{self, Budget};
use crate::knowledge::checks::Checks;
use crate::knowledge::settings::Settings;
use crate::model::campaign::{Campaign, Spanned};
use crate::rules::context::{Ctx, Pending};
use crate::rules::diagnostic::{Applicability, Edit, Finding, Fix, ProposedFix, Related};
use crate::rules::internal_error::INTERNAL_ERROR;
use crate::rules::invalid_campaign::INVALID_CAMPAIGN;
use crate::rules::{Rule, RuleMeta, RULES};

/// The default size limit of a campaign file: 10 MB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10_000_000;

/// Everything a run needs besides the files.
#[derive(Debug, Clone)]
pub struct Options {
    /// "Today" for date comparisons (`--now`).
    pub now: NaiveDate,
    pub settings: Settings,
    pub budget: Budget,
    /// Rule levels set by a configuration, by code (`None`: off).
    pub levels: Vec<(&'static str, Level)>,
    /// Values a campaign may omit.
    pub defaults: Defaults,
    /// Files larger than this many bytes are refused without being read.
    pub max_file_size: u64,
    /// Named files that are not campaign files are skipped, as when walking
    /// a folder (`--skip-non-campaigns`, for pre-commit, which names every
    /// staged YAML file).
    pub skip_non_campaigns: bool,
    /// Threads that check files (`--threads`; 0: every core). The output
    /// does not depend on it.
    pub threads: usize,
    /// Keep the text of files with findings in the report (the pretty
    /// output shows source lines; the others need only positions).
    pub keep_text: bool,
    /// Keep each campaign's summary (its channels, send time and audience
    /// in a sentence), which only the HTML and Markdown reports show.
    pub keep_summaries: bool,
    /// The file the report will be written to, when it exists already: a
    /// run that would check it stops instead (`--output-file c.yaml .`).
    pub report_file: Option<crate::input::discover::FileId>,
    /// The files campaigns' copy names, read once per run.
    pub copy_files: std::sync::Arc<attachments::Cache>,
    /// The template language the configuration names for some files.
    pub templates: std::sync::Arc<Vec<(globset::GlobMatcher, crate::input::template_file::Kind)>>,
    /// The folder of the configuration in force, if any: the root copy
    /// files must stay inside when a campaign is in no git repository.
    pub config_dir: Option<std::path::PathBuf>,
    /// What the platform-export readers are told (audiences that are the
    /// same across platforms).
    pub exports: std::sync::Arc<crate::input::exports::ReadOptions>,
}

impl Options {
    pub fn new(now: NaiveDate) -> Self {
        Options {
            now,
            settings: Settings::default(),
            budget: Budget::default(),
            levels: Vec::new(),
            defaults: Defaults::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            skip_non_campaigns: false,
            threads: 0,
            keep_text: true,
            keep_summaries: true,
            report_file: None,
            copy_files: Default::default(),
            config_dir: None,
            templates: Default::default(),
            exports: Default::default(),
        }
    }

    /// These options under a configuration.
    pub fn with_config(&self, config: &Config) -> Options {
        Options {
            now: self.now,
            settings: config.settings.clone(),
            budget: self.budget,
            levels: config.levels.clone(),
            defaults: config.defaults.clone(),
            max_file_size: self.max_file_size,
            skip_non_campaigns: self.skip_non_campaigns,
            threads: self.threads,
            keep_text: self.keep_text,
            keep_summaries: self.keep_summaries,
            report_file: self.report_file.clone(),
            copy_files: self.copy_files.clone(),
            templates: config.templates.clone(),
            exports: config.exports.clone(),
            config_dir: config
                .file
                .as_deref()
                .and_then(std::path::Path::parent)
                .map(|d| {
                    if d.as_os_str().is_empty() {
                        std::path::Path::new(".")
                    } else {
                        d
                    }
                })
                .map(std::path::Path::to_path_buf),
        }
    }

    /// The level a configuration set for a rule, if it set one.
    pub fn level_of(&self, rule: &RuleMeta) -> Option<Level> {
        level_in(&self.levels, rule)
    }
}

/// The level set for a rule in a list of levels, if any.
pub fn level_in(levels: &[(&'static str, Level)], rule: &RuleMeta) -> Option<Level> {
    levels
        .iter()
        .find(|(c, _)| *c == rule.code)
        .map(|(_, l)| *l)
}

/// How a finding was silenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SilencedBy {
    /// An `acknowledge` entry of the campaign, with its reason.
    Acknowledge(String),
    /// A `# preflight: ignore[…]` comment, with its reason.
    Comment(String),
}

/// A finding that was silenced, kept so reviewers can audit it.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub by: SilencedBy,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// Read and checked (its findings may include `invalid-campaign`).
    Checked,
    /// Not a campaign file; the reason says why.
    Skipped(String),
}

/// The result of checking one file.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub path: String,
    pub status: FileStatus,
    /// Sorted by position, then rule code.
    pub findings: Vec<Finding>,
    pub campaigns: usize,
    /// Findings silenced by an `acknowledge` entry or an ignore comment.
    pub suppressed: Vec<Suppressed>,
    /// The file's ignore comments.
    pub comments: Vec<suppress::Comment>,
    /// The rule levels in force for this file.
    pub levels: Vec<(&'static str, Level)>,
    /// The text the findings point into (kept only when there are findings).
    pub text: Option<String>,
    /// What the rules across campaigns need from each campaign of the file.
    pub prints: Vec<Fingerprint>,
    /// A skipped file that may still be meant as a campaign file (counted
    /// in the summary, so that it is never skipped in silence).
    pub looks_like_campaign: bool,
    /// What this file's campaigns found in the files their copy names
    /// (placed in those files' own outcomes when the run is finished).
    pub attached: Vec<AttachedOutcome>,
    /// What the file holds.
    pub kind: FileKind,
    /// Each campaign in a few facts, in file order (for the HTML and
    /// Markdown reports).
    pub summaries: Vec<crate::analysis::summary::CampaignSummary>,
    /// A platform export: what it was read as, and what it does not say.
    pub export: Option<ExportNote>,
}

/// What preflight made of a platform's exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportNote {
    pub platform: crate::input::exports::Platform,
    /// What the file was read as (for `--verbose`).
    pub read_as: String,
    /// What the file's campaigns do not say, over all of them.
    pub unknown: Vec<crate::input::exports::Part>,
    /// The rules that did not run for some campaign of it, because they
    /// need what is unknown.
    pub not_run: Vec<&'static str>,
}

/// What a checked file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Campaigns (YAML or JSON).
    Campaigns,
    /// Copy that campaigns name (`body: {file: …}`).
    Copy,
    /// A template checked on its own, for its copy only.
    Template,
}

/// The findings of one campaign file in a file its copy names.
#[derive(Debug, Clone)]
pub struct AttachedOutcome {
    /// The file, as shown.
    pub path: String,
    /// Its real path (the same file named two ways is one file).
    pub real: Option<std::path::PathBuf>,
    pub text: std::sync::Arc<str>,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// The file's ignore comments, as this campaign file's check used them.
    pub comments: Vec<suppress::Comment>,
}

/// A top-level `campaign:` key, bare or quoted (`"campaign":`, as JSON
/// writes it, indented inside its `{`).
static CAMPAIGN_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^(?:campaign|"campaign"|'campaign')[ \t]*:|^[ \t]*\{?[ \t]*"campaign"[ \t]*:"#,
    )
    .expect("valid")
});

/// A `campaign:` key anywhere (indented, in a list): a file skipped for
/// having no top-level one may still be meant as a campaign file.
static CAMPAIGN_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*(?:-[ \t]+)?["']?campaign["']?[ \t]*:"#).expect("valid")
});

/// Checks one file's contents. `explicit` is true when the user named the
/// file: then it must be a campaign file.
pub fn check_file(
    path: &str,
    bytes: &[u8],
    explicit: bool,
    opts: &Options,
    checks: &Checks,
) -> FileOutcome {
    let mut out = FileOutcome::empty(path, opts);
    // Text that is not UTF-8 at all: UTF-16 (with its byte-order mark) or binary.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let binary = !utf16 && bytes.iter().take(8192).any(|b| *b == 0);
    if utf16 || binary {
        let looks_like_campaign = utf16 && {
            let units: Vec<u16> = bytes[2..]
                .chunks_exact(2)
                .map(|c| {
                    if bytes[0] == 0xFF {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .collect();
            CAMPAIGN_LINE.is_match(&String::from_utf16_lossy(&units))
        };
        let what = if utf16 {
            "UTF-16 text"
        } else {
            "a binary file (it holds NUL bytes)"
        };
        if !explicit && !looks_like_campaign {
            out.status = FileStatus::Skipped(format!("{what}, not UTF-8 YAML"));
            return out;
        }
        out.push_raw(
            "",
            None,
            &INVALID_CAMPAIGN,
            Span::new(0, 0),
            format!("the file is {what}, not UTF-8 text, so it cannot be read as a campaign"),
            if utf16 {
                "save the file as UTF-8 (most editors offer this under “Save with encoding”)"
            } else {
                "name only campaign files, written as YAML text"
            },
        );
        out.finish("");
        return out;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or("");
            let looks_like_campaign = CAMPAIGN_LINE.is_match(&String::from_utf8_lossy(bytes));
            if !explicit && !looks_like_campaign {
                out.status = FileStatus::Skipped("not UTF-8 text".into());
                return out;
            }
            out.push_raw(
                prefix,
                None,
                &INVALID_CAMPAIGN,
                Span::new(at, at),
                format!("the file is not UTF-8 text: byte {at} cannot be read"),
                "save the file as UTF-8 (most editors offer this under “Save with encoding”)",
            );
            out.finish(prefix);
            return out;
        }
    };
    if let Some(body) = crate::engine::templates::braze_body_of(std::path::Path::new(path)) {
        if !CAMPAIGN_LINE.is_match(text) {
            return crate::engine::templates::check_braze_template(path, text, &body, opts, checks);
        }
    }
    let named = crate::engine::config::engine_in(
        &opts.templates,
        opts.config_dir.as_deref(),
        std::path::Path::new(path),
    );
    // Campaign files are never templates, whatever a glob says.
    let data = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| {
            ["yaml", "yml", "json"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        });
    let kind =
        named.or_else(|| crate::input::template_file::Kind::of_path(std::path::Path::new(path)));
    if let Some(kind) = kind.filter(|_| !data) {
        let real = std::path::Path::new(path);
        if !explicit && crate::engine::templates::is_braze_body(real) {
            out.status = FileStatus::Skipped(
                "the body of the braze-sync template beside it (checked with its template.yaml)"
                    .into(),
            );
            return out;
        }
        if !explicit
            && path
                .to_ascii_lowercase()
                .ends_with(".asset-template-meta.html")
        {
            out.status = FileStatus::Skipped(
                "a Marketing Cloud template (mcdev): a layout emails are built from, not an email"
                    .into(),
            );
            return out;
        }
        if kind == crate::input::template_file::Kind::React {
            let tsx = !path.to_ascii_lowercase().ends_with(".jsx");
            return match crate::input::jsx::read(text, tsx) {
                Some(reading) => {
                    crate::engine::templates::check_react(path, real, text, reading, opts, checks)
                }
                None => {
                    out.status =
                        FileStatus::Skipped("a script that does not import React Email".into());
                    out
                }
            };
        }
        if !explicit
            && named.is_none()
            && !crate::input::template_file::looks_like_email(real, kind, text)
        {
            out.status = FileStatus::Skipped("not an email template (no email folder, email markup, preheader or unsubscribe link)".into());
            return out;
        }
        return crate::engine::templates::check_template(path, real, text, kind, opts, checks);
    }
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let json = crate::input::json::looks_like_json(path, text);
    let parsed = if json {
        crate::input::json::parse(&text[bom..], bom, opts.budget)
    } else {
        yaml::parse(&text[bom..], bom, opts.budget)
    };
    let docs = match parsed {
        Ok(d) => d,
        Err(e) => {
            let language = if json { "JSON" } else { "YAML" };
            if !explicit && !CAMPAIGN_LINE.is_match(text) {
                out.status = FileStatus::Skipped(format!(
                    "not valid {language} and no top-level `campaign` key ({})",
                    e.message
                ));
                return out;
            }
            out.push_raw(
                text,
                None,
                &INVALID_CAMPAIGN,
                e.span,
                if e.limit {
                    format!("the file is too large or too deeply nested to check: {}", e.message)
                } else {
                    format!("the file is not valid {language}: {}", e.message)
                },
                if e.limit {
                    if json {
                        "a campaign file is small and shallow; split this file"
                    } else {
                        "a campaign file is small and shallow; split this file, and avoid aliases (`*name`) that repeat other aliases"
                    }
                } else if json {
                    "fix the JSON here or just before: check the commas between values, the colon after each key, and that every `[`, `{` and `\"` is closed"
                } else {
                    "fix the YAML here or just above: check the indentation, the colon after each key, and that every `[`, `{` and quote is closed"
                },
            );
            out.finish(text);
            return out;
        }
    };
    let is_campaign = |d: &yaml::Document| d.root.get("campaign").is_some();
    if !docs.iter().any(is_campaign) {
        if json {
            if let Some(out) = crate::engine::exports::check_export(path, text, &docs, opts, checks)
            {
                return out;
            }
        }
        if explicit {
            let at = docs
                .first()
                .map(|d| d.root.span)
                .unwrap_or(Span::new(bom, bom));
            out.push_raw(
                text,
                None,
                &INVALID_CAMPAIGN,
                Span::new(at.start, at.start),
                "this file has no campaign: a campaign file starts with a `campaign:` key",
                "add `campaign: <id>` at the top of each campaign, or do not name this file",
            );
        } else {
            out.looks_like_campaign = CAMPAIGN_KEY.is_match(text);
            out.status = FileStatus::Skipped(if out.looks_like_campaign {
                "it has a `campaign:` key, but not at the top level (a campaign file is one mapping per campaign, not a list or a nested key)".into()
            } else {
                "no top-level `campaign` key".into()
            });
        }
        out.finish(text);
        return out;
    }
    let lines = LineIndex::new(text);
    out.comments = suppress::parse(text, &lines);
    // Copy kept in files of its own is read before the campaigns are
    // loaded, and laid after this file's text in one offset space.
    let references: Vec<&yaml::Node> = docs
        .iter()
        .filter(|d| is_campaign(d))
        .flat_map(|d| crate::model::load::file_references(&d.root))
        .collect();
    let attached = (!references.is_empty()).then(|| {
        attachments::read(
            path,
            text,
            &references,
            &opts.copy_files,
            opts.config_dir.as_deref(),
            opts.max_file_size,
        )
    });
    let no_attachments = crate::model::campaign::Attachments::new();
    let no_sources = Sources::alone(text.len());
    let (full, sources, atts) = match &attached {
        Some(a) => (a.text.as_str(), &a.sources, &a.attachments),
        None => (text, &no_sources, &no_attachments),
    };
    out.attached = sources
        .files
        .iter()
        .map(|f| AttachedOutcome {
            path: f.name.clone(),
            real: f.real.clone(),
            text: f.text.clone(),
            findings: Vec::new(),
            suppressed: Vec::new(),
            comments: suppress::parse_template(&f.text, f.lines()),
        })
        .collect();
    for doc in &docs {
        if !is_campaign(doc) {
            if !doc.root.is_null() {
                out.push_raw(
                    text,
                    None,
                    &INVALID_CAMPAIGN,
                    Span::new(doc.root.span.start, doc.root.span.start),
                    "this YAML document has no `campaign:` key, but the others in the file do",
                    "start every document of a campaign file with `campaign: <id>`, or move this one to another file",
                );
            }
            continue;
        }
        out.campaigns += 1;
        check_campaign(
            &mut out,
            Files {
                path,
                text,
                lines: &lines,
                full,
                sources,
                attachments: atts,
            },
            &doc.root,
            &doc.aliases,
            None,
            None,
            opts,
            checks,
        );
    }
    out.finish(text);
    out
}

/// The text one file's campaigns are checked in: the file's own, and the
/// offset space with the files its copy names laid after it.
#[derive(Clone, Copy)]
pub(crate) struct Files<'t> {
    pub path: &'t str,
    pub text: &'t str,
    pub lines: &'t LineIndex,
    pub full: &'t str,
    pub sources: &'t Sources,
    pub attachments: &'t crate::model::campaign::Attachments,
}

/// What a template checked on its own tells the loaded campaign.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TemplateFacts {
    /// The body is a part of an email (a partial, a content block), or
    /// some of it could not be read.
    pub incomplete: bool,
    /// The template is a part meant to be shared (a footer, a content
    /// block, a layout): its copy repeating elsewhere is the point.
    pub part: bool,
}

/// Loads one campaign (its YAML tree `root`) and runs the rules on it,
/// filing each finding in the file it points into. `template` is set when
/// the campaign stands for a template checked on its own: only the rules
/// that judge copy run.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_campaign(
    out: &mut FileOutcome,
    files: Files,
    root: &yaml::Node,
    aliases: &[yaml::AliasUse],
    template: Option<TemplateFacts>,
    export: Option<&crate::input::exports::ExportCampaign>,
    opts: &Options,
    checks: &Checks,
) {
    let Files {
        path,
        text,
        lines,
        full,
        sources,
        attachments: atts,
    } = files;
    let mut problems = Vec::new();
    let mut campaign =
        crate::model::load::load_with(root, atts, &mut problems, crate::rules::metas());
    if let Some(facts) = template {
        campaign.copy_only = true;
        for f in &mut campaign.copy {
            f.incomplete |= facts.incomplete;
        }
    }
    if let Some(e) = export {
        campaign.unknown = e.unknown.clone();
        campaign.token_defaults = e.token_defaults.clone();
        campaign.platform_adds = e.adds.clone();
    }
    if campaign.region.is_none() {
        if let Some(r) = &opts.defaults.region {
            campaign.region = Some(Spanned::new(r.as_str(), campaign.anchor()));
        }
    }
    if campaign.language.is_none() && opts.defaults.language.is_some() {
        campaign.assign_languages(opts.defaults.language.as_deref());
    }
    if campaign.sender_address.is_none() {
        if let Some(a) = &opts.defaults.sender_address {
            campaign.sender_address = Some(Spanned::new(a.as_str(), campaign.anchor()));
        }
    }
    // A template checked on its own is not a campaign in the reports.
    if template.is_none() && opts.keep_summaries {
        out.summaries.push(crate::analysis::summary::summarize(
            path,
            lines
                .line_col(text, campaign.span.start.min(text.len()))
                .line,
            &campaign,
        ));
    }
    let mut print = fingerprint::fingerprint(path, full, lines, sources, &campaign, checks);
    if template.is_some_and(|t| t.part) {
        print.texts.clear();
    }
    if let Some(e) = export {
        print.exported = true;
        print.objects = e.objects.clone();
    }
    out.prints.push(print);
    if template.is_some() || export.is_some() {
        // The campaign was made from the template, not written: what the
        // loader says of its shape (no schedule, an id) is not the user's.
        problems.clear();
    }
    let mut pending: Vec<Pending> = problems
        .into_iter()
        .map(|p| (crate::rules::for_problem(p.kind), p))
        .map(|(rule, p)| Pending {
            rule,
            severity: p.severity.unwrap_or(rule.severity),
            span: p.span,
            message: p.message,
            help: p.help,
            related: p.related.into_iter().collect(),
            fix: p
                .replacement
                .and_then(|(message, name)| rename_fix(full, p.span, message, name)),
        })
        .collect();
    pending.extend(run_rules(full, &campaign, checks, opts));
    let pending = crate::engine::aliases::fold(pending, aliases);
    // The campaign's acknowledgements by rule: the first entry of each.
    let mut acks: std::collections::HashMap<&str, Option<&str>> = Default::default();
    for a in &campaign.acknowledge {
        if let Some(r) = a.rule {
            acks.entry(r.code).or_insert(a.reason);
        }
    }
    // A place in any of the files, with its line and column.
    let place = |span: Span| -> (Option<usize>, Related) {
        let (k, local) = sources.locate(span);
        let (file, start, end) = match k {
            Some(k) => {
                let f = &sources.files[k];
                (
                    f.name.clone(),
                    f.line_col(local.start),
                    f.line_col(local.end),
                )
            }
            None => {
                let local = clamp(local, text);
                (
                    path.to_string(),
                    lines.line_col(text, local.start),
                    lines.line_col(text, local.end),
                )
            }
        };
        (
            k,
            Related {
                file,
                span: if k.is_some() {
                    local
                } else {
                    clamp(local, text)
                },
                start,
                end,
                message: String::new(),
            },
        )
    };
    // A template checked on its own is not a campaign the user named.
    let shown_id = if campaign.copy_only {
        None
    } else {
        campaign.id_str()
    };
    for mut p in pending {
        let proposed = p.fix.take();
        let level = match opts.level_of(p.rule) {
            Some(None) => continue,
            Some(Some(s)) => s,
            None => p.severity,
        };
        // A finding about a whole field whose copy is in a file points
        // where the campaign names the file, not at the whole file.
        // (A rule that labels a field's first line means the field.)
        let whole_field = |f: &crate::model::campaign::CopyField| {
            let n = f.node.span;
            p.span == n
                || (p.span.start == n.start
                    && full
                        .get(p.span.end..n.end)
                        .is_some_and(|rest| rest.starts_with(['\n', '\r'])))
        };
        let span = campaign
            .copy
            .iter()
            .filter(|f| f.file.is_some())
            .find(|f| whole_field(f))
            .and_then(|f| f.file)
            .map_or(p.span, |written| written.span);
        let (k, at) = place(span);
        let mut related: Vec<Related> = p
            .related
            .into_iter()
            .map(|(span, message)| Related {
                message,
                ..place(span).1
            })
            .collect();
        let finding = match k {
            None => {
                out.push_raw(text, shown_id, p.rule, at.span, p.message, p.help);
                let mut f = out.findings.pop().expect("just pushed");
                (f.start, f.end) = (at.start, at.end);
                f
            }
            Some(_) => {
                // In a file the copy names: point back at the campaign
                // that uses it.
                if let Some(written) = campaign
                    .copy
                    .iter()
                    .find(|f| f.file.is_some() && f.node.span.contains(p.span))
                    .and_then(|f| f.file)
                {
                    related.push(Related {
                        message: format!(
                            "used by campaign `{}`",
                            campaign.id_str().unwrap_or("(no id)")
                        ),
                        ..place(written.span).1
                    });
                }
                Finding {
                    file: at.file,
                    campaign: shown_id.map(str::to_string),
                    rule: p.rule,
                    severity: p.rule.severity,
                    message: crate::rule_meta::sentence(p.message),
                    help: crate::rule_meta::sentence(p.help),
                    span: at.span,
                    start: at.start,
                    end: at.end,
                    related: Vec::new(),
                    fix: None,
                }
            }
        };
        let mut finding = finding;
        finding.severity = level;
        finding.related = related;
        // An export is the platform's copy of the campaign: it is changed
        // on the platform, not in the file.
        finding.fix = proposed
            .filter(|_| export.is_none())
            .and_then(|f| place_fix(f, sources, path, text));
        let by = if !p.rule.acknowledgeable() {
            None
        } else {
            match acks.get(p.rule.code).copied().flatten() {
                Some(reason) => Some(SilencedBy::Acknowledge(reason.to_string())),
                None => {
                    let comments = match k {
                        Some(k) => &mut out.attached[k].comments,
                        None => &mut out.comments,
                    };
                    suppress::silence(comments, finding.start.line, p.rule).map(SilencedBy::Comment)
                }
            }
        };
        let (findings, suppressed) = match k {
            Some(k) => {
                let a = &mut out.attached[k];
                (&mut a.findings, &mut a.suppressed)
            }
            None => (&mut out.findings, &mut out.suppressed),
        };
        match by {
            Some(by) => suppressed.push(Suppressed { finding, by }),
            None => findings.push(finding),
        }
    }
}

/// The fix renaming a misspelt key, when the key is written as it reads
/// (plain, or quoted without escapes).
fn rename_fix(full: &str, span: Span, message: String, name: String) -> Option<ProposedFix> {
    let written = full.get(span.range())?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let new = match written.chars().next() {
        Some(q @ ('"' | '\'')) if written.len() >= 2 && written.ends_with(q) => {
            if !plain(&written[1..written.len() - 1]) {
                return None;
            }
            format!("{q}{name}{q}")
        }
        _ if plain(written) => name,
        _ => return None,
    };
    Some(ProposedFix {
        applicability: Applicability::Safe,
        message,
        edits: vec![Edit::new(span, new)],
    })
}

/// A rule's fix placed in the file its edits fall in (the campaign file or
/// a file its copy names); a fix whose edits span several files, overlap or
/// leave their file is dropped.
fn place_fix(fix: ProposedFix, sources: &Sources, path: &str, text: &str) -> Option<Fix> {
    let mut file: Option<Option<usize>> = None;
    let mut edits = Vec::with_capacity(fix.edits.len());
    for e in fix.edits {
        if !sources.as_written(e.span) {
            return None; // text laid for reading, not the file's bytes
        }
        let (k, local) = sources.locate(e.span);
        if file.is_some_and(|f| f != k) {
            return None;
        }
        file = Some(k);
        let len = match k {
            Some(k) => sources.files[k].text.len(),
            None => text.len(),
        };
        if local.end > len || local.start > local.end {
            return None;
        }
        edits.push(Edit::new(local, e.replacement));
    }
    edits.sort();
    edits.dedup();
    if edits.windows(2).any(|w| w[0].span.end > w[1].span.start) {
        return None;
    }
    let name = match file? {
        Some(k) => sources.files[k].name.clone(),
        None => path.to_string(),
    };
    Some(Fix {
        applicability: fix.applicability,
        message: fix.message,
        file: name,
        edits,
    })
}

/// Runs every rule that checks a loaded campaign.
pub fn run_rules(text: &str, campaign: &Campaign, checks: &Checks, opts: &Options) -> Vec<Pending> {
    run_rule_list(RULES, text, campaign, checks, opts)
}

/// Runs the given rules. A rule that panics is reported as `internal-error`
/// naming it; the others still run.
fn run_rule_list(
    rules: &[Rule],
    text: &str,
    campaign: &Campaign,
    checks: &Checks,
    opts: &Options,
) -> Vec<Pending> {
    let mut ctx = Ctx::new(text, campaign, checks, &opts.settings, opts.now);
    for rule in rules {
        let Some(check) = rule.check else { continue };
        if opts.level_of(rule.meta) == Some(None) {
            continue; // turned off: not run at all
        }
        if campaign.copy_only && !crate::rules::judges_copy_alone(rule.meta) {
            continue; // needs a campaign file: said once per run
        }
        if crate::rules::blind_to(rule.meta, &campaign.unknown) {
            continue; // the export does not say what it reads: said once
        }
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut ctx)));
        if let Err(payload) = ran {
            ctx.report(
                &INTERNAL_ERROR,
                campaign.anchor(),
                format!(
                    "preflight's rule `{}` failed on this campaign ({}); the other rules still ran",
                    rule.meta.name,
                    panic_text(&*payload)
                ),
                "This is a bug in preflight, not in the campaign: please report it with this file. Until it is fixed, the rule can be turned off in preflight.yaml",
            );
        }
    }
    ctx.into_findings()
}

/// The message of a panic payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal error".to_string())
}

/// A file over the size limit, refused without reading it.
pub fn too_large(path: &str, over: crate::input::reading::Oversize, opts: &Options) -> FileOutcome {
    let mut out = FileOutcome::empty(path, opts);
    out.push_raw(
        "",
        None,
        &INVALID_CAMPAIGN,
        Span::new(0, 0),
        format!(
            "the file is {} for a campaign file, so it was not read",
            over.phrase()
        ),
        "split it into smaller campaign files, or raise the limit with --max-file-size",
    );
    out.finish("");
    out
}

/// [`check_file`], with any panic in reading or loading turned into an
/// `internal-error` finding for the file instead of stopping the run.
pub fn check_file_guarded(
    path: &str,
    bytes: &[u8],
    explicit: bool,
    opts: &Options,
    checks: &Checks,
) -> FileOutcome {
    guarded(path, opts, || {
        check_file(path, bytes, explicit, opts, checks)
    })
}

fn guarded(path: &str, opts: &Options, f: impl FnOnce() -> FileOutcome) -> FileOutcome {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(out) => out,
        Err(payload) => {
            let mut out = FileOutcome::empty(path, opts);
            out.push_raw(
                "",
                None,
                &INTERNAL_ERROR,
                Span::new(0, 0),
                format!(
                    "preflight failed while reading this file ({})",
                    panic_text(&*payload)
                ),
                "This is a bug in preflight, not in the campaign: please report it with this file",
            );
            out.finish("");
            out
        }
    }
}

impl FileOutcome {
    /// A checked file with nothing in it yet.
    pub fn empty(path: &str, opts: &Options) -> FileOutcome {
        FileOutcome {
            path: path.to_string(),
            status: FileStatus::Checked,
            findings: Vec::new(),
            campaigns: 0,
            suppressed: Vec::new(),
            comments: Vec::new(),
            levels: opts.levels.clone(),
            text: None,
            prints: Vec::new(),
            looks_like_campaign: false,
            attached: Vec::new(),
            kind: FileKind::Campaigns,
            summaries: Vec::new(),
            export: None,
        }
    }

    /// Sorts the findings, computes their lines and columns, and keeps the
    /// text for rendering when there is something to show.
    pub(crate) fn finish(&mut self, text: &str) {
        // Kept until the end of the run: no spare capacity (a `Vec` starts
        // with room for 4, and a fingerprint is large).
        self.prints.shrink_to_fit();
        self.findings.shrink_to_fit();
        // Findings in the files the copy names point back here.
        let pointed_at = self
            .attached
            .iter()
            .any(|a| !a.findings.is_empty() || !a.suppressed.is_empty());
        if self.findings.is_empty() && self.suppressed.is_empty() && !pointed_at {
            return;
        }
        self.sort_findings();
        let lines = LineIndex::new(text);
        for f in self
            .findings
            .iter_mut()
            .chain(self.suppressed.iter_mut().map(|s| &mut s.finding))
        {
            f.start = lines.line_col(text, f.span.start);
            f.end = lines.line_col(text, f.span.end);
            for r in f.related.iter_mut().filter(|r| r.file == f.file) {
                r.start = lines.line_col(text, r.span.start);
                r.end = lines.line_col(text, r.span.end);
            }
        }
        self.text = Some(text.to_string());
    }

    /// Sorts findings by position and rule, dropping exact repeats.
    pub fn sort_findings(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    }

    pub(crate) fn push_raw(
        &mut self,
        text: &str,
        campaign: Option<&str>,
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let span = clamp(span, text);
        self.findings.push(Finding {
            file: self.path.clone(),
            campaign: campaign.map(str::to_string),
            rule,
            severity: rule.severity,
            message: crate::rule_meta::sentence(message.into()),
            help: crate::rule_meta::sentence(help.into()),
            span,
            start: LineCol::default(),
            end: LineCol::default(),
            related: Vec::new(),
            fix: None,
        });
    }
}

/// Keeps a span inside the text.
fn clamp(span: Span, text: &str) -> Span {
    let start = span.start.min(text.len());
    Span::new(start, span.end.min(text.len()).max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{now, BASE};

    fn check(bytes: &[u8], explicit: bool) -> FileOutcome {
        check_file(
            "f.yaml",
            bytes,
            explicit,
            &Options::new(now()),
            Checks::builtin(),
        )
    }

    fn only(out: &FileOutcome) -> &Finding {
        assert_eq!(out.findings.len(), 1, "{:#?}", out.findings);
        &out.findings[0]
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_byte() {
        let mut bytes = b"campaign: x\nname: caf".to_vec();
        bytes.push(0xff);
        let out = check(&bytes, true);
        let f = only(&out);
        assert_eq!(f.span.start, 21);
        assert!(f.message.contains("byte 21"));
        // When walking, a binary file without a campaign line is skipped.
        assert!(matches!(
            check(&[0xff, 0xfe, 0x00], false).status,
            FileStatus::Skipped(_)
        ));
    }

    #[test]
    fn a_byte_order_mark_keeps_spans_right() {
        let text = format!(
            "\u{feff}{}",
            BASE.replace("estimated_size: 12000", "estimated_size: 40")
        );
        let out = check(text.as_bytes(), true);
        let f = only(&out);
        assert_eq!(&text[f.span.range()], "40");
    }

    #[test]
    fn every_document_of_a_campaign_file_must_be_a_campaign() {
        let text = format!("{BASE}---\nteam: lifecycle\n");
        let out = check(text.as_bytes(), false);
        let f = only(&out);
        assert!(f.message.contains("no `campaign:` key"));
        assert_eq!(out.campaigns, 1);
        // Empty documents (a trailing `---`) are fine.
        assert!(check(format!("{BASE}---\n").as_bytes(), false)
            .findings
            .is_empty());
    }

    #[test]
    fn non_campaign_yaml_is_skipped_when_walking_but_not_when_named() {
        assert!(matches!(
            check(b"team: x\n", false).status,
            FileStatus::Skipped(_)
        ));
        assert!(matches!(
            check(b"key: [broken\n", false).status,
            FileStatus::Skipped(_)
        ));
        let out = check(b"team: x\n", true);
        assert!(only(&out).message.contains("has no campaign"));
        let out = check(b"", true);
        assert!(only(&out).message.contains("has no campaign"));
    }

    #[test]
    fn budgets_are_named_in_the_message() {
        let text = format!("campaign: x\nconsent:\n{}", "  - a\n".repeat(300_000));
        let out = check(text.as_bytes(), true);
        let f = only(&out);
        assert!(
            f.message.contains("too large") && f.message.contains("250000"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_panicking_rule_is_an_internal_error_and_the_others_still_run() {
        fn boom(_: &mut Ctx) {
            panic!("index out of bounds");
        }
        let rules = [
            Rule {
                meta: &crate::rules::stale_data::STALE_DATA,
                check: Some(boom),
            },
            Rule {
                meta: &crate::rules::segment_too_narrow::SEGMENT_TOO_NARROW,
                check: Some(crate::rules::segment_too_narrow::check),
            },
        ];
        let text = BASE.replace("estimated_size: 12000", "estimated_size: 40");
        let docs = yaml::parse(&text, 0, Budget::default()).unwrap();
        let mut problems = Vec::new();
        let c = crate::model::load::load(&docs[0].root, &mut problems, crate::rules::metas());
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let found = run_rule_list(&rules, &text, &c, Checks::builtin(), &Options::new(now()));
        std::panic::set_hook(prev);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].rule.name, "internal-error");
        assert!(
            found[0].message.contains("`stale-data` failed"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("index out of bounds"));
        assert_eq!(found[1].rule.name, "segment-too-narrow");
        // A panic while reading a file becomes a finding for that file.
        let out = guarded("x.yaml", &Options::new(now()), || panic!("reader bug"));
        assert_eq!(out.findings[0].rule.name, "internal-error");
        assert!(out.findings[0].message.contains("reader bug"));
    }

    #[test]
    fn acknowledged_findings_are_counted() {
        let text = format!(
            "{}acknowledge:\n  - rule: PF103\n    reason: one-to-one VIP message\n",
            BASE.replace("estimated_size: 12000", "estimated_size: 40")
        );
        let out = check(text.as_bytes(), true);
        assert!(out.findings.is_empty(), "{:#?}", out.findings);
        assert_eq!(out.suppressed.len(), 1);
        assert_eq!(
            out.suppressed[0].by,
            SilencedBy::Acknowledge("one-to-one VIP message".into())
        );
    }
}
