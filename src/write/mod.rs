//! Output: every file is written into a temporary folder beside the target and renamed into
//! place only when all of it succeeded, so a failed run leaves the earlier output untouched.

pub(crate) mod fingerprint;
mod lock;
pub(crate) mod manifest;

pub(crate) use lock::Lock;

use std::path::{Path, PathBuf};

use crate::error::{IoError, WriteError};

/// A folder being filled; dropped without `publish` it is removed.
pub(crate) struct Staging {
    dir: PathBuf,
    target: PathBuf,
    published: bool,
}

impl Staging {
    pub(crate) fn new(out: &Path, name: &str) -> Result<Staging, WriteError> {
        std::fs::create_dir_all(out)
            .map_err(IoError::at(out, "the output folder cannot be created"))?;
        let dir = out.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(IoError::at(&dir, "cannot clear a stale temporary folder"))?;
        }
        std::fs::create_dir(&dir)
            .map_err(IoError::at(&dir, "the temporary folder cannot be created"))?;
        Ok(Staging {
            dir,
            target: out.join(name),
            published: false,
        })
    }

    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(IoError::at(parent, "cannot create"))?;
        }
        #[allow(clippy::disallowed_methods)] // write/ is where files are written
        std::fs::write(&path, bytes).map_err(IoError::at(&path, "cannot write"))?;
        Ok(())
    }

    /// Moves the finished folder into place, replacing the earlier output.
    pub(crate) fn publish(mut self) -> Result<PathBuf, WriteError> {
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            file_name(&self.target),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(IoError::at(
                &self.target,
                "cannot move the earlier output aside",
            ))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(
                IoError::at(&self.target, "cannot move the new output into place")(e).into(),
            );
        }
        self.published = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The write stage: every rendered file and the manifest into a staging folder beside
/// `OUT/<period>`, then published by rename. Returns the published folder.
pub(crate) fn publish(
    out: &Path,
    period: &str,
    rendered: &crate::render::Rendered,
    manifest: &manifest::Manifest,
) -> Result<PathBuf, WriteError> {
    let staging = Staging::new(out, period)?;
    for (name, bytes) in &rendered.files {
        staging.write(name, bytes)?;
    }
    staging.write("manifest.json", &crate::render::json::to_json(manifest))?;
    staging.publish()
}

/// Writes files that are not a report (a new project, manual pages) into `dir`, each by way
/// of a temporary file renamed into place, so that no file is left half-written.
pub(crate) fn plain_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), WriteError> {
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(IoError::at(parent, "cannot create"))?;
        }
        let tmp = path.with_file_name(format!(
            ".{}.tmp-{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        #[allow(clippy::disallowed_methods)] // write/ is where files are written
        std::fs::write(&tmp, bytes).map_err(IoError::at(&tmp, "cannot write"))?;
        std::fs::rename(&tmp, &path).map_err(IoError::at(&path, "cannot write"))?;
    }
    Ok(())
}
