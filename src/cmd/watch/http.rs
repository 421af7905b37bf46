//! The preview's HTTP server on the same stack as `uppfolj serve`: tokio and hyper (the
//! HTTP/1.1 implementation under axum). Each request is answered by [`respond`] on tokio's
//! blocking pool (it reads files of the build); requests other than `GET` and `HEAD` get 405,
//! and a request hyper cannot parse gets hyper's 400. Every response closes its connection
//! and carries `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`; header names
//! are written in title case, as browsers and the tests have always seen them.

use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body as HttpBody;
use axum::http::{Method, Request, Response as HttpResponse, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::Shared;
use super::pages::respond;
use super::response::{Body, Response};

/// Longest request head we accept.
const MAX_HEAD: usize = 16 * 1024;
/// Connections served at the same time; further ones are closed at once.
const MAX_CONNECTIONS: usize = 64;
/// How long a client may take to send its request head.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `listener` until the process ends; an error only when the runtime cannot start.
pub(super) fn serve(listener: TcpListener, state: &Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("uppfolj-watch-http")
        .enable_io()
        .enable_time()
        .build()?;
    let state = Arc::clone(state);
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let active = Arc::new(AtomicUsize::new(0));
        loop {
            let stream = match listener.accept().await {
                Ok((s, _)) => s,
                Err(e) => {
                    // E.g. too many open files: back off instead of spinning.
                    eprintln!("watch: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                continue; // dropping the stream closes it
            }
            active.fetch_add(1, Ordering::SeqCst);
            let guard = ActiveGuard(Arc::clone(&active));
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let _guard = guard;
                let service = hyper::service::service_fn(move |req| {
                    let state = Arc::clone(&state);
                    async move { Ok::<_, Infallible>(handle(req, state).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(IO_TIMEOUT)
                    .max_buf_size(MAX_HEAD)
                    .title_case_headers(true)
                    .keep_alive(false)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

struct ActiveGuard(Arc<AtomicUsize>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One request: `GET` and `HEAD` are answered by the pages (hyper leaves out the body of a
/// `HEAD` answer), anything else is 405.
async fn handle<B>(req: Request<B>, state: Arc<Shared>) -> HttpResponse<HttpBody> {
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return reply(Response::text(405, "method not allowed\n"));
    }
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let answered = tokio::task::spawn_blocking(move || {
        let r = respond(&target, &state);
        read_body(r)
    })
    .await;
    match answered {
        Ok(Ok(r)) => reply(r),
        Ok(Err(e)) => reply(Response::text(500, &format!("cannot read the file: {e}\n"))),
        Err(_) => reply(Response::text(500, "internal error\n")),
    }
}

/// The response with a file body read into memory (the build's files are pages and their
/// assets, a few megabytes at most).
fn read_body(r: Response) -> std::io::Result<Response> {
    use std::io::Read;
    match r.body {
        Body::Bytes(_) => Ok(r),
        Body::File(f, len) => {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            f.take(len).read_to_end(&mut bytes)?;
            Ok(Response {
                body: Body::Bytes(bytes),
                ..r
            })
        }
    }
}

/// The page's response as HTTP, with the headers every answer of the preview carries.
fn reply(r: Response) -> HttpResponse<HttpBody> {
    let bytes = match r.body {
        Body::Bytes(b) => b,
        Body::File(..) => Vec::new(),
    };
    let len = bytes.len();
    let mut out = HttpResponse::new(HttpBody::from(bytes));
    *out.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = out.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(r.content_type),
    );
    h.insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    out
}
