//! `uppfolj watch`: rebuild on change and serve the reports with live reload.
//!
//! Self-contained: depends only on `std` and `notify` (v8).
//!
//! * A watcher thread turns file-system events into debounced rebuild requests.
//! * A builder thread runs `build` (one build at a time; changes that arrive during a
//!   build cause exactly one more build afterwards).
//! * The calling thread runs a tiny HTTP/1.1 server (`std::net`, one short-lived thread
//!   per connection, `Connection: close`) that serves the current output folder and
//!   injects a polling script into every HTML page. The script reloads the page when
//!   `/__uppfolj/version` differs from the version the page was served with.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{EventKind, RecursiveMode, Watcher};

/// Options for [`run`].
#[derive(Debug, Clone)]
pub(super) struct WatchOptions {
    /// Address to listen on, e.g. `127.0.0.1:8080`; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Files or folders to watch (folders recursively). Missing paths are skipped.
    pub watch: Vec<PathBuf>,
    /// Paths whose changes are ignored (the output folder, which may live inside a
    /// watched folder; otherwise every build would trigger the next one).
    pub ignore: Vec<PathBuf>,
    /// Quiet time that ends a burst of events, e.g. 200 ms.
    pub debounce: Duration,
}

/// URL path of the build-version endpoint polled by the reload script.
pub(super) const VERSION_PATH: &str = "/__uppfolj/version";

