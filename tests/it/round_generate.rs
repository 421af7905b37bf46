//! `uppfolj generate` with the month's round: entries saved and approved through the real
//! HTTP API of `uppfolj serve` become the reports' commentary, forecast and measures; entries
//! not approved are left out with a note; a file that says otherwise than the round is an
//! error naming both; `--if-changed` reruns after an approval and not otherwise.

use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{Reader, Xlsx, open_workbook};
use serde_json::{Value, json};

use super::round::{Server, User, add_user, start_on};
use super::{copy_dir, root};

/// The sample region in `dir/d`, without the forecast file's row for unit 1020 in 2020-09
/// (so the round gives it), and a config with `round:`.
fn sample_with_round(dir: &Path) -> PathBuf {
    let d = dir.join("d");
    std::fs::create_dir_all(&d).unwrap();
    copy_dir(&root().join("data/sample"), &d);
    let forecast = std::fs::read_to_string(d.join("forecast.csv")).unwrap();
    let kept: String = forecast
        .lines()
        .filter(|l| !l.starts_with("2020-09;1020;"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(d.join("forecast.csv"), kept).unwrap();
    let mut config = std::fs::read_to_string(d.join("uppfolj.yaml")).unwrap();
    config.push_str("round:\n  db: round.db\n  due: 2020-10-12\n");
    std::fs::write(d.join("uppfolj.yaml"), config).unwrap();
    d
}

/// What a test of the round needs: the sample with `round:` in a temporary folder (`dir`; the
/// data in `d`), its server started with password logins, and two users logged in: `anna`,
/// reporter for the units under RS-RK, and `ctrl`, the controller.
struct Round {
    dir: tempfile::TempDir,
    d: PathBuf,
    s: Server,
    anna: User,
    ctrl: User,
}

fn round_with_users() -> Round {
    let dir = tempfile::tempdir().unwrap();
    let d = sample_with_round(dir.path());
    let db = d.join("round.db");
    add_user(&db, "ctrl", "controller", &[], "c-pass");
    add_user(&db, "anna", "reporter", &["RS-RK"], "a-pass");
    let s = start_on(&d, &db, &["--auth", "password"]);
    let (anna, ctrl) = (s.login("anna", "a-pass"), s.login("ctrl", "c-pass"));
    Round {
        dir,
        d,
        s,
        anna,
        ctrl,
    }
}

fn generate(dir: &Path, extra: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .current_dir(dir)
        .args(["generate", "--data", "d", "--config", "d/uppfolj.yaml"])
        .args([
            "--out",
            "out",
            "--format",
            "html,xlsx",
            "--period",
            "2020-09",
        ])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1600000000")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(s: &Server, user: &User, method: &str, path: &str, body: Option<Value>) {
    let a = s.call(user, method, path, body);
    assert_eq!(a.status, 200, "{method} {path}: {}", a.body);
}

/// Every cell of the workbook's sheets, as text.
fn workbook_text(path: &Path) -> String {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn generate_publishes_what_the_round_approved_and_reruns_after_an_approval() {
    let Round {
        dir, s, anna, ctrl, ..
    } = round_with_users();
    let u = "/api/units/1020";
    let summary = json!({"text": "Resultatet följer budget tack vare **vakanser**.", "version": 0});
    ok(
        &s,
        &anna,
        "PUT",
        &format!("{u}/commentary/summary"),
        Some(summary),
    );
    let personnel = json!({"text": "Två tjänster är vakanta sedan augusti.", "version": 0});
    ok(
        &s,
        &anna,
        "PUT",
        &format!("{u}/commentary/personnel"),
        Some(personnel),
    );
    let forecast = json!({"deviation": "-1 234 567,89", "version": 0});
    ok(&s, &anna, "PUT", &format!("{u}/forecast"), Some(forecast));
    let measure = json!({"name": "Färre konsulter i rekryteringar", "expected": "250 000",
        "realized": "100 000", "decided": "2020-08-15", "due": "2020-11", "status": "beslutad",
        "in_forecast": true});
    let measures = json!({"measures": [measure], "version": 0});
    ok(&s, &anna, "PUT", &format!("{u}/measures"), Some(measures));
    ok(&s, &anna, "POST", &format!("{u}/done"), None);
    ok(&s, &ctrl, "POST", &format!("{u}/approve"), None);
    let draft = json!({"text": "Ett utkast som inte är godkänt.", "version": 0});
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1010/commentary/summary",
        Some(draft),
    );

    let first = generate(dir.path(), &["--if-changed"]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains(
            "d/round.db: the round's entries of 1 units not approved are not used (round: unapproved: skip): 1010"
        ),
        "{}",
        text(&first)
    );
    let html = std::fs::read_to_string(dir.path().join("out/2020-09/1020.html")).unwrap();
    assert!(
        html.contains("Resultatet följer budget tack vare <strong>vakanser</strong>."),
        "summary"
    );
    assert!(html.contains("Två tjänster är vakanta sedan augusti."));
    assert!(html.contains("Färre konsulter i rekryteringar"));
    let other = std::fs::read_to_string(dir.path().join("out/2020-09/1010.html")).unwrap();
    assert!(!other.contains("Ett utkast som inte är godkänt."));
    let figures: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2020-09/figures.json")).unwrap(),
    )
    .unwrap();
    let unit = &figures["units"]["1020"];
    assert_eq!(unit["forecast"]["deviation"], "-1234567.89");
    assert_eq!(
        unit["measures"][0]["measure"],
        "Färre konsulter i rekryteringar"
    );
    assert_eq!(unit["measures"][0]["expected"], "250000.00");
    assert_eq!(unit["measures"][0]["decided"], "2020-08-15");
    let workbook = workbook_text(&dir.path().join("out/2020-09/1020.xlsx"));
    assert!(
        workbook.contains("Färre konsulter i rekryteringar"),
        "{workbook}"
    );
    assert!(workbook.contains("-1234567.89"), "{workbook}");
    let manifest = std::fs::read_to_string(dir.path().join("out/2020-09/manifest.json")).unwrap();
    assert!(manifest.contains("\"table\": \"round\""), "{manifest}");

    // Nothing approved since: nothing to do. A draft saved meanwhile changes nothing either.
    let again = json!({"text": "Ett nytt utkast.", "version": 1});
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1010/commentary/summary",
        Some(again),
    );
    let second = generate(dir.path(), &["--if-changed"]);
    assert!(text(&second).contains("nothing to do"), "{}", text(&second));
    // An approval: the run is made again and publishes the approved text.
    ok(&s, &anna, "POST", "/api/units/1010/done", None);
    ok(&s, &ctrl, "POST", "/api/units/1010/approve", None);
    let third = generate(dir.path(), &["--if-changed"]);
    assert!(third.status.success(), "{}", text(&third));
    assert!(!text(&third).contains("nothing to do"), "{}", text(&third));
    let other = std::fs::read_to_string(dir.path().join("out/2020-09/1010.html")).unwrap();
    assert!(other.contains("Ett nytt utkast."));
}

