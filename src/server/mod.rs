//! `preflight server`: the language server. It speaks LSP over stdio (or
//! any [`lsp_server::Connection`], as the tests do in memory), checks each
//! open document with the same entry point as `check -` (the configuration
//! found from the file's place, as on the command line), and publishes the
//! findings as diagnostics on open, change and save. Hover on a finding
//! shows its rule's `explain` text; code actions carry the findings' fixes.
//!
//! Byte spans become LSP positions in one place, [`position`], in the
//! encoding negotiated at initialize (UTF-8 if the client offers it, else
//! UTF-16). A panic anywhere in a handler becomes an internal-error
//! diagnostic or an error response: the server never takes the editor
//! session down with it.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, Location, MarkupContent, MarkupKind, NumberOrString, Position,
    PositionEncodingKind, PublishDiagnosticsParams, Range, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::engine::config::Config;
use crate::engine::lint::Options;
use crate::engine::run::{self, ConfigMode};
use crate::rule_meta::Severity;
use crate::rules::diagnostic::{Applicability, Finding};
use crate::rules::internal_error::INTERNAL_ERROR;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// How positions count characters in a line, as negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Runs the server on stdin and stdout until the client says exit.
pub fn run_stdio(now: Option<NaiveDate>) -> Result<(), Error> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, now)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// An open document and what its last check found.
struct Document {
    /// The file as the engine names it (its path).
    name: String,
    text: String,
    version: Option<i32>,
    findings: Vec<Finding>,
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    /// "Today" for the date rules (`--now` of `server`, or the clock).
    now: Option<NaiveDate>,
    documents: HashMap<Uri, Document>,
}

/// Initializes the connection and handles messages until shutdown and exit.
pub fn serve(connection: &Connection, now: Option<NaiveDate>) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo {
            name: "preflight".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        connection,
        encoding,
        now,
        documents: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.request(request)?;
            }
            Message::Notification(notification) => server.notification(notification)?,
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// UTF-8 if the client offers it, else UTF-16 (LSP's default).
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
            ]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

