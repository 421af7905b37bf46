//! The command line: exit codes and messages for usage, config and data problems.

use super::*;

#[test]
fn unknown_flag_is_usage_error() {
    let o = uppfolj(&[
        "generate", "--data", "x", "--perod", "2020-01", "--out", "o",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--perod"), "{}", stderr(&o));
}

#[test]
fn malformed_period_is_usage_error() {
    let out = tempfile::tempdir().unwrap();
    let o = generate_to("tests/fixtures/mini", out.path(), "sept", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --period \"sept\" is not a month (expected YYYY-MM, YYYYMM or latest)\nuppfolj: stopped; nothing was written\n"
    );
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn period_without_data_is_a_data_error() {
    let o = generate_into("tests/fixtures/mini", None, "2018-05").output;
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: tests/fixtures/mini/ledger.csv, column \"period\": the ledger has no rows for 2018-01 to 2018-05 (the report period)\n\
         uppfolj: stopped: 1 error in the data; nothing was written\n"
    );
}

#[test]
fn config_typo_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("uppfolj.yaml");
    std::fs::write(&cfg, "money:\n  unit: Mkr\n  decimal: 2\n").unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/mini",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "error: {}:3:3: unknown field `decimal`, expected one of unit, decimals (did you mean `decimals`?)\n",
            cfg.display()
        )),
        "{err}"
    );
}

#[test]
fn missing_config_file() {
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/mini",
        "--config",
        "no/such.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: no/such.yaml: cannot read the config file: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_prints_every_finding_and_a_summary() {
    let o = uppfolj(&["check", "--data", "tests/fixtures/mini"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "uppfolj: 3 tables, 5 units checked for 2020-02: 0 errors, 2 warnings\n"
    );
}

#[test]
fn help_has_examples() {
    for sub in ["generate", "check"] {
        let o = uppfolj(&[sub, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("Example:"), "{sub}");
    }
}

/// `check` is the pre-flight of `generate`: what generate refuses before rendering, check
/// refuses too, with the same message.
#[test]
fn check_refuses_what_generate_refuses() {
    let cases = [
        (
            "packs:\n  - name: namnd\n    title: Rapport\n    root: NOPE\n    levels: 1\n",
            "uppfolj.yaml:4:11: packs, namnd: root unit \"NOPE\" is not in the organisation tree (nearest: A, A1, A2)",
        ),
        (
            "packs:\n  - name: lista\n    title: Lista\n    units: [A, A9]\n",
            "uppfolj.yaml:4:16: packs, lista: unit \"A9\" is not in the organisation tree (nearest: A, A1, A2)",
        ),
        (
            "templates: no-such-folder\n",
            "the template folder cannot be read",
        ),
    ];
    for (yaml, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("uppfolj.yaml");
        std::fs::write(&cfg, yaml).unwrap();
        let check = uppfolj(&[
            "check",
            "--data",
            "tests/fixtures/mini",
            "--config",
            cfg.to_str().unwrap(),
        ]);
        let run = generate_into("tests/fixtures/mini", Some(&cfg), "latest");
        for (what, o) in [("check", &check), ("generate", &run.output)] {
            assert_ne!(o.status.code(), Some(0), "{what} accepted {yaml}");
            assert!(stderr(o).contains(message), "{what}: {}", stderr(o));
        }
    }
}

/// `man --out` writes a page per command, each documenting that command's options.
#[test]
fn man_pages_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let o = uppfolj(&["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(page("uppfolj.1").contains("uppfolj\\-generate(1)"));
    for (command, option) in [
        ("generate", "if\\-changed"),
        ("check", "period"),
        ("watch", "port"),
        ("init", "uppfolj\\-init"),
        ("synth", "transactions"),
        ("completions", "shell"),
        ("man", "out"),
        ("serve", "trusted\\-proxy"),
    ] {
        let text = page(&format!("uppfolj-{command}.1"));
        assert!(
            text.contains(option),
            "uppfolj-{command}.1 lacks {option}:\n{text}"
        );
    }
}

/// A YAML problem prints one `error:` line and the source snippet as it is, whatever the
/// snippet's lines look like.
#[test]
fn config_snippet_lines_are_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("uppfolj.yaml");
    let mut yaml = String::from("language: sv\n");
    yaml.push_str(&"\n".repeat(58));
    yaml.push_str("money:\n  unit: Mkr\n\n  decimal: 2\n");
    std::fs::write(&cfg, yaml).unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/mini",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains(":63:3: ") && errors[0].contains("decimal"),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l.trim_start().starts_with("62 |")),
        "{err}"
    );
    assert!(err.ends_with("uppfolj: stopped\n"), "{err}");
}

/// Beyond the first 50 problems of a file the rest are counted in one line, and the summary
/// counts every one of them.
#[test]
fn the_summary_counts_every_error_found() {
    let data = copy_fixture("mini");
    let ledger = data.path().join("ledger.csv");
    let mut text = std::fs::read_to_string(&ledger).unwrap();
    for i in 0..60 {
        text.push_str(&format!("2020-01;A1;3010;x{i};1,00\n"));
    }
    std::fs::write(&ledger, text).unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("and 10 more problems in this file\n"), "{err}");
    assert!(
        err.ends_with("uppfolj: stopped: 60 errors in the data (50 listed)\n"),
        "{err}"
    );
}

