//! `preflight server` driven end to end over an in-memory connection with
//! real LSP messages: initialize, didOpen, didChange, didSave, hover,
//! codeAction, shutdown and exit.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

const NOW: &str = "2030-01-01";

struct Client {
    conn: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    pending: VecDeque<Notification>,
    init: Value,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    fn start(encodings: &[&str]) -> Client {
        let (server, conn) = Connection::memory();
        let now = NOW.parse().unwrap();
        let handle = std::thread::spawn(move || {
            preflight::server::serve(&server, Some(now)).expect("the server stops cleanly");
        });
        let mut client = Client {
            conn,
            server: Some(handle),
            next_id: 0,
            pending: VecDeque::new(),
            init: Value::Null,
        };
        client.init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": { "general": { "positionEncodings": encodings } },
            }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Ok(v) => v,
                        Err(e) => panic!("{method} failed: {e:?}"),
                    };
                }
                Message::Notification(n) => self.pending.push_back(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    fn receive(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    /// The next diagnostics the server publishes.
    fn diagnostics(&mut self) -> Value {
        loop {
            let n = match self.pending.pop_front() {
                Some(n) => n,
                None => match self.receive() {
                    Message::Notification(n) => n,
                    other => panic!("unexpected message {other:?}"),
                },
            };
            if n.method == "textDocument/publishDiagnostics" {
                return n.params;
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "yaml", "version": 1, "text": text,
            }}),
        );
        self.diagnostics()
    }

    fn stop(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .unwrap()
            .join()
            .expect("the server thread ends");
    }
}

/// The diagnostics one per line: range, severity, code, message.
fn listing(published: &Value) -> String {
    let mut out = String::new();
    for d in published["diagnostics"].as_array().unwrap() {
        let r = &d["range"];
        out.push_str(&format!(
            "{}:{}-{}:{} sev{} {} {}\n",
            r["start"]["line"],
            r["start"]["character"],
            r["end"]["line"],
            r["end"]["character"],
            d["severity"],
            d["code"].as_str().unwrap(),
            d["message"].as_str().unwrap().replace('\n', "\n    "),
        ));
        for rel in d["relatedInformation"].as_array().into_iter().flatten() {
            let r = &rel["location"]["range"];
            out.push_str(&format!(
                "  related {}:{} {}\n",
                r["start"]["line"],
                r["start"]["character"],
                rel["message"].as_str().unwrap()
            ));
        }
    }
    out.replace(&root().display().to_string(), "[ROOT]")
}

#[test]
fn initialize_negotiates_the_position_encoding() {
    let client = Client::start(&["utf-8", "utf-16"]);
    assert_eq!(client.init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.init["serverInfo"]["name"], "preflight");
    client.stop();
    let client = Client::start(&[]);
    assert_eq!(client.init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        client.init["capabilities"]["textDocumentSync"]["change"], 1,
        "full-text sync"
    );
    client.stop();
}

#[test]
fn diagnostics_on_open_change_and_save() {
    let mut client = Client::start(&["utf-16"]);
    let path = root().join("examples/mistakes/typos.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let opened = client.open(&path, &text);
    assert_eq!(opened["version"], 1);
    insta::assert_snapshot!("typos_opened", listing(&opened));

    let fixed = text.replace("exlude:", "exclude:");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&path), "version": 2 },
            "contentChanges": [{ "text": fixed }],
        }),
    );
    let changed = client.diagnostics();
    assert_eq!(changed["version"], 2);
    let codes = |v: &Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(codes(&opened).contains(&"PF002".to_string()));
    assert!(!codes(&changed).contains(&"PF002".to_string()));

    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    assert_eq!(codes(&client.diagnostics()), codes(&changed));

    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&path) } }),
    );
    assert_eq!(client.diagnostics()["diagnostics"], json!([]));
    client.stop();
}

#[test]
fn a_campaign_with_related_locations_and_wide_characters() {
    let path = root().join("examples/mistakes/dia-de-la-madre.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut utf16 = Client::start(&[]);
    let a = utf16.open(&path, &text);
    utf16.stop();
    insta::assert_snapshot!("dia_de_la_madre_utf16", listing(&a));
    let mut utf8 = Client::start(&["utf-8"]);
    let b = utf8.open(&path, &text);
    utf8.stop();
    insta::assert_snapshot!("dia_de_la_madre_utf8", listing(&b));
}

#[test]
fn templates_are_checked_too() {
    let mut client = Client::start(&[]);
    let path = root().join("examples/mistakes/templates/unclosed.html");
    let published = client.open(
        &path,
        "<html><body><p>Hi {{ first_name }}{% if vip %}, you are a VIP</p></body></html>\n",
    );
    client.stop();
    insta::assert_snapshot!("template_opened", listing(&published));
}

#[test]
fn hover_shows_the_rules_explanation() {
    let mut client = Client::start(&[]);
    let path = root().join("examples/mistakes/typos.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text);
    let line = text.lines().position(|l| l.contains("exlude:")).unwrap();
    let hover = client.request(
        "textDocument/hover",
        json!({
            "textDocument": { "uri": uri(&path) },
            "position": { "line": line, "character": 4 },
        }),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("unknown-field (PF002)"), "hover: {value}");
    assert!(value.contains("## What it does") || value.contains("What it does"));
    // Nowhere near a finding: no hover.
    let none = client.request(
        "textDocument/hover",
        json!({
            "textDocument": { "uri": uri(&path) },
            "position": { "line": 0, "character": 0 },
        }),
    );
    assert_eq!(none, Value::Null);
    client.stop();
}

#[test]
fn code_actions_carry_the_fixes() {
    let mut client = Client::start(&[]);
    let path = root().join("examples/mistakes/typos.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text);
    let line = text.lines().position(|l| l.contains("exlude:")).unwrap();
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&path) },
            "range": { "start": { "line": line, "character": 2 }, "end": { "line": line, "character": 2 } },
            "context": { "diagnostics": [] },
        }),
    );
    let actions = actions.as_array().unwrap();
    let mut out = String::new();
    for a in actions {
        out.push_str(&format!(
            "{} [{}]\n",
            a["title"].as_str().unwrap(),
            a["kind"]
        ));
        for (_, edits) in a["edit"]["changes"].as_object().unwrap() {
            for e in edits.as_array().unwrap() {
                let r = &e["range"];
                let new_text = e["newText"].as_str().unwrap();
                let shown = if new_text.len() > 60 {
                    format!("<{} bytes: the whole file fixed>", new_text.len())
                } else {
                    format!("{new_text:?}")
                };
                out.push_str(&format!(
                    "  {}:{}-{}:{} -> {shown}\n",
                    r["start"]["line"],
                    r["start"]["character"],
                    r["end"]["line"],
                    r["end"]["character"],
                ));
            }
        }
    }
    insta::assert_snapshot!("typos_code_actions", out);
    let fix_all = actions
        .iter()
        .find(|a| a["kind"] == "source.fixAll")
        .expect("a fix-all action");
    let whole = fix_all["edit"]["changes"][uri(&path)][0]["newText"]
        .as_str()
        .unwrap();
    assert!(whole.contains("  exclude:"));

    // Asked for fix-all only (as on save), only that comes back.
    let only = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&path) },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": [], "only": ["source.fixAll"] },
        }),
    );
    assert_eq!(only.as_array().unwrap().len(), 1);
    client.stop();
}

