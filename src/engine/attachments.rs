//! Copy kept in files of its own: `body: {file: ../templates/welcome.html}`.
//!
//! Before a campaign file is loaded, every file its copy names is found and
//! read here, once per run whichever campaigns name it (a [`Cache`] shared
//! by the threads). The texts are laid after the campaign file's own text in
//! one offset space, so a rule's span is a plain byte range whichever file
//! it falls in; [`Sources`] turns it back into a file and a position, once,
//! when findings are placed.
//!
//! A path is read from the campaign file's folder and must stay inside the
//! root: the campaign's git repository (the nearest folder above it holding
//! `.git`), else the folder of the configuration in force, else the current
//! folder. A link that leads out of the root is refused like a path that
//! does.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::input::reading::{self, ReadError};
use crate::input::source::{Sources, Span};
use crate::input::yaml::{Node, Scalar, Style, Value};
use crate::model::campaign::{AttachedCopy, Attachments};

/// A file read for the copy of some campaign, or why it could not be.
#[derive(Debug, Clone)]
pub enum Read {
    Text(Arc<str>),
    Failed { message: String, help: String },
}

/// The copy files read so far in a run, by their real path. Each is read
/// once: a thread that asks for a file another is reading waits for it.
#[derive(Debug, Default)]
pub struct Cache {
    files: Mutex<HashMap<PathBuf, Arc<OnceLock<Read>>>>,
    /// How many files were read from disk (for tests: each once).
    reads: AtomicUsize,
    /// Texts to use instead of what is on disk, by real path (the files as
    /// `--fix` would leave them, checked before anything is written).
    overrides: HashMap<PathBuf, Arc<[u8]>>,
    /// The real path of each file read, by the name it is shown under.
    names: Mutex<HashMap<String, PathBuf>>,
}

impl Cache {
    /// How many files were read from disk so far.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }

    /// A cache that reads these bytes instead of the files at these real paths.
    pub fn with_overrides(overrides: HashMap<PathBuf, Arc<[u8]>>) -> Cache {
        Cache {
            overrides,
            ..Cache::default()
        }
    }

    /// The bytes to use for a file instead of what is on disk, if any.
    pub fn override_for(&self, path: &Path) -> Option<Arc<[u8]>> {
        if self.overrides.is_empty() {
            return None;
        }
        let real = std::fs::canonicalize(path).ok()?;
        self.overrides.get(&real).cloned()
    }

    /// The real path of every file read so far, by the name it is shown under.
    pub fn names(&self) -> Vec<(String, PathBuf)> {
        let mut v: Vec<(String, PathBuf)> = match self.names.lock() {
            Ok(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Err(_) => Vec::new(),
        };
        v.sort();
        v
    }

    /// Notes the real path of a file shown under `shown`.
    pub(crate) fn remember(&self, shown: &str, real: &Path) {
        if let Ok(mut names) = self.names.lock() {
            names
                .entry(shown.to_string())
                .or_insert_with(|| real.to_path_buf());
        }
    }

    pub(crate) fn get(&self, real: &Path, limit: u64) -> Read {
        if let Some(bytes) = self.overrides.get(real) {
            return decode(bytes.to_vec());
        }
        let cell = match self.files.lock() {
            Ok(mut m) => m.entry(real.to_path_buf()).or_default().clone(),
            Err(_) => Arc::new(OnceLock::new()),
        };
        cell.get_or_init(|| {
            self.reads.fetch_add(1, Ordering::Relaxed);
            read_text(real, limit)
        })
        .clone()
    }
}

fn read_text(real: &Path, limit: u64) -> Read {
    let failed = |message: String, help: &str| Read::Failed {
        message,
        help: help.to_string(),
    };
    match reading::read_limited(real, limit) {
        Ok(bytes) => decode(bytes),
        Err(e @ ReadError::TooLarge(_)) => failed(
            format!("the file is too large to check: {e}"),
            "keep the copy of one message in a file of ordinary size",
        ),
        Err(e @ ReadError::NotRegular(_)) => {
            failed(e.to_string(), "name a regular file that holds the copy")
        }
        Err(ReadError::Io(e)) => failed(
            format!("the file cannot be read ({e})"),
            "check that the file exists and can be read",
        ),
    }
}

/// A copy file's text: UTF-8, without its byte-order mark (spans in it
/// count from after the mark).
fn decode(bytes: Vec<u8>) -> Read {
    let failed = |message: String, help: &str| Read::Failed {
        message,
        help: help.to_string(),
    };
    {
        match String::from_utf8(bytes) {
            Ok(text) => Read::Text(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text))),
            Err(e) => failed(
                format!(
                    "the file is not UTF-8 text: byte {} cannot be read",
                    e.utf8_error().valid_up_to()
                ),
                "save the template as UTF-8 (most editors offer this under “Save with encoding”)",
            ),
        }
    }
}

