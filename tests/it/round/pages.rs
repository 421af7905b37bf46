//! `uppfolj serve`'s pages for the browser over real HTTP: the API's access rules on every
//! page (403 page and audit row), the pages' policy (no inline script), the login form and
//! logout with their origin and token checks, and the server-rendered preview.

use serde_json::json;

use super::{Server, User, add_user, audit_rows, setup, start};

/// An answer without following redirects: status, `location`, `set-cookie`, the policy and
/// the text.
struct Page {
    status: u16,
    location: String,
    set_cookie: String,
    csp: String,
    text: String,
}

/// A request with the given headers and body, redirects not followed.
fn page(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Page {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build(),
    );
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", s.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut r = agent.run(req.body(body.to_string()).unwrap()).unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (location, set_cookie, csp) = (
        header("location"),
        header("set-cookie"),
        header("content-security-policy"),
    );
    Page {
        status: r.status().as_u16(),
        location,
        set_cookie,
        csp,
        text: r.body_mut().read_to_string().unwrap(),
    }
}

fn get(s: &Server, user: &User, path: &str) -> Page {
    page(s, "GET", path, &[("cookie", &user.cookie)], "")
}

/// Every script of a page is a file of the server's own; none is inline.
fn no_inline_script(html: &str) {
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(tag.contains("src=\"/static/"), "an inline script: {tag}");
    }
}

#[test]
fn every_page_follows_the_apis_access_rules() {
    let (_dir, db, s) = setup();
    let bo = s.login("bo", "b-pass");
    let ctrl = s.login("ctrl", "c-pass");
    // Without a session: the login page.
    let anon = page(&s, "GET", "/units/2110", &[], "");
    assert_eq!((anon.status, anon.location.as_str()), (303, "/login"));
    let login = page(&s, "GET", "/login", &[], "");
    assert!(login.text.contains("action=\"/login\""), "{}", login.text);

    // Bo reports for HSN-PV-N: its units, not RS-RK's, nor the board.
    let before = audit_rows(&db);
    for path in ["/units/1010", "/report/1010.html", "/board"] {
        let p = get(&s, &bo, path);
        assert_eq!(p.status, 403, "{path}");
        assert!(p.text.contains("Åtkomst nekad"), "{path}: {}", p.text);
    }
    assert_eq!(audit_rows(&db), before + 3);
    let start = get(&s, &bo, "/");
    assert_eq!(start.status, 200);
    assert!(start.text.contains("href=\"/units/2110\""));
    assert!(!start.text.contains("href=\"/units/1010\""));
    assert!(!start.text.contains("href=\"/board\""));

    let unit = get(&s, &bo, "/units/2110");
    assert_eq!(unit.status, 200);
    for want in [
        "<label for=\"text-summary\">",
        "id=\"preview-summary\"",
        "<meta name=\"csrf-token\"",
        "id=\"forecast-value\"",
        "data-action=\"done\"",
        "href=\"/report/2110.html\"",
    ] {
        assert!(unit.text.contains(want), "{want} missing");
    }
    // A reporter neither approves nor sends back.
    assert!(!unit.text.contains("data-action=\"approve\""));
    assert!(unit.csp.contains("script-src 'self'"), "{}", unit.csp);
    assert!(!unit.csp.contains("unsafe"), "{}", unit.csp);
    no_inline_script(&unit.text);
    assert_eq!(get(&s, &bo, "/units/NOPE").status, 404);

    // The report page: the page generate makes, with no script allowed.
    let report = get(&s, &bo, "/report/2110.html");
    assert_eq!(report.status, 200);
    assert!(report.text.contains("Hälsocentralen Åsbacka"));
    assert!(!report.text.contains("<script"));
    assert!(
        report.csp.starts_with("default-src 'none'"),
        "{}",
        report.csp
    );
    assert!(!report.csp.contains("script-src"), "{}", report.csp);

    let board = get(&s, &ctrl, "/board?committee=RS");
    assert_eq!(board.status, 200);
    assert!(board.text.contains("id=\"board-1010\""));
    assert!(
        !board.text.contains("id=\"board-2110\""),
        "the filter keeps RS's units"
    );
    assert!(board.text.contains("href=\"/api/board.csv\""));
    no_inline_script(&board.text);

    let js = page(&s, "GET", "/static/round.js", &[], "");
    assert_eq!(js.status, 200);
    assert!(js.text.contains("X-CSRF-Token"));
}

