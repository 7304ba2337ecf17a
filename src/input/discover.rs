//! Finding the files to check, safely on a repository that is untrusted
//! input (preflight runs as a CI gate).
//!
//! Named files are taken as they are; named folders are walked for the
//! files [`is_collected`] accepts. While walking:
//!
//! - hidden files and folders (a name starting with `.`) and `node_modules`
//!   folders are not walked;
//! - `.gitignore` and `.ignore` files are honoured the way git honours
//!   `.gitignore`: from the repository's root (the nearest folder above
//!   the walked one that holds `.git`) down to each file, with the
//!   repository's `.git/info/exclude`; none from above the repository's
//!   root, and only those inside the walked folder when it is in no
//!   repository. A rule of a `.ignore` file wins over one of a
//!   `.gitignore` file (as in ripgrep); a deeper file wins over a
//!   shallower one, and the last matching line of a file wins;
//! - symbolic links are followed only when their target lies inside the
//!   walked folder; a loop back to a folder being walked is unreadable;
//! - `/proc`, `/sys` and `/dev` are never walked;
//! - anything but a regular file or a folder (a named pipe, a socket, a
//!   device) is skipped, and one named on the command line is unreadable;
//! - each folder is walked once (real paths first, then the folders
//!   reached only through links), so a tree of links stays linear.
//!
//! The same file found twice (named twice, named and walked, reached
//! through a link) is kept once, by device and inode: the named one, else
//! the one whose name sorts first. Nothing is read but ignore files, and
//! those only when they are small regular files.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::OsStr;
use std::fs::{FileType, Metadata};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use ignore::gitignore::{Gitignore, GitignoreBuilder, Glob};
use ignore::Match;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// How the file is named in the output.
    pub display: String,
    /// Named on the command line (so it must be a campaign file).
    pub explicit: bool,
    /// Which file it is, whatever it is called.
    pub id: FileId,
}

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub file: String,
    pub error: String,
}

/// A path found while walking and deliberately left alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
    /// A file with a campaign's extension that was not read (a link out of
    /// the folder, a special file): it may be meant as a campaign, so the
    /// summary counts it.
    pub maybe_campaign: bool,
}

/// What [`discover`] found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Sorted by display name; each file once.
    pub inputs: Vec<Input>,
    /// In the order found.
    pub unreadable: Vec<Unreadable>,
    /// Sorted by path.
    pub skipped: Vec<Skipped>,
}

/// The identity of a file: its device and inode.
#[cfg(unix)]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

/// The identity of a file: its canonical path.
#[cfg(not(unix))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId {
    path: PathBuf,
}

impl FileId {
    /// The identity of the file at `path`, whose metadata (after
    /// following links) is `meta`.
    #[cfg(unix)]
    pub fn of(_path: &Path, meta: &Metadata) -> std::io::Result<FileId> {
        use std::os::unix::fs::MetadataExt;
        Ok(FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(path: &Path, _meta: &Metadata) -> std::io::Result<FileId> {
        Ok(FileId {
            path: std::fs::canonicalize(path)?,
        })
    }
}

/// Whether a walked file with this name is collected (checked). The one
/// place that decides which formats are read.
pub fn is_collected(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    }) || crate::input::template_file::Kind::of_path(p).is_some()
}

/// How a path is named in the output: a leading `./` dropped, and each
/// byte that is not valid UTF-8 shown as `\xE9`, so two different names
/// never look alike. Control characters are left as they are (each output
/// format escapes them its own way).
pub fn display(p: &Path) -> String {
    let s = escaped(p.as_os_str());
    match s.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

#[cfg(unix)]
fn escaped(s: &OsStr) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::with_capacity(s.len());
    for chunk in s.as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

#[cfg(not(unix))]
fn escaped(s: &OsStr) -> String {
    s.to_string_lossy().into_owned()
}

fn is_hidden(name: &OsStr) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        name.as_bytes().first() == Some(&b'.')
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().starts_with('.')
    }
}