/// Upper bound on how long a continuous stream of events can postpone a rebuild.
const MAX_DEBOUNCE_FACTOR: u32 = 10;
/// Longest request head we accept.
const MAX_HEAD: usize = 16 * 1024;
/// Connections served at the same time; further ones are closed at once.
const MAX_CONNECTIONS: usize = 64;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs forever (until the process is killed): an initial build, then a rebuild after
/// each debounced change. `build` returns the folder to serve (e.g. `OUT/2020-09`) or an
/// error text. `on_ready` is called once with the bound address, before the initial
/// build has finished (until then pages show "building…" and reload by themselves).
///
/// Returns `Err` only for start-up failures (binding the address, creating the watcher).
pub(super) fn run(
    opts: WatchOptions,
    build: impl Fn() -> Result<PathBuf, String> + Send + Sync + 'static,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    let listener =
        TcpListener::bind(opts.addr).map_err(|e| format!("cannot listen on {}: {e}", opts.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;

    let state = Arc::new(Shared::new());

    // Builder thread: one build at a time, coalescing requests that queue up meanwhile.
    let (trigger_tx, trigger_rx) = mpsc::channel::<()>();
    {
        let state = Arc::clone(&state);
        thread::Builder::new()
            .name("uppfolj-watch-build".into())
            .spawn(move || builder_loop(&state, &build, &trigger_rx))
            .map_err(|e| format!("cannot start the build thread: {e}"))?;
    }
    // Initial build.
    let _ = trigger_tx.send(());

    // Watcher: keep `_watcher` alive for as long as we serve.
    let _watcher = start_watcher(&opts, trigger_tx)?;

    on_ready(addr);
    serve(&listener, &state);
    Ok(())
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
}

struct Shared {
    nonce: u64,
    inner: Mutex<(u64, Snapshot)>,
}

impl Shared {
    fn new() -> Self {
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let snap = Snapshot {
            version: format!("{nonce}-0"),
            result: BuildResult::Pending,
            last_good: None,
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

    fn publish(&self, result: Result<PathBuf, String>) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 += 1;
        let n = guard.0;
        let snap = &mut guard.1;
        snap.version = format!("{}-{n}", self.nonce);
        match result {
            Ok(dir) => {
                snap.last_good = Some(dir.clone());
                snap.result = BuildResult::Ok(dir);
            }
            Err(e) => snap.result = BuildResult::Failed(e),
        }
    }
}

fn builder_loop(
    state: &Shared,
    build: &(dyn Fn() -> Result<PathBuf, String> + Send + Sync),
    triggers: &Receiver<()>,
) {
    while triggers.recv().is_ok() {
        // Everything that queued up while we waited or built is covered by this build.
        while triggers.try_recv().is_ok() {}
        let start = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(build))
            .unwrap_or_else(|p| Err(format!("build panicked: {}", panic_text(p.as_ref()))));
        let ms = start.elapsed().as_millis();
        match &result {
            Ok(_) => eprintln!("rebuilt in {ms} ms"),
            Err(e) => eprintln!("build failed: {e}"),
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

// ---------------------------------------------------------------------------------------
// File watching

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

fn start_watcher(
    opts: &WatchOptions,
    trigger: Sender<()>,
) -> Result<notify::RecommendedWatcher, String> {
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| format!("cannot start file watcher: {e}"))?;

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
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
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
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
            filter.files.push(canon);
        }
    }

    let debounce = opts.debounce;
    thread::Builder::new()
        .name("uppfolj-watch-events".into())
        .spawn(move || event_loop(&rx, &filter, debounce, &trigger))
        .map_err(|e| format!("cannot start the watch thread: {e}"))?;
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

fn event_loop(
    rx: &Receiver<notify::Result<notify::Event>>,
    filter: &WatchFilter,
    debounce: Duration,
    trigger: &Sender<()>,
) {
    let max_wait = debounce * MAX_DEBOUNCE_FACTOR;
    while let Ok(event) = rx.recv() {
        if !event_is_relevant(&event, filter) {
            continue;
        }
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
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if trigger.send(()).is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

fn serve(listener: &TcpListener, state: &Arc<Shared>) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // E.g. too many open files: back off instead of spinning.
                eprintln!("watch: accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            continue; // dropping the stream closes it
        }
        active.fetch_add(1, Ordering::SeqCst);
        let state = Arc::clone(state);
        let guard = ActiveGuard(Arc::clone(&active));
        let spawned = thread::Builder::new()
            .name("uppfolj-watch-http".into())
            .spawn(move || {
                let _guard = guard;
                let _ = handle_connection(stream, &state);
            });
        if let Err(e) = spawned {
            // The closure (and with it the guard) is dropped, which releases the slot.
            eprintln!("watch: cannot start a connection thread: {e}");
        }
    }
}

struct ActiveGuard(Arc<AtomicUsize>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Body,
}

enum Body {
    Bytes(Vec<u8>),
    File(fs::File, u64),
}

impl Response {
    fn text(status: u16, text: &str) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Body::Bytes(text.as_bytes().to_vec()),
        }
    }
    fn html(status: u16, html: Vec<u8>) -> Self {
        Response {
            status,
            content_type: "text/html; charset=utf-8",
            body: Body::Bytes(html),
        }
    }
}

fn handle_connection(mut stream: TcpStream, state: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let head = match read_head(&mut stream)? {
        Some(h) => h,
        None => return Ok(()), // closed before sending a request
    };
    let (method, target) = match parse_request_line(&head) {
        Some(x) => x,
        None => return write_response(&mut stream, Response::text(400, "bad request\n"), false),
    };
    let head_only = method == "HEAD";
    let response = if method == "GET" || head_only {
        respond(&target, state)
    } else {
        Response::text(405, "method not allowed\n")
    };
    write_response(&mut stream, response, head_only)
}

/// Reads up to the end of the request head. `None` if the peer closed without a request.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(if buf.is_empty() { None } else { Some(buf) });
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            return Ok(Some(buf));
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too long",
            ));
        }
    }
}

fn parse_request_line(head: &[u8]) -> Option<(String, String)> {
    let line_end = head.iter().position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&head[..line_end])
        .ok()?
        .trim_end_matches('\r');
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some() || !version.starts_with("HTTP/") || method.is_empty() {
        return None;
    }
    Some((method.to_string(), target.to_string()))
}

