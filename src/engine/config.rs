//! Configuration: `preflight.yaml` (or `.preflight.yaml`), found by walking
//! up from each checked file (the nearest wins), named with `--config`, or
//! ignored with `--isolated`.
//!
//! ```yaml
//! rules:
//!   segment-too-broad: {severity: warning, max_ratio: 0.6}
//!   PF203: off
//! packs: [checks/our-terms.yaml]      # extra vocabulary, relative to this file
//! include: ["campaigns/**"]           # globs for discovery, relative to this file
//! exclude: ["campaigns/archive/**"]
//! templates:                          # the template language of some files
//!   - {path: "braze/**", engine: liquid}
//! same_audiences:                     # one audience on several platforms
//!   vip-customers: ["klaviyo:Y6nRLr", "meta:23851234567890123"]
//! defaults:
//!   region: US
//!   sender: {postal_address: "Trail Co, 120 Harbour Street, Portland, ME 04101"}
//! ```
//!
//! A bad configuration is an error with a location in the file at fault.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::input::source::Span;
use crate::input::yaml::{self, Budget, Node};
use crate::knowledge::checks::{parse_pack, Checks};
use crate::knowledge::settings::Settings;
use crate::rule_meta::Severity;
use crate::rules::{self, RuleMeta};
use crate::text::suggest::did_you_mean;

/// The largest configuration or pack read, in bytes.
const MAX_SIZE: u64 = 1_000_000;

/// How a configuration file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Named with `--config`.
    Named,
    /// Found by walking up from a checked file.
    Discovered,
}

/// The names a configuration file may have, in order of preference.
pub const FILE_NAMES: [&str; 2] = ["preflight.yaml", ".preflight.yaml"];

const TOP_KEYS: &[&str] = &[
    "rules",
    "packs",
    "include",
    "exclude",
    "defaults",
    "content_variables",
    "templates",
    "same_audiences",
];
const DEFAULT_KEYS: &[&str] = &["region", "language", "sender"];
const LEVELS: &[&str] = &["off", "advice", "warning", "error"];

/// Values a campaign may omit, filled in from the configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Defaults {
    pub region: Option<String>,
    /// The language of copy whose campaign does not say (`language:`).
    pub language: Option<String>,
    pub sender_address: Option<String>,
}

/// One rule's level in a configuration: `None` turns it off.
pub type Level = Option<Severity>;

/// An effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from (`None`: the built-in defaults).
    pub file: Option<PathBuf>,
    /// Rule levels that differ from the defaults, by code.
    pub levels: Vec<(&'static str, Level)>,
    pub settings: Settings,
    pub defaults: Defaults,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// Files whose template language the configuration names, relative to
    /// its folder: each glob with its engine (the first that matches wins).
    pub templates: Arc<Vec<(globset::GlobMatcher, crate::input::template_file::Kind)>>,
    /// What the platform-export readers are told (`same_audiences`).
    pub exports: Arc<crate::input::exports::ReadOptions>,
    /// Vocabularies with the extra packs; `None`: the built-in ones.
    checks: Option<Arc<Checks>>,
}

