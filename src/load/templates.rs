//! A user's template folder: every file below it by relative path (`report.html`,
//! `text/sv/summary.html`, `lang/sv.yaml`), to override the built-in templates. Read only from
//! inside the folder, regular files only, with bounds on size and number (see [`super::files`]).

use std::path::Path;

use super::files;
use crate::error::IoError;

/// Every file below `dir` (hidden ones left out) as relative path → text, sorted by path.
/// A link that leaves the folder, a special file or a file beyond the bounds is an error.
pub(crate) fn read(dir: Option<&Path>) -> Result<Vec<(String, String)>, IoError> {
    let Some(dir) = dir else {
        return Ok(Vec::new());
    };
    let found = files::walk(
        dir,
        "the template folder",
        None,
        files::MAX_TEMPLATE_FILES,
        files::MAX_TEXT_FILE,
    )
    .map_err(IoError::at(dir, "the template folder cannot be read"))?;
    if let Some((path, why)) = found.refused.into_iter().next() {
        return Err(IoError::at(path, "the template is not read")(
            std::io::Error::other(why),
        ));
    }
    found
        .files
        .into_iter()
        .map(|(name, path)| {
            let bytes = files::read_bounded(&path, files::MAX_TEXT_FILE)
                .map_err(IoError::at(&path, "the template cannot be read"))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                IoError::at(&path, "the template cannot be read")(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    e,
                ))
            })?;
            Ok((name, text))
        })
        .collect()
}
