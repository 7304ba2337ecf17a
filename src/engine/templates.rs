//! Templates checked as they are: an HTML, MJML, Liquid, Handlebars or
//! Jinja file (and a braze-sync folder) read as one email.
//!
//! A template's body is rendered for reading: its includes, partials and
//! content blocks are found within the repository and laid where they
//! render, each piece keeping its own file's bytes (see
//! [`Sources`]), so a token inside an included footer is checked where it
//! is sent and reported in the footer's file. A layout the template
//! extends is read after the template's own text. Includes that cannot be
//! found make the body *incomplete*: rules that look for what must be
//! somewhere in an email (an unsubscribe link, a postal address) then stay
//! quiet.
//!
//! A template with no campaign file becomes a campaign of its own with
//! only its copy (front matter subject and preheader, the hidden preheader,
//! the body, a plain-text body beside it), checked by the rules that judge
//! copy alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::attachments::{self, Cache, Read};
use crate::engine::lint::{check_campaign, FileOutcome, FileStatus, Files, Options, TemplateFacts};
use crate::input::source::{LineIndex, Sources, Span};
use crate::input::template_file::{self, Kind, Placement};
use crate::input::yaml::{Entry, Node, Scalar, Style, Value};
use crate::knowledge::checks::Checks;
use crate::rules::invalid_campaign::INVALID_CAMPAIGN;

/// How deep includes may nest.
const MAX_DEPTH: usize = 8;

/// Folders searched for an include that is not beside the template, in
/// each folder from the template's up to the repository root.
const INCLUDE_FOLDERS: &[&str] = &[
    "",
    "_includes",
    "includes",
    "partials",
    "snippets",
    "content_blocks",
    "components",
    "layouts",
    "shared",
    "src/layouts",
    "src/components",
    "src/partials",
];

/// Extensions tried for an include named without one.
const INCLUDE_EXTENSIONS: &[&str] = &[
    "",
    ".liquid",
    ".html",
    ".hbs",
    ".handlebars",
    ".mjml",
    ".njk",
    ".j2",
    ".jinja",
    ".txt",
];

/// What rendering found.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Where the rendered text lies in the offset space.
    pub range: std::ops::Range<usize>,
    /// Some include could not be read.
    pub incomplete: bool,
    /// The template extends a layout (so it is a whole email once laid in it).
    pub has_layout: bool,
}

/// Reads includes for one file's templates.
pub struct Renderer<'c> {
    pub cache: &'c Cache,
    pub root: Option<PathBuf>,
    pub limit: u64,
    /// Bytes the laid pieces may add to the offset space.
    budget: usize,
}

impl<'c> Renderer<'c> {
    pub fn new(cache: &'c Cache, root: Option<PathBuf>, limit: u64) -> Self {
        let budget = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_mul(4);
        Renderer {
            cache,
            root,
            limit,
            budget,
        }
    }

