//! `uppfolj watch`: rebuild on change and serve the reports with live reload.
//!
//! The server runs on tokio and hyper (the stack of `uppfolj serve`) and watches with
//! `notify` (v8); [`watch_command`] wires it to `generate`.
//!
//! * A watcher thread turns file-system events into debounced rebuild requests.
//! * A builder thread runs `build` (one build at a time; changes that arrive during a
//!   build cause exactly one more build afterwards).
//! * The calling thread runs the HTTP/1.1 server (`http`: tokio and hyper, a task per
//!   connection, `Connection: close`) that serves the current output folder and
//!   injects a polling script into every HTML page. The script reloads the page when
//!   `/__uppfolj/version` differs from the version the page was served with.
//! * Each build's findings are printed as `generate` prints them, and its warnings are shown
//!   at the top of every page; the preview's own words (the warnings' heading, the error and
//!   building pages) are those of the report's language file (`preview_*` in
//!   `lang/<language>.yaml`).

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

mod build;
mod events;
mod http;
mod incremental;
mod pages;
mod response;
#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their files and take a unique stamp
mod tests;

use crate::Failure;
use crate::config::Config;
use crate::error::PreviewError;
use build::{Built, Failed, Preview};
use events::{builder_loop, start_watcher};
use http::serve;
pub(crate) use incremental::Kept;
use pages::Words;

/// Watches the data, config, templates and commentary; serves the preview on `port`.
pub fn watch_command(
    data: PathBuf,
    period: String,
    config: Option<PathBuf>,
    out: Option<PathBuf>,
    port: u16,
) -> Result<(), Failure> {
    let initial = Config::read(config.as_deref())?;
    let own_out = out.is_none();
    let out = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("uppfolj-watch-{}", std::process::id()))
    });
    if own_out {
        remove_on_signal(out.clone())?;
    }
    let mut watch = vec![data.clone()];
    watch.extend(config.clone());
    watch.extend(initial.templates.clone());
    watch.extend(initial.comments.clone());
    let words = Words::builtin(&initial.language);
    let opts = WatchOptions {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        watch,
        ignore: vec![out.clone()],
        // Editors write a save within a few milliseconds; a short quiet time keeps a preview
        // of commentary within a few hundred milliseconds of the save.
        debounce: std::time::Duration::from_millis(50),
        words: words.clone(),
    };
    let preview = Preview::new(data, period, config, out, words);
    run(
        opts,
        move |changed| preview.build(changed),
        |addr| {
            println!("serving http://{addr}/");
            println!("uppfolj: watching for changes; stop with Ctrl-C");
        },
    )
    .map_err(Failure::Preview)
}

/// On SIGINT (Ctrl-C) or SIGTERM, removes the preview's own output folder and ends the
/// process with the usual code (128 + the signal).
fn remove_on_signal(out: PathBuf) -> Result<(), Failure> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Failure::Preview(PreviewError::Signals(e)))?;
    thread::Builder::new()
        .name("uppfolj-watch-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // A build may be writing meanwhile: try again while the folder is there.
                for _ in 0..20 {
                    if std::fs::remove_dir_all(&out).is_ok() || !out.exists() {
                        break;
                    }
                    thread::sleep(Duration::from_millis(50));
                }
                std::process::exit(128 + signal);
            }
        })
        .map_err(|reason| {
            Failure::Preview(PreviewError::Thread {
                what: "signal",
                reason,
            })
        })?;
    Ok(())
}

/// Options for [`run`].
#[derive(Debug, Clone)]
pub(crate) struct WatchOptions {
    /// Address to listen on, e.g. `127.0.0.1:8080`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Files or folders to watch (folders recursively). Missing paths are skipped.
    pub watch: Vec<PathBuf>,
    /// Paths whose changes are ignored (the output folder, which may live inside a
    /// watched folder; otherwise every build would trigger the next one).
    pub ignore: Vec<PathBuf>,
    /// Quiet time that ends a burst of events, e.g. 200 ms.
    pub debounce: Duration,
    /// The words of the pages shown before the first build has finished.
    pub words: Words,
}

