//! Running unattended: the output-folder lock, --if-changed, JSON logs, exit codes, and
//! `init`, `completions` and `man` for first steps.

use super::*;

fn run_mini(out: &Path, extra: &[&str]) -> Output {
    let extra = [&["--format", "html"], extra].concat();
    generate_to("tests/fixtures/mini", out, "latest", &extra)
}

/// Another process holding the output folder's lock (`flock`, the system's file lock, as the
/// tool takes it): its pid as it wrote it, once it holds the lock.
#[allow(
    clippy::zombie_processes,
    reason = "the holder is handed to the caller, which kills and waits for it"
)]
fn hold_lock(out: &Path) -> (std::process::Child, String) {
    let lock = out.join(".uppfolj.lock");
    let mut child = std::process::Command::new("flock")
        .args(["--exclusive", "--close"])
        .arg(&lock)
        .args(["sh", "-c", "echo $$ > \"$0\"; exec sleep 60"])
        .arg(&lock)
        .spawn()
        .expect("flock (util-linux) runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let pid = std::fs::read_to_string(&lock).unwrap_or_default();
        if !pid.trim().is_empty() {
            return (child, pid.trim().to_string());
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("flock did not take the lock");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A lock held by another live process refuses the run (also after `--wait`); once that
/// process is killed, the system has released its lock and the next run proceeds: no process
/// ids are looked up (no `/proc`), so this holds on every system.
#[test]
fn a_second_run_on_a_locked_folder_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let (mut holder, pid) = hold_lock(out.path());
    let o = run_mini(out.path(), &[]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: another uppfolj run (process {pid}) is writing to this folder; try again when it has finished, or pass --wait SECONDS\nuppfolj: stopped; nothing was written\n",
            out.path().display(),
        )
    );
    assert!(!out.path().join("2020-02").exists());
    // --wait gives up after the time given, with the same message.
    let o = run_mini(out.path(), &["--wait", "1"]);
    assert_eq!(o.status.code(), Some(3));
    // The holder dies without releasing anything itself.
    holder.kill().unwrap();
    holder.wait().unwrap();
    let o = run_mini(out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A lock file left with a process id but no lock held (a run killed long ago) is no lock.
#[test]
fn a_stale_lock_is_taken_over_and_released() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join(".uppfolj.lock"), "999999999\n").unwrap();
    let o = run_mini(out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !out.path().join(".uppfolj.lock").exists(),
        "the lock is released"
    );
}

#[test]
fn concurrent_runs_never_interleave() {
    let out = tempfile::tempdir().unwrap();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
            .args([
                "generate",
                "--data",
                "data/sample",
                "--config",
                "data/sample/uppfolj.yaml",
                "--period",
                "latest",
                "--format",
                "html,xlsx",
                "--out",
            ])
            .arg(out.path())
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", "1600000000")
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    let codes = [a.status.code(), b.status.code()];
    assert!(codes.contains(&Some(0)), "one run succeeds: {codes:?}");
    for o in [&a, &b] {
        match o.status.code() {
            Some(0) => {}
            Some(3) => assert!(stderr(o).contains("another uppfolj run"), "{}", stderr(o)),
            other => panic!("unexpected exit {other:?}: {}", stderr(o)),
        }
    }
    // Whatever happened, the published folder is complete and consistent.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2020-09/manifest.json")).unwrap(),
    )
    .unwrap();
    for r in manifest["reports"].as_array().unwrap() {
        assert!(
            out.path()
                .join("2020-09")
                .join(r["html"].as_str().unwrap())
                .is_file()
        );
    }
}

#[test]
fn if_changed_does_nothing_for_unchanged_inputs() {
    let out = tempfile::tempdir().unwrap();
    let data = copy_fixture("mini");
    let run = || {
        generate_to(
            data.path().to_str().unwrap(),
            out.path(),
            "latest",
            &["--format", "html", "--if-changed"],
        )
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first)
            .starts_with("uppfolj: 5 reports, 0 PDFs, 0 workbooks, 0 packs for 2020-02 written to")
    );
    let before = snapshot_dir(out.path());
    let second = run();
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(
        stdout(&second),
        format!(
            "uppfolj: inputs unchanged since the run that wrote {}; nothing to do\n",
            out.path().join("2020-02").display()
        )
    );
    assert_eq!(snapshot_dir(out.path()), before, "nothing rewritten");
    // New commentary is a change.
    std::fs::create_dir_all(data.path().join("comments/2020-02")).unwrap();
    std::fs::write(data.path().join("comments/2020-02/A.md"), "Ny kommentar.\n").unwrap();
    let third = run();
    assert!(stdout(&third).contains("5 reports"), "{}", stdout(&third));
    assert!(
        std::fs::read_to_string(out.path().join("2020-02/A.html"))
            .unwrap()
            .contains("Ny kommentar.")
    );
}