fn write_response(stream: &mut TcpStream, resp: Response, head_only: bool) -> io::Result<()> {
    let len = match &resp.body {
        Body::Bytes(b) => b.len() as u64,
        Body::File(_, len) => *len,
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {len}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        match resp.body {
            Body::Bytes(b) => stream.write_all(&b)?,
            Body::File(f, len) => {
                io::copy(&mut f.take(len), stream)?;
            }
        }
    }
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn respond(target: &str, state: &Shared) -> Response {
    // Strip query and fragment; only origin-form targets are served.
    let path_part = target.split(['?', '#']).next().unwrap_or("");
    if path_part == VERSION_PATH {
        return Response::text(200, &state.snapshot().version);
    }
    let Some(rel) = safe_relative_path(path_part) else {
        return Response::text(404, "not found\n");
    };
    let snap = state.snapshot();
    let wants_html = is_html_request(&rel);
    match &snap.result {
        BuildResult::Ok(dir) => serve_file(dir, &rel, &snap.version),
        BuildResult::Failed(err) if wants_html => {
            Response::html(500, error_page(err, &snap.version).into_bytes())
        }
        BuildResult::Failed(_) => match &snap.last_good {
            Some(dir) => serve_file(dir, &rel, &snap.version),
            None => Response::text(404, "not found (last build failed)\n"),
        },
        BuildResult::Pending if wants_html => {
            Response::html(503, building_page(&snap.version).into_bytes())
        }
        BuildResult::Pending => Response::text(503, "building\n"),
    }
}

/// `/`, folders (trailing slash) and `*.html`/`*.htm` are pages.
fn is_html_request(rel: &Path) -> bool {
    rel.as_os_str().is_empty()
        || matches!(
            rel.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("html" | "htm")
        )
        || rel.extension().is_none()
}

fn serve_file(root: &Path, rel: &Path, version: &str) -> Response {
    let mut path = root.join(rel);
    if path.is_dir() {
        path.push("index.html");
    }
    // Defence in depth against symlinks that point out of the output folder.
    let (Ok(canon_root), Ok(canon)) = (root.canonicalize(), path.canonicalize()) else {
        return Response::text(404, "not found\n");
    };
    if !canon.starts_with(&canon_root) || !canon.is_file() {
        return Response::text(404, "not found\n");
    }
    let content_type = content_type(&canon);
    if content_type.starts_with("text/html") {
        match fs::read(&canon) {
            Ok(bytes) => Response::html(200, inject_reload_script(&bytes, version)),
            Err(_) => Response::text(404, "not found\n"),
        }
    } else {
        match fs::File::open(&canon).and_then(|f| {
            let len = f.metadata()?.len();
            Ok((f, len))
        }) {
            Ok((f, len)) => Response {
                status: 200,
                content_type,
                body: Body::File(f, len),
            },
            Err(_) => Response::text(404, "not found\n"),
        }
    }
}

/// Turns a request path into a relative path with only normal components, or `None` if
/// it is malformed or tries to leave the served folder. Percent-escapes are decoded
/// before the check, so `%2e%2e` and `%2f` cannot smuggle a traversal through.
fn safe_relative_path(url_path: &str) -> Option<PathBuf> {
    if !url_path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(url_path)?;
    let decoded = String::from_utf8(decoded).ok()?;
    let mut out = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => continue,
            ".." => return None,
            s if s.contains(['\\', '\0', ':']) => return None,
            s => out.push(s),
        }
    }
    // Paranoia: after all of the above, only normal components may remain.
    if out.components().all(|c| matches!(c, Component::Normal(_))) {
        Some(out)
    } else {
        None
    }
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// The polling script, with the version the page was served with. It reloads as soon as
/// the server reports a different version, and keeps retrying (slower) while the server
/// is unreachable, so a restarted server is picked up too.
fn reload_script(version: &str) -> String {
    // `version` is digits and '-', but escape anyway: it ends up inside a JS string.
    let v: String = version
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        "<script>/* uppfolj watch: live reload */(function(){{var v=\"{v}\";\
function p(){{fetch(\"{VERSION_PATH}\",{{cache:\"no-store\"}})\
.then(function(r){{return r.text()}})\
.then(function(t){{if(t&&t!==v){{location.reload()}}else{{setTimeout(p,500)}}}})\
.catch(function(){{setTimeout(p,1000)}})}}\
setTimeout(p,500)}})();</script>"
    )
}

