//! End-to-end test over [`run`](super::run): a real watcher, builder and server on a free
//! port; and the temporary folders the other modules' tests use.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::response::Body;
use super::*;
use crate::diag::Findings;

pub(super) fn temp_dir(tag: &str) -> PathBuf {
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
    let make = move |_: Option<&[PathBuf]>| -> Result<PathBuf, String> {
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
    let words = Words::builtin("en");
    let w = Arc::new(words.clone());
    let build = move |changed: Option<&[PathBuf]>| match make(changed) {
        Ok(dir) => Ok(Built {
            dir,
            printed: Vec::new(),
            warnings: Vec::new(),
            words: w.clone(),
        }),
        Err(text) => Err(Failed {
            text,
            words: w.clone(),
        }),
    };
    let opts = WatchOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        watch: vec![dir.clone(), dir.join("does-not-exist")],
        ignore: vec![out.clone()],
        debounce: Duration::from_millis(100),
        words,
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
    // Blank lines before a request line are passed over (RFC 9112, 2.2): a client that sends
    // nothing else and closes gets no answer, and the server goes on.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"\r\n\r\n").unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    assert!(
        resp.is_empty() || resp.starts_with(b"HTTP/1.1 4"),
        "{}",
        String::from_utf8_lossy(&resp)
    );
    drop(TcpStream::connect(addr).unwrap()); // connect and close at once
    assert_eq!(get(addr, "/").0, 200);

    let _ = fs::remove_dir_all(&dir);
}

