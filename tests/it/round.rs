//! `uppfolj serve`: the round's API over real HTTP against the real binary on a free port,
//! with its store in a temporary folder.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use super::root;

/// The pages for the browser.
mod pages;

/// A running `uppfolj serve`, killed when dropped.
pub(super) struct Server {
    child: Child,
    pub(super) base: String,
    /// The server's standard output, kept open while it runs.
    _out: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_uppfolj"));
    c.current_dir(root());
    c
}

fn start(db: &Path, auth: &[&str]) -> Server {
    start_on(Path::new("data/sample"), db, auth)
}

pub(super) fn start_on(data: &Path, db: &Path, auth: &[&str]) -> Server {
    let mut child = bin()
        .arg("serve")
        .arg("--data")
        .arg(data)
        .args([
            "--config",
            "data/sample/uppfolj.yaml",
            "--listen",
            "127.0.0.1:0",
            "--insecure-cookies",
            "--db",
        ])
        .arg(db)
        .args(auth)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("serving ")
        .unwrap_or_else(|| panic!("no address: {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server {
        child,
        base,
        _out: out,
    }
}

pub(super) fn add_user(db: &Path, name: &str, role: &str, units: &[&str], password: &str) {
    let mut args = vec!["round", "user", "add", name, "--role", role];
    for u in units {
        args.extend(["--unit", u]);
    }
    let mut child = bin()
        .args(&args)
        .arg("--db")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait().unwrap().success());
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    )
}

/// A logged-in user: the session cookie and the CSRF token.
pub(super) struct User {
    cookie: String,
    token: String,
}

/// The answer: status, body as JSON (or the text as a JSON string) and the headers.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Value,
    headers: ureq::http::HeaderMap,
}