#[test]
fn json_logs_for_schedulers() {
    let out = tempfile::tempdir().unwrap();
    let o = run_mini(out.path(), &["--log-format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let lines: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["level"], "warning");
    assert_eq!(lines[0]["file"], "tests/fixtures/mini/ledger.csv");
    let done = lines.last().unwrap();
    assert_eq!(done["event"], "done");
    assert_eq!(done["reports"], 5);
    assert_eq!(done["period"], "2020-02");
    // The peak resident memory at the end of each stage (Linux says it), never falling.
    let mut before = 1;
    for stage in ["load", "compute", "present", "render", "write"] {
        assert!(done["stages"][stage].is_number(), "{stage}");
        let peak = done["peak_memory_mib"][stage].as_u64().unwrap();
        assert!(peak >= before, "{stage}: {peak} MiB after {before}");
        before = peak;
    }
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/invalid/cycle",
        "--log-format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["level"], "error");
    assert_eq!(lines[0]["row"], 3);
    assert_eq!(lines[1]["event"], "stopped");
    assert_eq!(lines[1]["exit_code"], 1);
}

#[test]
fn init_sample_with_templates_writes_a_project_that_generates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("region");
    let o = uppfolj(&["init", "--sample", "--templates", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in [
        "uppfolj.yaml",
        "README.txt",
        "data/ledger.csv",
        "data/comments/2020-09/HSN.md",
        "templates/README.txt",
        "templates/report.html",
        "templates/text/sv/summary.html",
        "templates/lang/en.yaml",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let config = std::fs::read_to_string(dir.join("uppfolj.yaml")).unwrap();
    assert!(
        config.contains("\ntemplates: templates/"),
        "the copied templates are in use"
    );
    // Edit a template and see it in the report; inside the project neither the config nor
    // the period need naming.
    let report = dir.join("templates/report.html");
    let text = std::fs::read_to_string(&report).unwrap().replace(
        "<h2 id=\"nyckeltal-rubrik\">{{ t.key_figures }}</h2>",
        "<h2 id=\"nyckeltal-rubrik\">Våra nyckeltal</h2>",
    );
    std::fs::write(&report, text).unwrap();
    let out = dir.join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args([
            "generate", "--data", "data", "--out", "out", "--format", "html",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: uppfolj.yaml: the config in the current folder; used"),
        "{}",
        stderr(&o)
    );
    let hsn = std::fs::read_to_string(out.join("2020-09/HSN.html")).unwrap();
    assert!(hsn.contains("<h2 id=\"nyckeltal-rubrik\">Våra nyckeltal</h2>"));
    assert!(hsn.contains("Hälsocentralen Fjällbyn saknar fast anställda läkare"));
    // A second init into the same folder is refused.
    let o = uppfolj(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the folder exists and is not empty"));
}

/// `uppfolj check` run inside `dir` with no config and no period named.
fn check_in(dir: &std::path::Path, data: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["check", "--data", data])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `init` makes an empty project: a short config, one example per table that the loader
/// passes by, no templates. The examples, saved under the table's own name, are valid data
/// of the contract: a ledger with every optional table, or transactions with a budget.
#[test]
fn init_writes_an_empty_project_whose_examples_are_valid_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("min-region");
    let o = uppfolj(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!dir.join("templates").exists(), "no templates copied");
    assert!(dir.join("uppfolj.example.yaml").is_file());
    let config = std::fs::read_to_string(dir.join("uppfolj.yaml")).unwrap();
    assert!(config.lines().count() < 15, "{config}");
    let mut examples: Vec<String> = std::fs::read_dir(dir.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".example.csv"))
        .map(|n| n.trim_end_matches(".example.csv").to_string())
        .collect();
    examples.sort();
    assert_eq!(examples.len(), 18, "one example per table: {examples:?}");
    // The empty project: the examples are passed by, and the one error says what is missing.
    let o = check_in(&dir, "data");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "note: uppfolj.yaml: the config in the current folder; used (--config names another)\n\
         error: data: no ledger: expected ledger.csv, ledger.parquet or ledger.xlsx, or transactions (with a budget table for deviations)\n\
         uppfolj: stopped: 1 error in the data\n"
    );
    // Saved under their own names, the examples pass, in both shapes of the ledger.
    for (name, leave_out) in [
        ("ledger", &["transactions", "budget"][..]),
        ("transactions", &["ledger"][..]),
    ] {
        let data = dir.join(format!("data-{name}"));
        std::fs::create_dir(&data).unwrap();
        for table in examples.iter().filter(|t| !leave_out.contains(&t.as_str())) {
            std::fs::copy(
                dir.join(format!("data/{table}.example.csv")),
                data.join(format!("{table}.csv")),
            )
            .unwrap();
        }
        let o = check_in(&dir, data.file_name().unwrap().to_str().unwrap());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("error"), "{name}: {}", stderr(&o));
    }
}

#[test]
fn completions_and_man_page() {
    let o = uppfolj(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("generate") && stdout(&o).contains("--if-changed"));
    // A command's own page, with every option; an unknown command is a usage error.
    let o = uppfolj(&["man", "generate"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(".TH uppfolj-generate 1") && stdout(&o).contains("if\\-changed"));
    let o = uppfolj(&["man", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"nope\" is not a command (expected one of generate, check"));
    // A reader that stops early (`uppfolj man | head`) is no error.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .arg("man")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let closed = child.wait_with_output().unwrap();
    assert_eq!(closed.status.code(), Some(0), "{}", stderr(&closed));
    assert_eq!(stderr(&closed), "");
    let o = uppfolj(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with(".ie \\n(.g .ds Aq \\(aq") || stdout(&o).contains(".TH uppfolj"),
        "{}",
        &stdout(&o)[..200]
    );
}

/// A run for some formats keeps the other formats of the current output when they come
/// from the same inputs, and says so; when the inputs changed it says they were not kept.
#[test]
fn partial_runs_keep_or_explain_the_other_formats() {
    let out = tempfile::tempdir().unwrap();
    let data = copy_fixture("mini");
    let run = |format: &str| {
        generate_to(
            data.path().to_str().unwrap(),
            out.path(),
            "latest",
            &["--format", format],
        )
    };
    let dir = out.path().join("2020-02");
    let full = run("html,xlsx");
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    let html_before = std::fs::read(dir.join("A.html")).unwrap();

    let partial = run("xlsx");
    assert_eq!(partial.status.code(), Some(0), "{}", stderr(&partial));
    assert!(
        stderr(&partial).contains("were kept: they come from the same inputs")
            && stderr(&partial).contains("the HTML files of the run of"),
        "{}",
        stderr(&partial)
    );
    assert_eq!(std::fs::read(dir.join("A.html")).unwrap(), html_before);
    assert!(dir.join("index.html").is_file() && dir.join("A.xlsx").is_file());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let first = &manifest["reports"][0];
    assert!(
        first["html"].is_string() && first["xlsx"].is_string(),
        "{manifest}"
    );

    // New inputs: the HTML would no longer match the workbooks, so it is not kept.
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    std::fs::write(&ledger, text.replace("120,25", "121,25")).unwrap();
    let changed = run("xlsx");
    assert_eq!(changed.status.code(), Some(0), "{}", stderr(&changed));
    assert!(
        stderr(&changed).contains(
            "the HTML files of the earlier output were not kept: they came from other inputs and would no longer match"
        ),
        "{}",
        stderr(&changed)
    );
    assert!(!dir.join("A.html").exists() && !dir.join("index.html").exists());
    assert!(dir.join("A.xlsx").is_file());
}

/// The output folder's front page lists every published month, newest first, with its packs,
/// and `latest` leads to the newest month whichever month a run writes.
#[test]
fn the_landing_page_lists_every_month_and_latest_leads_to_the_newest() {
    let out = tempfile::tempdir().unwrap();
    let runs = [
        ("2020-08", "html"),
        ("2020-09", "html,pdf"),
        ("2020-08", "html"),
    ];
    for (period, formats) in runs {
        let args = ["--config", "data/sample/uppfolj.yaml", "--format", formats];
        let o = generate_to("data/sample", out.path(), period, &args);
        assert_eq!(o.status.code(), Some(0), "{period}: {}", stderr(&o));
    }
    let page = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(page.contains("<html lang=\"sv\">"));
    assert!(page.contains("<a href=\"latest/index.html\">Senaste månaden: september 2020</a>"));
    let sept = page
        .find("<a href=\"2020-09/index.html\">september 2020</a>")
        .unwrap();
    let aug = page
        .find("<a href=\"2020-08/index.html\">augusti 2020</a>")
        .unwrap();
    assert!(sept < aug, "newest first");
    assert!(page.contains(
        "Månadsrapport för regionen · <a href=\"2020-09/regionstyrelsen.pdf\" type=\"application/pdf\">PDF</a>"
    ));
    // A month without packs written lists none.
    assert!(
        page.contains("<li><a href=\"2020-08/index.html\">augusti 2020</a></li>"),
        "{page}"
    );
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(out.path().join("latest")).unwrap(),
        std::path::Path::new("2020-09")
    );
    assert!(out.path().join("latest/index.html").is_file());
    // Nothing is left beside them from writing them.
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2020-08",
            "2020-08.versions",
            "2020-09",
            "index.html",
            "latest"
        ]
    );
}
