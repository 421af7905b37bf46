//! `uppfolj serve`'s pages in the report's language, over real HTTP against the binary: save
//! times in the config's time zone in the report's form while the JSON API keeps exact UTC;
//! refusals (403, 404, 400, a failed login) in Swedish on the pages while the API keeps its
//! machine-readable codes; and a round text with a section heading inside stays in the section
//! it was written in when `uppfolj generate` publishes it.

use std::path::Path;

use serde_json::{Value, json};

use super::round::{Answer, Server, User, add_user, start_on};
use super::{copy_dir, root};

/// The page's HTML.
fn text(a: &Answer) -> &str {
    a.body.as_str().unwrap_or_default()
}

fn ok(s: &Server, user: &User, method: &str, path: &str, body: Option<Value>) {
    let a = s.call(user, method, path, body);
    assert_eq!(a.status, 200, "{method} {path}: {}", a.body);
}

/// Sets the time of every save of `unit` in the store, as if it had been made then.
fn saved_at(db: &Path, unit: &str, at: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    for table in ["entries", "history"] {
        let sql = format!("UPDATE {table} SET saved_at = ?1 WHERE unit = ?2");
        assert!(c.execute(&sql, [at, unit]).unwrap() > 0, "{table}");
    }
}

#[test]
fn pages_show_save_times_in_local_time_and_the_api_keeps_utc() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("round.db");
    add_user(&db, "ctrl", "controller", &[], "c-pass");
    add_user(&db, "anna", "reporter", &["RS-RK"], "a-pass");
    let s = start_on(Path::new("data/sample"), &db, &["--auth", "password"]);
    let (anna, ctrl) = (s.login("anna", "a-pass"), s.login("ctrl", "c-pass"));
    let text_of = |t: &str| Some(json!({"text": t, "version": 0}));
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1020/commentary/summary",
        text_of("Före."),
    );
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1010/commentary/summary",
        text_of("Efter."),
    );
    // A minute before and a minute after summer time ended (25 October 2026, 01:00 UTC).
    saved_at(&db, "1020", "2026-10-25T00:59:00.000Z");
    saved_at(&db, "1010", "2026-10-25T01:01:00.000Z");

    let unit = s.call(&anna, "GET", "/units/1020", None);
    assert_eq!(unit.status, 200);
    assert!(
        text(&unit).contains("25 oktober 2026 kl. 02.59, anna"),
        "{}",
        text(&unit)
    );
    assert!(!text(&unit).contains("2026-10-25"), "no UTC on the page");
    let start = s.call(&anna, "GET", "/", None);
    assert!(text(&start).contains("25 oktober 2026 kl. 02.59"));
    assert!(text(&start).contains("25 oktober 2026 kl. 02.01"));
    let board = s.call(&ctrl, "GET", "/board", None);
    assert!(text(&board).contains("25 oktober 2026 kl. 02.01"));

    let api = s.call(&anna, "GET", "/api/units/1020", None);
    assert_eq!(
        api.body["commentary"]["summary"]["saved_at"], "2026-10-25T00:59:00.000Z",
        "{}",
        api.body
    );
}

#[test]
fn refusals_are_in_the_reports_language_on_the_pages_and_coded_in_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("round.db");
    add_user(&db, "anna", "reporter", &["RS-RK"], "a-pass");
    let s = start_on(Path::new("data/sample"), &db, &["--auth", "password"]);
    let anna = s.login("anna", "a-pass");

    // Another unit's page: a 403 page in Swedish; the API says why in its words, with a code.
    let page = s.call(&anna, "GET", "/units/2110", None);
    assert_eq!(page.status, 403);
    let html = text(&page);
    assert!(html.contains("<h1>Åtkomst nekad</h1>"), "{html}");
    assert!(
        html.contains("Du har inte behörighet till det här."),
        "{html}"
    );
    assert!(!html.contains("may not"), "{html}");
    let api = s.call(&anna, "GET", "/api/units/2110", None);
    assert_eq!(api.status, 403);
    assert_eq!(api.body["code"], "forbidden");
    assert!(
        api.body["error"]
            .as_str()
            .unwrap()
            .contains("anna may not read unit 2110"),
        "{}",
        api.body
    );

    // A path the server does not have: the 404 page, or JSON under /api/.
    let page = s.call(&anna, "GET", "/ingen/sida", None);
    assert_eq!(page.status, 404);
    assert!(text(&page).contains("<h1>Sidan finns inte</h1>"));
    assert!(text(&page).contains("Det du söker finns inte i den här uppföljningen."));
    let api = s.call(&anna, "GET", "/api/ingenting", None);
    assert_eq!((api.status, &api.body["code"]), (404, &json!("not_found")));

    // A refused forecast and measure: codes (and the measure's row) for the page's words.
    let bad = json!({"deviation": "mycket", "version": 0});
    let api = s.call(&anna, "PUT", "/api/units/1020/forecast", Some(bad));
    assert_eq!(api.status, 400);
    assert_eq!(api.body["code"], "not_an_amount", "{}", api.body);
    let m = |due: &str| json!({"name": "Färre konsulter", "expected": "1 000", "due": due});
    let list = json!({"measures": [m("2020-10"), m("2031-01")], "version": 0});
    let api = s.call(&anna, "PUT", "/api/units/1020/measures", Some(list));
    assert_eq!(api.status, 400);
    assert_eq!(
        (&api.body["code"], &api.body["row"]),
        (&json!("measure_due"), &json!(2))
    );
    // The unit page carries every code's words for its script.
    let unit = s.call(&anna, "GET", "/units/1020", None);
    assert!(
        text(&unit).contains("Åtgärd på rad {row}: klarmånaden är inte en månad"),
        "{}",
        text(&unit)
    );
    let api = s.call(&anna, "POST", "/api/units/1020/approve", None);
    assert_eq!((api.status, &api.body["code"]), (403, &json!("forbidden")));

    // A failed login on the login page: in Swedish; the API's code is `login_failed`.
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut r = agent
        .post(format!("{}/login", s.base))
        .content_type("application/x-www-form-urlencoded")
        .send("user=anna&password=fel")
        .unwrap();
    assert_eq!(r.status(), 401);
    let html = r.body_mut().read_to_string().unwrap();
    assert!(
        html.contains("Okänt användarnamn eller fel lösenord."),
        "{html}"
    );
    let mut r = agent
        .post(format!("{}/api/login", s.base))
        .send_json(json!({"user": "anna", "password": "fel"}))
        .unwrap();
    let body: Value = r.body_mut().read_json().unwrap();
    assert_eq!(body["code"], "login_failed", "{body}");
}

