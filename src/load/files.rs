//! Which files are read. Data, commentary and templates are read only from inside their
//! configured folder: a link is followed when where it leads (every link resolved) lies inside
//! that folder, and refused when it leaves it. Only regular files are read, each up to a size
//! bound; a named pipe, a socket or a device is refused by its type before it is opened, so
//! nothing that could block is ever opened. Folders are walked to a bounded depth and number
//! of files, never through a link that leaves them.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest data file read, in bytes (4 GiB).
pub(crate) const MAX_DATA_FILE: u64 = 4 << 30;
/// The largest commentary file or template read, in bytes (1 MiB).
pub(crate) const MAX_TEXT_FILE: u64 = 1 << 20;
/// The most files a template folder may hold.
pub(crate) const MAX_TEMPLATE_FILES: usize = 1000;
/// How deep below a folder files are looked for.
const MAX_DEPTH: usize = 16;

/// One entry of a folder, links resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A regular file within the bound; `link` is where a link led, when the entry is one.
    File { link: Option<PathBuf> },
    /// A folder (inside the root).
    Dir,
    /// Not read, and why (the text follows the entry's path in a message).
    Refused(String),
}

/// The folder as the file system names it (links resolved), or the folder itself when that
/// fails (it is then missing, and reading it says so).
pub(crate) fn real_root(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// What `path` is, judged against `root` (the folder's [`real_root`], `what` names it in
/// messages: "the data folder"). `None` when nothing is there.
pub(crate) fn classify(root: &Path, what: &str, path: &Path, max: u64) -> Option<Entry> {
    let own = std::fs::symlink_metadata(path).ok()?;
    let real = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) if own.file_type().is_symlink() => {
            let to = std::fs::read_link(path).unwrap_or_default();
            return Some(Entry::Refused(format!(
                "is a link to {}, which does not exist",
                to.display()
            )));
        }
        Err(e) => return Some(Entry::Refused(format!("cannot be resolved: {e}"))),
    };
    if !real.starts_with(root) {
        return Some(Entry::Refused(format!(
            "leads to {}, outside {what} {}; links are followed only within their folder (expected the file itself, or a link to a file inside the folder)",
            real.display(),
            root.display()
        )));
    }
    let link = own.file_type().is_symlink().then(|| real.clone());
    let meta = match std::fs::metadata(&real) {
        Ok(m) => m,
        Err(e) => return Some(Entry::Refused(format!("cannot be read: {e}"))),
    };
    if meta.is_dir() {
        return Some(Entry::Dir);
    }
    if !meta.is_file() {
        return Some(Entry::Refused(format!(
            "is {}, not a regular file; only regular files are read",
            kind(&meta)
        )));
    }
    if meta.len() > max {
        return Some(Entry::Refused(format!(
            "is {} bytes, more than the {} a file here may hold",
            meta.len(),
            size_text(max)
        )));
    }
    Some(Entry::File { link })
}

/// What a file that is not a regular file or a folder is.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// A byte count as the README states the bounds: `4 GiB`, `1 MiB`, else bytes.
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a file [`classify`] found regular, at most `max` bytes: a file that changed into
/// something else or grew meanwhile is refused rather than read without end.
pub(crate) fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(format!(
            "{}, not a regular file",
            kind(&meta)
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "more than the {} a file here may hold",
            size_text(max)
        )));
    }
    Ok(bytes)
}

/// The regular files below a folder, and what was refused there.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// Relative path (`/` between folders) and path, sorted by relative path.
    pub files: Vec<(String, PathBuf)>,
    /// Entries not read: path and why.
    pub refused: Vec<(PathBuf, String)>,
}

/// Every regular file below `dir` (hidden entries and `skip` left out), following links only
/// within `dir`, at most `limit` files, `MAX_DEPTH` folders deep and `max` bytes each.
pub(crate) fn walk(
    dir: &Path,
    what: &str,
    skip: Option<&Path>,
    limit: usize,
    max: u64,
) -> std::io::Result<Walk> {
    let root = real_root(dir);
    std::fs::read_dir(dir)?;
    let mut found = Walk::default();
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((folder, prefix, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            found
                .refused
                .push((folder, "is a folder that cannot be read".into()));
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_string()) else {
                continue;
            };
            if name.starts_with('.') || skip.is_some_and(|s| real_root(&path).starts_with(s)) {
                continue;
            }
            let rel = format!("{prefix}{name}");
            match classify(&root, what, &path, max) {
                None => {}
                Some(Entry::Dir) if depth + 1 >= MAX_DEPTH => found.refused.push((
                    path,
                    format!("is a folder more than {MAX_DEPTH} levels deep; it is not read"),
                )),
                Some(Entry::Dir) => stack.push((path, format!("{rel}/"), depth + 1)),
                Some(Entry::File { .. }) if found.files.len() >= limit => {
                    found.refused.push((
                        dir.to_path_buf(),
                        format!("holds more than {limit} files; no more are read"),
                    ));
                    return Ok(found);
                }
                Some(Entry::File { .. }) => found.files.push((rel, path)),
                Some(Entry::Refused(why)) => found.refused.push((path, why)),
            }
        }
    }
    found.files.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_the_readme_states_them() {
        assert_eq!(size_text(MAX_DATA_FILE), "4 GiB");
        assert_eq!(size_text(MAX_TEXT_FILE), "1 MiB");
        assert_eq!(size_text(1000), "1000 bytes");
    }
}
