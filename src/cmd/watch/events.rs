//! File watching: which changes count, debouncing them into rebuild requests, and the
//! builder thread that runs one build at a time.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Built, Failed, Shared, WatchOptions};
use crate::error::PreviewError;

/// Upper bound on how long a continuous stream of events can postpone a rebuild.
const MAX_DEBOUNCE_FACTOR: u32 = 10;

/// What a rebuild is asked for: the paths that changed, or `None` for everything (the first
/// build, or when the watcher may have missed events).
pub(super) type Changed = Option<Vec<PathBuf>>;

/// A build: given the changed paths (`None`: everything), the output folder and the build's
/// findings, or the error text.
pub(super) type Build = dyn Fn(Option<&[PathBuf]>) -> Result<Built, Failed> + Send + Sync;

pub(super) fn builder_loop(state: &Shared, build: &Build, triggers: &Receiver<Changed>) {
    while let Ok(first) = triggers.recv() {
        // Everything that queued up while we waited or built is covered by this build.
        let mut changed = first;
        while let Ok(more) = triggers.try_recv() {
            changed = match (changed, more) {
                (Some(mut a), Some(b)) => {
                    a.extend(b);
                    Some(a)
                }
                _ => None,
            };
        }
        let start = Instant::now();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(changed.as_deref())))
                .unwrap_or_else(|p| {
                    Err(Failed {
                        text: format!("build panicked: {}", panic_text(p.as_ref())),
                        words: state.snapshot().words,
                    })
                });
        let ms = start.elapsed().as_millis();
        match &result {
            Ok(built) => {
                // The findings as `generate` prints them, then the outcome.
                for f in &built.printed {
                    eprintln!("{f}");
                }
                eprintln!("rebuilt in {ms} ms");
            }
            Err(e) => eprintln!("build failed: {}", e.text),
        }
        state.publish(result);
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// What the watcher reacts to, with all paths absolute and canonical where possible.
#[derive(Debug, Default)]
struct WatchFilter {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
    ignore: Vec<PathBuf>,
}

impl WatchFilter {
    fn is_relevant(&self, path: &Path) -> bool {
        if self.ignore.iter().any(|i| path.starts_with(i)) || is_editor_noise(path) {
            return false;
        }
        self.dirs.iter().any(|d| path.starts_with(d)) || self.files.iter().any(|f| path == f)
    }
}

/// Swap, backup and lock files that editors create next to the file being edited.
fn is_editor_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.starts_with(".#")
        || name == "4913" // vim's "can I write here" probe
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Absolute, with symlinks resolved in the longest existing prefix (the output folder
/// may not exist yet when we start).
fn normalize(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    // Drop `.` and resolve `..` lexically first, then canonicalize what exists.
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other.as_os_str()),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canon) = existing.canonicalize() {
            let mut out = canon;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return lexical,
        }
    }
}

pub(super) fn start_watcher(
    opts: &WatchOptions,
    trigger: Sender<Changed>,
) -> Result<notify::RecommendedWatcher, PreviewError> {
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(PreviewError::Watcher)?;

    let mut filter = WatchFilter {
        ignore: opts.ignore.iter().map(|p| normalize(p)).collect(),
        ..WatchFilter::default()
    };
    for path in &opts.watch {
        let Ok(canon) = path.canonicalize() else {
            eprintln!("watch: skipping missing path {}", path.display());
            continue;
        };
        if canon.is_dir() {
            watcher
                .watch(&canon, RecursiveMode::Recursive)
                .map_err(|reason| PreviewError::Watch {
                    path: path.display().to_string(),
                    reason,
                })?;
            filter.dirs.push(canon);
        } else {
            // Watch the parent folder, not the file itself: editors that save by writing a
            // new file and renaming it over the old one would otherwise end the watch.
            let parent = canon
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| canon.clone());
            watcher
                .watch(&parent, RecursiveMode::NonRecursive)
                .map_err(|reason| PreviewError::Watch {
                    path: path.display().to_string(),
                    reason,
                })?;
            filter.files.push(canon);
        }
    }

    let debounce = opts.debounce;
    thread::Builder::new()
        .name("uppfolj-watch-events".into())
        .spawn(move || event_loop(&rx, &filter, debounce, &trigger))
        .map_err(|reason| PreviewError::Thread {
            what: "watch",
            reason,
        })?;
    Ok(watcher)
}