#[test]
fn a_section_heading_in_a_round_text_stays_in_the_section_it_was_written_in() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    std::fs::create_dir_all(&d).unwrap();
    copy_dir(&root().join("data/sample"), &d);
    let mut config = std::fs::read_to_string(d.join("uppfolj.yaml")).unwrap();
    config.push_str("round:\n  db: round.db\n");
    std::fs::write(d.join("uppfolj.yaml"), config).unwrap();
    let db = d.join("round.db");
    add_user(&db, "ctrl", "controller", &[], "c-pass");
    add_user(&db, "anna", "reporter", &["RS-RK"], "a-pass");
    let s = start_on(&d, &db, &["--auth", "password"]);
    let (anna, ctrl) = (s.login("anna", "a-pass"), s.login("ctrl", "c-pass"));
    let summary =
        "Resultatet följer budget.\n\n## Personal\n\nSjukfrånvaron har minskat sedan i våras.";
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1020/commentary/summary",
        Some(json!({"text": summary, "version": 0})),
    );
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1020/commentary/personnel",
        Some(json!({"text": "Två tjänster är vakanta.", "version": 0})),
    );
    // The report page the server shows keeps it in the summary as well.
    let report = s.call(&anna, "GET", "/report/1020.html", None);
    let in_summary = |html: &str| {
        let start = html.find("<section id=\"sammanfattning\">").unwrap();
        let end = start + html[start..].find("</section>").unwrap();
        html[start..end].to_string()
    };
    assert!(in_summary(text(&report)).contains("Sjukfrånvaron har minskat sedan i våras."));
    ok(&s, &anna, "POST", "/api/units/1020/done", None);
    ok(&s, &ctrl, "POST", "/api/units/1020/approve", None);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .current_dir(dir.path())
        .args(["generate", "--data", "d", "--config", "d/uppfolj.yaml"])
        .args(["--out", "out", "--format", "html", "--period", "2020-09"])
        .env("SOURCE_DATE_EPOCH", "1600000000")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("out/2020-09/1020.html")).unwrap();
    let summary = in_summary(&html);
    assert!(
        summary.contains("<h5>Personal</h5>"),
        "the heading stays, one level below the section's (the report shifts a commentary's \
         headings below its own h2 and h3): {summary}"
    );
    assert!(summary.contains("Sjukfrånvaron har minskat sedan i våras."));
    let start = html.find("<section id=\"personal\">").unwrap();
    let end = start + html[start..].find("</section>").unwrap();
    let personnel = &html[start..end];
    assert!(
        personnel.contains("Två tjänster är vakanta."),
        "{personnel}"
    );
    assert!(
        !personnel.contains("Sjukfrånvaron har minskat"),
        "{personnel}"
    );
}

#[test]
fn the_unit_page_shows_the_report_with_each_editor_where_its_commentary_stands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("round.db");
    add_user(&db, "anna", "reporter", &["RS-RK"], "a-pass");
    let s = start_on(Path::new("data/sample"), &db, &["--auth", "password"]);
    let anna = s.login("anna", "a-pass");
    let saved = json!({"text": "Vi anställer **två** sjuksköterskor.", "version": 0});
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1020/commentary/personnel",
        Some(saved),
    );
    let unit = s.call(&anna, "GET", "/units/1020", None);
    assert_eq!(unit.status, 200);
    let html = text(&unit);
    assert!(html.contains("href=\"/static/report.css\""));
    // The report's sections, as `generate` renders them, in the report's order, with each
    // section's editor inside it where the report shows the commentary.
    let section = |id: &str| {
        let start = html
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no section {id}"));
        let end = start + html[start..].find("</section>").unwrap();
        (start, &html[start..end])
    };
    let (summary_at, summary) = section("sammanfattning");
    let (personnel_at, personnel) = section("personal");
    assert!(summary_at < personnel_at);
    assert!(summary.contains("id=\"editor-summary\""), "{summary}");
    assert!(summary.contains("<label for=\"text-summary\">"));
    assert!(personnel.contains("id=\"editor-personnel\""), "{personnel}");
    assert!(
        personnel.contains("Sjukfrånvaron är ack september 2020"),
        "the report's text"
    );
    assert!(
        personnel.contains("Vi anställer <strong>två</strong> sjuksköterskor."),
        "the saved text, as the report renders it: {personnel}"
    );
    assert!(personnel.contains("Vi anställer **två** sjuksköterskor.</textarea>"));
    assert!(!personnel.contains("id=\"editor-summary\""));
    assert!(!html.contains("UPPFOLJSLOT"));
    // The report's own top and its links to other units' pages lead into the round.
    assert_eq!(html.matches("<h1").count(), 1, "one page title");
    assert!(!html.contains("href=\"RS-RK.html\""));
    let css = s.call(&anna, "GET", "/static/report.css", None);
    assert!(text(&css).contains(".comment"));
}
