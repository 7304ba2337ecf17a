//! Reading the files preflight is given: campaign files, configurations,
//! packs. Only regular files are read, and never more than a byte limit, so
//! that a named pipe, `/dev/zero` or a file that grows while it is read
//! cannot hang a run or exhaust its memory.

use std::io::Read;
use std::path::{Path, PathBuf};

/// A file over its limit: its size, or only that it is over (a device or a
/// file that grew while it was read reports no true size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oversize {
    pub size: Option<u64>,
    pub limit: u64,
}

impl Oversize {
    /// "3,019 bytes, over the 1,000-byte limit", or "more than the 1 MB limit".
    pub fn phrase(&self) -> String {
        let limit = if self.limit < 1_000 {
            format!("{}-byte", self.limit)
        } else {
            size_phrase(self.limit)
        };
        match self.size {
            None => format!("larger than the {limit} limit"),
            Some(size) => {
                let a = size_phrase(size);
                // "1 KB, over the 1 KB limit" says nothing: give the bytes.
                if a == size_phrase(self.limit) {
                    format!("{size} bytes, over the {}-byte limit", self.limit)
                } else {
                    format!("{a}, over the {limit} limit")
                }
            }
        }
    }
}

/// "23.4 MB", "512 KB", "100 bytes".
pub fn size_phrase(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1_000_000.0)
    } else if n >= 1_000 {
        format!("{} KB", n / 1_000)
    } else {
        format!("{n} bytes")
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// It is not a regular file; says what it is ("a named pipe (FIFO)").
    NotRegular(&'static str),
    /// It is larger than the limit.
    TooLarge(Oversize),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(
                f,
                "it is {what}, not a regular file; preflight reads only regular files"
            ),
            ReadError::TooLarge(o) => write!(f, "it is {}", o.phrase()),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What kind of file this is, in words, when it is not a regular file.
pub fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    Some("not a regular file")
}

/// Reads a regular file, at most `limit` bytes; larger files are refused.
///
/// The file type is checked before opening (opening a named pipe waits for
/// a writer), the file is opened without waiting, checked again, and read
/// through the limit (a device or a growing file reports a size of 0, or a
/// stale one).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(what) = special_kind(&meta) {
        return Err(ReadError::NotRegular(what));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(Oversize {
            size: Some(meta.len()),
            limit,
        }));
    }
    let file = open_without_waiting(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(what) = special_kind(&meta) {
        return Err(ReadError::NotRegular(what));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        // It grew past its stated size while being read.
        return Err(ReadError::TooLarge(Oversize { size: None, limit }));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The repository a path belongs to: the nearest folder at or above it that
/// holds `.git` (a folder, or a file for a worktree), as a canonical path.
pub fn repository_of(path: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(nearest_existing(path)).ok()?;
    let start = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The root that files a configuration names (packs) must stay inside: the
/// repository of the configuration file, or its folder when it is in none.
pub fn root_for(file: &Path) -> Option<PathBuf> {
    repository_of(file).or_else(|| {
        let dir = file.parent().filter(|p| !p.as_os_str().is_empty());
        std::fs::canonicalize(dir.unwrap_or(Path::new("."))).ok()
    })
}

/// Whether `path` (which must exist) lies inside `root` once every symbolic
/// link is followed.
pub fn is_inside(path: &Path, root: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(root))
}

/// The nearest folder at or above `path` that exists (a path may name a
/// file that does not exist yet, such as `--stdin-filename new/c.yaml`).
pub fn nearest_existing(path: &Path) -> &Path {
    let mut p = path;
    loop {
        if p.as_os_str().is_empty() {
            return Path::new(".");
        }
        if p.exists() {
            return p;
        }
        match p.parent() {
            Some(parent) => p = parent,
            None => return Path::new("."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_through_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.yaml");
        std::fs::write(&f, "campaign: x\n").unwrap();
        assert_eq!(read_limited(&f, 100).unwrap(), b"campaign: x\n");
        match read_limited(&f, 5) {
            Err(ReadError::TooLarge(o)) => {
                assert_eq!(o.size, Some(12));
                assert_eq!(o.phrase(), "12 bytes, over the 5-byte limit");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_limited(dir.path(), 100),
            Err(ReadError::NotRegular("a folder"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_without_reading() {
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 1_000),
            Err(ReadError::NotRegular("a character device"))
        ));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path and a mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(matches!(
            read_limited(&fifo, 1_000),
            Err(ReadError::NotRegular("a named pipe (FIFO)"))
        ));
    }

    #[test]
    fn the_nearest_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("new/deeper/c.yaml");
        assert_eq!(nearest_existing(&missing), dir.path());
        assert_eq!(nearest_existing(Path::new("")), Path::new("."));
    }

    #[test]
    fn repositories_and_roots() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("campaigns")).unwrap();
        let canon = std::fs::canonicalize(&repo).unwrap();
        assert_eq!(
            repository_of(&repo.join("campaigns/x.yaml")),
            Some(canon.clone())
        );
        assert_eq!(
            root_for(&repo.join("campaigns/preflight.yaml")),
            Some(canon.clone())
        );
        let loose = dir.path().join("loose");
        std::fs::create_dir_all(&loose).unwrap();
        assert_eq!(
            root_for(&loose.join("preflight.yaml")),
            Some(std::fs::canonicalize(&loose).unwrap())
        );
        assert!(is_inside(&repo.join("campaigns"), &canon));
        assert!(!is_inside(dir.path(), &canon));
    }
}
