//! Hostile inputs: broken and absurd data that once crashed the tool, hung it or gave a confident
//! wrong report. Every folder under tests/fixtures/hostile holds such input and `expected.txt`,
//! the exact text `uppfolj check` prints; cases that need a report month or a built file are
//! tests of their own below.

use super::*;

/// `uppfolj check` on the fixture refuses it (exit 1) with exactly the expected messages.
fn case(name: &str) {
    case_with(name, &[]);
}

fn case_with(name: &str, extra: &[&str]) {
    case_exit(name, extra, 1);
}

/// `uppfolj check` on the fixture prints exactly the expected findings and exits with `code`.
fn case_exit(name: &str, extra: &[&str], code: i32) {
    let dir = format!("tests/fixtures/hostile/{name}");
    let mut args = vec!["check", "--data", &dir];
    args.extend(extra);
    let out = uppfolj(&args);
    let expected =
        std::fs::read_to_string(root().join(&dir).join("expected.txt")).unwrap_or_else(|_| {
            panic!(
                "{dir}/expected.txt is missing; the output was:\n{}",
                stderr(&out)
            )
        });
    assert_eq!(stderr(&out), expected, "messages for {name}");
    assert_eq!(out.status.code(), Some(code), "exit code for {name}");
}

// Crashes

/// A month with a multi-byte character (`202é0`, `20€0`) once panicked slicing through it.
#[test]
fn multibyte_period() {
    case("multibyte-period");
}

#[test]
fn multibyte_period_argument() {
    let out = tempfile::tempdir().unwrap();
    for period in ["202é0", "20€0", "2€20-01"] {
        let o = generate_to("tests/fixtures/mini", out.path(), period, &[]);
        assert_eq!(
            stderr(&o),
            format!(
                "error: --period \"{period}\" is not a month (expected YYYY-MM, YYYYMM or latest)\n\
                 uppfolj: stopped; nothing was written\n"
            )
        );
        assert_eq!(o.status.code(), Some(2), "{period}");
    }
}

/// A Parquet file that makes the Parquet reader panic is that file's error, with its path.
#[test]
fn corrupt_parquet() {
    case("corrupt-parquet");
}

/// Parquet files of a few KB, each one byte from a valid ledger, once aborted the process:
/// a data page claiming -1 values made the reader ask for 2^61 bytes, a dictionary page
/// claiming 2^31 - 1 values for 16 GiB. What a file claims is bounded before it is read.
#[test]
fn parquet_page_claiming_negative_values() {
    case("parquet-page-values");
}

#[test]
fn parquet_dictionary_claiming_billions_of_values() {
    case("parquet-dictionary-values");
}

/// Crafted workbooks of a few KB once aborted the process or took gigabytes: what a workbook
/// claims is bounded before the workbook reader allocates for it. The workbooks are written by
/// tests/fixtures/hostile/make-xlsx.py.
#[test]
fn xlsx_shared_strings_claimed_beyond_the_part() {
    case("xlsx-shared-strings");
}

#[test]
fn xlsx_sparse_sheet_spanning_the_grid() {
    case("xlsx-sparse");
}

#[test]
fn xlsx_cell_past_the_last_column() {
    case("xlsx-past-last-column");
}

#[test]
fn xlsx_row_past_the_last_row() {
    case("xlsx-past-last-row");
}

#[test]
fn xlsx_dimension_spanning_the_grid() {
    case("xlsx-dimension");
}

#[test]
fn xlsx_part_declaring_gigabytes() {
    case("xlsx-zip-bomb");
}

/// Config numbers out of range (once a panic in formatting) are config errors.
#[test]
fn config_numbers_out_of_range() {
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/mini",
        "--config",
        "tests/fixtures/hostile/kpi-decimals/uppfolj.yaml",
    ]);
    let at = "tests/fixtures/hostile/kpi-decimals/uppfolj.yaml";
    assert_eq!(
        stderr(&o),
        format!(
            "error: {at}: full_time_hours: 1e308 is not a number of hours in a year (expected 1 to 8784)\n\
             error: {at}: thresholds.agency.yellow: inf is not a percentage (expected a number from -1000 to 1000)\n\
             error: {at}: kpi_ratios, ratio 1 (Medelvårdtid): decimals: 4294967295 is too many (expected 0 to 6)\n\
             uppfolj: stopped\n"
        )
    );
    assert_eq!(o.status.code(), Some(1));
}

// Row numbers