#[test]
fn a_text_saved_in_the_round_is_on_the_unit_and_report_pages() {
    let (_dir, _db, s) = setup();
    let bo = s.login("bo", "b-pass");
    let text = "Besöken har **ökat**. <script>alert(1)</script>";
    let r = s.call(
        &bo,
        "PUT",
        "/api/units/2110/commentary/summary",
        Some(json!({"text": text, "version": 0})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let unit = get(&s, &bo, "/units/2110");
    assert!(unit.text.contains("<strong>ökat</strong>"), "the preview");
    assert!(unit.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!unit.text.contains("<script>alert"));
    let report = get(&s, &bo, "/report/2110.html");
    assert!(
        report.text.contains("<strong>ökat</strong>"),
        "the report page"
    );
    assert!(!report.text.contains("<script>alert"));
}

#[test]
fn the_preview_renders_markdown_as_the_reports_do_and_needs_the_token() {
    let (_dir, db, s) = setup();
    let anna = s.login("anna", "a-pass");
    let body = json!({"text": "# Rubrik\n\n**fet** <img src=x onerror=alert(1)>"});
    let r = s.call(&anna, "POST", "/api/preview", Some(body.clone()));
    assert_eq!(r.status, 200, "{}", r.body);
    let html = r.body["html"].as_str().unwrap();
    assert!(html.contains("<h3>Rubrik</h3>"), "{html}");
    assert!(html.contains("<strong>fet</strong>"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    let before = audit_rows(&db);
    let no_token = s.raw(
        "POST",
        "/api/preview",
        Some(body.clone()),
        &[("cookie", &anna.cookie)],
    );
    assert_eq!(no_token.status, 403);
    let foreign = s.raw(
        "POST",
        "/api/preview",
        Some(body),
        &[
            ("cookie", &anna.cookie),
            ("x-csrf-token", &anna.token),
            ("origin", "http://evil.example"),
        ],
    );
    assert_eq!(foreign.status, 403);
    assert_eq!(audit_rows(&db), before + 2);
    let long = json!({"text": "x".repeat(20_001)});
    assert_eq!(
        s.call(&anna, "POST", "/api/preview", Some(long)).status,
        400
    );
}

#[test]
fn logging_in_and_out_through_the_pages() {
    let (_dir, _db, s) = setup();
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let wrong = page(&s, "POST", "/login", &form, "user=anna&password=fel");
    assert_eq!(wrong.status, 401);
    assert!(wrong.text.contains("role=\"alert\""), "{}", wrong.text);
    assert!(wrong.text.contains("value=\"anna\""), "the name is kept");
    let foreign = [form[0], ("origin", "http://evil.example")];
    let refused = page(&s, "POST", "/login", &foreign, "user=anna&password=a-pass");
    assert_eq!(refused.status, 403);
    assert!(refused.set_cookie.is_empty());

    let ok = page(&s, "POST", "/login", &form, "user=anna&password=a-pass");
    assert_eq!((ok.status, ok.location.as_str()), (303, "/"));
    assert!(ok.set_cookie.contains("HttpOnly") && ok.set_cookie.contains("SameSite=Strict"));
    let cookie = ok.set_cookie.split(';').next().unwrap().to_string();
    let start = page(&s, "GET", "/", &[("cookie", &cookie)], "");
    assert_eq!(start.status, 200);
    let token = start
        .text
        .split("<meta name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_string();

    // Logging out needs the session's token and the same origin.
    let with_cookie = [form[0], ("cookie", cookie.as_str())];
    let no_token = page(&s, "POST", "/logout", &with_cookie, "csrf=");
    assert_eq!(no_token.status, 403);
    let out = page(
        &s,
        "POST",
        "/logout",
        &with_cookie,
        &format!("csrf={token}"),
    );
    assert_eq!((out.status, out.location.as_str()), (303, "/login"));
    let after = page(&s, "GET", "/api/session", &[("cookie", &cookie)], "");
    assert_eq!(after.status, 401, "the session is closed");
}

#[test]
fn behind_a_proxy_the_pages_use_the_proxys_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("round.db");
    add_user(&db, "bo", "reporter", &["HSN-PV-N"], "");
    let s = start(
        &db,
        &["--auth", "header", "--trusted-proxy", "127.0.0.1/32"],
    );
    let bo = [("x-forwarded-user", "bo")];
    let start = page(&s, "GET", "/", &bo, "");
    assert_eq!(start.status, 200);
    assert!(start.text.contains("<strong>bo</strong>"), "{}", start.text);
    assert!(start.text.contains("href=\"/units/2110\""));
    assert!(
        !start.text.contains("action=\"/logout\""),
        "no logout behind a proxy"
    );
    assert_eq!(page(&s, "GET", "/units/1010", &bo, "").status, 403);
    // Without the header: refused, not sent to a login page there is none of.
    let anon = page(&s, "GET", "/", &[], "");
    assert_eq!(anon.status, 401);
    assert_eq!(page(&s, "GET", "/login", &bo, "").location, "/");
}