/// A configuration (or pack) that cannot be used, and where.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub file: String,
    pub text: String,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl Config {
    pub fn checks(&self) -> &Checks {
        self.checks.as_deref().unwrap_or_else(|| Checks::builtin())
    }

    /// Whether the run reads preflight's own vocabularies only (no packs
    /// from a configuration).
    pub fn uses_builtin_checks(&self) -> bool {
        self.checks.is_none()
    }

    /// The level of a rule under this configuration.
    pub fn level(&self, rule: &RuleMeta) -> Level {
        self.levels
            .iter()
            .find(|(c, _)| *c == rule.code)
            .map(|(_, l)| *l)
            .unwrap_or(Some(rule.severity))
    }

    /// The directory globs and packs are relative to.
    pub fn dir(&self) -> Option<&Path> {
        self.file.as_deref().and_then(Path::parent)
    }

    /// Whether a walked file is checked under `include` / `exclude`.
    pub fn wants(&self, path: &Path) -> bool {
        if self.include.is_none() && self.exclude.is_none() {
            return true;
        }
        // Compare absolute paths: the file's may be given relative to the
        // current folder, the configuration's is absolute.
        let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = self
            .dir()
            .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()));
        let rel = match &dir {
            Some(d) => canon.strip_prefix(d).unwrap_or(&canon),
            None => &canon,
        };
        self.include.as_ref().is_none_or(|g| g.is_match(rel))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(rel))
    }

    /// The template language the configuration names for a file, if any.
    pub fn engine_for(&self, path: &Path) -> Option<crate::input::template_file::Kind> {
        engine_in(&self.templates, self.dir(), path)
    }

    /// Reads a configuration file named with `--config`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::load_as(path, Found::Named)
    }

    /// Reads a configuration file found by walking up from a checked file.
    /// A file found this way is part of the repository being checked, so
    /// it must be a regular file inside that repository: a committed
    /// `preflight.yaml` that links to `/proc/self/environ` is refused, not read.
    pub fn load_found(path: &Path) -> Result<Config, ConfigError> {
        Config::load_as(path, Found::Discovered)
    }

    fn load_as(path: &Path, found: Found) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let fail = |message: String| {
            ConfigError {
            file: name.clone(),
            text: String::new(),
            span: Span::default(),
            message,
            help: match found {
                Found::Named => "check the path given to --config, or the file's permissions".into(),
                Found::Discovered => format!(
                    "preflight found {name} above the checked files; fix it, remove it, or choose another configuration with --config (or none with --isolated)"
                ),
            },
        }
        };
        if found == Found::Discovered {
            let dir = path.parent().unwrap_or(Path::new("."));
            let root = crate::input::reading::root_for(&dir.join("x"));
            if let (Some(root), Ok(target)) = (root, std::fs::canonicalize(path)) {
                if !target.starts_with(&root) {
                    return Err(fail(format!(
                        "the configuration {name} is a symbolic link to {}, outside the repository ({}), so it was not read",
                        target.display(),
                        root.display()
                    )));
                }
            }
        }
        let bytes = crate::input::reading::read_limited(path, MAX_SIZE)
            .map_err(|e| fail(format!("the configuration {name} could not be read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            fail(format!(
                "the configuration {name} is not UTF-8 text (byte {} cannot be read)",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Config::parse(path, &text)
    }

    /// Reads a configuration from its text; `path` places packs and globs.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let err = |span: Span, message: String, help: String| ConfigError {
            file: file.clone(),
            text: text.to_string(),
            span,
            message,
            help,
        };
        let docs = yaml::parse(text, 0, Budget::default()).map_err(|e| {
            if e.limit {
                err(
                    e.span,
                    format!("the configuration is too large to read: {}", e.message),
                    "a configuration is small: remove the aliases (`*name`) that repeat large values".into(),
                )
            } else {
                err(
                    e.span,
                    format!("the configuration is not valid YAML: {}", e.message),
                    "fix the YAML here or just above".into(),
                )
            }
        })?;
        let mut cfg = Config {
            file: Some(path.to_path_buf()),
            ..Config::default()
        };
        if let Some(second) = docs.iter().skip(1).find(|d| !d.root.is_null()) {
            return Err(err(
                Span::new(second.root.span.start, second.root.span.start),
                "the configuration holds a second YAML document (after a `---` line), which would be ignored".into(),
                "keep one document: merge its settings into the first, and remove the `---` line".into(),
            ));
        }
        let Some(root) = docs.first().map(|d| &d.root).filter(|r| !r.is_null()) else {
            return Ok(cfg);
        };
        if let Some((first, again)) = yaml::first_repeated_key(root) {
            let key = again.as_str().unwrap_or("");
            let line = text[..first.start.min(text.len())].matches('\n').count() + 1;
            return Err(err(
                again.span,
                format!("`{key}` appears twice in the configuration (first on line {line}); only one of them would be used"),
                format!("merge the two `{key}` entries into one"),
            ));
        }
        let entries = root.as_map().ok_or_else(|| {
            err(
                root.span,
                "the configuration must be a mapping of `key: value` lines".into(),
                format!("its keys are {}", TOP_KEYS.join(", ")),
            )
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut packs = Vec::new();
        for e in entries {
            let key = e.key.as_str().unwrap_or("");
            if e.value.is_null() && TOP_KEYS.contains(&key) {
                continue; // `rules:` with everything commented out
            }
            match key {
                "rules" => read_rules(&e.value, &mut cfg, &err)?,
                "packs" => {
                    for p in strings(&e.value, "packs", &err)? {
                        packs.push((read_pack_file(path, base, p.0, p.1, &err)?, p.1));
                    }
                }
                "include" | "exclude" => {
                    let mut b = GlobSetBuilder::new();
                    for (g, span) in strings(&e.value, key, &err)? {
                        let glob = Glob::new(g).map_err(|ge| {
                            err(
                                span,
                                format!("`{g}` is not a glob: {}", ge.kind()),
                                "globs look like `campaigns/**/*.yaml`".into(),
                            )
                        })?;
                        b.add(glob);
                    }
                    let set = b
                        .build()
                        .map_err(|ge| err(e.value.span, ge.to_string(), String::new()))?;
                    if key == "include" {
                        cfg.include = Some(set);
                    } else {
                        cfg.exclude = Some(set);
                    }
                }
                "templates" => {
                    let items = e.value.as_seq().ok_or_else(|| {
                        err(
                            e.value.span,
                            "`templates` is a list of `{path: GLOB, engine: NAME}`".into(),
                            "such as `templates: [{path: \"braze/**\", engine: liquid}]`".into(),
                        )
                    })?;
                    let mut list = Vec::new();
                    for item in items {
                        let get = |k: &str| item.get(k).map(|e| &e.value);
                        let (Some(glob), Some(engine)) = (
                            get("path").and_then(|n| n.as_str().map(|s| (s, n.span))),
                            get("engine").and_then(|n| n.as_str().map(|s| (s, n.span))),
                        ) else {
                            return Err(err(
                                item.span,
                                "each `templates` entry needs `path:` and `engine:`".into(),
                                "such as `{path: \"braze/**\", engine: liquid}`".into(),
                            ));
                        };
                        let matcher = Glob::new(glob.0)
                            .map_err(|ge| {
                                err(
                                    glob.1,
                                    format!("`{}` is not a glob: {}", glob.0, ge.kind()),
                                    "globs look like `emails/**/*.html`".into(),
                                )
                            })?
                            .compile_matcher();
                        let kind = crate::input::template_file::Kind::of_engine(engine.0)
                            .ok_or_else(|| {
                                err(
                                    engine.1,
                                    format!(
                                        "`{}` is not a template engine preflight reads",
                                        engine.0
                                    ),
                                    format!(
                                        "engines are {}",
                                        crate::input::template_file::Kind::ENGINES
                                    ),
                                )
                            })?;
                        list.push((matcher, kind));
                    }
                    cfg.templates = Arc::new(list);
                }
                "defaults" => read_defaults(&e.value, &mut cfg, &err)?,
                "same_audiences" => read_same_audiences(&e.value, &mut cfg, &err)?,
                "content_variables" => {
                    for (name, _) in strings(&e.value, "content_variables", &err)? {
                        cfg.settings.content_variables.push(name.to_string());
                    }
                }
                _ => {
                    let hint = did_you_mean(key, TOP_KEYS.iter().copied())
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    return Err(err(
                        e.key.span,
                        format!("`{key}` is not a configuration key"),
                        format!("{hint}keys are {}", TOP_KEYS.join(", ")),
                    ));
                }
            }
        }
        if !packs.is_empty() {
            let mut all: Vec<crate::knowledge::checks::Pack> =
                crate::knowledge::checks::builtin_packs();
            let spans: Vec<Span> = packs.iter().map(|(_, s)| *s).collect();
            all.extend(packs.into_iter().map(|(p, _)| p));
            let checks = Checks::compile(all).map_err(|m| {
                err(spans[0], format!("the packs cannot be combined: {m}"), "give each entry an id not used by preflight's own packs or another pack of the same kind".into())
            })?;
            checks.validate().map_err(|m| {
                err(
                    spans[0],
                    format!("the packs' patterns cannot be compiled together: {m}"),
                    "check the patterns of the packs named here".into(),
                )
            })?;
            cfg.checks = Some(Arc::new(checks));
        }
        Ok(cfg)
    }
}

type Err<'e> = dyn Fn(Span, String, String) -> ConfigError + 'e;

/// Reads and parses one pack a configuration names. A pack must be a
/// regular file inside the configuration's repository; its text is quoted
/// in an error only when it is a pack at all (a YAML mapping with `pack` or
/// `kind`), so that naming another file (`/etc/shadow`) never prints it.
fn read_pack_file(
    config: &Path,
    base: &Path,
    name: &str,
    at: Span,
    err: &Err,
) -> Result<crate::knowledge::checks::Pack, ConfigError> {
    let file = base.join(name);
    let shown = file.display().to_string();
    let unreadable = |why: String| {
        err(
            at,
            format!("the pack `{name}` could not be read: {why}"),
            "paths in `packs` are relative to the configuration file".into(),
        )
    };
    if !file.exists() {
        return Err(unreadable("there is no such file".into()));
    }
    if let Some(root) = crate::input::reading::root_for(config) {
        if !crate::input::reading::is_inside(&file, &root) {
            return Err(err(
                at,
                format!(
                    "the pack `{name}` is outside the repository ({}), so it was not read",
                    root.display()
                ),
                "keep packs inside the repository, next to the configuration that names them"
                    .into(),
            ));
        }
    }
    let bytes = crate::input::reading::read_limited(&file, MAX_SIZE)
        .map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        unreadable(format!(
            "it is not UTF-8 text (byte {} cannot be read)",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let looks_like_pack = yaml::parse(&text, 0, Budget::default()).is_ok_and(|docs| {
        docs.first()
            .is_some_and(|d| d.root.get("pack").is_some() || d.root.get("kind").is_some())
    });
    parse_pack(&shown, &text).map_err(|pe| {
        if looks_like_pack {
            ConfigError {
                file: shown.clone(),
                text: text.clone(),
                span: pe.span,
                message: format!("this pack cannot be used: {}", pe.message),
                help: "a pack has `pack`, `kind` and `entries` (each with `id`, `category`, `message` and `patterns`), as in preflight's own `checks/`".into(),
            }
        } else {
            err(
                at,
                format!("`{name}` is not a pack: it is not a YAML mapping with `pack`, `kind` and `entries`"),
                "name only vocabulary packs here, in the format of preflight's own `checks/`".into(),
            )
        }
    })
}

fn strings<'n>(n: &'n Node, what: &str, err: &Err) -> Result<Vec<(&'n str, Span)>, ConfigError> {
    let items = n.as_seq().ok_or_else(|| {
        err(
            n.span,
            format!("`{what}` must be a list"),
            format!("write it as a list, such as `{what}: [\"…\"]`"),
        )
    })?;
    items
        .iter()
        .map(|i| {
            i.as_str().map(|s| (s, i.span)).ok_or_else(|| {
                err(
                    i.span,
                    format!("an entry of `{what}` is not text"),
                    String::new(),
                )
            })
        })
        .collect()
}

fn level(n: &Node, err: &Err) -> Result<Level, ConfigError> {
    let v = n.as_str().unwrap_or("");
    Ok(match v {
        "off" | "false" => None,
        "advice" => Some(Severity::Advice),
        "warning" => Some(Severity::Warning),
        "error" => Some(Severity::Error),
        _ => {
            return Err(err(
                n.span,
                format!("`{v}` is not a level"),
                format!("write one of {}", LEVELS.join(", ")),
            ));
        }
    })
}

fn read_rules(n: &Node, cfg: &mut Config, err: &Err) -> Result<(), ConfigError> {
    let entries = n.as_map().ok_or_else(|| {
        err(
            n.span,
            "`rules` must be a mapping of rule names to levels".into(),
            "such as `segment-too-broad: warning`".into(),
        )
    })?;
    for e in entries {
        let key = e.key.as_str().unwrap_or("");
        let rule = rules::find(key).ok_or_else(|| {
            let hint = did_you_mean(key, rules::names_and_codes())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            err(
                e.key.span,
                format!("`{key}` is not a preflight rule"),
                format!("{hint}`preflight rules` lists every rule"),
            )
        })?;
        let mut set_level = |l: Level| {
            cfg.levels.retain(|(c, _)| *c != rule.code);
            cfg.levels.push((rule.code, l));
        };
        if e.value.as_map().is_none() {
            set_level(level(&e.value, err)?);
            continue;
        }
        for s in e.value.as_map().expect("mapping") {
            let name = s.key.as_str().unwrap_or("");
            if name == "severity" || name == "level" {
                set_level(level(&s.value, err)?);
                continue;
            }
            let known: Vec<&str> = rule.settings.iter().map(|d| d.name).collect();
            if !known.contains(&name) {
                let list = if known.is_empty() {
                    format!("`{}` has no settings; only `severity`", rule.name)
                } else {
                    format!("its settings are {}, and `severity`", known.join(", "))
                };
                return Err(err(
                    s.key.span,
                    format!("`{name}` is not a setting of `{}`", rule.name),
                    list,
                ));
            }
            let value = s.value.as_str().ok_or_else(|| {
                err(
                    s.value.span,
                    format!("`{name}` must be a single value"),
                    String::new(),
                )
            })?;
            cfg.settings.set(name, value).map_err(|m| {
                err(
                    s.value.span,
                    format!("`{}.{name}`: {m}", rule.name),
                    format!(
                        "the default is `{}`",
                        rule.settings
                            .iter()
                            .find(|d| d.name == name)
                            .map(|d| d.default)
                            .unwrap_or("")
                    ),
                )
            })?;
        }
    }
    Ok(())
}

/// `same_audiences: {NAME: ["klaviyo:ID", "meta:ID"]}`: audiences of
/// several platforms that are one audience, compared by `NAME`.
fn read_same_audiences(n: &Node, cfg: &mut Config, err: &Err) -> Result<(), ConfigError> {
    const PLATFORMS: &[&str] = &["klaviyo", "mailchimp", "meta", "sfmc", "braze"];
    let entries = n.as_map().ok_or_else(|| {
        err(
            n.span,
            "`same_audiences` maps a name to the platform audiences that are that one audience"
                .into(),
            "such as `same_audiences: {vip: [\"klaviyo:Y6nRLr\", \"meta:2385123\"]}`".into(),
        )
    })?;
    let mut map = std::collections::HashMap::new();
    for e in entries {
        let name = e.key.as_str().unwrap_or("").to_string();
        for (id, span) in strings(&e.value, "same_audiences", err)? {
            let platform = id.split_once(':').map(|(p, _)| p).unwrap_or("");
            if !PLATFORMS.contains(&platform) || id.len() == platform.len() + 1 {
                return Err(err(
                    span,
                    format!("`{id}` is not a platform audience id"),
                    format!(
                        "write PLATFORM:ID, where PLATFORM is one of {}",
                        PLATFORMS.join(", ")
                    ),
                ));
            }
            if let Some(other) = map.insert(id.to_string(), name.clone()) {
                if other != name {
                    return Err(err(
                        span,
                        format!("`{id}` is named both `{other}` and `{name}`"),
                        "an audience can be the same as one other name only".into(),
                    ));
                }
            }
        }
    }
    cfg.exports = Arc::new(crate::input::exports::ReadOptions { same_audience: map });
    Ok(())
}

fn read_defaults(n: &Node, cfg: &mut Config, err: &Err) -> Result<(), ConfigError> {
    let entries = n.as_map().ok_or_else(|| {
        err(
            n.span,
            "`defaults` must be a mapping".into(),
            format!("its keys are {}", DEFAULT_KEYS.join(", ")),
        )
    })?;
    for e in entries {
        let key = e.key.as_str().unwrap_or("");
        match key {
            "region" => {
                let r = e.value.as_str().unwrap_or("");
                if !crate::model::load::is_region(r) {
                    return Err(err(e.value.span, format!("`{r}` is not a country code"), "write a two-letter ISO 3166 code in capitals, such as `US`, or a subdivision such as `US-FL`".into()));
                }
                cfg.defaults.region = Some(r.to_string());
            }
            "language" => {
                let l = e.value.as_str().unwrap_or("");
                if !crate::text::language::is_language_tag(l) {
                    return Err(err(e.value.span, format!("`{l}` is not a language tag"), "write a language code such as `en`, `es`, `fr`, `de`, `it`, `pt` or `nl`, optionally with a region (`es-MX`)".into()));
                }
                cfg.defaults.language = Some(l.to_string());
            }
            "sender" => {
                let addr = e.value.get("postal_address").and_then(|a| a.value.as_str());
                match addr {
                    Some(a) if !a.trim().is_empty() => cfg.defaults.sender_address = Some(a.to_string()),
                    _ => return Err(err(e.value.span, "`defaults.sender` needs a `postal_address`".into(), "such as `sender: {postal_address: \"Trail Co, 120 Harbour Street, Portland, ME 04101\"}`".into())),
                }
            }
            _ => {
                let hint = did_you_mean(key, DEFAULT_KEYS.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return Err(err(
                    e.key.span,
                    format!("`{key}` is not a default preflight can fill in"),
                    format!("{hint}defaults are {}", DEFAULT_KEYS.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

/// The nearest configuration file at or above `dir`.
pub fn find_for(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    // A file may be named before its folder exists (`--stdin-filename
    // new/c.yaml`): look from the nearest folder that does.
    let abs = std::fs::canonicalize(crate::input::reading::nearest_existing(dir)).ok()?;
    for d in abs.ancestors() {
        for name in FILE_NAMES {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// A starter configuration listing every rule and setting with its default.
pub fn starter() -> String {
    let mut s = String::from(
        "# preflight configuration. Found by walking up from each checked file;\n\
         # the nearest preflight.yaml (or .preflight.yaml) wins.\n\
         # Levels: off, advice, warning, error. `preflight explain <rule>` says\n\
         # what each rule checks and what its settings mean.\n\
         rules:\n",
    );
    for r in rules::RULES {
        let m = r.meta;
        if m.settings.is_empty() {
            s.push_str(&format!("  # {}: {}   # {}\n", m.name, m.severity, m.code));
        } else {
            s.push_str(&format!(
                "  # {}:   # {}\n  #   severity: {}\n",
                m.name, m.code, m.severity
            ));
            for d in m.settings {
                s.push_str(&format!(
                    "  #   {}: {}   # {}\n",
                    d.name, d.default, d.about
                ));
            }
        }
    }
    s.push_str(
        "\n# Extra vocabulary packs, in the format of preflight's checks/ (paths\n\
         # relative to this file).\n\
         # packs: [checks/our-sensitive-terms.yaml]\n\
         \n\
         # Which files to check when walking folders (globs relative to this file).\n\
         # include: [\"campaigns/**\"]\n\
         # exclude: [\"campaigns/archive/**\"]\n\
         \n\
         # Tokens that are your content (an image, a button label, a banner\n\
         # text passed as template data), not a person's data: they need no\n\
         # fallback and no data source. A trailing * matches any ending.\n\
         # content_variables: [hero_image, cta_label, \"promo_*\"]\n\
         \n\
         # Values a campaign may omit.\n\
         # defaults:\n\
         #   region: US\n\
         #   language: en          # the copy's language when a campaign does not say (default: detected)\n\
         #   sender: {postal_address: \"Your Company, 1 Main Street, Springfield, IL 62701\"}\n\
         \n\
         # In campaign files, an audience's `include` and `exclude` items may be\n\
         # groups, nested up to 8 deep (docs/format.md, \"Groups\"):\n\
         #   include:\n\
         #     - attribute: profile.country   # every item must hold\n\
         #       op: eq\n\
         #       value: US\n\
         #     - any_of:                      # at least one member must hold\n\
         #         - attribute: preferences.interests\n\
         #           op: contains\n\
         #           value: running\n\
         #         - all_of:                  # every member must hold\n\
         #             - event: order_placed\n\
         #               within: 90d\n\
         #             - attribute: loyalty.tier\n\
         #               op: in\n\
         #               value: [gold, silver]\n",
    );
    s
}

/// The engine `templates` (globs relative to `dir`) names for a file.
pub fn engine_in(
    templates: &[(globset::GlobMatcher, crate::input::template_file::Kind)],
    dir: Option<&Path>,
    path: &Path,
) -> Option<crate::input::template_file::Kind> {
    if templates.is_empty() {
        return None;
    }
    let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = dir.map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()));
    let rel = match &dir {
        Some(d) => canon.strip_prefix(d).unwrap_or(&canon),
        None => &canon,
    };
    templates
        .iter()
        .find(|(g, _)| g.is_match(rel))
        .map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("preflight.yaml"), text)
    }

    #[test]
    fn levels_settings_and_defaults() {
        let c = parse("rules:\n  segment-too-broad: {severity: warning, max_ratio: 0.6}\n  PF203: off\n  stale-data:\n    default_max_age: 14d\ndefaults:\n  region: GB\n").unwrap();
        let broad = rules::find("segment-too-broad").unwrap();
        assert_eq!(c.level(broad), Some(Severity::Warning));
        assert_eq!(c.level(rules::find("sensitive-targeting").unwrap()), None);
        assert_eq!(c.settings.broad_max_ratio, 0.6);
        assert_eq!(c.settings.default_max_age.to_string(), "14d");
        assert_eq!(c.defaults.region.as_deref(), Some("GB"));
        assert!(parse("").is_ok());
    }

    #[test]
    fn mistakes_point_into_the_file() {
        let cases = [
            ("rulez: {}\n", "rulez", "did you mean `rules`"),
            (
                "rules:\n  segment-too-brod: off\n",
                "segment-too-brod",
                "did you mean `segment-too-broad`",
            ),
            (
                "rules:\n  stale-data: loud\n",
                "loud",
                "off, advice, warning, error",
            ),
            (
                "rules:\n  stale-data: {max_age: 3d}\n",
                "max_age",
                "default_max_age",
            ),
            (
                "rules:\n  segment-too-broad: {max_ratio: 2}\n",
                "2",
                "between 0 and 1",
            ),
            ("include: ['a/[']\n", "'a/['", "not a glob"),
            ("defaults:\n  region: usa\n", "usa", "country code"),
            ("packs: [nope.yaml]\n", "nope.yaml", "could not be read"),
        ];
        for (text, at, says) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(&text[e.span.range()], at, "{text}: {e:?}");
            assert!(
                format!("{} {}", e.message, e.help).contains(says),
                "{text}: {e:?}"
            );
        }
    }

    #[test]
    fn globs_are_relative_to_the_file() {
        let c = Config::parse(
            Path::new("repo/preflight.yaml"),
            "include: ['campaigns/**']\nexclude: ['campaigns/archive/**']\n",
        )
        .unwrap();
        assert!(c.wants(Path::new("repo/campaigns/a.yaml")));
        assert!(!c.wants(Path::new("repo/campaigns/archive/a.yaml")));
        assert!(!c.wants(Path::new("repo/other/a.yaml")));
    }

    #[test]
    fn the_starter_lists_every_rule_and_parses() {
        let s = starter();
        for r in rules::RULES {
            assert!(s.contains(r.meta.name), "{}", r.meta.name);
        }
        assert!(parse(&s).is_ok());
        // It shows audience groups, and the commented example is a valid
        // include list.
        let example: String = s
            .lines()
            .skip_while(|l| !l.starts_with("#   include:"))
            .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or(l)))
            .collect();
        assert!(
            example.contains("- any_of:") && example.contains("- all_of:"),
            "{s}"
        );
        let campaign = format!(
            "campaign: c\nchannels: [email]\nschedule:\n  send_at: 2027-06-10\naudience:\n{example}"
        );
        let docs =
            crate::input::yaml::parse(&campaign, 0, crate::input::yaml::Budget::default()).unwrap();
        let mut problems = Vec::new();
        let c = crate::model::load::load(&docs[0].root, &mut problems, crate::rules::metas());
        assert!(problems.is_empty(), "{problems:?}");
        let a = c.audience.unwrap();
        assert_eq!(a.include.len(), 4);
        assert_eq!(a.include_ways().unwrap().len(), 2);
    }
}
