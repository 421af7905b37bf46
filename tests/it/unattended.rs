//! Running on a schedule: `--period latest` leaves a month that has only begun, `generate`
//! waits for an export that is still being copied, and the systemd units of the scheduling
//! recipe pass `systemd-analyze verify`.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::*;

/// The mini fixture in a temporary folder, with `2020-03` begun: one row of 50 kr where
/// 2020-02 has 4 111,10 kr (1 %).
fn begun_month() -> tempfile::TempDir {
    let data = copy_fixture("mini");
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let text = text.replace("2020-03;A1;5010;0;", "2020-03;A1;5010;-50,00;");
    std::fs::write(&ledger, text).unwrap();
    data
}

/// A config file in its own temporary folder.
fn config(yaml: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uppfolj.yaml");
    std::fs::write(&path, yaml).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

/// `check` of a data folder with a config: what `--period latest` resolves to is on stdout,
/// the notes on stderr.
fn check_latest(data: &Path, config: Option<&str>) -> Output {
    let mut args = vec!["check", "--data", data.to_str().unwrap()];
    if let Some(c) = config {
        args.extend(["--config", c]);
    }
    uppfolj(&args)
}

/// The first line of stderr that is a note.
fn note(o: &Output) -> String {
    stderr(o)
        .lines()
        .find(|l| l.starts_with("note: "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn latest_skips_a_month_whose_outcome_is_far_below_the_month_before() {
    let data = begun_month();
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(data.path().to_str().unwrap(), out.path(), "latest", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        note(&o),
        format!(
            "note: {}: --period latest: 2020-03 is skipped as not yet closed (its outcome, the month's ledger amounts summed without sign, is 1 % of 2020-02's, less than latest.min_share 0.5); the report is for 2020-02",
            data.path().join("ledger.csv").display()
        )
    );
    assert!(
        stdout(&o).contains(" for 2020-02 written to "),
        "{}",
        stdout(&o)
    );
    assert!(out.path().join("2020-02/index.html").is_file());
    assert!(!out.path().join("2020-03").exists());
    // Named, the month is reported.
    let o = generate_to(data.path().to_str().unwrap(), out.path(), "2020-03", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.path().join("2020-03/index.html").is_file());
    // With the share rule off, `latest` is the newest month with an outcome.
    let (_c, off) = config("latest: { min_share: 0 }\n");
    let o = check_latest(data.path(), Some(&off));
    assert_eq!(note(&o), "");
    assert!(stdout(&o).contains("checked for 2020-03"), "{}", stdout(&o));
}

#[test]
fn the_sample_and_the_fixtures_last_month_counts_as_closed() {
    for data in ["data/sample", "tests/fixtures/mini"] {
        let o = check_latest(&root().join(data), None);
        assert!(!stderr(&o).contains("--period latest"), "{}", stderr(&o));
    }
}

#[test]
fn latest_by_rows_and_by_marker_file() {
    let data = begun_month();
    let (_c, rules) =
        config("latest:\n  min_share: 0\n  min_rows: 2\n  marker: \"period-closed-{period}\"\n");
    let o = check_latest(data.path(), Some(&rules));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        note(&o),
        format!(
            "note: {}: --period latest: 2020-03 is skipped as not yet closed (it has 1 ledger row with an outcome, fewer than latest.min_rows 2; the data folder has no file period-closed-2020-03 (latest.marker)); the report is for 2020-02",
            data.path().join("ledger.csv").display()
        )
    );
    assert!(stdout(&o).contains("checked for 2020-02"), "{}", stdout(&o));
    // The marker alone, once the export has written it, lets the month through.
    let (_c, marker) = config("latest: { min_share: 0, marker: \"period-closed-{period}\" }\n");
    std::fs::write(data.path().join("period-closed-2020-03"), "").unwrap();
    let o = check_latest(data.path(), Some(&marker));
    assert_eq!(note(&o), "");
    assert!(stdout(&o).contains("checked for 2020-03"), "{}", stdout(&o));
}

#[test]
fn latest_with_no_month_before_the_open_one_is_an_error() {
    let data = tempfile::tempdir().unwrap();
    for f in ["units.csv", "ledger.csv"] {
        std::fs::copy(
            root().join("tests/fixtures/mini").join(f),
            data.path().join(f),
        )
        .unwrap();
    }
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let first: String = text
        .lines()
        .filter(|l| l.starts_with("period") || l.starts_with("2019-01"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&ledger, first).unwrap();
    let (_c, rows) = config("latest: { min_rows: 3 }\n");
    let o = check_latest(data.path(), Some(&rows));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!(
            "error: {}, column \"actual\": --period latest: 2019-01 is not yet closed (it has 2 ledger rows with an outcome, fewer than latest.min_rows 3) and the ledger has no month with an outcome before it (name the month with --period 2019-01 to report it anyway)\n",
            ledger.display()
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_wrong_rule_is_a_config_error_naming_the_key() {
    let (_c, bad) = config(
        "latest: { min_share: 1.5, min_rows: 0, marker: \"../closed\" }\nexport: { wait_stable: 30 sek, wait_timeout: 10s }\n",
    );
    let o = check_latest(&root().join("tests/fixtures/mini"), Some(&bad));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {bad}: latest.min_share: 1.5 is not a share (expected 0 to 1, e.g. 0.5 for half of the month before's outcome)\n\
             error: {bad}: latest.min_rows: 0 rows is no rule (expected at least 1, or leave the key out)\n\
             error: {bad}: latest.marker: \"../closed\" is not a file name inside the data folder, not hidden (expected e.g. \"period-closed-{{period}}\")\n\
             error: {bad}: export.wait_stable: \"30 sek\" is not a duration (unknown time unit \"sek\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations); expected e.g. 30s, 2m or 1h)\n\
             uppfolj: stopped\n"
        )
    );
    let (_c, short) = config("export: { wait_stable: 1m, wait_timeout: 30s }\n");
    let o = check_latest(&root().join("tests/fixtures/mini"), Some(&short));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "export.wait_timeout: 30s is not longer than export.wait_stable (1m); the wait could never succeed"
        ),
        "{}",
        stderr(&o)
    );
}

/// `uppfolj generate` started in the background, as a timer starts it.
fn spawn_generate(data: &Path, out: &Path, config: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["generate", "--format", "html", "--config", config, "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1600000000")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// While the export is copied, the ledger grows a line at a time; the run started meanwhile
/// waits until the file has been still for a second and then reads it whole (its last
/// month, 2020-02, comes with the last lines).
#[test]
fn generate_waits_for_an_export_still_being_copied() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    let ledger = data.path().join("ledger.csv");
    let full = std::fs::read_to_string(&ledger).unwrap();
    let (head, tail): (Vec<&str>, Vec<&str>) =
        full.lines().partition(|l| !l.starts_with("2020-02"));
    std::fs::write(&ledger, head.join("\n") + "\n").unwrap();
    let (_c, cfg) = config("export: { wait_stable: 1s, wait_timeout: 30s }\n");
    let started = Instant::now();
    let child = spawn_generate(data.path(), out.path(), &cfg);
    for line in &tail {
        std::thread::sleep(Duration::from_millis(300));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&ledger)
            .unwrap();
        writeln!(f, "{line}").unwrap();
    }
    let copied = started.elapsed();
    let o = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(" for 2020-02 written to "),
        "{}",
        stdout(&o)
    );
    assert!(
        took >= copied + Duration::from_secs(1),
        "the run ended {took:?} after the start, the copy {copied:?}"
    );
}

/// A file that keeps changing past `export.wait_timeout` stops the run with exit 1 and an
/// error naming it, and nothing is written.
#[test]
fn an_export_that_never_settles_times_out_naming_the_file() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    let part = data.path().join("huvudbok.csv.part");
    std::fs::write(&part, "").unwrap();
    let (_c, cfg) = config("export: { wait_stable: 2s, wait_timeout: 3s }\n");
    let child = spawn_generate(data.path(), out.path(), &cfg);
    let writer = {
        let part = part.clone();
        std::thread::spawn(move || {
            for i in 0..30 {
                std::thread::sleep(Duration::from_millis(200));
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&part)
                    .unwrap();
                writeln!(f, "2020-02;A1;5010;-{i},00").unwrap();
            }
        })
    };
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: still changing after 3s (export.wait_timeout): the export is not complete; uppfolj waits for every file of the data folder to be unchanged for 2s (export.wait_stable)\nuppfolj: stopped: 1 error in the data; nothing was written\n",
            part.display()
        )
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
