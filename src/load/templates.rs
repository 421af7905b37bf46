//! A user's template folder: every file below it by relative path (`report.html`,
//! `text/sv/summary.html`, `lang/sv.yaml`), to override the built-in templates.

use std::path::Path;

use crate::error::IoError;

/// Every file below `dir` (hidden ones left out) as relative path → text, sorted by path.
pub(crate) fn read(dir: Option<&Path>) -> Result<Vec<(String, String)>, IoError> {
    let Some(dir) = dir else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    collect(dir, "", &mut found)?;
    found
        .into_iter()
        .map(|(name, path)| {
            let text = std::fs::read_to_string(&path)
                .map_err(IoError::at(&path, "the template cannot be read"))?;
            Ok((name, text))
        })
        .collect()
}

fn collect(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, std::path::PathBuf)>,
) -> Result<(), IoError> {
    let entries =
        std::fs::read_dir(dir).map_err(IoError::at(dir, "the template folder cannot be read"))?;
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}{name}");
        if path.is_dir() {
            collect(&path, &format!("{rel}/"), out)?;
        } else {
            out.push((rel, path));
        }
    }
    Ok(())
}
