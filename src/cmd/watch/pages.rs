//! What is served: files of the current build, the version endpoint, the injected
//! live-reload script, and the error and building pages.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::http::{Body, Response};
use super::{BuildResult, Shared, VERSION_PATH};

pub(super) fn respond(target: &str, state: &Shared) -> Response {
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
.then(function(t){{if(t&&t!==v){{location.reload()}}else{{setTimeout(p,100)}}}})\
.catch(function(){{setTimeout(p,1000)}})}}\
setTimeout(p,100)}})();</script>"
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

fn error_page(err: &str, version: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>uppfolj: build failed</title>\
<style>body{{font-family:sans-serif;margin:2em}}h1{{color:#b00020}}\
pre{{background:#fff0f0;border:1px solid #b00020;padding:1em;white-space:pre-wrap}}</style>\
</head><body><h1>Build failed</h1><pre id=\"uppfolj-error\">{}</pre>\
<p>This page reloads by itself after the next successful build.</p>{}</body></html>\n",
        crate::render::html::escape_html(err),
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

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write the files they serve
mod tests {
    use super::super::tests::temp_dir;
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
            "<pre id=\"uppfolj-error\">bad &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; \
             &amp; &quot;q&quot;</pre>"
        ));
        assert!(!page.contains("<script>alert"));
        assert!(
            page.contains("var v=\"5-6\""),
            "error page must carry the reload script"
        );
        assert_eq!(page.matches("</body>").count(), 1);
    }
}
