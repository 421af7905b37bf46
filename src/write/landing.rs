//! The output folder's own front page: `OUT/index.html` lists every published month, newest
//! first, with its packs, and `OUT/latest` always leads to the newest month, so that a
//! bookmark on the board's intranet page never needs changing. Both are replaced atomically
//! on each run.

use std::path::Path;

use super::manifest::Published;
use crate::error::{IoError, WriteError};
use crate::model::published::PublishedPeriod;

/// Every month published in `out` (a folder `YYYY-MM` with its manifest), newest first.
pub(crate) fn periods(out: &Path) -> Vec<PublishedPeriod> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found: Vec<PublishedPeriod> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let month = name.len() == 7
                && name.as_bytes()[4] == b'-'
                && name
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| i == 4 || b.is_ascii_digit());
            // A link (`latest`) is not a month of its own.
            if !month || !e.file_type().ok()?.is_dir() {
                return None;
            }
            let dir = e.path();
            let manifest = Published::read(&dir)?;
            Some(PublishedPeriod {
                index: dir.join("index.html").is_file(),
                packs: manifest
                    .packs
                    .into_iter()
                    .filter(|p| !p.files.is_empty())
                    .map(|p| (p.title, p.files))
                    .collect(),
                period: name,
            })
        })
        .collect();
    found.sort_by(|a, b| b.period.cmp(&a.period));
    found
}

/// Writes `OUT/index.html` and points `OUT/latest` at the month `latest`, each by writing
/// beside it and renaming over it. A `latest` that is a real folder (made by hand) is left
/// alone. Where links cannot be made, `latest/index.html` forwards to the month instead.
pub(crate) fn publish(out: &Path, html: &[u8], latest: &str) -> Result<(), WriteError> {
    super::plain_files(out, &[("index.html".to_string(), html.to_vec())])?;
    let pid = std::process::id();
    let link = out.join("latest");
    let is_link = std::fs::symlink_metadata(&link).map(|m| m.file_type().is_symlink());
    if matches!(is_link, Ok(false)) {
        return Ok(());
    }
    latest_link(out, &link, latest, pid)
}

#[cfg(unix)]
fn latest_link(out: &Path, link: &Path, latest: &str, pid: u32) -> Result<(), WriteError> {
    let temp = out.join(format!(".latest.{pid}"));
    let _ = std::fs::remove_file(&temp);
    std::os::unix::fs::symlink(latest, &temp).map_err(IoError::at(&temp, "cannot link"))?;
    std::fs::rename(&temp, link).map_err(IoError::at(link, "cannot link"))?;
    Ok(())
}

#[cfg(not(unix))]
fn latest_link(_out: &Path, link: &Path, latest: &str, _pid: u32) -> Result<(), WriteError> {
    let page = format!(
        "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" content=\"0; url=../{latest}/index.html\">\n<a href=\"../{latest}/index.html\">{latest}</a>\n"
    );
    super::plain_files(link, &[("index.html".to_string(), page.into_bytes())])
}