#[test]
fn hostile_input_never_stops_the_server() {
    let mut client = Client::start(&[]);
    let dir = root().join("examples/mistakes");
    let nested = format!(
        "campaign: x\nname: {}{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let inputs = [
        ("broken.yaml", "campaign: [\n  {{{{ : : :\n\t\u{0}\u{feff}"),
        ("nested.yaml", nested.as_str()),
        ("empty.yaml", ""),
        (
            "emoji.yaml",
            "campaign: 😀😀\nname: \"\u{202e}\"\nchannels: [email]\n",
        ),
        (
            "mail.html",
            "<html><body>{{#if}}{{/each}}{% endfor %}<a href=",
        ),
        (
            "page.tsx",
            "export default function E() { return <Html>{x.map(</Html> }",
        ),
    ];
    for (name, text) in inputs {
        client.open(&dir.join(name), text);
    }
    // A change past the end of the text, a hover and code action at
    // positions that do not exist, an unknown request and notification.
    let path = dir.join("broken.yaml");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&path), "version": 9 },
            "contentChanges": [{ "text": "campaign: é\n" }],
        }),
    );
    client.diagnostics();
    client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&path) }, "position": { "line": 99, "character": 99 } }),
    );
    client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": "file:///nowhere.yaml" },
            "range": { "start": { "line": 5, "character": 1 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": [] },
        }),
    );
    client.notify("workspace/somethingElse", json!({ "x": 1 }));
    client.notify("textDocument/didOpen", json!({ "bad": "params" }));
    client.stop();
}

#[test]
fn position_conversion_counts_in_the_negotiated_encoding() {
    use preflight::server::{offset, position, Encoding};
    let text = "a: é😀x\nb\n";
    let x = text.find('x').unwrap();
    let p8 = position(text, x, Encoding::Utf8);
    let p16 = position(text, x, Encoding::Utf16);
    assert_eq!((p8.line, p8.character), (0, 9));
    assert_eq!((p16.line, p16.character), (0, 6));
    assert_eq!(offset(text, p8, Encoding::Utf8), x);
    assert_eq!(offset(text, p16, Encoding::Utf16), x);
    let b = position(text, text.find('b').unwrap(), Encoding::Utf16);
    assert_eq!((b.line, b.character), (1, 0));
    // Inside a character: the position before it; past the end: the end.
    assert_eq!(position(text, 4, Encoding::Utf8).character, 3);
    assert_eq!(position(text, 999, Encoding::Utf8).line, 2);
}

#[test]
fn related_locations_come_along() {
    let mut client = Client::start(&[]);
    let path = root().join("examples/mistakes/new-parents.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let published = client.open(&path, &text);
    client.stop();
    insta::assert_snapshot!("new_parents", listing(&published));
}

#[test]
fn the_configuration_is_found_from_each_files_place_and_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typos.yaml");
    let text = std::fs::read_to_string(root().join("examples/mistakes/typos.yaml")).unwrap();
    std::fs::write(&path, &text).unwrap();
    let codes = |v: &Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let mut client = Client::start(&[]);
    assert!(codes(&client.open(&path, &text)).contains(&"PF002".into()));
    // A preflight.yaml beside it turns the rule off: the next change reads it.
    std::fs::write(
        dir.path().join("preflight.yaml"),
        "rules:\n  unknown-field: off\n",
    )
    .unwrap();
    let change = |client: &Client, version: i32| {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(&path), "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    };
    change(&client, 2);
    let off = client.diagnostics();
    assert!(!codes(&off).contains(&"PF002".into()), "{off}");
    // A configuration that cannot be read: one diagnostic that says so.
    std::fs::write(dir.path().join("preflight.yaml"), "rules: [\n").unwrap();
    change(&client, 3);
    let broken = client.diagnostics();
    assert_eq!(codes(&broken), ["PF005"], "{broken}");
    assert!(broken["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("preflight could not check this file"));
    client.stop();
}
