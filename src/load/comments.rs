//! Controllers' commentary files: one Markdown file per unit and period,
//! `<comments>/<period>/<unit file name>.md`, UTF-8 or Windows-1252. Read only from inside the
//! commentary folder (see [`super::files`]); a file for a unit the tree does not know is a
//! warning, since nothing would publish it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::files::{self, Entry};
use crate::config::Config;
use crate::diag::Findings;
use crate::model::period::Month;

/// The commentary folder: the configured one, or `<data>/comments`.
pub(crate) fn folder(data_dir: &Path, config: &Config) -> PathBuf {
    config
        .comments
        .clone()
        .unwrap_or_else(|| data_dir.join("comments"))
}

/// Reads the commentary of one unit, if any. A file that cannot be read, or is not a regular
/// file inside the folder, is an error naming it.
fn read(
    dir: &Path,
    root: &Path,
    period: &str,
    file_stem: &str,
    findings: &mut Findings,
) -> Option<String> {
    let path = dir.join(period).join(format!("{file_stem}.md"));
    let shown = path.display().to_string();
    match files::classify(root, "the commentary folder", &path, files::MAX_TEXT_FILE)? {
        Entry::File { .. } => {}
        Entry::Dir => {
            findings.error(&shown, None, None, "is a folder, not a commentary file");
            return None;
        }
        Entry::Refused(why) => {
            findings.error(
                &shown,
                None,
                None,
                format!("{why}; the commentary is not published"),
            );
            return None;
        }
    }
    match files::read_bounded(&path, files::MAX_TEXT_FILE) {
        Ok(bytes) => Some(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes());
                text.into_owned()
            }
        }),
        Err(e) => {
            findings.error(
                &shown,
                None,
                None,
                format!("the commentary cannot be read: {e}"),
            );
            None
        }
    }
}

/// The commentary of every unit (by file name, in the order given) for the report month,
/// from the configured folder or `<data>/comments`; a `.md` file of the month for no unit of
/// the tree is a warning.
pub(crate) fn read_all(
    data_dir: &Path,
    config: &Config,
    period: Month,
    files: &[String],
    findings: &mut Findings,
) -> Vec<Option<String>> {
    let dir = folder(data_dir, config);
    let root = files::real_root(&dir);
    let period = period.to_string();
    unknown_units(&dir, &period, files, findings);
    files
        .iter()
        .map(|f| read(&dir, &root, &period, f, findings))
        .collect()
}

/// `uppfolj check`: every month's folder of commentary, each file read as a run would, and a
/// warning for each file whose unit the tree does not know.
/// Returns the commentary of the month `latest` by unit, as [`read_all`] would.
pub(crate) fn check_all(
    data_dir: &Path,
    config: &Config,
    files: &[String],
    latest: Month,
    findings: &mut Findings,
) -> Vec<Option<String>> {
    let dir = folder(data_dir, config);
    let root = files::real_root(&dir);
    let mut texts = vec![None; files.len()];
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return texts;
    };
    let mut periods: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| Month::parse(n).is_some())
        .collect();
    periods.sort();
    for period in periods {
        unknown_units(&dir, &period, files, findings);
        let this = Month::parse(&period) == Some(latest);
        for (f, text) in files.iter().zip(texts.iter_mut()) {
            let read = read(&dir, &root, &period, f, findings);
            if this {
                *text = read;
            }
        }
    }
    texts
}

/// Warns about every `.md` file in `<dir>/<period>/` named for no unit of the tree.
fn unknown_units(dir: &Path, period: &str, files: &[String], findings: &mut Findings) {
    let Ok(entries) = std::fs::read_dir(dir.join(period)) else {
        return;
    };
    let known: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    names.sort();
    for (name, path) in names {
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        if stem.starts_with('.') || known.contains(stem) {
            continue;
        }
        findings.warning(
            &path.display().to_string(),
            None,
            None,
            format!(
                "commentary for unit {}, which is not in the organisation tree; it is not published (expected <period>/<unit>.md for a unit of the tree)",
                crate::diag::cut(stem)
            ),
        );
    }
}