/// Files that look like data but are not read get a note saying why; others stay silent.
#[test]
fn unread_data_files_are_named() {
    let data = copy_fixture("mini");
    for name in [
        "ledger.xls",
        "budget.txt",
        "huvudbok.ods",
        "notes.txt",
        "README.md",
    ] {
        std::fs::write(data.path().join(name), "x").unwrap();
    }
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let dir = data.path().display();
    assert!(err.contains(&format!(
        "note: {dir}/budget.txt: the budget table is not read from this file: text is read from .csv files; rename it to .csv (any of ; , or tab separates the columns)\n"
    )), "{err}");
    assert!(err.contains(&format!(
        "note: {dir}/ledger.xls: the ledger table is not read from this file: old Excel files (.xls) are not read; save it as .xlsx (Excel workbook)\n"
    )), "{err}");
    assert!(err.contains(&format!(
        "note: {dir}/huvudbok.ods: not read: only .xlsx workbooks are read; save it as .xlsx (Excel workbook)\n"
    )), "{err}");
    assert!(
        !err.contains("README") && !err.contains("notes.txt"),
        "{err}"
    );
}

/// A `period` column of dates: the first of the month is that month (with a note); other
/// days are refused in one error for the column.
#[test]
fn months_written_as_dates() {
    let data = copy_fixture("mini");
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let first_days = text
        .replace("2019-01;", "2019-01-01;")
        .replace("2020-01;", "2020-01-01;");
    std::fs::write(&ledger, &first_days).unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = ledger.display();
    assert!(stderr(&o).contains(&format!(
        "note: {file}: column \"period\": 6 months were written as the first day of the month (first on row 2) and were read as that month\n"
    )), "{}", stderr(&o));

    std::fs::write(&ledger, text.replace("2019-01;", "2019-01-15;")).unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!(
        "error: {file}, row 2, column \"period\": \"2019-01-15\" is a day, not a month, and so are 1 more rows (expected a month, YYYY-MM, or the first day of a month)\n"
    )), "{}", stderr(&o));
}

/// An account without a category in the accounts table is placed by the config's ranges,
/// with a note, instead of being an error.
#[test]
fn accounts_without_a_category_fall_back_to_the_ranges() {
    let data = copy_fixture("mini");
    let accounts = data.path().join("accounts.csv");
    std::fs::write(
        &accounts,
        "account;name;category\n3010;Avgifter;\n5010;Lön;Personalkostnader\n",
    )
    .unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!(
        "note: {}: account 3010 has no category here and is placed by the config's account ranges\n",
        accounts.display()
    )), "{}", stderr(&o));
}

/// A ledger with the Swedish headers exports use loads with no config, with the same figures;
/// two headers that name one column are an error naming both.
#[test]
fn swedish_export_headers_need_no_config() {
    let data = copy_fixture("mini");
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let swedish = text.replacen(
        "period;unit;account;actual;budget",
        "Månad;Ansvar;Konto;Utfall;Budget",
        1,
    );
    assert_ne!(swedish, text);
    std::fs::write(&ledger, &swedish).unwrap();
    let plain = generate_into("tests/fixtures/mini", None, "latest");
    let aliased = generate_into(data.path().to_str().unwrap(), None, "latest");
    assert_eq!(
        aliased.output.status.code(),
        Some(0),
        "{}",
        stderr(&aliased.output)
    );
    assert_eq!(
        aliased.read("2020-02", "figures.json"),
        plain.read("2020-02", "figures.json")
    );

    let both = swedish.replacen(
        "Månad;Ansvar;Konto;Utfall;Budget",
        "Månad;Ansvar;Konto;Utfall;Enhet",
        1,
    );
    std::fs::write(&ledger, both).unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!(
        "error: {}, row 1, column \"unit\": two headers name this column: \"Ansvar\" (column 2) and \"Enhet\" (column 5); keep one\n",
        ledger.display()
    )), "{}", stderr(&o));
}
