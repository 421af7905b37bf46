//! Output: every file is written into a temporary folder beside the target and renamed into
//! place only when all of it succeeded, so a failed run leaves the earlier output untouched.

use std::path::{Path, PathBuf};

/// A folder being filled; dropped without `publish` it is removed.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    published: bool,
}

impl Staging {
    pub fn new(out: &Path, name: &str) -> Result<Staging, String> {
        std::fs::create_dir_all(out).map_err(|e| {
            format!(
                "{}: the output folder cannot be created: {e}",
                out.display()
            )
        })?;
        let dir = out.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| {
                format!(
                    "{}: cannot clear a stale temporary folder: {e}",
                    dir.display()
                )
            })?;
        }
        std::fs::create_dir(&dir).map_err(|e| {
            format!(
                "{}: the temporary folder cannot be created: {e}",
                dir.display()
            )
        })?;
        Ok(Staging {
            dir,
            target: out.join(name),
            published: false,
        })
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: cannot write: {e}", path.display()))
    }

    /// Moves the finished folder into place, replacing the earlier output.
    pub fn publish(mut self) -> Result<PathBuf, String> {
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            file_name(&self.target),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(|e| {
                format!(
                    "{}: cannot move the earlier output aside: {e}",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(format!(
                "{}: cannot move the new output into place: {e}",
                self.target.display()
            ));
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