/// Inserts the reload script just before the last `</body>` (case-insensitive), or at the
/// end if there is none. Works on a copy: the file on disk is never touched.
fn inject_reload_script(html: &[u8], version: &str) -> Vec<u8> {
    let script = reload_script(version);
    let needle = b"</body>";
    let pos = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn error_page(err: &str, version: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>uppfolj: build failed</title>\
<style>body{{font-family:sans-serif;margin:2em}}h1{{color:#b00020}}\
pre{{background:#fff0f0;border:1px solid #b00020;padding:1em;white-space:pre-wrap}}</style>\
</head><body><h1>Build failed</h1><pre id=\"uppfolj-error\">{}</pre>\
<p>This page reloads by itself after the next successful build.</p>{}</body></html>\n",
        escape_html(err),
        reload_script(version)
    )
}

fn building_page(version: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>uppfolj: building…</title>\
</head><body><p>Building the reports…</p>{}</body></html>\n",
        reload_script(version)
    )
}

// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        let ok = |s: &str| safe_relative_path(s).map(|p| p.to_string_lossy().into_owned());
        assert_eq!(ok("/").as_deref(), Some(""));
        assert_eq!(ok("/index.html").as_deref(), Some("index.html"));
        assert_eq!(ok("/a/b.css").as_deref(), Some("a/b.css"));
        assert_eq!(ok("/a/./b.css").as_deref(), Some("a/b.css"));
        assert_eq!(ok("//etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(ok("/r%C3%A4kning.html").as_deref(), Some("räkning.html"));
        assert_eq!(ok("/a%20b.pdf").as_deref(), Some("a b.pdf"));
        for bad in [
            "/..",
            "/../etc/passwd",
            "/a/../../b",
            "/a/../b", // even harmless `..` is refused
            "/%2e%2e/secret",
            "/%2E%2E%2Fsecret",
            "/a%2f..%2f..%2fsecret",
            "/..%5csecret",
            "/a\\..\\b",
            "/C:/Windows",
            "/%00",
            "/%zz",
            "/%2",
            "/%ff%fe", // not UTF-8
            "relative",
            "http://example.com/x",
            "",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn content_types() {
        let ct = |s: &str| content_type(Path::new(s));
        assert_eq!(ct("a.html"), "text/html; charset=utf-8");
        assert_eq!(ct("A.HTM"), "text/html; charset=utf-8");
        assert_eq!(ct("s.css"), "text/css; charset=utf-8");
        assert_eq!(ct("c.svg"), "image/svg+xml");
        assert_eq!(ct("d.json"), "application/json");
        assert_eq!(ct("r.pdf"), "application/pdf");
        assert_eq!(
            ct("t.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(ct("noext"), "application/octet-stream");
        assert_eq!(ct("x.bin"), "application/octet-stream");
    }

    #[test]
    fn html_requests() {
        assert!(is_html_request(Path::new("")));
        assert!(is_html_request(Path::new("a/index.HTML")));
        assert!(is_html_request(Path::new("folder")));
        assert!(!is_html_request(Path::new("style.css")));
        assert!(!is_html_request(Path::new("r.pdf")));
    }

    #[test]
    fn injection_before_last_body() {
        let html = b"<html><body><p>x</p><!-- </body> --></BODY></html>";
        let out = String::from_utf8(inject_reload_script(html, "1-2")).unwrap();
        let script_at = out.find("<script>").unwrap();
        assert!(out[script_at..].starts_with("<script>/* uppfolj watch"));
        assert!(out.ends_with("</script></BODY></html>"), "{out}");
        assert!(out.contains("var v=\"1-2\""));
        assert!(out.contains(VERSION_PATH));
        assert_eq!(
            out.replace(&reload_script("1-2"), ""),
            std::str::from_utf8(html).unwrap()
        );
    }

    #[test]
    fn injection_without_body_appends() {
        let out = inject_reload_script(b"<p>fragment</p>", "7");
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("<p>fragment</p><script>"));
        assert!(out.ends_with("</script>"));
    }

    #[test]
    fn injection_leaves_file_on_disk_alone() {
        let dir = temp_dir("inject");
        let file = dir.join("index.html");
        let original = "<html><body>hi</body></html>";
        fs::write(&file, original).unwrap();
        let resp = serve_file(&dir, Path::new(""), "3-4");
        assert_eq!(resp.status, 200);
        let Body::Bytes(body) = resp.body else {
            panic!("expected bytes")
        };
        assert!(String::from_utf8(body).unwrap().contains("uppfolj watch"));
        assert_eq!(fs::read_to_string(&file).unwrap(), original);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn reload_script_sanitizes_version() {
        let s = reload_script("1\";alert(1);//</script>");
        assert!(s.contains("var v=\"1alert1script\""));
        assert_eq!(s.matches("</script>").count(), 1);
    }

    #[test]
    fn error_page_escapes() {
        let page = error_page("bad <script>alert('x')</script> & \"q\"", "5-6");
        assert!(page.contains(
            "<pre id=\"uppfolj-error\">bad &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; \
             &amp; &quot;q&quot;</pre>"
        ));
        assert!(!page.contains("<script>alert"));
        assert!(
            page.contains("var v=\"5-6\""),
            "error page must carry the reload script"
        );
        assert_eq!(page.matches("</body>").count(), 1);
    }

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

    fn temp_dir(tag: &str) -> PathBuf {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "uppfolj-watch-{tag}-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Minimal HTTP/1.1 client: (status, body).
    fn get(addr: SocketAddr, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read response");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").expect("response head");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        assert!(head.contains("Cache-Control: no-store"), "{head}");
        (status, body.to_string())
    }

    fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if cond() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}");
    }

    #[test]
    fn end_to_end_rebuild_error_and_recovery() {
        let dir = temp_dir("e2e");
        let comment = dir.join("comment.md");
        // The output lives inside the watched folder: it must be ignored, or each build
        // would trigger the next.
        let out = dir.join("out");
        fs::write(&comment, "first text").unwrap();
        fs::write(dir.join("secret.txt"), "top secret").unwrap();

        let builds = Arc::new(AtomicUsize::new(0));
        let (c, o, b) = (comment.clone(), out.clone(), Arc::clone(&builds));
        let build = move || -> Result<PathBuf, String> {
            b.fetch_add(1, Ordering::SeqCst);
            let text = fs::read_to_string(&c).map_err(|e| e.to_string())?;
            if text.contains("BROKEN") {
                return Err(format!("comment.md: cannot parse <{}>", text.trim()));
            }
            let page = o.join("2020-09");
            fs::create_dir_all(&page).map_err(|e| e.to_string())?;
            fs::write(
                page.join("index.html"),
                format!(
                    "<html><head><title>{0}</title></head><body><p>{0}</p></body></html>",
                    text.trim()
                ),
            )
            .map_err(|e| e.to_string())?;
            fs::write(page.join("style.css"), "p{}").map_err(|e| e.to_string())?;
            Ok(page)
        };
        let opts = WatchOptions {
            addr: "127.0.0.1:0".parse().unwrap(),
            watch: vec![dir.clone(), dir.join("does-not-exist")],
            ignore: vec![out.clone()],
            debounce: Duration::from_millis(100),
        };
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let r = run(opts, build, move |a| {
                let _ = tx.send(a);
            });
            panic!("run returned: {r:?}");
        });
        let addr = rx.recv_timeout(Duration::from_secs(5)).expect("on_ready");
        assert_eq!(addr.ip().to_string(), "127.0.0.1");
        assert_ne!(addr.port(), 0);

        let version = || get(addr, VERSION_PATH).1;
        wait_for("first build", || {
            let (st, body) = get(addr, "/");
            st == 200 && body.contains("<p>first text</p>")
        });
        let (st, body) = get(addr, "/");
        assert_eq!(st, 200);
        assert!(body.contains(&format!("var v=\"{}\"", version())), "{body}");

        // Other routes.
        assert_eq!(get(addr, "/style.css"), (200, "p{}".to_string()));
        assert_eq!(get(addr, "/index.html").0, 200);
        assert_eq!(get(addr, "/missing.html").0, 404);
        assert_eq!(get(addr, "/../secret.txt").0, 404);
        assert_eq!(get(addr, "/%2e%2e/secret.txt").0, 404);
        assert_eq!(get(addr, "/..%2fsecret.txt").0, 404);

        // No rebuild loop: the builds write into the watched folder, but it is ignored.
        let v1 = version();
        let n1 = builds.load(Ordering::SeqCst);
        thread::sleep(Duration::from_millis(800));
        assert_eq!(
            version(),
            v1,
            "version changed without an edit (rebuild loop?)"
        );
        assert_eq!(builds.load(Ordering::SeqCst), n1);
        assert_eq!(n1, 1, "exactly one initial build");

        // Edit → new version and new text.
        fs::write(&comment, "second text").unwrap();
        wait_for("rebuild after edit", || {
            version() != v1 && get(addr, "/").1.contains("<p>second text</p>")
        });

        // Broken edit → error page (HTML requests), assets still served, server alive.
        let v2 = version();
        fs::write(&comment, "BROKEN <b>").unwrap();
        wait_for("error page", || version() != v2 && get(addr, "/").0 == 500);
        let (st, body) = get(addr, "/");
        assert_eq!(st, 500);
        assert!(
            body.contains("cannot parse &lt;BROKEN &lt;b&gt;&gt;"),
            "{body}"
        );
        assert!(body.contains("<pre"), "{body}");
        assert!(body.contains(&format!("var v=\"{}\"", version())), "{body}");
        assert_eq!(get(addr, "/index.html").0, 500);
        assert_eq!(get(addr, "/style.css").0, 200);

        // Editor-style save: write a temp file and rename it over the original.
        let v3 = version();
        let tmp = dir.join("comment.md.tmp");
        fs::write(&tmp, "third text").unwrap();
        fs::rename(&tmp, &comment).unwrap();
        wait_for("recovery", || {
            version() != v3 && get(addr, "/").1.contains("<p>third text</p>")
        });
        assert_eq!(get(addr, "/").0, 200);

        // A burst of edits is coalesced into few builds.
        let before = builds.load(Ordering::SeqCst);
        for i in 0..20 {
            fs::write(&comment, format!("burst {i}")).unwrap();
            thread::sleep(Duration::from_millis(5));
        }
        wait_for("burst rebuild", || {
            get(addr, "/").1.contains("<p>burst 19</p>")
        });
        thread::sleep(Duration::from_millis(400));
        let burst_builds = builds.load(Ordering::SeqCst) - before;
        assert!(
            (1..=3).contains(&burst_builds),
            "{burst_builds} builds for one burst"
        );

        // Bad requests do not take the server down.
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"\r\n\r\n",
            b"POST / HTTP/1.1\r\n\r\n",
            b"\xff\xfe\r\n\r\n",
        ] {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(raw).unwrap();
            let mut resp = Vec::new();
            let _ = s.read_to_end(&mut resp);
            assert!(
                resp.starts_with(b"HTTP/1.1 4"),
                "{}",
                String::from_utf8_lossy(&resp)
            );
        }
        drop(TcpStream::connect(addr).unwrap()); // connect and close at once
        assert_eq!(get(addr, "/").0, 200);

        let _ = fs::remove_dir_all(&dir);
    }
}