impl Server<'_> {
    fn send(&self, message: Message) -> Result<(), Error> {
        self.connection.sender.send(message)?;
        Ok(())
    }

    fn request(&mut self, request: Request) -> Result<(), Error> {
        let id = request.id.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.answer(request)));
        let response = match outcome {
            Ok(Ok(Some(value))) => Response::new_ok(id, value),
            Ok(Ok(None)) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                "preflight does not handle this request".into(),
            ),
            Ok(Err(message)) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
            Err(panic) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("preflight failed: {}", panic_text(&panic)),
            ),
        };
        self.send(Message::Response(response))
    }

    /// The result of a request (`None`: not a request this server handles).
    fn answer(&self, request: Request) -> Result<Option<serde_json::Value>, String> {
        fn params<P: serde::de::DeserializeOwned>(r: Request) -> Result<P, String> {
            serde_json::from_value(r.params).map_err(|e| e.to_string())
        }
        let value = match request.method.as_str() {
            HoverRequest::METHOD => serde_json::to_value(self.hover(params(request)?)),
            CodeActionRequest::METHOD => serde_json::to_value(self.code_actions(params(request)?)),
            _ => return Ok(None),
        };
        value.map(Some).map_err(|e| e.to_string())
    }

    fn notification(&mut self, notification: Notification) -> Result<(), Error> {
        fn params<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
            serde_json::from_value(n.params).ok()
        }
        let changed = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                params::<DidOpenTextDocumentParams>(notification).map(|p| {
                    let doc = p.text_document;
                    self.store(doc.uri, doc.text, Some(doc.version))
                })
            }
            DidChangeTextDocument::METHOD => {
                params::<DidChangeTextDocumentParams>(notification).and_then(|p| {
                    // Full sync: the last change holds the whole text.
                    let text = p.content_changes.into_iter().last()?.text;
                    Some(self.store(p.text_document.uri, text, Some(p.text_document.version)))
                })
            }
            DidSaveTextDocument::METHOD => params::<DidSaveTextDocumentParams>(notification)
                .and_then(|p| {
                    let uri = p.text_document.uri;
                    let text = match p.text {
                        Some(t) => t,
                        None => self.documents.get(&uri)?.text.clone(),
                    };
                    let version = self.documents.get(&uri).and_then(|d| d.version);
                    Some(self.store(uri, text, version))
                }),
            DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<DidCloseTextDocumentParams>(notification) {
                    self.documents.remove(&p.text_document.uri);
                    self.publish(p.text_document.uri, Vec::new(), None)?;
                }
                None
            }
            _ => None,
        };
        match changed {
            Some(uri) => self.check(uri),
            None => Ok(()),
        }
    }

    fn store(&mut self, uri: Uri, text: String, version: Option<i32>) -> Uri {
        let name = path_of(&uri)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| uri.as_str().to_string());
        self.documents.insert(
            uri.clone(),
            Document {
                name,
                text,
                version,
                findings: Vec::new(),
            },
        );
        uri
    }

    fn options(&self) -> Options {
        let now = self
            .now
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let mut opts = Options::new(now);
        // Editors send every YAML and HTML file; only campaign files,
        // templates and platform exports get findings, as when walking.
        opts.skip_non_campaigns = true;
        opts.threads = 1;
        opts
    }

    /// Checks a document and publishes its diagnostics.
    fn check(&mut self, uri: Uri) -> Result<(), Error> {
        let opts = self.options();
        let Some(doc) = self.documents.get_mut(&uri) else {
            return Ok(());
        };
        doc.findings = lint(&doc.name, &doc.text, &opts);
        let version = doc.version;
        let diagnostics = diagnostics(doc, self.encoding);
        self.publish(uri, diagnostics, version)
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Error> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.into(),
            params,
        )))
    }

    fn hover(&self, params: HoverParams) -> Option<Hover> {
        let at = params.text_document_position_params;
        let doc = self.documents.get(&at.text_document.uri)?;
        let offset = offset(&doc.text, at.position, self.encoding);
        let finding = doc
            .findings
            .iter()
            .filter(|f| f.span.start <= offset && offset <= f.span.end)
            .min_by_key(|f| f.span.end - f.span.start)?;
        let config = Path::new(&doc.name)
            .parent()
            .and_then(crate::engine::config::find_for)
            .and_then(|file| Config::load_found(&file).ok())
            .unwrap_or_default();
        let text = crate::report::docs::explain_with(finding.rule, &config);
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::PlainText,
                value: text,
            }),
            range: Some(range(&doc.text, finding.span, self.encoding)),
        })
    }

    fn code_actions(&self, params: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = params.text_document.uri;
        let Some(doc) = self.documents.get(&uri) else {
            return Vec::new();
        };
        let start = offset(&doc.text, params.range.start, self.encoding);
        let end = offset(&doc.text, params.range.end, self.encoding);
        let wants = |kind: &CodeActionKind| {
            params
                .context
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
        };
        let mut actions = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            for f in &doc.findings {
                let Some(fix) = f.fix.as_ref().filter(|x| x.file == doc.name) else {
                    continue;
                };
                if f.span.end < start || f.span.start > end {
                    continue;
                }
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: range(&doc.text, e.span, self.encoding),
                        new_text: e.replacement.clone(),
                    })
                    .collect();
                let unsafe_note = match fix.applicability {
                    Applicability::Safe => "",
                    Applicability::Unsafe => " (unsafe: read it first)",
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("{}{unsafe_note} ({})", fix.message, f.rule.name),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(doc, f, self.encoding)]),
                    edit: Some(whole_edit(uri.clone(), edits)),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..Default::default()
                }));
            }
        }
        let has_safe = doc.findings.iter().any(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applicability == Applicability::Safe && x.file == doc.name)
        });
        if has_safe && wants(&CodeActionKind::SOURCE_FIX_ALL) {
            if let Some(fixed) = fix_all(&doc.name, &doc.text, &self.options()) {
                let edit = TextEdit {
                    range: range(
                        &doc.text,
                        crate::input::source::Span {
                            start: 0,
                            end: doc.text.len(),
                        },
                        self.encoding,
                    ),
                    new_text: fixed,
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: "preflight: apply every safe fix".into(),
                    kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                    edit: Some(whole_edit(uri, vec![edit])),
                    ..Default::default()
                }));
            }
        }
        actions
    }
}

fn whole_edit(uri: Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri, edits)])),
        ..Default::default()
    }
}