impl Server {
    pub(super) fn login(&self, name: &str, password: &str) -> User {
        let mut r = agent()
            .post(format!("{}/api/login", self.base))
            .send_json(json!({"user": name, "password": password}))
            .unwrap();
        assert_eq!(r.status(), 200, "login of {name}");
        let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        let body: Value = r.body_mut().read_json().unwrap();
        User {
            cookie: set.split(';').next().unwrap().to_string(),
            token: body["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// A request as `user` (with the session's token unless `extra` replaces it).
    pub(super) fn call(
        &self,
        user: &User,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        self.raw(
            method,
            path,
            body,
            &[("cookie", &user.cookie), ("x-csrf-token", &user.token)],
        )
    }

    fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        self.try_raw(method, path, body, headers).unwrap()
    }

    /// The request; an error when the server does not answer.
    fn try_raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Result<Answer, ureq::Error> {
        let a = agent();
        let url = format!("{}{path}", self.base);
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let text = body.map(|b| b.to_string()).unwrap_or_default();
        let req = req
            .header("content-type", "application/json")
            .body(text)
            .unwrap();
        let mut r = a.run(req)?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let s = r.body_mut().read_to_string()?;
        let body = serde_json::from_str(&s).unwrap_or(Value::String(s));
        Ok(Answer {
            status,
            body,
            headers,
        })
    }
}

fn audit_rows(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Server) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("round.db");
    add_user(&db, "ctrl", "controller", &[], "c-pass");
    add_user(&db, "anna", "reporter", &["RS-RK"], "a-pass");
    add_user(&db, "bo", "reporter", &["HSN-PV-N"], "b-pass");
    add_user(&db, "rita", "reader", &["RS-RK"], "r-pass");
    let server = start(&db, &["--auth", "password"]);
    (dir, db, server)
}

#[test]
fn another_units_data_is_refused_for_every_endpoint_and_role() {
    let (_dir, db, s) = setup();
    let bo = s.login("bo", "b-pass");
    let rita = s.login("rita", "r-pass");
    let anna = s.login("anna", "a-pass");
    let text = json!({"text": "x", "version": 0});
    let fc = json!({"deviation": "100", "version": 0});
    let ms = json!({"measures": [], "version": 0});
    let back = json!({"comment": "no"});
    let all: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/units/1010".into(), None),
        ("GET", "/api/units/1010/history".into(), None),
        (
            "PUT",
            "/api/units/1010/commentary/summary".into(),
            Some(text.clone()),
        ),
        ("PUT", "/api/units/1010/forecast".into(), Some(fc.clone())),
        ("PUT", "/api/units/1010/measures".into(), Some(ms.clone())),
        ("POST", "/api/units/1010/done".into(), None),
        ("POST", "/api/units/1010/approve".into(), None),
        ("POST", "/api/units/1010/return".into(), Some(back.clone())),
        ("GET", "/api/board.csv".into(), None),
    ];
    let before = audit_rows(&db);
    for (m, p, b) in &all {
        let a = s.call(&bo, m, p, b.clone());
        assert_eq!(a.status, 403, "bo {m} {p}: {}", a.body);
    }
    // A reader reads the units named, and changes nothing.
    for (m, p, b) in &all {
        let a = s.call(&rita, m, p, b.clone());
        let want = if *m == "GET" && !p.ends_with(".csv") {
            200
        } else {
            403
        };
        assert_eq!(a.status, want, "rita {m} {p}: {}", a.body);
    }
    // A reporter writes the units named, but approves nothing and sees no board.
    for (m, p, b) in &all[6..] {
        let a = s.call(&anna, m, p, b.clone());
        assert_eq!(a.status, 403, "anna {m} {p}: {}", a.body);
    }
    assert_eq!(s.call(&rita, "GET", "/api/units/2110", None).status, 403);
    assert_eq!(audit_rows(&db), before + 9 + 7 + 3 + 1);
    // What a reporter sees in the round: the units of the subtree only.
    let r = s.call(&anna, "GET", "/api/round", None);
    let codes: Vec<&str> = r.body["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["RS-RK", "1010", "1020", "1030"]);
    assert!(
        r.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}

#[test]
fn cross_site_requests_and_bad_input_are_refused() {
    let (_dir, db, s) = setup();
    let anna = s.login("anna", "a-pass");
    let body = json!({"text": "x", "version": 0});
    let path = "/api/units/1010/commentary/summary";
    let before = audit_rows(&db);
    let foreign = s.raw(
        "PUT",
        path,
        Some(body.clone()),
        &[
            ("cookie", &anna.cookie),
            ("x-csrf-token", &anna.token),
            ("origin", "http://evil.example"),
        ],
    );
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    let no_token = s.raw("PUT", path, Some(body.clone()), &[("cookie", &anna.cookie)]);
    assert_eq!(no_token.status, 403, "{}", no_token.body);
    let wrong = s.raw(
        "PUT",
        path,
        Some(body.clone()),
        &[("cookie", &anna.cookie), ("x-csrf-token", "0123")],
    );
    assert_eq!(wrong.status, 403);
    assert_eq!(audit_rows(&db), before + 3);
    let own = s.base.clone();
    let same = s.raw(
        "PUT",
        path,
        Some(body.clone()),
        &[
            ("cookie", &anna.cookie),
            ("x-csrf-token", &anna.token),
            ("origin", &own),
        ],
    );
    assert_eq!(same.status, 200, "{}", same.body);
    let none = s.raw("GET", "/api/round", None, &[]);
    assert_eq!(none.status, 401);
    // 404s and 400s with their reasons.
    let nf = s.call(
        &anna,
        "PUT",
        "/api/units/NOPE/commentary/summary",
        Some(body.clone()),
    );
    assert_eq!(nf.status, 404);
    let ns = s.call(
        &anna,
        "PUT",
        "/api/units/1010/commentary/nonsense",
        Some(body),
    );
    assert_eq!(ns.status, 404);
    let amount = s.call(
        &anna,
        "PUT",
        "/api/units/1010/forecast",
        Some(json!({"deviation": "tolv", "version": 0})),
    );
    assert_eq!(amount.status, 400);
    assert!(
        amount.body["error"]
            .as_str()
            .unwrap()
            .contains("not an amount")
    );
    let measure = |due: &str| json!({"measures": [{"name": "Färre hyrläkare", "expected": "-250 000", "decided": "2020-03-02", "due": due, "status": "pågår"}], "version": 0});
    let late = s.call(
        &anna,
        "PUT",
        "/api/units/1010/measures",
        Some(measure("2021-03")),
    );
    assert_eq!(late.status, 400);
    assert!(
        late.body["error"].as_str().unwrap().contains("due month"),
        "{}",
        late.body
    );
    let long = "å".repeat(20_001);
    let too_long = s.call(
        &anna,
        "PUT",
        "/api/units/1010/commentary/personnel",
        Some(json!({"text": long, "version": 0})),
    );
    assert_eq!(too_long.status, 400);
    let ok = s.call(
        &anna,
        "PUT",
        "/api/units/1010/measures",
        Some(measure("2020-11")),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let bad_date =
        json!({"measures": [{"name": "X", "expected": 1, "decided": "2 mars"}], "version": 1});
    let bad = s.call(&anna, "PUT", "/api/units/1010/measures", Some(bad_date));
    assert_eq!(bad.status, 400);
    let minimal = json!({"measures": [{"name": "Y", "expected": "-1,5"}], "version": 1});
    let ok = s.call(&anna, "PUT", "/api/units/1010/measures", Some(minimal));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let unit = s.call(&anna, "GET", "/api/units/1010", None).body;
    assert_eq!(unit["measures"]["measures"][0]["expected_ore"], -150);
    assert_eq!(unit["measures"]["measures"][0]["due"], "");
    assert_eq!(unit["measures"]["version"], 2);
    let h = s.call(&anna, "GET", "/api/units/1010/history", None).body;
    let first = &h["history"].as_array().unwrap()[1];
    assert_eq!(first["content"]["measures"][0]["expected_ore"], -25_000_000);
}

#[test]
fn a_stale_save_is_refused_with_the_current_text_and_both_are_kept() {
    let (_dir, _db, s) = setup();
    let anna = s.login("anna", "a-pass");
    let ctrl = s.login("ctrl", "c-pass");
    let path = "/api/units/1020/commentary/summary";
    let a = s.call(
        &anna,
        "PUT",
        path,
        Some(json!({"text": "Annas text", "version": 0})),
    );
    assert_eq!((a.status, a.body["version"].clone()), (200, json!(1)));
    let c = s.call(
        &ctrl,
        "PUT",
        path,
        Some(json!({"text": "Controllerns text", "version": 0})),
    );
    assert_eq!(c.status, 409);
    assert_eq!(c.body["current"]["text"], "Annas text");
    assert_eq!(c.body["current"]["version"], 1);
    let c2 = s.call(
        &ctrl,
        "PUT",
        path,
        Some(json!({"text": "Controllerns text", "version": 1})),
    );
    assert_eq!(c2.status, 200);
    let h = s.call(&anna, "GET", "/api/units/1020/history", None).body;
    let texts: Vec<&str> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["content"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Annas text", "Controllerns text"]);
}

#[test]
fn a_unit_goes_through_the_round_and_the_board_lists_the_rest() {
    let (dir, db, s) = setup();
    let anna = s.login("anna", "a-pass");
    let ctrl = s.login("ctrl", "c-pass");
    let state = |u: &User| s.call(u, "GET", "/api/units/1030", None).body["state"].clone();
    let fc = s.call(
        &anna,
        "PUT",
        "/api/units/1030/forecast",
        Some(json!({"deviation": "-1 200 000,50", "version": 0})),
    );
    assert_eq!(fc.status, 200, "{}", fc.body);
    assert_eq!(state(&anna)["state"], "draft");
    assert_eq!(
        s.call(&ctrl, "POST", "/api/units/1030/approve", None)
            .status,
        409
    );
    assert_eq!(
        s.call(&anna, "POST", "/api/units/1030/done", None).status,
        200
    );
    let back = s.call(
        &ctrl,
        "POST",
        "/api/units/1030/return",
        Some(json!({"comment": "Prognosen saknar åtgärderna"})),
    );
    assert_eq!(back.status, 200, "{}", back.body);
    let st = state(&anna);
    assert_eq!(st["state"], "sent_back");
    assert_eq!(st["comment"], "Prognosen saknar åtgärderna");
    let fixed = s.call(
        &anna,
        "PUT",
        "/api/units/1030/forecast",
        Some(json!({"deviation": -900_000, "version": 1})),
    );
    assert_eq!(fixed.status, 200);
    assert_eq!(state(&anna)["state"], "sent_back");
    assert_eq!(
        s.call(&anna, "POST", "/api/units/1030/done", None).status,
        200
    );
    assert_eq!(
        s.call(&ctrl, "POST", "/api/units/1030/approve", None)
            .status,
        200
    );
    assert_eq!(state(&ctrl)["state"], "approved");
    let after = s.call(
        &anna,
        "PUT",
        "/api/units/1030/forecast",
        Some(json!({"deviation": 1, "version": 2})),
    );
    assert_eq!(after.status, 409);
    let unit = s.call(&anna, "GET", "/api/units/1030", None).body;
    assert_eq!(unit["forecast"]["deviation_ore"], -90_000_000);
    assert!(unit["figures"]["actual_ore"].is_i64());
    // The board: every unit not done, in tree order; 1030 is approved, 1020 a draft.
    s.call(
        &anna,
        "PUT",
        "/api/units/1020/commentary/summary",
        Some(json!({"text": "t", "version": 0})),
    );
    let csv = s.call(&ctrl, "GET", "/api/board.csv", None);
    assert_eq!(csv.status, 200);
    let text = csv.body.as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "unit,name,state,saved_by,saved_at,comment");
    assert!(
        lines[1].starts_with("RM,Region Mittland,not_started,,,"),
        "{text}"
    );
    assert!(!text.contains("\n1030,"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("1020,HR-enheten,draft,anna,")),
        "{text}"
    );
    // A backup while the server runs is a consistent store with every save.
    let copy = dir.path().join("copy.db");
    let out = bin()
        .args(["round", "backup", "--db"])
        .arg(&db)
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = rusqlite::Connection::open(&copy).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let saves: i64 = c
        .query_row("SELECT count(*) FROM history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(saves, 3);
}

#[test]
fn the_user_header_is_believed_only_from_a_trusted_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("round.db");
    add_user(&db, "ctrl", "controller", &[], "");
    {
        let s = start(
            &db,
            &["--auth", "header", "--trusted-proxy", "127.0.0.1/32"],
        );
        let a = s.raw("GET", "/api/session", None, &[("x-forwarded-user", "ctrl")]);
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.body["controller"], true);
        let token = a.body["csrf_token"].as_str().unwrap().to_string();
        let hdr = [
            ("x-forwarded-user", "ctrl"),
            ("x-csrf-token", token.as_str()),
        ];
        let done = s.raw("POST", "/api/units/1010/done", None, &hdr);
        assert_eq!(done.status, 200, "{}", done.body);
        let no_token = s.raw("POST", "/api/units/1010/approve", None, &hdr[..1]);
        assert_eq!(no_token.status, 403);
        // An account without a password cannot log in.
        let login = s.raw(
            "POST",
            "/api/login",
            Some(json!({"user": "ctrl", "password": ""})),
            &[],
        );
        assert_eq!(login.status, 404);
    }
    let before = audit_rows(&db);
    let s = start(&db, &["--auth", "header", "--trusted-proxy", "10.0.0.0/8"]);
    let a = s.raw("GET", "/api/round", None, &[("x-forwarded-user", "ctrl")]);
    assert_eq!(a.status, 401, "{}", a.body);
    assert_eq!(audit_rows(&db), before + 1);
}

#[test]
fn login_attempts_are_rate_limited() {
    let (_dir, _db, s) = setup();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let a = s.raw(
            "POST",
            "/api/login",
            Some(json!({"user": "anna", "password": "wrong"})),
            &[],
        );
        statuses.push(a.status);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
}

#[test]
fn every_acknowledged_save_survives_a_killed_server() {
    let (_dir, db, mut s) = setup();
    let anna = s.login("anna", "a-pass");
    let acked = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for section in ["summary", "personnel", "agency", "activity"] {
            let (s, anna, acked) = (&s, &anna, &acked);
            scope.spawn(move || {
                let path = format!("/api/units/1010/commentary/{section}");
                for version in 0..10_000 {
                    let body = json!({"text": format!("{section} {version}"), "version": version});
                    let auth = [
                        ("cookie", anna.cookie.as_str()),
                        ("x-csrf-token", &anna.token),
                    ];
                    let Ok(a) = s.try_raw("PUT", &path, Some(body), &auth) else {
                        return;
                    };
                    assert_eq!(a.status, 200, "{}", a.body);
                    acked.lock().unwrap().push((section, version + 1));
                }
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(700));
        // SIGKILL: no shutdown code runs, as when the process or the machine dies.
        let pid = s.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-KILL", &pid])
                .status()
                .unwrap()
                .success()
        );
    });
    let _ = s.child.wait();
    let acked = acked.into_inner().unwrap();
    assert!(
        acked.len() > 4,
        "too few saves before the kill: {}",
        acked.len()
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for (section, version) in &acked {
        let text: String = c
            .query_row(
                "SELECT content FROM history WHERE unit = '1010' AND section = ?1 AND version = ?2",
                rusqlite::params![section, version],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{section} version {version} acknowledged but lost: {e}"));
        assert!(text.contains(&format!("{section} {}", version - 1)));
    }
    // A restart continues the round from the stored versions.
    drop(c);
    let s = start(&db, &["--auth", "password"]);
    let anna = s.login("anna", "a-pass");
    let unit = s.call(&anna, "GET", "/api/units/1010", None).body;
    let last = acked
        .iter()
        .filter(|(k, _)| *k == "summary")
        .map(|(_, v)| *v)
        .max()
        .unwrap_or(0);
    assert!(unit["commentary"]["summary"]["version"].as_i64().unwrap() >= last);
}

#[test]
fn the_reporters_table_grants_too_and_rights_are_the_union() {
    let data = tempfile::tempdir().unwrap();
    super::copy_dir(&root().join("data/sample"), data.path());
    std::fs::write(
        data.path().join("reporters.csv"),
        "user;unit;role\neva;2110;reporter\nbo;1010;reader\n",
    )
    .unwrap();
    let db = data.path().join("round.db");
    add_user(&db, "bo", "reporter", &["HSN-PV-N"], "");
    let s = start_on(
        data.path(),
        &db,
        &["--auth", "header", "--trusted-proxy", "127.0.0.1/32"],
    );
    let as_user = |user: &str, method: &str, path: &str| {
        let t = s.raw("GET", "/api/session", None, &[("x-forwarded-user", user)]);
        let token = t.body["csrf_token"].as_str().unwrap().to_string();
        let body = json!({"text": "t", "version": 0});
        let hdr = [("x-forwarded-user", user), ("x-csrf-token", token.as_str())];
        s.raw(method, path, Some(body), &hdr).status
    };
    // eva has no account: the table alone grants her 2110.
    assert_eq!(
        as_user("eva", "PUT", "/api/units/2110/commentary/summary"),
        200
    );
    assert_eq!(as_user("eva", "GET", "/api/units/1010"), 403);
    // bo: his account's subtree to write, and 1010 to read from the table.
    assert_eq!(
        as_user("bo", "PUT", "/api/units/2120/commentary/summary"),
        200
    );
    assert_eq!(as_user("bo", "GET", "/api/units/1010"), 200);
    assert_eq!(
        as_user("bo", "PUT", "/api/units/1010/commentary/summary"),
        403
    );
    drop(s);
    // A role that is none of the three stops the server with the row named.
    std::fs::write(
        data.path().join("reporters.csv"),
        "user;unit;role\neva;2110;chef\n",
    )
    .unwrap();
    let o = bin()
        .arg("serve")
        .arg("--data")
        .arg(data.path())
        .args([
            "--config",
            "data/sample/uppfolj.yaml",
            "--listen",
            "127.0.0.1:0",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("reporters.csv") && err.contains("\"chef\" is none of"),
        "{err}"
    );
}
