//! What is served: files of the current build, the version endpoint, the injected
//! live-reload script and notice of the build's warnings, and the error and building pages,
//! in the report's language.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::response::{Body, Response};
use super::{BuildResult, Shared, VERSION_PATH};
use crate::render::templates::escape_html;

/// The words of the preview's own pages and notices, in the report's language: the
/// `preview_*` labels (and `html_lang`) of `lang/<language>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Words {
    /// The report language, as the config names it (`sv`, `en`).
    pub language: String,
    html_lang: String,
    failed: String,
    reloads: String,
    building: String,
    warnings: String,
    warnings_note: String,
}

impl Words {
    /// From the words of a run's templates (the user's language file, with the built-in
    /// file's words for any it lacks).
    pub(crate) fn from_labels(language: &str, labels: &BTreeMap<String, String>) -> Words {
        let word = |key: &str| labels.get(key).cloned().unwrap_or_else(|| key.to_string());
        Words {
            language: language.to_string(),
            html_lang: word("html_lang"),
            failed: word("preview_failed"),
            reloads: word("preview_reloads"),
            building: word("preview_building"),
            warnings: word("preview_warnings"),
            warnings_note: word("preview_warnings_note"),
        }
    }

    /// The built-in words of a language (Swedish, the default, for a language without a
    /// built-in file).
    pub(crate) fn builtin(language: &str) -> Words {
        let file = |language: &str| {
            let name = format!("lang/{language}.yaml");
            crate::render::templates::builtin()
                .into_iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, text)| crate::present::Lang::parse(text, &name).ok())
        };
        match file(language) {
            Some(lang) => Words::from_labels(language, &lang.labels),
            None => Words::from_labels("sv", &file("sv").map(|l| l.labels).unwrap_or_default()),
        }
    }
}

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
        BuildResult::Ok(dir) => serve_file(dir, &rel, &snap.version, &snap.notice),
        BuildResult::Failed(err) if wants_html => Response::html(
            500,
            error_page(err, &snap.version, &snap.words).into_bytes(),
        ),
        BuildResult::Failed(_) => match &snap.last_good {
            Some(dir) => serve_file(dir, &rel, &snap.version, ""),
            None => Response::text(404, "not found (last build failed)\n"),
        },
        BuildResult::Pending if wants_html => {
            Response::html(503, building_page(&snap.version, &snap.words).into_bytes())
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

/// A file of the build; a page gets the reload script and `notice` (HTML, may be empty).
fn serve_file(root: &Path, rel: &Path, version: &str, notice: &str) -> Response {
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
            Ok(bytes) => Response::html(
                200,
                inject_reload_script(&inject_notice(&bytes, notice), version),
            ),
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

/// The notice of a build's warnings at the top of every page: each finding as the terminal
/// shows it, under a heading in the report's language. Empty when there are none.
pub(super) fn warnings_notice(warnings: &[String], words: &Words) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let items: String = warnings
        .iter()
        .map(|w| format!("<li>{}</li>", escape_html(w)))
        .collect();
    format!(
        "<div id=\"uppfolj-warnings\" role=\"status\" lang=\"{}\" style=\"margin:0 0 1em;\
padding:.5em 1em;border:2px solid #8a5a00;background:#fff8e1;color:#2b2000\">\
<p style=\"margin:0\"><strong>{}</strong> ({})</p>\
<ul style=\"margin:.25em 0;padding-left:1.25em;overflow-wrap:anywhere\">{items}</ul></div>",
        escape_html(&words.html_lang),
        escape_html(&words.warnings),
        escape_html(&words.warnings_note),
    )
}

/// Inserts `notice` just after the opening tag of the page's first `<main>` (inside its
/// landmark), else of its `<body>`, else at the start. Works on a copy, as the reload script.
fn inject_notice(html: &[u8], notice: &str) -> Vec<u8> {
    if notice.is_empty() {
        return html.to_vec();
    }
    let pos = after_open_tag(html, b"<main")
        .or_else(|| after_open_tag(html, b"<body"))
        .unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + notice.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(notice.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

/// Where the first opening tag `open` (e.g. `<main`, any case) ends, just past its `>`.
fn after_open_tag(html: &[u8], open: &[u8]) -> Option<usize> {
    let start = html.windows(open.len()).enumerate().find_map(|(i, w)| {
        let next = html.get(i + open.len()).copied();
        (w.eq_ignore_ascii_case(open) && next.is_some_and(|b| b == b'>' || b.is_ascii_whitespace()))
            .then_some(i)
    })?;
    let end = html[start..].iter().position(|&b| b == b'>')?;
    Some(start + end + 1)
}

fn error_page(err: &str, version: &str, words: &Words) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>uppfolj: {}</title>\
<style>body{{font-family:sans-serif;margin:2em}}h1{{color:#b00020}}\
pre{{background:#fff0f0;border:1px solid #b00020;padding:1em;white-space:pre-wrap}}</style>\
</head><body><main><h1>{}</h1><pre id=\"uppfolj-error\">{}</pre>\
<p>{}</p></main>{}</body></html>\n",
        escape_html(&words.html_lang),
        escape_html(&words.failed),
        escape_html(&words.failed),
        escape_html(err),
        escape_html(&words.reloads),
        reload_script(version)
    )
}

fn building_page(version: &str, words: &Words) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>uppfolj: {}</title>\
</head><body><main><p>{}</p></main>{}</body></html>\n",
        escape_html(&words.html_lang),
        escape_html(&words.building),
        escape_html(&words.building),
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
        let resp = serve_file(&dir, Path::new(""), "3-4", "");
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
        let page = error_page(
            "bad <script>alert('x')</script> & \"q\"",
            "5-6",
            &Words::builtin("en"),
        );
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

    /// The error and building pages speak the report's language, from its language file.
    #[test]
    fn error_page_speaks_the_report_language() {
        let sv = error_page("fel", "1", &Words::builtin("sv"));
        assert!(
            sv.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"),
            "{sv}"
        );
        assert!(sv.contains("<title>uppfolj: Rapporterna kunde inte skapas</title>"));
        assert!(sv.contains("<h1>Rapporterna kunde inte skapas</h1>"));
        assert!(sv.contains("<p>Sidan laddas om av sig själv efter nästa lyckade körning.</p>"));
        let en = error_page("bad", "1", &Words::builtin("en"));
        assert!(
            en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{en}"
        );
        assert!(en.contains("<h1>Build failed</h1>"));
        assert!(en.contains("<p>This page reloads by itself after the next successful build.</p>"));
        assert!(building_page("1", &Words::builtin("sv")).contains("<p>Rapporterna skapas…</p>"));
        assert!(building_page("1", &Words::builtin("en")).contains("<p>Building the reports…</p>"));
        // A language without a built-in file falls back to Swedish.
        assert_eq!(Words::builtin("fi"), Words::builtin("sv"));
    }

    #[test]
    fn notice_goes_first_inside_main() {
        let words = Words::builtin("en");
        let notice = warnings_notice(&["warning: a.md: <b> & more".to_string()], &words);
        assert!(notice.contains("role=\"status\""));
        assert!(notice.contains("<strong>Warnings</strong>"));
        assert!(notice.contains("<li>warning: a.md: &lt;b&gt; &amp; more</li>"));
        let html = b"<html><body class=x><a>skip</a><MAIN id=\"m\"><h1>T</h1></MAIN></body></html>";
        let out = String::from_utf8(inject_notice(html, &notice)).unwrap();
        assert_eq!(
            out,
            format!(
                "<html><body class=x><a>skip</a><MAIN id=\"m\">{notice}<h1>T</h1></MAIN></body></html>"
            )
        );
        let out = String::from_utf8(inject_notice(b"<body><mainly></body>", "N")).unwrap();
        assert_eq!(out, "<body>N<mainly></body>");
        assert_eq!(inject_notice(b"<p>x</p>", "N"), b"N<p>x</p>");
        assert_eq!(inject_notice(b"<p>x</p>", ""), b"<p>x</p>");
        assert_eq!(warnings_notice(&[], &words), "");
    }
}
