//! The output folder's lock: one run at a time writes to a folder.

use std::path::{Path, PathBuf};

use crate::error::{IoError, WriteError};

/// An exclusive lock on an output folder: `OUT/.uppfolj.lock` holds the owner's process id.
/// A lock left by a process that no longer runs is taken over.
pub(crate) struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock, waiting up to `wait` for another run to finish.
    pub(crate) fn acquire(out: &Path, wait: std::time::Duration) -> Result<Lock, WriteError> {
        std::fs::create_dir_all(out)
            .map_err(IoError::at(out, "the output folder cannot be created"))?;
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
                    super::recover(out);
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid = owner.trim().parse::<u32>().ok();
                    // A lock of a process that has ended, or one left without its process id
                    // (killed between creating and writing it) a while ago, is taken over.
                    let abandoned = match pid {
                        Some(pid) => !process_alive(pid),
                        None => std::fs::metadata(&path)
                            .and_then(|m| m.modified())
                            .ok()
                            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                            .is_some_and(|t| {
                                crate::clock::millis_now().saturating_sub(t.as_millis() as u64)
                                    > 10_000
                            }),
                    };
                    if abandoned {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if std::time::Instant::now() >= deadline {
                        return Err(WriteError::Locked {
                            out: out.to_path_buf(),
                            pid,
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(e) => {
                    return Err(IoError::at(&path, "the lock cannot be created")(e).into());
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
