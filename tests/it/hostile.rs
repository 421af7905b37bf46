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
    assert_eq!(out.status.code(), Some(1), "exit code for {name}");
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
        let o = uppfolj(&[
            "generate",
            "--data",
            "tests/fixtures/mini",
            "--period",
            period,
            "--out",
            out.path().to_str().unwrap(),
        ]);
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
    let o = uppfolj(&[
        "generate",
        "--data",
        "tests/fixtures/mini",
        "--period",
        "2020-03",
        "--out",
        out.path().to_str().unwrap(),
    ]);
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
    let out = tempfile::tempdir().unwrap();
    let o = uppfolj(&[
        "generate",
        "--data",
        "tests/fixtures/hostile/partial-outcome",
        "--period",
        "2020-02",
        "--out",
        out.path().to_str().unwrap(),
    ]);
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

/// Stating the sign is the way out, either way.
#[test]
fn debit_positive_with_sign_stated() {
    let config = tempfile::tempdir().unwrap();
    for sign in ["debit-positive", "result"] {
        let path = config.path().join(format!("{sign}.yaml"));
        std::fs::write(&path, format!("sign: {sign}\n")).unwrap();
        let o = uppfolj(&[
            "check",
            "--data",
            "tests/fixtures/hostile/debit-positive",
            "--config",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{sign}: {}", stderr(&o));
    }
}

/// Every fixture folder has a test above.
#[test]
fn every_hostile_fixture_is_tested() {
    let src = include_str!("hostile.rs");
    for e in std::fs::read_dir(root().join("tests/fixtures/hostile")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            src.contains(&format!("case(\"{name}\")")) || src.contains(&format!("hostile/{name}")),
            "no test for hostile/{name}"
        );
    }
}