/// URL path of the build-version endpoint polled by the reload script.
pub(crate) const VERSION_PATH: &str = "/__uppfolj/version";

/// Runs forever (until the process is killed): an initial build, then a rebuild after
/// each debounced change. `build` returns the folder to serve (e.g. `OUT/2020-09`) and the
/// build's findings, or the error text. `on_ready` is called once with the bound address,
/// before the initial build has finished (until then pages show "building…" and reload by
/// themselves).
///
/// Returns `Err` only for start-up failures (binding the address, creating the watcher).
pub(crate) fn run(
    opts: WatchOptions,
    build: impl Fn(Option<&[PathBuf]>) -> Result<Built, Failed> + Send + Sync + 'static,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), PreviewError> {
    let listener = TcpListener::bind(opts.addr).map_err(|reason| PreviewError::Listen {
        addr: opts.addr,
        reason,
    })?;
    let addr = listener.local_addr().map_err(PreviewError::Address)?;

    let state = Arc::new(Shared::new(opts.words.clone()));

    // Builder thread: one build at a time, coalescing requests that queue up meanwhile.
    let (trigger_tx, trigger_rx) = mpsc::channel::<events::Changed>();
    {
        let state = Arc::clone(&state);
        thread::Builder::new()
            .name("uppfolj-watch-build".into())
            .spawn(move || builder_loop(&state, &build, &trigger_rx))
            .map_err(|reason| PreviewError::Thread {
                what: "build",
                reason,
            })?;
    }
    // Initial build.
    let _ = trigger_tx.send(None);

    // Watcher: keep `_watcher` alive for as long as we serve.
    let _watcher = start_watcher(&opts, trigger_tx)?;

    on_ready(addr);
    serve(listener, &state).map_err(|reason| PreviewError::Thread {
        what: "http",
        reason,
    })
}

// ---------------------------------------------------------------------------------------
// Build state

#[derive(Debug, Clone)]
enum BuildResult {
    /// The initial build has not finished yet.
    Pending,
    Ok(PathBuf),
    Failed(String),
}

#[derive(Debug, Clone)]
struct Snapshot {
    /// Changes after every finished build (good or bad). Includes a start-up nonce so
    /// that pages left open across a restart of the server also reload.
    version: String,
    result: BuildResult,
    /// Folder of the last good build, used for assets while the last build failed.
    last_good: Option<PathBuf>,
    /// The words of the preview's own pages, in the language of the last build.
    words: Arc<Words>,
    /// The notice of the last good build's warnings that every page shows (HTML; empty when
    /// there are none).
    notice: Arc<String>,
}

struct Shared {
    nonce: u64,
    inner: Mutex<(u64, Snapshot)>,
}

impl Shared {
    fn new(words: Words) -> Self {
        let nonce = crate::clock::millis_now();
        let snap = Snapshot {
            version: format!("{nonce}-0"),
            result: BuildResult::Pending,
            last_good: None,
            words: Arc::new(words),
            notice: Arc::new(String::new()),
        };
        Shared {
            nonce,
            inner: Mutex::new((0, snap)),
        }
    }

    fn snapshot(&self) -> Snapshot {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.clone()
    }

    fn publish(&self, result: Result<Built, Failed>) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 += 1;
        let n = guard.0;
        let snap = &mut guard.1;
        snap.version = format!("{}-{n}", self.nonce);
        match result {
            Ok(built) => {
                let notice = pages::warnings_notice(&built.warnings, &built.words);
                snap.notice = Arc::new(notice);
                snap.words = built.words;
                snap.last_good = Some(built.dir.clone());
                snap.result = BuildResult::Ok(built.dir);
            }
            Err(failed) => {
                snap.words = failed.words;
                snap.result = BuildResult::Failed(failed.text);
            }
        }
    }
}
