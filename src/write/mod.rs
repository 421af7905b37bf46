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

/// Cleans up after runs that were killed, called by the holder of the lock (so no other run
/// is writing): a staging folder `.<name>.tmp-<pid>` of another process is removed, never
/// published; an earlier output moved aside (`.<name>.old-<pid>`) goes back into place when
/// the run was killed before its new output took that place, and is removed otherwise.
pub(crate) fn recover(out: &Path) {
    let own = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let Some(rest) = name.strip_prefix('.') else {
            continue;
        };
        let parsed = [".tmp-", ".old-"].iter().find_map(|kind| {
            let (target, pid) = rest.rsplit_once(kind)?;
            let stale = !target.is_empty()
                && pid != own
                && !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit());
            stale.then_some((target, *kind))
        });
        let Some((target, kind)) = parsed else {
            continue;
        };
        let path = out.join(&name);
        if !path.is_dir() || path.is_symlink() {
            continue;
        }
        let target = out.join(target);
        if kind == ".old-" && !target.exists() {
            let _ = std::fs::rename(&path, &target);
        } else {
            let _ = std::fs::remove_dir_all(&path);
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