/// What a file that is neither a regular file nor a folder is.
fn kind(t: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_char_device() {
            return "a character device";
        } else if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Folders that hold the running system's state, not files: never walked.
const SYSTEM_FOLDERS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// The system folder a canonical path lies in, if any.
fn system_folder(canonical: &Path) -> Option<&'static str> {
    SYSTEM_FOLDERS
        .into_iter()
        .find(|s| canonical.starts_with(s))
}

fn system_reason(sys: &str) -> String {
    format!("{sys} holds the running system's state, not files; it is not walked")
}

/// Why a folder found again is not walked again.
fn same_folder(first: &str, shown: &str) -> String {
    if first == shown {
        "it was already walked".to_string()
    } else {
        format!("the same folder as {first}, which is walked once")
    }
}

/// Why a path that cannot be looked at was not.
fn gone(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "it does not exist (a broken link, or removed while checking)".to_string()
    } else {
        e.to_string()
    }
}

/// The largest ignore file read (1 MB).
const IGNORE_FILE_LIMIT: u64 = 1_000_000;

/// The files of a folder that hold ignore rules, in increasing precedence.
const GITIGNORE: &str = ".gitignore";
const DOT_IGNORE: &str = ".ignore";

/// Reads a small regular file: `Ok(None)` when there is none, `Err` with
/// the reason it was not read (`it is a symbolic link …`). With `follow` false, a symbolic link is not
/// followed (git does not follow a linked `.gitignore` either).
fn read_small(path: &Path, follow: bool) -> Result<Option<Vec<u8>>, String> {
    let meta = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let not_regular = |t: &FileType| {
        if t.is_symlink() {
            "it is a symbolic link (git does not follow them either)".to_string()
        } else {
            format!("it is {}, not a regular file", kind(t))
        }
    };
    let too_large = || "it is over 1 MB".to_string();
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > IGNORE_FILE_LIMIT {
        return Err(too_large());
    }
    // Opened without waiting and checked again, in case it changed since
    // it was looked at.
    match crate::input::reading::read_limited(path, IGNORE_FILE_LIMIT) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(crate::input::reading::ReadError::TooLarge(_)) => Err(too_large()),
        Err(e) => Err(e.to_string()),
    }
}

/// A matcher for the rules in `text`, relative to `folder`; each rule
/// remembers `name:line`, for saying which one matched.
fn matcher(folder: &Path, text: &[u8], name: &str) -> Option<Gitignore> {
    let mut b = GitignoreBuilder::new(folder);
    for (i, line) in text.split(|&c| c == b'\n').enumerate() {
        let line = String::from_utf8_lossy(line);
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            &line
        };
        // A rule that is not a valid pattern matches nothing, as in git.
        let _ = b.add_line(Some(PathBuf::from(format!("{name}:{}", i + 1))), line);
    }
    b.build().ok().filter(|g| !g.is_empty())
}

/// The reason a rule gives: ``ignored by .gitignore:3 (`archive/`)``.
fn ignored_reason(glob: &Glob) -> String {
    format!(
        "ignored by {} (`{}`)",
        glob.from().map(|p| p.to_string_lossy()).unwrap_or_default(),
        glob.original()
    )
}

/// One folder on the way from a repository's root (or the walked folder)
/// to the files: its ignore rules and its place in the walk.
struct Level {
    /// The folder's path for matching: the walked folder's canonical path
    /// joined with the names walked (links are not resolved).
    logical: PathBuf,
    /// How the folder is named in the output.
    display: String,
    /// `None` for the folders above the walked one.
    id: Option<FileId>,
    dot_ignore: Option<Gitignore>,
    git_ignore: Option<Gitignore>,
    /// A repository's root: `.gitignore` files above it do not apply.
    repo_root: bool,
    /// The repository's `.git/info/exclude`.
    exclude: Option<Gitignore>,
    parent: Option<Rc<Level>>,
}

impl Level {
    fn chain(&self) -> impl Iterator<Item = &Level> {
        std::iter::successors(Some(self), |l| l.parent.as_deref())
    }