#[test]
fn a_file_that_differs_from_the_round_is_an_error_naming_both() {
    let Round {
        dir,
        d,
        s,
        anna,
        ctrl,
    } = round_with_users();
    let text_of = |t: &str| json!({"text": t, "version": 0});
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1020/commentary/personnel",
        Some(text_of("Som i filen.")),
    );
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1020/commentary/summary",
        Some(text_of("Rundans text.")),
    );
    ok(&s, &anna, "POST", "/api/units/1020/done", None);
    ok(&s, &ctrl, "POST", "/api/units/1020/approve", None);
    // The forecast file has 1030's forecast for the month: -4 200 000 kr.
    ok(
        &s,
        &anna,
        "PUT",
        "/api/units/1030/forecast",
        Some(json!({"deviation": -4_100_000, "version": 0})),
    );
    ok(&s, &anna, "POST", "/api/units/1030/done", None);
    ok(&s, &ctrl, "POST", "/api/units/1030/approve", None);
    drop(s);
    let comments = d.join("comments/2020-09");
    std::fs::write(
        comments.join("1020.md"),
        "Filens text.\n\n## Personal\n\nSom i filen.\n",
    )
    .unwrap();
    let run = generate(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let said = text(&run);
    assert!(
        said.contains(
            "d/comments/2020-09/1020.md, row 1: the commentary under no heading (the summary) differs from the round's (unit 1020, section summary, version 1 in d/round.db); keep one of them"
        ),
        "{said}"
    );
    assert!(
        said.contains(
            "the forecast of unit 1030 for 2020-09 is -4 200 000,00 kr here but -4 100 000,00 kr in the round (unit 1030, forecast, version 1 in d/round.db); keep one of them"
        ),
        "{said}"
    );
    // The section both give alike is no error.
    assert!(!said.contains("section personnel"), "{said}");
    // Identical entries agree: with the file's summary as the round's, the run goes through.
    std::fs::write(
        comments.join("1020.md"),
        "Rundans text.\n\n## Personal\n\nSom i filen.\n",
    )
    .unwrap();
    let forecast = std::fs::read_to_string(d.join("forecast.csv")).unwrap();
    std::fs::write(
        d.join("forecast.csv"),
        forecast.replace("2020-09;1030;-4 200 000,00", "2020-09;1030;-4 100 000,00"),
    )
    .unwrap();
    let run = generate(dir.path(), &[]);
    assert!(run.status.success(), "{}", text(&run));
    let html = std::fs::read_to_string(dir.path().join("out/2020-09/1020.html")).unwrap();
    assert!(html.contains("Rundans text."));
}