/// The same broken ledger with each kind of line end: the message names the file's own line.
fn bad_row_with_line_end(end: &str) {
    let data = tempfile::tempdir().unwrap();
    let lines = [
        "period;unit;account;actual;budget",
        "2020-01;A1;3010;100,00;90,00",
        "",
        "2020-02;A1;3010;12,3x;90,00",
        "2020-03;A1;3010;\"1\r\n2\";90,00",
        "2020-04;A1;3010;1,00;abc",
    ];
    std::fs::write(data.path().join("ledger.csv"), lines.join(end) + end).unwrap();
    let dir = data.path().display().to_string();
    let o = uppfolj(&["check", "--data", &dir]);
    let file = data.path().join("ledger.csv").display().to_string();
    assert_eq!(
        stderr(&o),
        format!(
            "error: {file}, row 4, column \"actual\": \"12,3x\" is not a number (expected an amount in kronor, e.g. -1 234,50)\n\
             error: {file}, row 5, column \"actual\": \"1\r\n2\" is not a number (expected an amount in kronor, e.g. -1 234,50)\n\
             error: {file}, row 7, column \"budget\": \"abc\" is not a number (expected an amount in kronor, e.g. -1 234,50)\n\
             uppfolj: stopped: 3 errors in the data\n"
        ),
        "line end {end:?}"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn row_numbers_with_lf() {
    bad_row_with_line_end("\n");
}

#[test]
fn row_numbers_with_crlf() {
    bad_row_with_line_end("\r\n");
}

#[test]
fn row_numbers_with_cr() {
    bad_row_with_line_end("\r");
}

// Numbers beyond their bounds

/// Hours of 400 digits or beyond 10^12 (once an infinite percentage and a hanging chart).
#[test]
fn absurd_numbers() {
    case("absurd-numbers");
}

/// One amount beyond what öre can hold.
#[test]
fn amount_too_large() {
    case("amount-too-large");
}

/// Amounts that each fit but add up past what the report's sums hold.
#[test]
fn ledger_total() {
    case("ledger-total");
}

/// SIE balances whose sums would wrap: refused at the line where the total passes the bound.
#[test]
fn sie_total() {
    case("sie-total");
}

/// Transactions whose monthly sum passes the largest amount (checked row by row).
#[test]
fn transactions_overflow() {
    case("transactions-overflow");
}

/// The same through the streaming reader: amounts in the clean form whose sum wraps in Polars
/// are handed to the checked reader, which names the row.
#[test]
fn transactions_overflow_in_the_streaming_reader() {
    let data = tempfile::tempdir().unwrap();
    let mut t = String::from("date;unit;account;amount\n");
    for i in 0..10_000 {
        t.push_str(&format!(
            "2020-01-{:02};A1;5010;-9999999999999,99\n",
            i % 28 + 1
        ));
    }
    std::fs::write(data.path().join("transactions.csv"), t).unwrap();
    std::fs::write(
        data.path().join("budget.csv"),
        "period;unit;account;budget\n2020-01;A1;5010;-100\n",
    )
    .unwrap();
    let dir = data.path().display().to_string();
    let o = uppfolj(&["check", "--data", &dir]);
    let file = data.path().join("transactions.csv").display().to_string();
    assert_eq!(
        stderr(&o),
        format!(
            "note: {file}: read row by row: the streaming reader takes only clean files (dates as YYYY-MM-DD, amounts with at most two decimals, no exponents, every row as wide as the header)\n\
             error: {file}, row 9225, column \"amount\": the amounts of unit A1, account 5010, 2020-01 add up past the largest amount that can be summed exactly (92 233 720 368 547 758,07 kr) at this row (expected amounts far below it)\n\
             uppfolj: stopped: 1 error in the data\n"
        )
    );
    assert_eq!(o.status.code(), Some(1));
}

// Silent wrong reports

/// A report month with budget but no outcome booked is refused.
#[test]
fn month_without_outcome() {
    let out = tempfile::tempdir().unwrap();
    let o = generate_to("tests/fixtures/mini", out.path(), "2020-03", &[]);
    assert_eq!(
        stderr(&o),
        "error: tests/fixtures/mini/ledger.csv, column \"actual\": --period 2020-03: the ledger has no outcome booked in 2020-03 (every actual of the month is zero or missing; the last month with an outcome is 2020-02); a report would show the month as zero\n\
         uppfolj: stopped: 1 error in the data; nothing was written\n"
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.path().join("2020-03").exists());
}

/// A report month where some units have outcome: a warning names the others.
#[test]
fn month_with_outcome_for_some_units() {
    let o = generate_into("tests/fixtures/hostile/partial-outcome", None, "2020-02").output;
    assert!(
        stderr(&o).contains(
            "warning: tests/fixtures/hostile/partial-outcome/ledger.csv, column \"actual\": no outcome in 2020-02 for unit A2 (it has outcome earlier in 2020); its month counts as zero\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A debit-positive ledger without `sign:` in the config is refused with the evidence.
#[test]
fn debit_positive_without_sign() {
    case("debit-positive");
}

/// A stated sign is an assumption the data is checked against: `sign: debit-positive` reads
/// the ledger, `sign: result` is refused with the evidence (once it switched the check off).
#[test]
fn debit_positive_with_sign_stated() {
    let config = tempfile::tempdir().unwrap();
    let check = |sign: &str| {
        let path = config.path().join(format!("{sign}.yaml"));
        std::fs::write(&path, format!("sign: {sign}\n")).unwrap();
        uppfolj(&[
            "check",
            "--data",
            "tests/fixtures/hostile/debit-positive",
            "--config",
            path.to_str().unwrap(),
        ])
    };
    let o = check("debit-positive");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = check("result");
    assert!(
        stderr(&o).contains(
            "error: tests/fixtures/hostile/debit-positive/ledger.csv, column \"actual\": the amounts contradict `sign: result` in the config: costs (accounts 5010, 4010) add up to 4 270,60 kr and revenue (accounts 8010, 3010) to -5 170,25 kr, where result sign has costs negative and revenue positive (expected `sign: debit-positive` for a debit-positive ledger)\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

// Links and special files

/// The mini fixture's warnings, of every run on it: an account without a category, and a
/// budget for the first quarter only.
const NO_CATEGORY: &str = "warning: tests/fixtures/mini/ledger.csv, column \"account\": 1 accounts match no report category and are shown as \"Övriga konton\": 9999\n\
    warning: tests/fixtures/mini/ledger.csv, column \"budget\": the budget for the year that starts 2020-01 has no amounts in 2020-04 to 2020-12 (9 of 12 months); the full-year budget (budget helår) and the forecast result hold only the months given (expected a budget row for every month of the year)\n";

/// Makes a named pipe (FIFO) at `path`.
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// A link at `link` to `to`.
fn symlink(to: &Path, link: &Path) {
    std::os::unix::fs::symlink(to, link).unwrap();
}

/// The mini fixture's tables as links to files in a subfolder of the data folder: followed,
/// and said (once the units table was ignored and the tree came out flat).
#[test]
fn links_within_the_data_folder_are_followed_and_said() {
    let data = copy_fixture("mini");
    let d = data.path();
    std::fs::create_dir(d.join("exports")).unwrap();
    for t in ["ledger.csv", "units.csv"] {
        std::fs::rename(d.join(t), d.join("exports").join(t)).unwrap();
        symlink(Path::new("exports").join(t).as_path(), &d.join(t));
    }
    let dir = d.display().to_string();
    let o = uppfolj(&["check", "--data", &dir]);
    let real = std::fs::canonicalize(d).unwrap().join("exports");
    assert_eq!(
        stderr(&o),
        format!(
            "note: {dir}/ledger.csv: a link to {}, within the data folder; followed\n\
             note: {dir}/units.csv: a link to {}, within the data folder; followed\n\
             {}",
            real.join("ledger.csv").display(),
            real.join("units.csv").display(),
            NO_CATEGORY.replace("tests/fixtures/mini", &dir)
        )
    );
    // The same tree as the fixture itself: the units table was read.
    let plain = uppfolj(&["check", "--data", "tests/fixtures/mini"]);
    assert_eq!(stdout(&o), stdout(&plain));
    assert_eq!(o.status.code(), Some(0));
}

/// A table that is a link out of the data folder, or to nothing, is an error naming it.
#[test]
fn links_out_of_the_data_folder_are_refused() {
    let data = copy_fixture("mini");
    let elsewhere = tempfile::tempdir().unwrap();
    let d = data.path();
    std::fs::rename(d.join("units.csv"), elsewhere.path().join("units.csv")).unwrap();
    symlink(&elsewhere.path().join("units.csv"), &d.join("units.csv"));
    symlink(&d.join("gone.csv"), &d.join("forecast.parquet"));
    let dir = d.display().to_string();
    let o = uppfolj(&["check", "--data", &dir]);
    let root = std::fs::canonicalize(d).unwrap();
    let outside = std::fs::canonicalize(elsewhere.path()).unwrap();
    assert_eq!(
        stderr(&o),
        format!(
            "error: {dir}/forecast.parquet: is a link to {dir}/gone.csv, which does not exist\n\
             error: {dir}/units.csv: leads to {}/units.csv, outside the data folder {}; links are followed only within their folder (expected the file itself, or a link to a file inside the folder)\n\
             uppfolj: stopped: 2 errors in the data\n",
            outside.display(),
            root.display()
        )
    );
    assert_eq!(o.status.code(), Some(1));
}

/// A FIFO named like a table is refused by its type, never opened (once the run hung).
#[test]
fn a_fifo_named_like_a_table_is_refused() {
    let data = copy_fixture("mini");
    mkfifo(&data.path().join("staffing.csv"));
    let dir = data.path().display().to_string();
    let o = uppfolj(&["check", "--data", &dir]);
    assert_eq!(
        stderr(&o),
        format!(
            "error: {dir}/staffing.csv: is a named pipe (FIFO), not a regular file; only regular files are read\n\
             uppfolj: stopped: 1 error in the data\n"
        )
    );
    assert_eq!(o.status.code(), Some(1));
}

/// A commentary file that is a link to /etc/passwd is never published; a FIFO named like a
/// commentary file does not hang the run. Both are errors naming the file.
#[test]
fn commentary_only_from_regular_files_inside_its_folder() {
    let data = copy_fixture("mini");
    let comments = data.path().join("comments/2020-02");
    std::fs::create_dir_all(&comments).unwrap();
    symlink(Path::new("/etc/passwd"), &comments.join("A.md"));
    mkfifo(&comments.join("A1.md"));
    let dir = data.path().display().to_string();
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(&dir, out.path(), "2020-02", &[]);
    let root = std::fs::canonicalize(data.path().join("comments")).unwrap();
    assert_eq!(
        stderr(&o),
        format!(
            "error: {dir}/comments/2020-02/A.md: leads to /etc/passwd, outside the commentary folder {}; links are followed only within their folder (expected the file itself, or a link to a file inside the folder); the commentary is not published\n\
             error: {dir}/comments/2020-02/A1.md: is a named pipe (FIFO), not a regular file; only regular files are read; the commentary is not published\n\
             uppfolj: stopped: 2 errors in the data; nothing was written\n",
            root.display()
        )
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(snapshot_dir(out.path()).is_empty(), "nothing published");
    // `check` says the same.
    let o = uppfolj(&["check", "--data", &dir]);
    assert!(
        stderr(&o).contains("A.md: leads to /etc/passwd"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

/// `templates: /proc/self` ends at once with an error naming a link that leaves the folder
/// (once the run walked through /proc/self/root and never ended).
#[test]
fn templates_in_proc_self_do_not_hang() {
    let config = tempfile::tempdir().unwrap();
    let path = config.path().join("uppfolj.yaml");
    std::fs::write(&path, "templates: /proc/self\n").unwrap();
    let o = generate_into("tests/fixtures/mini", Some(&path), "2020-02").output;
    assert!(
        stderr(&o).starts_with(&format!(
            "{NO_CATEGORY}error: {}: templates: /proc/self/cwd: the template is not read: leads to ",
            path.display()
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the template folder is the user's input"
    );
}

/// A template that is a link out of the template folder is refused.
#[test]
fn template_links_out_of_their_folder_are_refused() {
    let config = tempfile::tempdir().unwrap();
    let templates = config.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    symlink(Path::new("/etc/passwd"), &templates.join("report.html"));
    let path = config.path().join("uppfolj.yaml");
    std::fs::write(&path, "templates: templates\n").unwrap();
    let o = generate_into("tests/fixtures/mini", Some(&path), "2020-02").output;
    let root = std::fs::canonicalize(&templates).unwrap();
    assert_eq!(
        stderr(&o),
        format!(
            "{NO_CATEGORY}error: {}: templates: {}/report.html: the template is not read: leads to /etc/passwd, outside the template folder {}; links are followed only within their folder (expected the file itself, or a link to a file inside the folder)\n\
             uppfolj: stopped; nothing was written\n",
            path.display(),
            templates.display(),
            root.display()
        )
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the template folder is the user's input"
    );
}

// Dropped commentary

/// Text under a heading for a section the unit does not show, and a file for a unit that does
/// not exist, are warnings naming the file, in `generate` and in `check`.
#[test]
fn dropped_commentary_is_a_warning() {
    let data = copy_fixture("mini");
    let comments = data.path().join("comments/2020-02");
    std::fs::create_dir_all(&comments).unwrap();
    std::fs::write(
        comments.join("A1.md"),
        "Bra månad.\n\n# Personal\nSjukfrånvaron minskar.\n",
    )
    .unwrap();
    std::fs::write(comments.join("6111.md"), "Ingen sådan enhet.\n").unwrap();
    let dir = data.path().display().to_string();
    let unknown = format!(
        "warning: {dir}/comments/2020-02/6111.md: commentary for unit 6111, which is not in the organisation tree; it is not published (expected <period>/<unit>.md for a unit of the tree)\n"
    );
    let no_category = NO_CATEGORY.replace("tests/fixtures/mini", &dir);
    let dropped = format!(
        "warning: {dir}/comments/2020-02/A1.md: the text under the heading for Personnel is not published: the report of unit A1 has no such section (no staffing table, or no rows in it for the unit); move the text under another heading or above the first\n"
    );
    let o = generate_into(&dir, None, "2020-02").output;
    assert!(
        stderr(&o).starts_with(&format!("{unknown}{no_category}{dropped}")),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(0));
    let o = uppfolj(&["check", "--data", &dir]);
    assert_eq!(stderr(&o), format!("{no_category}{unknown}{dropped}"));
    assert_eq!(o.status.code(), Some(0));
}

// Contract bounds

/// Negative costs of hired and own staff, a negative reallocation and a frame for year 0000
/// (once all accepted without a word).
#[test]
fn negative_amounts_and_year_zero() {
    case("negative-amounts");
}

// Unbounded echoes and long names

/// A 1 MB cell used as a unit code, a 40 000-character unit name and 25 unknown units: every
/// value is cut in the messages (with its length said) and the unknown units past the
/// twentieth are counted in one finding. A name longer than 1000 characters is refused on
/// load (once it stopped the Excel writer at 32 767).
#[test]
fn long_values_are_cut_and_many_findings_folded() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let mut ledger = String::from("period;unit;account;actual;budget\n");
    ledger.push_str(&format!("2020-01;{};3010;1,00;1,00\n", "X".repeat(1 << 20)));
    for i in 0..25 {
        ledger.push_str(&format!("2020-01;U{i:02};3010;1,00;1,00\n"));
    }
    std::fs::write(d.join("ledger.csv"), ledger).unwrap();
    let units = |name: &str| format!("unit;name;parent\nR;Region;\nB;{name};R\n");
    std::fs::write(d.join("units.csv"), units(&"N".repeat(40_000))).unwrap();
    let dir = d.display().to_string();
    let long = |c: &str, n: usize| format!("\"{}…\" ({n} characters)", c.repeat(100));
    let o = uppfolj(&["check", "--data", &dir]);
    assert_eq!(
        stderr(&o),
        format!(
            "error: {dir}/units.csv, row 3, column \"name\": {} is too long (expected at most 1000 characters)\n\
             uppfolj: stopped: 1 error in the data\n",
            long("N", 40_000)
        )
    );
    std::fs::write(d.join("units.csv"), units("Enhet B")).unwrap();
    let o = uppfolj(&["check", "--data", &dir]);
    let err = stderr(&o);
    assert!(err.len() < 10_000, "{} bytes of messages", err.len());
    for line in [
        format!(
            "error: {dir}/ledger.csv, row 2, column \"unit\": unit {} is not in the organisation tree (on row 2; expected a unit of the units table)\n",
            long("X", 1 << 20)
        ),
        format!(
            "error: {dir}/ledger.csv, row 21, column \"unit\": unit \"U18\" is not in the organisation tree (on row 21; expected a unit of the units table)\n"
        ),
        format!(
            "error: {dir}/ledger.csv, row 22, column \"unit\": 6 more units are not in the organisation tree, first on rows 22, 23, 24, 25, 26 and 1 more (expected units of the units table)\n"
        ),
    ] {
        assert!(err.contains(&line), "{line}\nnot in\n{err}");
    }
    assert_eq!(o.status.code(), Some(1));
}

/// 30 kinds of record that SIE 4 does not know: 20 named, the rest counted in one note.
#[test]
fn many_unknown_sie_records_are_folded() {
    let data = tempfile::tempdir().unwrap();
    let mut sie = String::from(
        "#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#DIM 1 \"Kostnadsställe\"\n#OBJEKT 1 \"100\" \"Enhet\"\n#PSALDO 0 202401 3010 {1 \"100\"} -1000.00\n",
    );
    for i in 0..30 {
        sie.push_str(&format!("#OKÄND{i:02} 1\n#OKÄND{i:02} 2\n"));
    }
    std::fs::write(data.path().join("ledger.se"), sie).unwrap();
    let dir = data.path().display().to_string();
    let o = uppfolj(&["check", "--data", &dir]);
    let err = stderr(&o);
    let file = format!("{dir}/ledger.se");
    assert!(
        err.contains(&format!("note: {file}: record #OKÄND19 is not in the SIE 4 specification: 2 line(s), first on line 45; ignored\n\
             note: {file}: 10 more kinds of record are not in the SIE 4 specification: 20 line(s), first on line 47; ignored\n")),
        "{err}"
    );
    assert_eq!(
        err.matches("is not in the SIE 4 specification").count(),
        20,
        "{err}"
    );
}

// The output folder after a killed run

/// What a run killed with SIGKILL leaves behind (a staging folder, the earlier output moved
/// aside, its lock, a lock without a process id) is cleaned up by the next run: the staging
/// folder is never published and the earlier output goes back into place.
#[test]
fn leftovers_of_a_killed_run_are_cleaned_up() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    // A process id above Linux's largest: never a running process.
    let dead = 999_999_999u32;
    std::fs::create_dir_all(o.join(format!(".2020-02.tmp-{dead}/sub"))).unwrap();
    std::fs::write(o.join(format!(".2020-02.tmp-{dead}/A.html")), "half").unwrap();
    std::fs::create_dir_all(o.join(format!(".2020-01.old-{dead}"))).unwrap();
    std::fs::write(o.join(format!(".2020-01.old-{dead}/index.html")), "good").unwrap();
    std::fs::write(o.join(".uppfolj.lock"), format!("{dead}\n")).unwrap();
    let run = || generate_to("tests/fixtures/mini", o, "2020-02", &["--wait", "0"]);
    let r = run();
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let mut names: Vec<String> = std::fs::read_dir(o)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    // The months, and the output folder's front page and `latest` written after them.
    assert_eq!(names, ["2020-01", "2020-02", "index.html", "latest"]);
    assert_eq!(
        std::fs::read_to_string(o.join("2020-01/index.html")).unwrap(),
        "good"
    );
    assert_ne!(
        std::fs::read_to_string(o.join("2020-02/A.html")).unwrap(),
        "half"
    );
    // A lock file left empty (killed before it held its process id) is no lock.
    std::fs::File::create(o.join(".uppfolj.lock")).unwrap();
    let r = run();
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(!o.join(".uppfolj.lock").exists(), "the lock is released");
}

/// `uppfolj watch` removes its own output folder on SIGTERM and on Ctrl-C (SIGINT).
#[test]
fn watch_cleans_up_on_sigterm_and_ctrl_c() {
    for signal in ["TERM", "INT"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
            .args([
                "watch",
                "--data",
                "tests/fixtures/mini",
                "--period",
                "2020-02",
                "--port",
                "0",
            ])
            .current_dir(root())
            .env("TMPDIR", tmp.path())
            .env("SOURCE_DATE_EPOCH", "1600000000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let out = tmp.path().join(format!("uppfolj-watch-{}", child.id()));
        let start = std::time::Instant::now();
        while !out.join("2020-02/index.html").exists() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "no preview built"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert!(!status.success(), "SIG{signal}: {status}");
        assert!(!out.exists(), "SIG{signal} left {}", out.display());
    }
}

/// Every fixture folder has a test above.
#[test]
fn every_hostile_fixture_is_tested() {
    let src = include_str!("hostile.rs");
    for e in std::fs::read_dir(root().join("tests/fixtures/hostile")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            ["case(", "case_exit(", "config_case("]
                .iter()
                .any(|f| src.contains(&format!("{f}\"{name}\"")))
                || src.contains(&format!("hostile/{name}")),
            "no test for hostile/{name}"
        );
    }
}

/// Mutated workbooks (bytes of the zip and of its parts changed, parts cut short): the tool
/// reads or refuses each one, never aborts, panics or hangs. Each runs as its own process, so
/// an abort would show as an exit by signal.
#[test]
fn mutated_workbooks_are_read_or_refused() {
    let base = std::fs::read(root().join("tests/fixtures/formats/ledger.xlsx")).unwrap();
    let mut seed: u64 = 7;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n.max(1)
    };
    // The parts of the workbook, to mutate their XML and pack them again.
    let parts: Vec<(String, Vec<u8>)> = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(base.clone())).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let name = f.name().unwrap().to_string();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (name, data)
            })
            .collect()
    };
    let inserts: [&[u8]; 6] = [
        b"<c r=\"XFD1048576\"><v>1</v></c>",
        b" r=\"A99999999999\"",
        b"<row r=\"4294967296\">",
        b"<v>1e999</v>",
        b"<dimension ref=\"A1:ZZZZZ9\"/>",
        b"\xff\xfe",
    ];
    for case in 0..60 {
        let mut bytes = base.clone();
        if case % 2 == 1 {
            // Mutate the XML of one part, then pack the workbook again.
            use std::io::Write;
            let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let target = next(parts.len());
            for (i, (name, data)) in parts.iter().enumerate() {
                let mut data = data.clone();
                if i == target && !data.is_empty() {
                    let at = next(data.len());
                    match next(3) {
                        0 => {
                            let ins = inserts[next(inserts.len())];
                            data.splice(at..at, ins.iter().copied());
                        }
                        1 => {
                            let end = (at + 1 + next(40)).min(data.len());
                            data.drain(at..end);
                        }
                        _ => data[at] = next(256) as u8,
                    }
                }
                out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                    .unwrap();
                out.write_all(&data).unwrap();
            }
            bytes = out.finish().unwrap().into_inner();
        }
        for _ in 0..(case % 2 == 0) as usize * (1 + next(6)) {
            let at = next(bytes.len());
            match next(3) {
                0 => bytes[at] = next(256) as u8,
                1 => bytes[at] ^= 1 << next(8),
                _ => {
                    let end = (at + 1 + next(64)).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ledger.xlsx"), &bytes).unwrap();
        let o = uppfolj(&["check", "--data", dir.path().to_str().unwrap()]);
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)),
            "case {case}: {:?}\n{}",
            o.status,
            stderr(&o)
        );
    }
}

/// Mutated Parquet files (bytes of the page headers, of the metadata at the end and anywhere
/// changed, long numbers put in): the tool reads or refuses each one, never aborts, panics or
/// hangs. Each runs as its own process, so an abort would show as an exit by signal.
#[test]
fn mutated_parquet_files_are_read_or_refused() {
    use polars::prelude::*;
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini/ledger.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    let num = |s: &str| s.replace(' ', "").replace(',', ".").parse::<f64>().unwrap();
    let text_of = |i: usize| rows.iter().map(|r| r[i].to_string()).collect::<Vec<_>>();
    let mut df = DataFrame::new(
        rows.len(),
        vec![
            Column::new("period".into(), text_of(0)),
            Column::new("unit".into(), text_of(1)),
            Column::new("account".into(), text_of(2)),
            Column::new(
                "actual".into(),
                rows.iter().map(|r| num(r[3])).collect::<Vec<_>>(),
            ),
            Column::new(
                "budget".into(),
                rows.iter().map(|r| num(r[4])).collect::<Vec<_>>(),
            ),
        ],
    )
    .unwrap();
    let mut base = Vec::new();
    ParquetWriter::new(&mut base)
        .with_row_group_size(Some(5))
        .finish(&mut df)
        .unwrap();
    // Where the page headers are: the start of each column chunk.
    let starts: Vec<usize> = ParquetReader::new(std::io::Cursor::new(base.clone()))
        .get_metadata()
        .unwrap()
        .row_groups
        .iter()
        .flat_map(|rg| rg.byte_ranges_iter().map(|r| r.start as usize))
        .collect();
    let footer = base.len()
        - 8
        - u32::from_le_bytes(base[base.len() - 8..base.len() - 4].try_into().unwrap()) as usize;
    let mut seed: u64 = 11;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n.max(1)
    };
    // Bytes that make a Thrift number large, negative or long.
    let special = [0x01, 0x03, 0x7f, 0x80, 0xff, 0x00, 0x0f, 0xf0];
    let long: [&[u8]; 3] = [
        &[0xff, 0xff, 0xff, 0xff, 0x0f],
        &[0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
        &[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    ];
    for case in 0..80 {
        let mut bytes = base.clone();
        for _ in 0..1 + next(3) {
            let at = match next(4) {
                0 | 1 => starts[next(starts.len())] + next(40),
                2 => footer + next(base.len() - 8 - footer),
                _ => next(base.len()),
            }
            .min(bytes.len() - 1);
            match next(4) {
                0 => bytes[at] = next(256) as u8,
                1 => bytes[at] ^= 1 << next(8),
                2 => bytes[at] = special[next(special.len())],
                _ => {
                    let ins = long[next(long.len())];
                    bytes.splice(at..at + 1, ins.iter().copied());
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ledger.parquet"), &bytes).unwrap();
        let o = uppfolj(&["check", "--data", dir.path().to_str().unwrap()]);
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)),
            "case {case}: {:?}\n{}",
            o.status,
            stderr(&o)
        );
    }
}

// First-hour mistakes: a controller's own small region typed as in Excel (the ledgers are
// written by tests/fixtures/hostile/make-ledgers.py). Each once gave a confident wrong
// report without a word.

/// Every amount positive (costs typed positive beside positive revenue) is refused naming
/// both sums and the accounts, whatever the sign.
#[test]
fn costs_typed_positive_beside_positive_revenue() {
    case("all-positive");
    let config = tempfile::tempdir().unwrap();
    let path = config.path().join("uppfolj.yaml");
    std::fs::write(&path, "sign: debit-positive\n").unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/hostile/all-positive",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        stderr(&o),
        "error: tests/fixtures/hostile/all-positive/ledger.csv, column \"actual\": costs and revenue have the same sign: costs (accounts 5010, 4010, 6010) add up to 29 400 009,00 kr and revenue (account 3010) to 1 440 000,00 kr, both positive (expected costs and revenue of opposite signs — costs negative and revenue positive in result sign, the reverse in debit-positive; check the amounts as typed or exported)\n\
         uppfolj: stopped: 1 error in the data\n"
    );
    assert_eq!(o.status.code(), Some(1));
}

/// `sign: result` in the config does not switch the evidence off.
#[test]
fn a_stated_sign_the_data_contradicts() {
    case_with(
        "sign-stated-contradicted",
        &[
            "--config",
            "tests/fixtures/hostile/sign-stated-contradicted/uppfolj.yaml",
        ],
    );
}

/// Accounts that are not BAS numbers are costs or revenue by their report category.
#[test]
fn debit_positive_with_accounts_named_by_text() {
    case("debit-positive-named-accounts");
}

/// Points between thousands in a file whose decimal mark is the comma, used the same way
/// throughout: read as thousands, with a note.
#[test]
fn dotted_thousands_used_consistently_are_thousands() {
    case_exit("dotted-thousands", &[], 0);
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(
        "tests/fixtures/hostile/dotted-thousands",
        out.path(),
        "latest",
        &["--format", "html"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let figures: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2026-03/figures.json")).unwrap(),
    )
    .unwrap();
    // Q1: 2 units × 3 months × (120 000,00 − 300 000,50 − 2 000 000,25 − 150 000,00).
    assert_eq!(figures["units"]["R"]["actual"], "-13980004.50");
    assert_eq!(figures["units"]["A"]["actual"], "-6990002.25");
}

/// Points before three digits beside amounts with a decimal point are refused cell by cell.
#[test]
fn dotted_thousands_beside_decimal_points_are_refused() {
    case("dotted-thousands-mixed");
}

/// A month with no outcome at all between months with outcome is an error.
#[test]
fn a_month_missing_inside_the_period() {
    case("month-missing");
}

/// A unit without outcome in a month between its months with outcome is a warning.
#[test]
fn a_unit_missing_a_month() {
    case_exit("unit-month-missing", &[], 0);
}

/// A full-year budget that lacks months is a warning naming them.
#[test]
fn a_budget_for_part_of_the_year() {
    case_exit("budget-months-missing", &[], 0);
}

/// Config mistakes are config errors (exit 1) with their line, not failures of the output.
fn config_case(name: &str) {
    let config = format!("tests/fixtures/hostile/{name}/uppfolj.yaml");
    for command in ["check", "generate"] {
        let out = tempfile::tempdir().unwrap();
        let out_dir = out.path().display().to_string();
        let mut args = vec![
            command,
            "--data",
            "tests/fixtures/mini",
            "--config",
            &config,
        ];
        if command == "generate" {
            args.extend(["--out", &out_dir, "--period", "latest"]);
        }
        let o = uppfolj(&args);
        let expected = std::fs::read_to_string(
            root().join(format!("tests/fixtures/hostile/{name}/expected.txt")),
        )
        .unwrap();
        let expected = if command == "generate" {
            expected.replace(
                "uppfolj: stopped\n",
                "uppfolj: stopped; nothing was written\n",
            )
        } else {
            expected
        };
        assert_eq!(stderr(&o), expected, "{command} {name}");
        assert_eq!(o.status.code(), Some(1), "{command} {name}");
        assert!(snapshot_dir(out.path()).is_empty(), "nothing written");
    }
}

#[test]
fn an_empty_organisation_code_and_name() {
    config_case("organisation-empty");
}

#[test]
fn a_templates_folder_that_does_not_exist() {
    config_case("templates-missing");
}