    /// Why `path` (a path below this folder, in the same form as
    /// `logical`) is ignored, if it is.
    fn ignored(&self, path: &Path, is_dir: bool) -> Option<String> {
        let decide = |m: Option<&Gitignore>, l: &Level| -> Option<Option<String>> {
            let rel = path.strip_prefix(&l.logical).unwrap_or(path);
            match m?.matched(rel, is_dir) {
                Match::None => None,
                Match::Ignore(glob) => Some(Some(ignored_reason(glob))),
                Match::Whitelist(_) => Some(None),
            }
        };
        // `.ignore` files first, the deepest first.
        for l in self.chain() {
            if let Some(d) = decide(l.dot_ignore.as_ref(), l) {
                return d;
            }
        }
        // Then `.gitignore` files up to the repository's root, and its exclude file.
        for l in self.chain() {
            if let Some(d) = decide(l.git_ignore.as_ref(), l) {
                return d;
            }
            if l.repo_root {
                return decide(l.exclude.as_ref(), l).flatten();
            }
        }
        None
    }
}

/// A folder waiting to be walked.
struct Pending {
    /// The path to read it by (as named, joined with the names walked).
    path: PathBuf,
    logical: PathBuf,
    /// Its real path.
    canonical: PathBuf,
    id: FileId,
    /// The canonical path of the folder named on the command line.
    root: Rc<PathBuf>,
    /// The folder it was found in (`None` for a named folder: then the
    /// folders above it, up to the repository's root).
    parent: Option<Rc<Level>>,
}

#[derive(Default)]
struct Walker {
    found: Discovery,
    /// Each folder walked (or about to be), with its display name.
    walked: HashMap<FileId, String>,
    /// Folders reached through links, walked after the real ones.
    deferred: VecDeque<Pending>,
    /// The current folder, canonical, for naming ignore files above the walked one.
    cwd: Option<PathBuf>,
}

impl Walker {
    fn skip(&mut self, path: String, reason: String) {
        self.found.skipped.push(Skipped {
            path,
            reason,
            maybe_campaign: false,
        });
    }

    /// Skips a file that may be meant as a campaign file (see [`Skipped`]).
    fn skip_doubtful(&mut self, path: &Path, reason: String) {
        self.found.skipped.push(Skipped {
            path: display(path),
            reason,
            maybe_campaign: is_collected(path),
        });
    }

    fn unreadable(&mut self, file: String, error: String) {
        self.found.unreadable.push(Unreadable { file, error });
    }

    /// A path outside the walk, named relative to the current folder when
    /// it lies inside it.
    fn place(&self, abs: &Path) -> String {
        match self.cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
            Some(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Some(rel) => display(rel),
            None => display(abs),
        }
    }

    /// The ignore rules of one folder (`name_of` names its ignore files).
    fn rules(
        &mut self,
        folder: &Path,
        logical: &Path,
        name_of: impl Fn(&Self, &str) -> String,
    ) -> (Option<Gitignore>, Option<Gitignore>) {
        let read = |w: &mut Self, file: &str| {
            let name = name_of(w, file);
            match read_small(&folder.join(file), false) {
                Ok(Some(text)) => matcher(logical, &text, &name),
                Ok(None) => None,
                Err(why) => {
                    w.skip(name, format!("its ignore rules were not used: {why}"));
                    None
                }
            }
        };
        let dot = read(self, DOT_IGNORE);
        let git = read(self, GITIGNORE);
        (dot, git)
    }