/// The findings of one document's text, checked under the configuration
/// found from its place. Never panics: a failure is an internal-error finding.
fn lint(name: &str, text: &str, opts: &Options) -> Vec<Finding> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        run::run_stdin(name, text.as_bytes(), opts, &ConfigMode::Discover)
    }));
    let failure = match outcome {
        Ok(Ok(report)) => {
            return report
                .findings()
                .filter(|f| f.file == name)
                .cloned()
                .collect()
        }
        Ok(Err(e)) => e.to_string(),
        Err(panic) => panic_text(&panic),
    };
    vec![Finding {
        file: name.to_string(),
        campaign: None,
        rule: &INTERNAL_ERROR,
        severity: Severity::Error,
        message: format!("preflight could not check this file: {failure}"),
        help: String::new(),
        span: crate::input::source::Span { start: 0, end: 0 },
        start: Default::default(),
        end: Default::default(),
        related: Vec::new(),
        fix: None,
    }]
}

/// The document with every safe fix applied (re-checked, as `--fix` does).
fn fix_all(name: &str, text: &str, opts: &Options) -> Option<String> {
    let fixed = catch_unwind(AssertUnwindSafe(|| {
        run::fix_stdin(name, text.as_bytes(), opts, &ConfigMode::Discover, false)
    }))
    .ok()?
    .ok()?;
    let change = fixed.changes.into_iter().find(|c| c.file == name)?;
    String::from_utf8(change.fixed).ok()
}

fn diagnostics(doc: &Document, encoding: Encoding) -> Vec<Diagnostic> {
    doc.findings
        .iter()
        .map(|f| diagnostic(doc, f, encoding))
        .collect()
}

fn diagnostic(doc: &Document, f: &Finding, encoding: Encoding) -> Diagnostic {
    let related = f
        .related
        .iter()
        .filter_map(|r| {
            let (uri, range) = if r.file == doc.name {
                (None, range(&doc.text, r.span, encoding))
            } else {
                // Another file (the other campaign of a finding across
                // campaigns): its text from disk, else the finding's lines.
                let range = match std::fs::read_to_string(&r.file) {
                    Ok(text) => range(&text, r.span, encoding),
                    Err(_) => Range::new(
                        Position::new(
                            r.start.line.saturating_sub(1) as u32,
                            r.start.column.saturating_sub(1) as u32,
                        ),
                        Position::new(
                            r.end.line.saturating_sub(1) as u32,
                            r.end.column.saturating_sub(1) as u32,
                        ),
                    ),
                };
                (Some(uri_of(Path::new(&r.file))?), range)
            };
            let uri = match uri {
                Some(u) => u,
                None => uri_of(Path::new(&doc.name))?,
            };
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: r.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    let mut message = f.message.clone();
    if !f.help.is_empty() {
        message.push_str("\nhelp: ");
        message.push_str(&f.help);
    }
    Diagnostic {
        range: range(&doc.text, f.span, encoding),
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Advice => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.rule.code.to_string())),
        code_description: None,
        source: Some("preflight".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "rule": f.rule.name })),
    }
}

fn range(text: &str, span: crate::input::source::Span, encoding: Encoding) -> Range {
    Range::new(
        position(text, span.start, encoding),
        position(text, span.end, encoding),
    )
}

/// The one place a byte offset becomes an LSP position.
pub fn position(text: &str, offset: usize, encoding: Encoding) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count();
    let in_line = &before[line_start..];
    let character = match encoding {
        Encoding::Utf8 => in_line.len(),
        Encoding::Utf16 => in_line.encode_utf16().count(),
    };
    Position::new(line as u32, character as u32)
}

/// An LSP position back to a byte offset (clamped to the line and text).
pub fn offset(text: &str, position: Position, encoding: Encoding) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0usize;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= position.character as usize {
            return line_start + i;
        }
        units += match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
    }
    line_end
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// The path of a `file:` URI (percent-decoded).
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // file:///path or file://localhost/path
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let path = String::from_utf8(out).ok()?;
    #[cfg(windows)]
    let path = path.trim_start_matches('/').to_string();
    Some(PathBuf::from(path))
}

/// A `file:` URI for a path (made absolute against the current folder).
pub fn uri_of(path: &Path) -> Option<Uri> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut s = String::from("file://");
    let text = absolute.to_str()?.replace('\\', "/");
    if !text.starts_with('/') {
        s.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}