/// What the engine read for one campaign file: the whole offset space's text
/// (the campaign file's, then each named file's), the files, and for each
/// `file:` value what the loader is handed.
#[derive(Debug, Default)]
pub struct Attached {
    pub text: String,
    pub sources: Sources,
    pub attachments: Attachments,
}

/// Finds and reads the files named by `paths` (the `file:` values of a
/// campaign file at `campaign_path`, whose text is `own`).
pub fn read(
    campaign_path: &str,
    own: &str,
    paths: &[&Node],
    cache: &Cache,
    config_dir: Option<&Path>,
    limit: u64,
) -> Attached {
    let mut text = own.to_string();
    let mut sources = Sources::alone(own.len());
    let mut attachments = Attachments::new();
    let root = root_of(Path::new(campaign_path), config_dir);
    let folder = Path::new(campaign_path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The same file named twice in one campaign file is laid out once.
    let mut placed: HashMap<PathBuf, std::ops::Range<usize>> = HashMap::new();
    for node in paths {
        let Some(written) = node.as_str() else {
            continue;
        };
        let written_trimmed = written.trim();
        if written_trimmed.is_empty() {
            continue;
        }
        let found = resolve(folder, written_trimmed, root.as_deref()).and_then(|(real, shown)| {
            if let Some(laid) = placed.get(&real) {
                return Ok(laid.clone());
            }
            if let Ok(mut names) = cache.names.lock() {
                names.entry(shown.clone()).or_insert_with(|| real.clone());
            }
            match cache.get(&real, limit) {
                Read::Text(t) => {
                    let len = t.len();
                    // Front matter is the template's settings, not its copy.
                    let start =
                        crate::input::template_file::front_matter(&t, 0, Default::default())
                            .map_or(0, |f| f.range.end);
                    let kind = crate::input::template_file::Kind::of_path(&real)
                        .unwrap_or(crate::input::template_file::Kind::Html);
                    let k = sources.add_file(shown, Some(real.clone()), t);
                    let mut renderer =
                        crate::engine::templates::Renderer::new(cache, root.clone(), limit);
                    let laid = renderer
                        .render(
                            &mut text,
                            &mut sources,
                            own,
                            Some(k),
                            &real,
                            start..len,
                            kind,
                        )
                        .range;
                    placed.insert(real, laid.clone());
                    Ok(laid)
                }
                Read::Failed { message, help } => Err(Read::Failed {
                    message: format!("`{written_trimmed}` cannot be used: {message}"),
                    help,
                }),
            }
        });
        let copy = match found {
            Ok(laid) => AttachedCopy::Read(Node {
                span: Span::new(laid.start, laid.end),
                value: Value::Scalar(Scalar {
                    text: text[laid].to_string(),
                    style: Style::Verbatim,
                }),
            }),
            Err(Read::Failed { message, help }) => AttachedCopy::Failed { message, help },
            Err(Read::Text(_)) => continue,
        };
        attachments.insert(node.span, copy);
    }
    Attached {
        text,
        sources,
        attachments,
    }
}

/// The folder a campaign's copy files must stay inside.
pub fn root_of(campaign: &Path, config_dir: Option<&Path>) -> Option<PathBuf> {
    reading::repository_of(campaign)
        .or_else(|| config_dir.and_then(|d| std::fs::canonicalize(d).ok()))
        .or_else(|| std::fs::canonicalize(".").ok())
}

/// The real path of a copy file and the name to show for it, or why it
/// cannot be read.
pub(crate) fn resolve(
    folder: &Path,
    written: &str,
    root: Option<&Path>,
) -> Result<(PathBuf, String), Read> {
    let joined = folder.join(written);
    let shown = crate::input::discover::display(&lexically_normal(&joined));
    let missing = |message: String| Read::Failed {
        message,
        help: "check the path: it is read from the campaign file's folder".into(),
    };
    let real = match std::fs::canonicalize(&joined) {
        Ok(r) => r,
        Err(_) if std::fs::symlink_metadata(&joined).is_ok() => {
            return Err(missing(format!(
                "`{written}` is a link to a file that does not exist"
            )))
        }
        Err(_) => {
            return Err(missing(format!(
                "`{written}` does not exist (looked for {shown})"
            )))
        }
    };
    if let Some(root) = root {
        if !real.starts_with(root) {
            return Err(Read::Failed {
                message: format!(
                    "`{written}` is outside the repository ({}), so it is not read",
                    crate::input::discover::display(root)
                ),
                help: "keep the copy inside the repository, next to the campaigns or in a templates folder".into(),
            });
        }
    }
    if real.is_dir() {
        return Err(Read::Failed {
            message: format!("`{written}` is a folder, not a file"),
            help: "name the file that holds the copy, such as `templates/welcome.html`".into(),
        });
    }
    Ok((real, shown))
}

/// `a/./b/../c` as `a/c`, without touching the disk (the name shown keeps
/// the relative form the user wrote).
fn lexically_normal(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_normal_form() {
        for (p, want) in [
            ("campaigns/../templates/a.html", "templates/a.html"),
            ("./a/./b.html", "a/b.html"),
            ("../x.html", "../x.html"),
            ("a/../../x.html", "../x.html"),
            ("/a/../../x", "/x"),
        ] {
            assert_eq!(lexically_normal(Path::new(p)), PathBuf::from(want), "{p}");
        }
    }

    #[test]
    fn files_are_read_once_and_kept_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("campaigns")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/a.html"), "<p>Hi</p>").unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.html"), "secret").unwrap();
        let folder = root.join("campaigns");
        let ok = resolve(&folder, "../templates/a.html", Some(&root));
        assert!(matches!(ok, Ok((ref r, _)) if r.ends_with("templates/a.html")));
        let out = outside.path().join("x.html");
        let refused = resolve(&folder, out.to_str().unwrap(), Some(&root));
        assert!(
            matches!(&refused, Err(Read::Failed { message, .. }) if message.contains("outside the repository")),
            "{refused:?}"
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&out, root.join("templates/link.html")).unwrap();
            let link = resolve(&folder, "../templates/link.html", Some(&root));
            assert!(
                matches!(&link, Err(Read::Failed { message, .. }) if message.contains("outside")),
                "{link:?}"
            );
        }
        let missing = resolve(&folder, "nope.html", Some(&root));
        assert!(
            matches!(&missing, Err(Read::Failed { message, .. }) if message.contains("does not exist")),
            "{missing:?}"
        );
        let cache = Cache::default();
        let real = root.join("templates/a.html");
        for _ in 0..3 {
            assert!(matches!(cache.get(&real, 1000), Read::Text(ref t) if &**t == "<p>Hi</p>"));
        }
        assert_eq!(cache.reads(), 1);
    }
}