    /// The `.git/info/exclude` rules of the repository whose root is
    /// `folder`, when `folder` holds `.git`; `None` when it does not.
    /// `name_of` names a file below `folder`.
    fn repository(
        &mut self,
        folder: &Path,
        logical: &Path,
        name_of: impl Fn(&Self, &Path) -> String,
    ) -> Option<Option<Gitignore>> {
        let dot_git = folder.join(".git");
        let meta = std::fs::symlink_metadata(&dot_git).ok()?;
        let inside = meta.is_dir();
        // A `.git` file (a worktree, a submodule) names the real folder:
        // `gitdir: <path>`; a worktree's shared folder is in `commondir`.
        let git_dir = if meta.is_dir() {
            dot_git
        } else {
            let text = read_small(&dot_git, false).ok().flatten();
            let named = text.as_deref().and_then(|t| {
                let t = std::str::from_utf8(t).ok()?;
                Some(PathBuf::from(t.trim().strip_prefix("gitdir:")?.trim()))
            });
            let Some(named) = named else {
                return Some(None);
            };
            let git_dir = folder.join(named);
            match read_small(&git_dir.join("commondir"), true) {
                Ok(Some(c)) => match std::str::from_utf8(&c) {
                    Ok(c) => git_dir.join(c.trim()),
                    Err(_) => git_dir,
                },
                _ => git_dir,
            }
        };
        let exclude = git_dir.join("info/exclude");
        let name = if inside {
            name_of(self, &exclude)
        } else {
            self.place(&std::fs::canonicalize(&exclude).unwrap_or(exclude.clone()))
        };
        Some(match read_small(&exclude, true) {
            Ok(Some(text)) => matcher(logical, &text, &name),
            Ok(None) => None,
            Err(why) => {
                self.skip(name, format!("its ignore rules were not used: {why}"));
                None
            }
        })
    }

    /// The folders from the repository's root down to `root`'s parent,
    /// with their ignore rules; `None` when `root` is in no repository
    /// (or is the repository's root).
    fn above(&mut self, root: &Path) -> Option<Rc<Level>> {
        let top = root
            .ancestors()
            .find(|a| std::fs::symlink_metadata(a.join(".git")).is_ok())?;
        let mut folders: Vec<&Path> = root
            .ancestors()
            .skip(1)
            .take_while(|a| a.starts_with(top))
            .collect();
        folders.reverse();
        let mut parent = None;
        for folder in folders {
            let (dot_ignore, git_ignore) =
                self.rules(folder, folder, |w, file| w.place(&folder.join(file)));
            let repo = if folder == top {
                self.repository(folder, folder, |w, p| w.place(p))
            } else {
                None
            };
            parent = Some(Rc::new(Level {
                logical: folder.to_path_buf(),
                display: self.place(folder),
                id: None,
                dot_ignore,
                git_ignore,
                repo_root: repo.is_some(),
                exclude: repo.flatten(),
                parent,
            }));
        }
        parent
    }