    /// Renders `range` of a file (`file`: `None` for the checked one, whose
    /// text is `own` and real path `real`) with its includes. With no
    /// includes, the checked file's range is used where it is.
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &mut self,
        space: &mut String,
        sources: &mut Sources,
        own: &str,
        file: Option<usize>,
        real: &Path,
        range: std::ops::Range<usize>,
        kind: Kind,
    ) -> Rendered {
        let text: Arc<str> = match file {
            Some(k) => sources.files[k].text.clone(),
            None => Arc::from(""),
        };
        let body = match file {
            Some(_) => &text[range.clone()],
            None => &own[range.clone()],
        };
        let includes = template_file::includes(body, kind);
        if includes.is_empty() && file.is_none() {
            return Rendered {
                range,
                ..Rendered::default()
            };
        }
        let start = space.len() + 1;
        let mut out = Rendered::default();
        let mut stack = vec![real.to_path_buf()];
        self.lay(
            space,
            sources,
            own,
            file,
            range.clone(),
            kind,
            &mut stack,
            &mut out,
        );
        out.range = start.min(space.len())..space.len();
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn lay(
        &mut self,
        space: &mut String,
        sources: &mut Sources,
        own: &str,
        file: Option<usize>,
        range: std::ops::Range<usize>,
        kind: Kind,
        stack: &mut Vec<PathBuf>,
        out: &mut Rendered,
    ) {
        let text: Arc<str> = match file {
            Some(k) => sources.files[k].text.clone(),
            None => Arc::from(own),
        };
        let includes = template_file::includes(&text[range.clone()], kind);
        let mut at = range.start;
        let mut layouts = Vec::new();
        let here = stack.last().cloned().unwrap_or_default();
        for inc in includes {
            let (s, e) = (range.start + inc.range.start, range.start + inc.range.end);
            if s > at {
                sources.lay(space, file, at..s, own);
            }
            at = e;
            if inc.placement == Placement::Around {
                out.has_layout = true;
                layouts.push(inc);
                continue;
            }
            self.include(space, sources, own, &here, &inc, stack, out);
        }
        if range.end > at {
            sources.lay(space, file, at..range.end, own);
        }
        for inc in layouts {
            self.include(space, sources, own, &here, &inc, stack, out);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn include(
        &mut self,
        space: &mut String,
        sources: &mut Sources,
        own: &str,
        from: &Path,
        inc: &template_file::Include,
        stack: &mut Vec<PathBuf>,
        out: &mut Rendered,
    ) {
        if stack.len() > MAX_DEPTH || space.len() > self.budget {
            out.incomplete = true;
            return;
        }
        let Some((real, shown)) = self.find(from, &inc.name, inc.content_block) else {
            out.incomplete = true;
            return;
        };
        if stack.contains(&real) {
            return; // an include of itself: read once
        }
        let text = match self.cache.get(&real, self.limit) {
            Read::Text(t) => t,
            Read::Failed { .. } => {
                out.incomplete = true;
                return;
            }
        };
        let len = text.len();
        let k = sources.add_file(shown, Some(real.clone()), text.clone());
        // A content block's own front matter is not copy.
        let start =
            template_file::front_matter(&text, 0, Default::default()).map_or(0, |f| f.range.end);
        let kind = Kind::of_path(&real).unwrap_or(Kind::Html);
        stack.push(real);
        self.lay(space, sources, own, Some(k), start..len, kind, stack, out);
        stack.pop();
    }

    /// The file an include names, searched from the including file's
    /// folder up to the repository root.
    fn find(&self, from: &Path, name: &str, content_block: bool) -> Option<(PathBuf, String)> {
        let name = name.trim();
        if name.is_empty() || name.contains("{{") || name.contains('\0') {
            return None;
        }
        let mut folder = from.parent().map(Path::to_path_buf);
        let mut levels = 0;
        while let Some(dir) = folder {
            for sub in INCLUDE_FOLDERS {
                if content_block && *sub != "content_blocks" && !sub.is_empty() {
                    continue;
                }
                let base = if sub.is_empty() {
                    dir.clone()
                } else {
                    dir.join(sub)
                };
                for ext in INCLUDE_EXTENSIONS {
                    let candidate = base.join(format!("{name}{ext}"));
                    if candidate.is_file() {
                        if let Ok((real, _)) = attachments::resolve(
                            &base,
                            &format!("{name}{ext}"),
                            self.root.as_deref(),
                        ) {
                            let shown = shown_name(&real);
                            return Some((real, shown));
                        }
                    }
                }
            }
            levels += 1;
            let at_root = self.root.as_deref().is_some_and(|r| dir == r) || levels > 6;
            if at_root {
                break;
            }
            folder = dir.parent().map(Path::to_path_buf);
        }
        None
    }
}

/// How a file found by its real path is named in the output: from the
/// current folder when it is inside it, as the files walked are.
fn shown_name(real: &Path) -> String {
    static HERE: std::sync::LazyLock<Option<PathBuf>> = std::sync::LazyLock::new(|| {
        std::env::current_dir()
            .ok()
            .and_then(|d| d.canonicalize().ok())
    });
    let rel = HERE
        .as_deref()
        .and_then(|here| real.strip_prefix(here).ok())
        .unwrap_or(real);
    crate::input::discover::display(rel)
}

/// A scalar node over bytes of the offset space.
fn verbatim(space: &str, range: std::ops::Range<usize>) -> Node {
    Node {
        span: Span::new(range.start, range.end),
        value: Value::Scalar(Scalar {
            text: space[range].to_string(),
            style: Style::Verbatim,
        }),
    }
}

fn plain(text: &str, span: Span) -> Node {
    Node {
        span,
        value: Value::Scalar(Scalar {
            text: text.to_string(),
            style: Style::Plain,
        }),
    }
}

fn entry(key: &str, at: Span, value: Node) -> Entry {
    Entry {
        key: plain(key, at),
        value,
    }
}

/// Checks one template file on its own: its copy, with the rules that
/// judge copy alone.
pub fn check_template(
    path: &str,
    real: &Path,
    text: &str,
    kind: Kind,
    opts: &Options,
    checks: &Checks,
) -> FileOutcome {
    let mut out = FileOutcome::empty(path, opts);
    out.kind = crate::engine::lint::FileKind::Template;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let lines = LineIndex::new(text);
    out.comments = crate::engine::suppress::parse_template(text, &lines);
    let front = template_file::front_matter(text, bom, opts.budget);
    if let Some((span, message)) = front.as_ref().and_then(|f| f.error.clone()) {
        out.push_raw(
            text,
            None,
            &INVALID_CAMPAIGN,
            span,
            format!("the front matter is not valid YAML: {message}"),
            "fix the YAML between the two `---` lines, or remove them",
        );
    }
    let body_start = front.as_ref().map_or(bom, |f| f.range.end);
    let root = attachments::root_of(real, opts.config_dir.as_deref());
    let mut space = text.to_string();
    let mut sources = Sources::alone(text.len());
    let mut renderer = Renderer::new(&opts.copy_files, root, opts.max_file_size);
    let rendered = renderer.render(
        &mut space,
        &mut sources,
        text,
        None,
        real,
        body_start..text.len(),
        kind,
    );
    let at = Span::new(body_start, body_start);
    let mut email: Vec<Entry> = Vec::new();
    if let Some(f) = &front {
        if let Some(n) = f.field(&["subject", "subject_line", "title"]) {
            email.push(entry("subject", n.span, n.clone()));
        }
        if let Some(n) = f.field(&["preheader", "preview", "preview_text", "preheader_text"]) {
            email.push(entry("preheader", n.span, n.clone()));
        }
    }
    // The hidden preheader is copy of its own: blanked from the body (in
    // place, same length) and read as the preheader.
    let mut body = verbatim(&space, rendered.range.clone());
    if let Some(pre) = template_file::preheader(&space[rendered.range.clone()], kind) {
        let pre = rendered.range.start + pre.start..rendered.range.start + pre.end;
        if !email.iter().any(|e| e.key.as_str() == Some("preheader")) {
            email.push(entry(
                "preheader",
                Span::new(pre.start, pre.end),
                verbatim(&space, pre.clone()),
            ));
        }
        if let Value::Scalar(s) = &mut body.value {
            let local = pre.start - rendered.range.start..pre.end - rendered.range.start;
            let blank = " ".repeat(local.len());
            if s.text.is_char_boundary(local.start) && s.text.is_char_boundary(local.end) {
                s.text.replace_range(local, &blank);
            }
        }
    }
    let field = if kind == Kind::Text { "text" } else { "body" };
    email.push(entry(field, at, body));
    // A plain-text body beside an HTML one (`body.txt` beside `body.html`).
    if kind != Kind::Text {
        if let Some(txt) = beside_text(real) {
            if let Read::Text(t) = opts.copy_files.get(&txt, opts.max_file_size) {
                let shown = crate::input::discover::display(&Path::new(path).with_extension("txt"));
                let len = t.len();
                let k = sources.add_file(shown, txt.canonicalize().ok(), t);
                let laid = sources.lay(&mut space, Some(k), 0..len, text);
                email.push(entry("text", at, verbatim(&space, laid)));
            }
        }
    }
    // Only a whole marketing email must carry an unsubscribe link and an
    // address: not a partial, a layout other templates fill, or a receipt.
    let part = !(template_file::is_whole_email(kind, &space) || rendered.has_layout)
        || template_file::is_layout(&text[body_start..]);
    let whole = !part && !template_file::is_transactional(real);
    let parts = Parts {
        space,
        sources,
        email,
        incomplete: rendered.incomplete || !whole,
        part,
        at,
    };
    check_parts(&mut out, path, text, &lines, parts, opts, checks);
    out
}

/// A template's email, ready to check: the offset space with its pieces,
/// and the email's fields.
struct Parts {
    space: String,
    sources: Sources,
    email: Vec<Entry>,
    incomplete: bool,
    /// A part of emails (partial, block, layout), not an email.
    part: bool,
    /// Where findings about the whole email point.
    at: Span,
}

/// Checks a template's email as a copy-only campaign.
fn check_parts(
    out: &mut FileOutcome,
    path: &str,
    text: &str,
    lines: &LineIndex,
    parts: Parts,
    opts: &Options,
    checks: &Checks,
) {
    let Parts {
        space,
        sources,
        email,
        incomplete,
        part,
        at,
    } = parts;
    let body_start = at.start;
    let id = path.to_string();
    let root = Node {
        span: Span::new(body_start, body_start),
        value: Value::Map(vec![
            entry("campaign", at, plain(&id, at)),
            entry(
                "channels",
                at,
                Node {
                    span: at,
                    value: Value::Seq(vec![plain("email", at)]),
                },
            ),
            entry(
                "content",
                at,
                Node {
                    span: at,
                    value: Value::Map(vec![entry(
                        "email",
                        at,
                        Node {
                            span: at,
                            value: Value::Map(email),
                        },
                    )]),
                },
            ),
        ]),
    };
    out.attached = sources
        .files
        .iter()
        .map(|f| crate::engine::lint::AttachedOutcome {
            path: f.name.clone(),
            real: f.real.clone(),
            text: f.text.clone(),
            findings: Vec::new(),
            suppressed: Vec::new(),
            comments: crate::engine::suppress::parse_template(&f.text, f.lines()),
        })
        .collect();
    let no_attachments = crate::model::campaign::Attachments::new();
    check_campaign(
        out,
        Files {
            path,
            text,
            lines,
            full: &space,
            sources: &sources,
            attachments: &no_attachments,
        },
        &root,
        &[],
        Some(TemplateFacts { incomplete, part }),
        None,
        opts,
        checks,
    );
    out.status = FileStatus::Checked;
    out.finish(text);
}

/// `body.txt` beside `body.html`.
fn beside_text(real: &Path) -> Option<PathBuf> {
    let txt = real.with_extension("txt");
    (txt != real && txt.is_file()).then_some(txt)
}

/// The body of a braze-sync email template beside its `template.yaml`.
pub fn braze_body_of(template_yaml: &Path) -> Option<PathBuf> {
    let name = template_yaml.file_name()?.to_str()?;
    if !name.eq_ignore_ascii_case("template.yaml") && !name.eq_ignore_ascii_case("template.yml") {
        return None;
    }
    let body = template_yaml.with_file_name("body.html");
    body.is_file().then_some(body)
}

/// Whether a walked file is the body of a braze-sync email template (it is
/// checked with its `template.yaml`).
pub fn is_braze_body(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    (name == "body.html" || name == "body.txt")
        && ["template.yaml", "template.yml"]
            .iter()
            .any(|t| path.with_file_name(t).is_file())
}

/// Checks a braze-sync email template: `template.yaml` (its subject and
/// preheader, whose findings land in it) with `body.html` and `body.txt`
/// beside it, as one email.
pub fn check_braze_template(
    path: &str,
    text: &str,
    body_path: &Path,
    opts: &Options,
    checks: &Checks,
) -> FileOutcome {
    let mut out = FileOutcome::empty(path, opts);
    out.kind = crate::engine::lint::FileKind::Template;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let lines = LineIndex::new(text);
    out.comments = crate::engine::suppress::parse(text, &lines);
    let root = match crate::input::yaml::parse(&text[bom..], bom, opts.budget) {
        Ok(docs) => docs.into_iter().next().map(|d| d.root),
        Err(e) => {
            out.push_raw(
                text,
                None,
                &INVALID_CAMPAIGN,
                e.span,
                format!("the template settings are not valid YAML: {}", e.message),
                "fix the YAML here or just above",
            );
            out.finish(text);
            return out;
        }
    };
    let field = |names: &[&str]| {
        let root = root.as_ref()?;
        names.iter().find_map(|n| {
            root.get(n)
                .map(|e| e.value.clone())
                .filter(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
        })
    };
    let at = Span::new(bom, bom);
    let mut email = Vec::new();
    if let Some(n) = field(&["subject"]) {
        email.push(entry("subject", n.span, n));
    }
    if let Some(n) = field(&["preheader"]) {
        email.push(entry("preheader", n.span, n));
    }
    let mut space = text.to_string();
    let mut sources = Sources::alone(text.len());
    let root_dir = attachments::root_of(body_path, opts.config_dir.as_deref());
    let mut renderer = Renderer::new(&opts.copy_files, root_dir, opts.max_file_size);
    let mut incomplete = false;
    let mut whole = false;
    let real = body_path
        .canonicalize()
        .unwrap_or_else(|_| body_path.to_path_buf());
    match opts.copy_files.get(&real, opts.max_file_size) {
        Read::Text(t) => {
            let len = t.len();
            let k = sources.add_file(shown_name(&real), Some(real.clone()), t);
            let rendered = renderer.render(
                &mut space,
                &mut sources,
                text,
                Some(k),
                &real,
                0..len,
                Kind::Html,
            );
            incomplete |= rendered.incomplete;
            whole = template_file::is_whole_email(Kind::Html, &space[rendered.range.clone()]);
            email.push(entry("body", at, verbatim(&space, rendered.range)));
        }
        Read::Failed { message, .. } => {
            out.push_raw(
                text,
                None,
                &INVALID_CAMPAIGN,
                at,
                format!("the template's body.html cannot be read: {message}"),
                "check the file beside template.yaml",
            );
            incomplete = true;
        }
    }
    if let Some(txt) = beside_text(&real) {
        if let Read::Text(t) = opts.copy_files.get(&txt, opts.max_file_size) {
            let len = t.len();
            let k = sources.add_file(shown_name(&txt), txt.canonicalize().ok(), t);
            let laid = sources.lay(&mut space, Some(k), 0..len, text);
            email.push(entry("text", at, verbatim(&space, laid)));
        }
    }
    let parts = Parts {
        space,
        sources,
        email,
        incomplete: incomplete || !whole || template_file::is_transactional(body_path),
        part: !whole,
        at,
    };
    check_parts(&mut out, path, text, &lines, parts, opts, checks);
    out
}

/// Lays what a React Email component shows: its copy as written, each
/// token as a merge token of its own (standing for the `{…}` it is
/// written as), block boundaries as line breaks. Returns where it lies.
fn lay_jsx(
    space: &mut String,
    sources: &mut Sources,
    own: &str,
    parts: &[crate::input::jsx::Part],
) -> Option<std::ops::Range<usize>> {
    use crate::input::jsx::Part;
    space.push('\n');
    let start = space.len();
    let mut last_break = true;
    for p in parts {
        match p {
            Part::Copy(r) => {
                sources.lay_joined(space, None, r.clone(), own);
                last_break = false;
            }
            Part::Token {
                range,
                name,
                fallback,
            } => {
                let token = match fallback {
                    Some(f) if !f.is_empty() && !f.contains(['\'', '}', '{']) => {
                        format!("{{{{ {name} | default: '{f}' }}}}")
                    }
                    Some(_) => format!("{{{{ {name} | default: 'there' }}}}"),
                    None => format!("{{{{ {name} }}}}"),
                };
                sources.lay_standing_for(space, &token, None, range.clone());
                last_break = false;
            }
            Part::Unsubscribe(r) => {
                sources.lay_standing_for(space, " {{ unsubscribe_url }} ", None, r.clone());
                last_break = false;
            }
            Part::Break(at) => {
                if !last_break {
                    sources.lay_standing_for(space, "\n", None, *at..*at);
                    last_break = true;
                }
            }
        }
    }
    (space.len() > start).then_some(start..space.len())
}

/// Checks a React Email component on its own: the `<Preview>` text as the
/// preheader, the rest as the body.
pub fn check_react(
    path: &str,
    real: &Path,
    text: &str,
    reading: crate::input::jsx::Reading,
    opts: &Options,
    checks: &Checks,
) -> FileOutcome {
    let mut out = FileOutcome::empty(path, opts);
    if reading.error.is_none()
        && !reading
            .body
            .iter()
            .chain(&reading.preview)
            .any(|p| !matches!(p, crate::input::jsx::Part::Break(_)))
    {
        // Fonts, themes, shared components: no copy of an email in it.
        out.status = FileStatus::Skipped("a React Email file with no email copy in it".into());
        return out;
    }
    out.kind = crate::engine::lint::FileKind::Template;
    let lines = LineIndex::new(text);
    out.comments = crate::engine::suppress::parse_template(text, &lines);
    if let Some((r, message)) = &reading.error {
        out.push_raw(
            text,
            None,
            &INVALID_CAMPAIGN,
            Span::new(r.start, r.end),
            format!("the component cannot be read: {message}"),
            "fix the JSX here; the rest of the file was read as far as it could be",
        );
    }
    let mut space = text.to_string();
    let mut sources = Sources::alone(text.len());
    let at = Span::new(0, 0);
    let mut email = Vec::new();
    if let Some(r) = lay_jsx(&mut space, &mut sources, text, &reading.preview) {
        email.push(entry("preheader", at, verbatim(&space, r)));
    }
    let body = lay_jsx(&mut space, &mut sources, text, &reading.body);
    let whole = body.as_ref().is_some_and(|_| {
        static HTML: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new(r"<(?:Html|Body)[\s>]").expect("valid"));
        HTML.is_match(text)
    });
    if let Some(r) = body {
        email.push(entry("body", at, verbatim(&space, r)));
    }
    let parts = Parts {
        space,
        sources,
        email,
        incomplete: !whole || template_file::is_transactional(real),
        part: !whole,
        at,
    };
    check_parts(&mut out, path, text, &lines, parts, opts, checks);
    out
}