#[test]
fn export_writes_the_files_import_read_and_a_round_trip_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("in");
    std::fs::create_dir_all(files.join("comments/2020-09")).unwrap();
    let md = "Resultatet är i balans.\n\n## Personal\n\nSjukfrånvaron sjunker.\n\n## Åtgärder\n\nFärre inhyrda; se planen.\n";
    std::fs::write(files.join("comments/2020-09/1020.md"), md).unwrap();
    let forecast = "period;unit;deviation\n2020-09;1020;-1 234 567,89\n2020-09;1030;500 000,00\n";
    std::fs::write(files.join("forecast.csv"), forecast).unwrap();
    let measures = "period;unit;measure;expected;realized;decided;due;status;in_forecast\n\
        2020-09;1020;\"Färre konsulter; färre hyrläkare\";250 000,00;100 000,00;2020-08-15;2020-11;beslutad;ja\n\
        2020-09;1020;Samordnade inköp;40 000,00;0,00;;;;nej\n";
    std::fs::write(files.join("measures.csv"), measures).unwrap();
    let db = dir.path().join("round.db");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
            .arg("round")
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap()
    };
    let imported = run(&["import", files.to_str().unwrap(), "--user", "karin"]);
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        text(&imported).contains("6 entries imported"),
        "{}",
        text(&imported)
    );
    let again = run(&["import", files.to_str().unwrap()]);
    assert!(
        text(&again).contains("0 entries imported"),
        "{}",
        text(&again)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (by, state): (String, String) = conn
        .query_row(
            "SELECT h.saved_by, s.state FROM history h JOIN states s USING (period, unit) WHERE unit = '1020' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((by.as_str(), state.as_str()), ("karin (imported)", "draft"));
    let out = dir.path().join("out");
    let exported = run(&["export", out.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", text(&exported));
    for f in ["comments/2020-09/1020.md", "forecast.csv", "measures.csv"] {
        assert_eq!(
            std::fs::read_to_string(out.join(f)).unwrap(),
            std::fs::read_to_string(files.join(f)).unwrap(),
            "{f}"
        );
    }
}