    /// A path named on the command line.
    fn named(&mut self, p: &Path) {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => return self.unreadable(display(p), gone(&e)),
        };
        if meta.is_dir() {
            return self.named_folder(p, &meta);
        }
        if !meta.is_file() {
            return self.unreadable(
                display(p),
                format!(
                    "it is {}, not a regular file; preflight reads only regular files",
                    kind(&meta.file_type())
                ),
            );
        }
        match FileId::of(p, &meta) {
            Ok(id) => self.found.inputs.push(Input {
                path: p.to_path_buf(),
                display: display(p),
                explicit: true,
                id,
            }),
            Err(e) => self.unreadable(display(p), gone(&e)),
        }
    }

    fn named_folder(&mut self, p: &Path, meta: &Metadata) {
        let (canonical, id) = match std::fs::canonicalize(p).and_then(|c| {
            let id = FileId::of(&c, meta)?;
            Ok((c, id))
        }) {
            Ok(x) => x,
            Err(e) => return self.unreadable(display(p), gone(&e)),
        };
        if let Some(sys) = system_folder(&canonical) {
            return self.skip(display(p), system_reason(sys));
        }
        if let Some(first) = self.walked.get(&id) {
            let reason = same_folder(first, &display(p));
            return self.skip(display(p), reason);
        }
        self.walked.insert(id.clone(), display(p));
        let parent = self.above(&canonical);
        let root = Rc::new(canonical.clone());
        self.walk(Pending {
            path: p.to_path_buf(),
            logical: canonical.clone(),
            canonical,
            id,
            root,
            parent,
        });
    }

    /// Walks a folder and every real folder below it; folders reached
    /// through links wait in `deferred`.
    fn walk(&mut self, first: Pending) {
        let mut stack = vec![first];
        while let Some(folder) = stack.pop() {
            let level = self.enter(&folder);
            let mut subfolders = self.list(&folder, &level);
            // Popped in name order.
            subfolders.reverse();
            stack.extend(subfolders);
        }
    }

    /// The walked folders reached only through links.
    fn walk_deferred(&mut self) {
        while let Some(folder) = self.deferred.pop_front() {
            let shown = display(&folder.path);
            let loops_to = (folder.parent.as_deref().into_iter())
                .flat_map(Level::chain)
                .find(|l| l.id.as_ref() == Some(&folder.id))
                .map(|l| l.display.clone());
            if let Some(ancestor) = loops_to {
                let error = format!(
                    "a symbolic link loops back to {ancestor}, so the folder was not walked again"
                );
                self.unreadable(shown, error);
                continue;
            }
            if let Some(first) = self.walked.get(&folder.id) {
                let reason = same_folder(first, &shown);
                self.skip(shown, reason);
                continue;
            }
            self.walked.insert(folder.id.clone(), shown);
            self.walk(folder);
        }
    }

    /// The level of a folder about to be listed: its ignore rules.
    fn enter(&mut self, folder: &Pending) -> Rc<Level> {
        let (dot_ignore, git_ignore) = self.rules(&folder.path, &folder.logical, |_, file| {
            display(&folder.path.join(file))
        });
        let repo = self.repository(&folder.path, &folder.logical, |_, p| display(p));
        Rc::new(Level {
            logical: folder.logical.clone(),
            display: display(&folder.path),
            id: Some(folder.id.clone()),
            dot_ignore,
            git_ignore,
            repo_root: repo.is_some(),
            exclude: repo.flatten(),
            parent: folder.parent.clone(),
        })
    }

    /// Lists a folder: collects its files, records what it skips, and
    /// returns its real subfolders to walk, in name order.
    fn list(&mut self, folder: &Pending, level: &Rc<Level>) -> Vec<Pending> {
        let reading = match std::fs::read_dir(&folder.path) {
            Ok(r) => r,
            Err(e) => {
                self.unreadable(display(&folder.path), gone(&e));
                return Vec::new();
            }
        };
        let mut entries = Vec::new();
        for entry in reading {
            match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                Ok(e) => entries.push(e),
                Err(e) => self.unreadable(display(&folder.path), e.to_string()),
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut subfolders = Vec::new();
        for (name, file_type) in entries {
            if is_hidden(&name) {
                continue;
            }
            // Installed dependencies are other people's code.
            if name == "node_modules" && file_type.is_dir() {
                continue;
            }
            let path = folder.path.join(&name);
            let logical = folder.logical.join(&name);
            let link = file_type.is_symlink();
            if file_type.is_file() && !is_collected(&path) {
                continue; // never looked at: nothing to say about it
            }
            let looked = if link {
                std::fs::canonicalize(&path).and_then(|c| std::fs::metadata(&c).map(|m| (c, m)))
            } else {
                std::fs::symlink_metadata(&path).map(|m| (folder.canonical.join(&name), m))
            };
            let (canonical, meta) = match looked {
                Ok(x) => x,
                Err(e) => {
                    if let Some(reason) = level.ignored(&logical, false) {
                        self.skip(display(&path), reason);
                    } else {
                        self.unreadable(display(&path), gone(&e));
                    }
                    continue;
                }
            };
            let is_dir = meta.is_dir();
            if let Some(reason) = level.ignored(&logical, is_dir) {
                if is_dir || is_collected(&path) {
                    self.skip(display(&path), reason);
                }
                continue;
            }
            if link && !canonical.starts_with(&*folder.root) {
                let reason = format!(
                    "a symbolic link to {}, outside the folder being checked; it was not followed",
                    display(&canonical)
                );
                if is_dir {
                    self.skip(display(&path), reason);
                } else {
                    self.skip_doubtful(&path, reason);
                }
                continue;
            }
            if let Some(sys) = system_folder(&canonical) {
                self.skip(display(&path), system_reason(sys));
                continue;
            }
            let id = match FileId::of(&canonical, &meta) {
                Ok(id) => id,
                Err(e) => {
                    self.unreadable(display(&path), gone(&e));
                    continue;
                }
            };
            if is_dir {
                let pending = Pending {
                    path,
                    logical,
                    canonical,
                    id,
                    root: folder.root.clone(),
                    parent: Some(level.clone()),
                };
                if link {
                    self.deferred.push_back(pending);
                } else if let Some(first) = self.walked.get(&pending.id) {
                    let reason = same_folder(first, &display(&pending.path));
                    self.skip(display(&pending.path), reason);
                } else {
                    self.walked
                        .insert(pending.id.clone(), display(&pending.path));
                    subfolders.push(pending);
                }
            } else if meta.is_file() {
                if is_collected(&path) {
                    self.found.inputs.push(Input {
                        display: display(&path),
                        path,
                        explicit: false,
                        id,
                    });
                }
            } else {
                let reason = format!(
                    "{}, not a regular file; it was not read",
                    kind(&meta.file_type())
                );
                self.skip_doubtful(&path, reason);
            }
        }
        subfolders
    }

    fn finish(mut self) -> Discovery {
        let mut found = std::mem::take(&mut self.found);
        // The same file once: a named one first, then by display name.
        found.inputs.sort_by(|a, b| {
            b.explicit
                .cmp(&a.explicit)
                .then_with(|| a.display.cmp(&b.display))
        });
        let mut seen = HashSet::new();
        found.inputs.retain(|i| seen.insert(i.id.clone()));
        found
            .inputs
            .sort_by(|a, b| a.display.cmp(&b.display).then(b.explicit.cmp(&a.explicit)));
        found.skipped.sort();
        found.skipped.dedup();
        found
    }
}