fn event_is_relevant(event: &notify::Result<notify::Event>, filter: &WatchFilter) -> bool {
    let event = match event {
        Ok(ev) => ev,
        // E.g. inotify queue overflow: we may have missed something, so rebuild.
        Err(e) => {
            eprintln!("watch: {e}");
            return true;
        }
    };
    match event.kind {
        // The build itself opens and reads the inputs: reacting to that would loop forever.
        EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)) => {}
        EventKind::Access(_) => return false,
        _ => {}
    }
    event.paths.iter().any(|p| filter.is_relevant(p))
}

/// Adds the relevant paths of `event` to `changed` (an error: everything may have changed).
fn collect(changed: &mut Changed, event: &notify::Result<notify::Event>, filter: &WatchFilter) {
    match (changed.as_mut(), event) {
        (Some(paths), Ok(ev)) => paths.extend(
            ev.paths
                .iter()
                .filter(|p| filter.is_relevant(p))
                .map(|p| normalize(p)),
        ),
        (_, Err(_)) => *changed = None,
        (None, Ok(_)) => {}
    }
}

fn event_loop(
    rx: &Receiver<notify::Result<notify::Event>>,
    filter: &WatchFilter,
    debounce: Duration,
    trigger: &Sender<Changed>,
) {
    let max_wait = debounce * MAX_DEBOUNCE_FACTOR;
    while let Ok(event) = rx.recv() {
        if !event_is_relevant(&event, filter) {
            continue;
        }
        let mut changed = Some(Vec::new());
        collect(&mut changed, &event, filter);
        // Debounce: wait until the burst has been quiet for `debounce` (bounded).
        let burst_start = Instant::now();
        let mut last = Instant::now();
        loop {
            let quiet_until = last + debounce;
            let now = Instant::now();
            if now >= quiet_until || now.duration_since(burst_start) >= max_wait {
                break;
            }
            match rx.recv_timeout(quiet_until - now) {
                Ok(ev) => {
                    if event_is_relevant(&ev, filter) {
                        collect(&mut changed, &ev, filter);
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if let Some(paths) = &mut changed {
            paths.sort();
            paths.dedup();
        }
        if trigger.send(changed).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::temp_dir;
    use super::*;
    use std::fs;

    #[test]
    fn filter_ignores_output_access_and_noise() {
        let f = WatchFilter {
            dirs: vec![PathBuf::from("/d")],
            files: vec![PathBuf::from("/c/config.toml")],
            ignore: vec![PathBuf::from("/d/out")],
        };
        assert!(f.is_relevant(Path::new("/d/x.csv")));
        assert!(f.is_relevant(Path::new("/d/sub/x.md")));
        assert!(!f.is_relevant(Path::new("/d/out/2020-09/index.html")));
        assert!(!f.is_relevant(Path::new("/d/out")));
        assert!(f.is_relevant(Path::new("/d/outer.md"))); // prefix is per component
        assert!(f.is_relevant(Path::new("/c/config.toml")));
        assert!(!f.is_relevant(Path::new("/c/other.toml")));
        assert!(!f.is_relevant(Path::new("/d/.x.md.swp")));
        assert!(!f.is_relevant(Path::new("/d/x.md~")));
        assert!(!f.is_relevant(Path::new("/d/4913")));

        let ev = |kind| -> notify::Result<notify::Event> {
            Ok(notify::Event::new(kind).add_path(PathBuf::from("/d/x.csv")))
        };
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        assert!(!event_is_relevant(
            &ev(EventKind::Access(AccessKind::Open(AccessMode::Any))),
            &f
        ));
        assert!(!event_is_relevant(
            &ev(EventKind::Access(AccessKind::Close(AccessMode::Read))),
            &f
        ));
        assert!(event_is_relevant(
            &ev(EventKind::Access(AccessKind::Close(AccessMode::Write))),
            &f
        ));
        assert!(event_is_relevant(
            &ev(EventKind::Modify(ModifyKind::Any)),
            &f
        ));
        assert!(event_is_relevant(
            &ev(EventKind::Create(CreateKind::File)),
            &f
        ));
    }

    #[test]
    fn normalize_handles_missing_tail() {
        let dir = temp_dir("norm");
        let canon = dir.canonicalize().unwrap();
        assert_eq!(
            normalize(&dir.join("out/2020-09")),
            canon.join("out/2020-09")
        );
        assert_eq!(normalize(&dir.join("a/../out")), canon.join("out"));
        let _ = fs::remove_dir_all(&dir);
    }
}
