//! The output folder's lock: one run at a time writes to a folder.
//!
//! The lock is the operating system's lock on `OUT/.uppfolj.lock` (`File::try_lock`: `flock`
//! on Unix, `LockFileEx` on Windows), held for as long as the run holds the open file. The
//! system releases it when the process ends in any way, so a crashed or killed run never
//! leaves a lock behind, on any platform and without asking whether a process id still runs.
//! The file holds the process id of the run that writes, for the message of another run, and
//! is removed when the run ends; a run that locked the file just as its holder removed it
//! sees that the path no longer names the file it locked, and starts again.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::error::{IoError, WriteError};

/// An exclusive lock on an output folder, released when dropped.
pub(crate) struct Lock {
    file: File,
    path: std::path::PathBuf,
}

impl Lock {
    /// Takes the lock, waiting up to `wait` for another run to finish.
    pub(crate) fn acquire(out: &Path, wait: std::time::Duration) -> Result<Lock, WriteError> {
        std::fs::create_dir_all(out)
            .map_err(IoError::at(out, "the output folder cannot be created"))?;
        let path = out.join(".uppfolj.lock");
        let deadline = std::time::Instant::now() + wait;
        loop {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(IoError::at(&path, "the lock cannot be created"))?;
            match file.try_lock() {
                Ok(()) if !same_file(&file, &path) => continue,
                Ok(()) => {
                    // The process id is for the message of a run that finds the folder locked.
                    let _ = file.set_len(0);
                    let _ = file.rewind();
                    let _ = writeln!(file, "{}", std::process::id());
                    let _ = file.flush();
                    super::recover(out);
                    return Ok(Lock { file, path });
                }
                Err(TryLockError::WouldBlock) => {
                    if std::time::Instant::now() >= deadline {
                        return Err(WriteError::Locked {
                            out: out.to_path_buf(),
                            pid: owner(&mut file),
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(IoError::at(&path, "the lock cannot be taken")(e).into());
                }
            }
        }
    }
}

/// The process id the lock's holder wrote, when it did.
fn owner(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Whether `path` still names the open `file` (Unix: device and inode). Elsewhere an open
/// file cannot be removed, so it always does.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, then released.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_and_released_on_drop() {
        let out = tempfile::tempdir().unwrap();
        let held = Lock::acquire(out.path(), std::time::Duration::ZERO).unwrap();
        match Lock::acquire(out.path(), std::time::Duration::ZERO) {
            Err(WriteError::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {:?}", other.err()),
        }
        drop(held);
        let again = Lock::acquire(out.path(), std::time::Duration::ZERO);
        assert!(again.is_ok(), "released on drop");
    }
}
