//! Controllers' commentary files: one Markdown file per unit and period,
//! `<comments>/<period>/<unit file name>.md`, UTF-8 or Windows-1252.

use std::path::Path;

use crate::config::Config;
use crate::error::IoError;
use crate::model::period::Month;

/// Reads the commentary of one unit, if any. Errors other than "not found" are reported.
pub(crate) fn read(dir: &Path, period: &str, file_stem: &str) -> Result<Option<String>, IoError> {
    let path = dir.join(period).join(format!("{file_stem}.md"));
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Ok(Some(s)),
            Err(e) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes());
                Ok(Some(text.into_owned()))
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(IoError::at(&path, "the commentary cannot be read")(e)),
    }
}

/// The commentary of every unit (by file name, in the order given) for the report month,
/// from the configured folder or `<data>/comments`.
pub(crate) fn read_all(
    data_dir: &Path,
    config: &Config,
    period: Month,
    files: &[String],
) -> Result<Vec<Option<String>>, IoError> {
    let dir = config
        .comments
        .clone()
        .unwrap_or_else(|| data_dir.join("comments"));
    let period = period.to_string();
    files.iter().map(|f| read(&dir, &period, f)).collect()
}
