//! Waiting for an export that is still being copied into the data folder (`export.wait_stable`):
//! `generate` starts only when no file below the data folder has changed size or
//! modification time for the time set, and gives up after `export.wait_timeout` with an
//! error naming the file that was still changing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::clock;
use crate::config::ExportWait;
use crate::diag::Findings;

/// What a file looked like: its size and modification time.
type Look = (u64, Option<SystemTime>);

/// Every file below `dir` (hidden ones too, as copying tools write there first; links not
/// followed; `skip`, the output folder, left out) with its size and modification time.
fn snapshot(dir: &Path, skip: &Path, into: &mut BTreeMap<PathBuf, Look>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if std::fs::canonicalize(&path).ok().as_deref() != Some(skip) {
                snapshot(&path, skip, into);
            }
        } else if meta.is_file() {
            into.insert(path, (meta.len(), meta.modified().ok()));
        }
    }
}

/// The files of `data` as they are now.
fn look(data: &Path, out: &Path) -> BTreeMap<PathBuf, Look> {
    let skip = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    let mut files = BTreeMap::new();
    snapshot(data, &skip, &mut files);
    files
}

/// The file that changed most recently by its modification time (or, when the times say
/// nothing, the first), and how long ago: zero when its time is in the future or unknown.
fn newest(files: &BTreeMap<PathBuf, Look>) -> Option<(&Path, Duration)> {
    files
        .iter()
        .map(|(p, (_, t))| {
            let age = t.and_then(clock::age).unwrap_or(Duration::ZERO);
            (p.as_path(), age)
        })
        .min_by_key(|(_, age)| *age)
}

/// The files that differ between two looks (changed, added or removed), in path order.
fn changed<'a>(
    before: &'a BTreeMap<PathBuf, Look>,
    now: &'a BTreeMap<PathBuf, Look>,
) -> Vec<&'a Path> {
    let mut paths: Vec<&Path> = now
        .iter()
        .filter(|(p, l)| before.get(*p) != Some(l))
        .map(|(p, _)| p.as_path())
        .collect();
    paths.extend(
        before
            .keys()
            .filter(|p| !now.contains_key(*p))
            .map(PathBuf::as_path),
    );
    paths.sort();
    paths
}

/// Waits until the data folder has been still for `wait.stable`: no file changed while it
/// was watched for that long, or every file's modification time lies that far back. Checks
/// every `tick`. At `wait.timeout` the file still changing is an error finding (the run
/// stops before anything is read or written) and `false` is returned.
pub(crate) fn wait(
    data: &Path,
    out: &Path,
    wait: ExportWait,
    tick: Duration,
    findings: &mut Findings,
) -> bool {
    let start = Instant::now();
    let mut files = look(data, out);
    let mut still_since = start;
    let mut last: Vec<PathBuf> = Vec::new();
    loop {
        let by_time = newest(&files).map_or(Duration::MAX, |(_, age)| age);
        if still_since.elapsed() >= wait.stable || by_time >= wait.stable {
            return true;
        }
        let waited = start.elapsed();
        if waited >= wait.timeout {
            let file = last
                .first()
                .cloned()
                .or_else(|| newest(&files).map(|(p, _)| p.to_path_buf()))
                .unwrap_or_else(|| data.to_path_buf());
            findings.error(
                &file.display().to_string(),
                None,
                None,
                format!(
                    "still changing after {} (export.wait_timeout): the export is not complete; uppfolj waits for every file of the data folder to be unchanged for {} (export.wait_stable)",
                    humantime::format_duration(Duration::from_secs(waited.as_secs())),
                    humantime::format_duration(wait.stable)
                ),
            );
            return false;
        }
        std::thread::sleep(tick.min(wait.timeout - waited));
        let now = look(data, out);
        let differ = changed(&files, &now);
        if !differ.is_empty() {
            last = differ.into_iter().map(Path::to_path_buf).collect();
            still_since = Instant::now();
            files = now;
        }
    }
}