/// The files to check under `paths` (the current folder when empty): named
/// files as they are, folders walked as the module's documentation says.
/// A path named to check that does not exist (it stops the run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchPath(pub String);

/// A path that does not exist stops the run ([`NoSuchPath`]).
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, NoSuchPath> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(NoSuchPath(p.display().to_string()));
        }
    }
    let mut w = Walker {
        cwd: std::env::current_dir().and_then(std::fs::canonicalize).ok(),
        ..Walker::default()
    };
    for p in paths {
        w.named(p);
    }
    w.walk_deferred();
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: impl AsRef<Path>, text: &str) {
        let path = path.as_ref();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The display names of the inputs found under `dir`, relative to it.
    fn walked(paths: &[PathBuf], dir: &Path) -> (Vec<String>, Discovery) {
        let d = discover(paths).unwrap();
        let prefix = format!("{}/", display(dir));
        let names = d
            .inputs
            .iter()
            .map(|i| {
                i.display
                    .strip_prefix(&prefix)
                    .unwrap_or(&i.display)
                    .to_string()
            })
            .collect();
        (names, d)
    }

    fn reasons(d: &Discovery, dir: &Path) -> Vec<String> {
        let prefix = format!("{}/", display(dir));
        d.skipped
            .iter()
            .map(|s| {
                let path = s.path.strip_prefix(&prefix).unwrap_or(&s.path);
                format!("{path}: {}", s.reason.replace(&prefix, ""))
            })
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn display_escapes_bytes_that_are_not_utf8_and_nothing_else() {
        use std::os::unix::ffi::OsStrExt;
        let p = |b: &[u8]| PathBuf::from(OsStr::from_bytes(b));
        assert_eq!(display(&p(b"./caf\xe9.yaml")), "caf\\xE9.yaml");
        assert_eq!(display(&p(b"a/\xff\xfe.yml")), "a/\\xFF\\xFE.yml");
        assert_eq!(display(&p("./ré/x.yaml".as_bytes())), "ré/x.yaml");
        assert_eq!(display(Path::new("tab\there.yaml")), "tab\there.yaml");
        assert_eq!(display(Path::new("././x.yaml")), "./x.yaml");
        assert_eq!(display(Path::new(".")), ".");
    }

    #[test]
    fn yaml_and_json_files_are_collected() {
        for (name, wanted) in [
            ("a.yaml", true),
            ("a.yml", true),
            ("dir/a.yaml", true),
            ("a.YAML", true),
            ("a.json", true),
            ("a.jsonl", false),
            ("a.yaml.bak", false),
            ("yaml", false),
        ] {
            assert_eq!(is_collected(Path::new(name)), wanted, "{name}");
        }
    }

    #[test]
    fn system_folders() {
        assert_eq!(system_folder(Path::new("/proc")), Some("/proc"));
        assert_eq!(system_folder(Path::new("/proc/1/root")), Some("/proc"));
        assert_eq!(system_folder(Path::new("/sys/kernel")), Some("/sys"));
        assert_eq!(system_folder(Path::new("/dev/shm")), Some("/dev"));
        assert_eq!(system_folder(Path::new("/devices")), None);
        assert_eq!(system_folder(Path::new("/home/proc")), None);
        let d = discover(&[PathBuf::from("/proc")]).unwrap();
        assert!(d.inputs.is_empty() && d.unreadable.is_empty());
        assert_eq!(d.skipped[0].path, "/proc");
        assert!(
            d.skipped[0].reason.contains("not walked"),
            "{:?}",
            d.skipped
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_named() {
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert_eq!(kind(&meta.file_type()), "a character device");
        let d = discover(&[PathBuf::from("/dev/null")]).unwrap();
        assert!(d.inputs.is_empty());
        assert_eq!(
            d.unreadable,
            [Unreadable {
                file: "/dev/null".to_string(),
                error: "it is a character device, not a regular file; preflight reads only regular files"
                    .to_string()
            }]
        );
    }

    #[test]
    fn a_path_that_does_not_exist_stops_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.yaml");
        assert!(matches!(
            discover(&[missing]),
            Err(NoSuchPath(p)) if p.ends_with("missing.yaml")
        ));
    }

    #[test]
    fn each_file_is_kept_once_the_named_one_first() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d.join("b.yaml"), "");
        write(d.join("a/c.yaml"), "");
        let (names, found) = walked(
            &[d.to_path_buf(), d.join("a/../b.yaml"), d.join("b.yaml")],
            d,
        );
        assert_eq!(names, ["a/../b.yaml", "a/c.yaml"]);
        assert!(found.inputs[0].explicit && !found.inputs[1].explicit);
        // Sorted by display, whatever the order named.
        let (names, _) = walked(&[d.join("b.yaml"), d.join("a/c.yaml")], d);
        assert_eq!(names, ["a/c.yaml", "b.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_tree_of_links_is_walked_once_per_folder() {
        use std::os::unix::fs::symlink;
        // Each folder links twice to the next: 2^24 paths, 24 folders.
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for i in 0..24 {
            write(d.join(format!("d{i:02}/c.yaml")), "");
            for link in ["a", "b"] {
                symlink(
                    format!("../d{:02}", i + 1),
                    d.join(format!("d{i:02}/{link}")),
                )
                .unwrap();
            }
        }
        std::fs::create_dir(d.join("d24")).unwrap();
        let (names, found) = walked(&[d.to_path_buf()], d);
        assert_eq!(names.len(), 24, "{names:?}");
        assert_eq!(names[0], "d00/c.yaml");
        assert!(found.unreadable.is_empty(), "{:?}", found.unreadable);
        let reasons = reasons(&found, d);
        assert_eq!(reasons.len(), 48, "{reasons:?}");
        assert_eq!(
            reasons[0],
            "d00/a: the same folder as d01, which is walked once"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_loops_are_unreadable() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d.join(".hidden/h.yaml"), "");
        write(d.join("real/r.yaml"), "");
        symlink(".hidden", d.join("shown")).unwrap();
        symlink("real/r.yaml", d.join("alias.yaml")).unwrap();
        symlink("..", d.join("real/loop")).unwrap();
        symlink("/", d.join("root")).unwrap();
        let (names, found) = walked(&[d.to_path_buf()], d);
        // The same file twice: the name that sorts first is kept.
        assert_eq!(names, ["alias.yaml", "shown/h.yaml"]);
        assert_eq!(found.unreadable.len(), 1, "{:?}", found.unreadable);
        assert_eq!(
            found.unreadable[0].error,
            format!(
                "a symbolic link loops back to {}, so the folder was not walked again",
                display(d)
            )
        );
        assert_eq!(
            reasons(&found, d),
            ["root: a symbolic link to /, outside the folder being checked; it was not followed"]
        );
    }

    #[test]
    fn rules_the_deepest_last_and_ignore_files_over_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d.join(".gitignore"), "*.yaml\n!keep.yaml\n!x.yaml\n");
        write(d.join(".ignore"), "x.yaml\n");
        write(d.join("sub/.gitignore"), "\u{feff}!sub.yaml\nkeep.yaml\n");
        for f in [
            "a.yaml",
            "keep.yaml",
            "x.yaml",
            "sub/sub.yaml",
            "sub/keep.yaml",
        ] {
            write(d.join(f), "");
        }
        let (names, found) = walked(&[d.to_path_buf()], d);
        assert_eq!(names, ["keep.yaml", "sub/sub.yaml"]);
        assert_eq!(
            reasons(&found, d),
            [
                "a.yaml: ignored by .gitignore:1 (`*.yaml`)",
                "sub/keep.yaml: ignored by sub/.gitignore:2 (`keep.yaml`)",
                "x.yaml: ignored by .ignore:1 (`x.yaml`)",
            ]
        );
    }

    #[test]
    fn a_nested_repository_starts_its_own_gitignore_rules() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        write(d.join(".gitignore"), "*.yaml\n");
        write(d.join("outer.yaml"), "");
        std::fs::create_dir_all(d.join("vendor/.git")).unwrap();
        write(d.join("vendor/inner.yaml"), "");
        let (names, _) = walked(&[d.to_path_buf()], d);
        assert_eq!(names, ["vendor/inner.yaml"]);
        // Walked from inside the nested repository, the outer one's rules do not apply.
        let (names, _) = walked(&[d.join("vendor")], d);
        assert_eq!(names, ["vendor/inner.yaml"]);
    }

    #[test]
    fn a_worktree_finds_its_exclude_file_through_dot_git() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d.join("main/.git/info/exclude"), "# local\nlocal.yaml\n");
        write(d.join("main/.git/worktrees/wt/commondir"), "../..\n");
        write(
            d.join("wt/.git"),
            &format!("gitdir: {}\n", d.join("main/.git/worktrees/wt").display()),
        );
        write(d.join("wt/local.yaml"), "");
        write(d.join("wt/shared.yaml"), "");
        let (names, found) = walked(&[d.join("wt")], d);
        assert_eq!(names, ["wt/shared.yaml"]);
        let reasons = reasons(&found, d);
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(
            reasons[0].starts_with("wt/local.yaml: ignored by ")
                && reasons[0].ends_with("main/.git/info/exclude:2 (`local.yaml`)"),
            "{reasons:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn ignore_files_are_read_only_when_they_are_small_regular_files() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d.join("rules"), "*.yaml\n");
        symlink("rules", d.join(".gitignore")).unwrap();
        symlink("/dev/zero", d.join(".ignore")).unwrap();
        write(
            d.join("sub/.gitignore"),
            &"x".repeat(IGNORE_FILE_LIMIT as usize + 1),
        );
        write(d.join("c.yaml"), "");
        write(d.join("sub/d.yaml"), "");
        let (names, found) = walked(&[d.to_path_buf()], d);
        assert_eq!(names, ["c.yaml", "sub/d.yaml"]);
        let reasons = reasons(&found, d);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert_eq!(
            reasons,
            [
                ".gitignore: its ignore rules were not used: it is a symbolic link (git does not follow them either)",
                ".ignore: its ignore rules were not used: it is a symbolic link (git does not follow them either)",
                "sub/.gitignore: its ignore rules were not used: it is over 1 MB",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_ignored_broken_link_is_skipped_not_unreadable() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d.join(".gitignore"), "gone*\n");
        symlink("nowhere", d.join("gone.yaml")).unwrap();
        symlink("nowhere", d.join("broken.yaml")).unwrap();
        let (_, found) = walked(&[d.to_path_buf()], d);
        assert_eq!(found.unreadable.len(), 1);
        assert!(found.unreadable[0].file.ends_with("broken.yaml"));
        assert_eq!(reasons(&found, d).len(), 1);
    }
}
