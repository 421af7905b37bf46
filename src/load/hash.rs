//! File hashes for the manifest and the run's fingerprint.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::hash::hex;

/// The SHA-256 of a file, read in blocks (constant memory) and remembered for the run: the
/// fingerprint of the data folder and the manifest's inputs hash each file once. `None` when
/// the file cannot be read.
pub(crate) fn file_sha256(path: &Path) -> Option<String> {
    use std::io::Read;
    use std::sync::{Mutex, OnceLock};
    type Key = (PathBuf, u64, Option<std::time::SystemTime>);
    static SEEN: OnceLock<Mutex<HashMap<Key, String>>> = OnceLock::new();
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let key = (path.to_path_buf(), meta.len(), meta.modified().ok());
    let seen = SEEN.get_or_init(Default::default);
    if let Some(sha) = seen.lock().ok()?.get(&key) {
        return Some(sha.clone());
    }
    // A file that reads past its stated length (a pseudo-file such as /proc's) is hashed up
    // to 1 MiB beyond it, never without end.
    let mut file = std::fs::File::open(path)
        .ok()?
        .take(meta.len().saturating_add(1 << 20));
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let sha = hex(&h.finalize());
    seen.lock().ok()?.insert(key, sha.clone());
    Some(sha)
}
