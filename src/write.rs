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
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
        }
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

/// An exclusive lock on an output folder: `OUT/.uppfolj.lock` holds the owner's process id.
/// A lock left by a process that no longer runs is taken over.
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock, waiting up to `wait` for another run to finish.
    pub fn acquire(out: &Path, wait: std::time::Duration) -> Result<Lock, String> {
        std::fs::create_dir_all(out).map_err(|e| {
            format!(
                "{}: the output folder cannot be created: {e}",
                out.display()
            )
        })?;
        let path = out.join(".uppfolj.lock");
        let deadline = std::time::Instant::now() + wait;
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid = owner.trim().parse::<u32>().ok();
                    if let Some(pid) = pid
                        && !process_alive(pid)
                    {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if std::time::Instant::now() >= deadline {
                        let who = pid.map(|p| format!(" (process {p})")).unwrap_or_default();
                        return Err(format!(
                            "{}: another uppfolj run{who} is writing to this folder; try again when it has finished, or pass --wait SECONDS",
                            out.display()
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(e) => {
                    return Err(format!(
                        "{}: the lock cannot be created: {e}",
                        path.display()
                    ));
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether a process runs (Linux: `/proc/<pid>`; elsewhere assumed to run).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}
