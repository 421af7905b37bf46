//! Running on a schedule: `--period latest` leaves a month that has only begun, `generate`
//! waits for an export that is still being copied, the systemd units of the scheduling
//! recipe pass `systemd-analyze verify` and run as written, and the manual page of
//! `generate` carries the guide's description of it.

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

/// The unit files of the scheduling recipe (`dist/systemd/`), each a copy in `dir` with the
/// recipe's paths moved into `dir`: the binary is the one built, `/srv/uppfolj` is `dir/srv`.
fn units_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let bin = env!("CARGO_BIN_EXE_uppfolj");
    let srv = dir.join("srv");
    let mut units = Vec::new();
    for e in std::fs::read_dir(root().join("dist/systemd")).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("ExecStart=/usr/local/bin/uppfolj ") {
            assert!(text.contains("/srv/uppfolj"), "{name} names /srv/uppfolj");
        }
        let text = text
            .replace("/usr/local/bin/uppfolj", bin)
            .replace("/srv/uppfolj", srv.to_str().unwrap());
        // A template is verified as the instance OnFailure= starts.
        let name = name.replace("@.service", "@uppfolj.service.service");
        std::fs::write(dir.join(&name), text).unwrap();
        units.push(dir.join(name));
    }
    units.sort();
    units
}

/// `systemd-analyze verify` of unit files (outside a booted system `--man=no`, as the
/// `Documentation=` line would run `man`): exit status and what it printed. It exits 0 on
/// lines it ignores, so a clean unit is one it says nothing about.
fn verify(units: &[std::path::PathBuf]) -> (Option<i32>, String) {
    let o = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(units)
        .output()
        .expect("systemd-analyze runs (Debian: apt install systemd)");
    (o.status.code(), stderr(&o) + &stdout(&o))
}

#[test]
fn the_scheduling_units_pass_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    let units = units_in(dir.path());
    let names: Vec<String> = units
        .iter()
        .map(|u| u.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "uppfolj-alert@uppfolj.service.service",
            "uppfolj.service",
            "uppfolj.timer"
        ]
    );
    assert_eq!(verify(&units), (Some(0), String::new()));
    // A mistake is caught: a service type systemd does not know, and a missing binary.
    let service = dir.path().join("uppfolj.service");
    let good = std::fs::read_to_string(&service).unwrap();
    std::fs::write(&service, good.replace("Type=oneshot", "Type=oneshot-ish")).unwrap();
    let (_, said) = verify(&units);
    assert!(said.contains("Failed to parse service type"), "{said}");
    std::fs::write(
        &service,
        good.replace(env!("CARGO_BIN_EXE_uppfolj"), "/nowhere/uppfolj"),
    )
    .unwrap();
    let (code, said) = verify(&units);
    assert_ne!(code, Some(0), "{said}");
    // The guide's page and the English one show these very files.
    for (page, prefix) in [
        ("docs/guide/src/schemalagga.md", "../../../dist/systemd/"),
        ("docs/scheduling.md", "../dist/systemd/"),
    ] {
        let text = std::fs::read_to_string(root().join(page)).unwrap();
        for unit in ["uppfolj.service", "uppfolj.timer", "uppfolj-alert@.service"] {
            let include = format!("{{{{#include {prefix}{unit}}}}}");
            assert!(text.contains(&include), "{page} does not include {unit}");
        }
    }
}

/// The service's command, run as the unit runs it (its working folder, its arguments), on a
/// copy of the mini region: it writes the reports, and a second run finds nothing changed.
#[test]
fn the_service_runs_as_written() {
    let dir = tempfile::tempdir().unwrap();
    units_in(dir.path());
    let srv = dir.path().join("srv");
    std::fs::create_dir_all(srv.join("exports")).unwrap();
    std::fs::create_dir_all(srv.join("reports")).unwrap();
    copy_dir(&root().join("tests/fixtures/mini"), &srv.join("exports"));
    std::fs::write(srv.join("uppfolj.yaml"), "export: { wait_stable: 1s }\n").unwrap();
    let unit = std::fs::read_to_string(dir.path().join("uppfolj.service")).unwrap();
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("uppfolj.service has no {key}"))
            .to_string()
    };
    let exec = value("ExecStart=");
    let words: Vec<&str> = exec.split_whitespace().collect();
    let run = || {
        Command::new(words[0])
            .args(&words[1..])
            .current_dir(value("WorkingDirectory="))
            .env("SOURCE_DATE_EPOCH", "1600000000")
            .output()
            .unwrap()
    };
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(srv.join("reports/2020-02/index.html").is_file());
    assert!(srv.join("reports/latest").exists());
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("\"event\":\"unchanged\""),
        "{}",
        stderr(&o)
    );
}

/// The words of a text, as a manual page and a Markdown page would both show them.
fn shown_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// The text of a manual page's section `.SH NAME`, roff escapes undone, control lines left out.
fn man_section(page: &str, name: &str) -> String {
    let mut lines = page.lines().skip_while(|l| {
        l.trim_start_matches(".SH ").trim_matches('"') != name || !l.starts_with(".SH ")
    });
    assert!(
        lines.next().is_some(),
        "the page has no section {name}:\n{page}"
    );
    lines
        .take_while(|l| !l.starts_with(".SH "))
        .filter(|l| !l.starts_with('.'))
        .map(|l| {
            l.replace("\\-", "-")
                .replace("\\*(Aq", "'")
                .replace("\\&", "")
                .replace("\\\\", "\\")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of a guide page's section `#### NAME`, as read: no fences, bullets or backticks.
fn guide_section(page: &str, name: &str) -> String {
    let heading = format!("#### {name}");
    let mut lines = page.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "the guide has no section {name}");
    lines
        .take_while(|l| !l.starts_with("#"))
        .filter(|l| !l.starts_with("```"))
        .map(|l| l.trim_start().trim_start_matches("- ").replace('`', ""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_manual_page_of_generate_is_the_guides_description() {
    let o = uppfolj(&["man", "generate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    let guide =
        std::fs::read_to_string(root().join("docs/guide/en/src/commands/generate.md")).unwrap();
    for section in ["Reads", "Writes", "Exit status", "Examples"] {
        let man = man_section(&page, &section.to_uppercase());
        assert_eq!(
            shown_words(&man),
            shown_words(&guide_section(&guide, section)),
            "section {section}"
        );
    }
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    assert!(man_section(&page, "EXAMPLES").contains("uppfolj generate --data data --out out"));
    // The options are there as before, and the guide's page includes the same file.
    assert!(page.contains("\\-\\-if\\-changed"), "{page}");
    let book = std::fs::read_to_string(root().join("docs/guide/en/src/command-line.md")).unwrap();
    for command in ["generate", "check", "init", "diff"] {
        assert!(book.contains(&format!("{{{{#include commands/{command}.md}}}}")));
        let o = uppfolj(&["man", command]);
        assert!(stdout(&o).contains(".SH \"EXIT STATUS\""), "{command}");
    }
}
