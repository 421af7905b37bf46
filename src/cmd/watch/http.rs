//! The HTTP/1.1 server: accepting connections, reading the request line, writing the
//! response.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use super::Shared;
use super::pages::respond;
use super::response::{Body, Response};

/// Longest request head we accept.
const MAX_HEAD: usize = 16 * 1024;
/// Connections served at the same time; further ones are closed at once.
const MAX_CONNECTIONS: usize = 64;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) fn serve(listener: &TcpListener, state: &Arc<Shared>) {
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