/// An edit of one unit's commentary rewrites that unit's page alone, as a full build would
/// write it; a changed data file is not commentary.
#[test]
fn commentary_edit_rewrites_only_its_page() {
    let dir = temp_dir("kept");
    let data = dir.join("data");
    fs::create_dir_all(data.join("comments/2020-02")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for f in ["ledger.csv", "units.csv", "forecast.csv"] {
        fs::copy(fixture.join(f), data.join(f)).unwrap();
    }
    let note = data.join("comments/2020-02/A1.md");
    fs::write(&note, "Första texten.\n").unwrap();
    let opts = |out: &str| crate::GenerateOptions {
        data: data.clone(),
        period: "2020-02".into(),
        out: dir.join(out),
        config: None,
        formats: crate::Formats::html_only(),
        if_changed: false,
        wait: Duration::from_secs(5),
        progress: None,
        keep_versions: false,
    };
    let mut findings = Findings::default();
    let (done, kept) = crate::generate_kept(&opts("out"), &mut findings)
        .unwrap_or_else(|e| panic!("{e:?}: {:?}", findings.errors().collect::<Vec<_>>()));
    let mut kept = kept.unwrap();
    let page = |name: &str| fs::read_to_string(done.out_dir.join(name)).unwrap();
    let (a2_before, a_before) = (page("A2.html"), page("A.html"));

    fs::write(&note, "Andra texten, efter redigering.\n").unwrap();
    let month = data.join("comments/2020-02").canonicalize().unwrap();
    assert!(kept.only_commentary(&[month.join("A1.md")]));
    assert!(!kept.only_commentary(&[month.join("A1.md"), data.join("ledger.csv")]));
    assert!(!kept.only_commentary(&[]));
    assert_eq!(
        super::incremental::commentary_only(&mut kept, &mut findings).unwrap(),
        1
    );
    assert!(page("A1.html").contains("Andra texten, efter redigering."));
    assert_eq!((page("A2.html"), page("A.html")), (a2_before, a_before));

    // The same page as a full build writes it, but for the time it says it was made.
    let (full, _) = crate::generate_kept(&opts("full"), &mut findings).unwrap();
    let without_time = |t: String| {
        t.lines()
            .filter(|l| !l.contains("skapad"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_time(page("A1.html")),
        without_time(fs::read_to_string(full.out_dir.join("A1.html")).unwrap())
    );
    let _ = fs::remove_dir_all(&dir);
}

/// A copy of the fixture `mini` in a fresh folder, with `A1.md` as the commentary of unit A1
/// for 2020-02: (the folder, the data folder, the commentary file).
fn mini(tag: &str, a1: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = temp_dir(tag);
    let data = dir.join("data");
    fs::create_dir_all(data.join("comments/2020-02")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for f in ["ledger.csv", "units.csv", "forecast.csv"] {
        fs::copy(fixture.join(f), data.join(f)).unwrap();
    }
    let note = data.join("comments/2020-02/A1.md");
    fs::write(&note, a1).unwrap();
    (dir, data, note)
}

/// A page as the preview serves it now: (status, HTML).
fn served(state: &Shared, name: &str) -> (u16, String) {
    let response = pages::respond(&format!("/{name}"), state);
    let Body::Bytes(body) = response.body else {
        panic!("{name}: a page is served from memory");
    };
    (response.status, String::from_utf8(body).unwrap())
}

/// The warning of `check` and `generate` for text under a heading the unit has no section for.
const DROPPED: &str = "the text under the heading for Personnel is not published: the report of unit A1 has no such section (no staffing table, or no rows in it for the unit); move the text under another heading or above the first";

/// Commentary under `## Personal` for a unit without a staffing table is a warning of the
/// preview as of `generate`: in the terminal and on every page, after a full build and after
/// an edit of the commentary alone, and gone once the heading is.
#[test]
fn dropped_commentary_warns_in_the_terminal_and_on_the_page() {
    let dropped = "Bra månad.\n\n## Personal\nSjukfrånvaron minskar.\n";
    let (dir, data, note) = mini("dropped", dropped);
    let expected = format!("warning: {}: {DROPPED}", note.display());
    let on_page = format!(
        "<li>{}</li>",
        crate::render::templates::escape_html(&expected)
    );
    let preview = Preview::new(
        data.clone(),
        "2020-02".into(),
        None,
        dir.join("out"),
        Words::builtin("sv"),
    );
    let state = Shared::new(Words::builtin("sv"));
    let lines = |f: &[crate::diag::Finding]| f.iter().map(|f| f.to_string()).collect::<Vec<_>>();

    // A full build: every finding of `generate` for the terminal, the warnings on each page.
    let built = preview.build(None).unwrap();
    let printed = lines(&built.printed);
    assert!(printed.contains(&expected), "{printed:#?}");
    assert!(built.warnings.contains(&expected), "{:#?}", built.warnings);
    let mut generated = Findings::default();
    let opts = crate::GenerateOptions {
        data: data.clone(),
        period: "2020-02".into(),
        out: dir.join("generated"),
        config: None,
        formats: crate::Formats::html_only(),
        if_changed: false,
        wait: Duration::from_secs(5),
        progress: None,
        keep_versions: false,
    };
    crate::generate(&opts, &mut generated).unwrap();
    assert_eq!(
        printed,
        lines(&generated.items),
        "the findings of `generate`"
    );
    let other = built.warnings.len() - 1; // the ledger's account without a category
    state.publish(Ok(built));
    for page in ["A1.html", "index.html", "A.html"] {
        let (status, html) = served(&state, page);
        assert_eq!(status, 200);
        assert!(html.contains(&on_page), "{page}: {html}");
        assert!(html.contains("<div id=\"uppfolj-warnings\" role=\"status\" lang=\"sv\""));
        assert!(html.contains("<strong>Varningar</strong>"), "{page}");
    }

    // The heading taken away in the commentary alone: only it is read again, and the
    // warning is gone; the data's warnings stay on the page.
    let month = data.join("comments/2020-02").canonicalize().unwrap();
    let saved = [month.join("A1.md")];
    fs::write(&note, "Bra månad.\n\nSjukfrånvaron minskar.\n").unwrap();
    let built = preview.build(Some(&saved)).unwrap();
    assert!(built.printed.is_empty(), "{:#?}", built.printed);
    assert_eq!(built.warnings.len(), other, "{:#?}", built.warnings);
    state.publish(Ok(built));
    let (_, html) = served(&state, "A1.html");
    assert!(!html.contains(DROPPED), "{html}");
    assert!(html.contains("Sjukfrånvaron minskar."));

    // And put back: the warning is back, in the terminal and on the page.
    fs::write(&note, dropped).unwrap();
    let built = preview.build(Some(&saved)).unwrap();
    assert_eq!(lines(&built.printed), std::slice::from_ref(&expected));
    assert_eq!(built.warnings.len(), other + 1);
    assert_eq!(built.warnings.last(), Some(&expected));
    state.publish(Ok(built));
    let (status, html) = served(&state, "A1.html");
    assert_eq!(status, 200);
    assert!(html.contains(&on_page), "{html}");
    let _ = fs::remove_dir_all(&dir);
}

/// The page of a failed build speaks the report's language: the config's as it now reads,
/// and the last one's when the config cannot be read.
#[test]
fn error_page_speaks_the_config_language() {
    let dir = temp_dir("lang");
    let data = dir.join("data"); // no ledger: every build fails
    fs::create_dir_all(&data).unwrap();
    let config = dir.join("uppfolj.yaml");
    let preview = Preview::new(
        data,
        "2020-02".into(),
        Some(config.clone()),
        dir.join("out"),
        Words::builtin("sv"),
    );
    let state = Shared::new(Words::builtin("sv"));
    let page = |language: &str| {
        fs::write(&config, language).unwrap();
        let failed = preview.build(None).unwrap_err();
        assert!(!failed.text.is_empty());
        state.publish(Err(failed));
        let (status, html) = served(&state, "index.html");
        assert_eq!(status, 500);
        html
    };
    let en = page("language: en\n");
    assert!(
        en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{en}"
    );
    assert!(en.contains("<h1>Build failed</h1>"), "{en}");
    assert!(en.contains("<p>This page reloads by itself after the next successful build.</p>"));
    let sv = page("language: sv\n");
    assert!(
        sv.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"),
        "{sv}"
    );
    assert!(
        sv.contains("<h1>Rapporterna kunde inte skapas</h1>"),
        "{sv}"
    );
    assert!(sv.contains("<p>Sidan laddas om av sig själv efter nästa lyckade körning.</p>"));
    assert!(!sv.contains("Build failed"));
    // The default language is Swedish.
    assert!(page("").contains("<h1>Rapporterna kunde inte skapas</h1>"));
    // A config that cannot be read: the language of the last build stays.
    let _ = page("language: en\n");
    let broken = page("language: [en\n");
    assert!(broken.contains("<h1>Build failed</h1>"), "{broken}");
    let _ = fs::remove_dir_all(&dir);
}
