//! Exports as ledger systems give them, read through `sources:` in the config: a real
//! municipality's accounts-payable workbook untouched, the same rows as monthly Swedish-Excel
//! CSV files found by a glob, and every mapping mistake with its exact message.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader};

use super::{generate_into, root, stderr, uppfolj};

const OREBRO: &str = "tests/fixtures/orebro/data";

/// The fixture workbook's rows as (committee cell, account cell, amount in öre), each amount
/// rounded to the öre from its decimal expansion.
fn orebro_rows() -> Vec<(String, String, i64)> {
    let path = root().join(OREBRO).join("Orebro.2016-03.xlsx");
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range("Blad2").unwrap();
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    };
    range
        .rows()
        .skip(1)
        .map(|r| {
            let amount = match &r[2] {
                Data::Float(f) => format!("{f:.2}"),
                Data::Int(i) => format!("{i}.00"),
                other => panic!("amount {other:?}"),
            };
            let ore: i64 = amount.replace('.', "").parse().unwrap();
            (text(&r[0]), text(&r[1]), ore)
        })
        .collect()
}

fn code(cell: &str) -> &str {
    cell.split_whitespace().next().unwrap()
}

/// Öre as figures.json writes kronor.
fn kronor(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", ore.abs() / 100, ore.abs() % 100)
}

fn figures(g: &super::Generated, period: &str) -> serde_json::Value {
    serde_json::from_str(&g.read(period, "figures.json")).unwrap()
}

/// Each committee's outcome as the report gives it and its name, by code.
fn committees(f: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    f["units"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(code, _)| code.as_str() != "OREBRO")
        .map(|(code, u)| {
            (
                code.clone(),
                (
                    u["name"].as_str().unwrap().to_string(),
                    u["actual"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn orebro_workbook_untouched_gives_each_committee_its_own_sum() {
    let g = generate_into(
        OREBRO,
        Some(Path::new("tests/fixtures/orebro/uppfolj.yaml")),
        "latest",
    );
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f = figures(&g, "2016-03");
    let rows = orebro_rows();
    assert_eq!(rows.len(), 68_021);
    let mut expected: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for (unit, _, ore) in &rows {
        let name = unit.split_once(' ').unwrap().1.trim().to_string();
        expected
            .entry(code(unit).to_string())
            .or_insert((name, 0))
            .1 -= ore;
    }
    assert_eq!(expected.len(), 31);
    let total: i64 = expected.values().map(|(_, o)| o).sum();
    // The file's own total of costs, as its README gives it: 450 187 283,39 kr.
    assert_eq!(total, -45_018_728_339);
    assert_eq!(f["units"]["OREBRO"]["actual"], kronor(total));
    let expected: BTreeMap<String, (String, String)> = expected
        .into_iter()
        .map(|(c, (n, o))| (c, (n, kronor(o))))
        .collect();
    assert_eq!(committees(&f), expected);
    assert_eq!(
        f["units"]["VVV"]["name"].as_str(),
        Some("Vård- och omsorgsnämnd väster")
    );
    // No budget in the export and no last year: neither is made up as zeros.
    assert_eq!(f["units"]["VVV"]["budget"], serde_json::Value::Null);
    assert_eq!(f["units"]["VVV"]["deviation"], serde_json::Value::Null);
    assert_eq!(f["units"]["VVV"]["previous_year"], serde_json::Value::Null);
    assert_eq!(
        f["units"]["VVV"]["categories"][0]["actual_previous_year"],
        serde_json::Value::Null
    );
    let html = g.read("2016-03", "VVV.html");
    assert!(
        html.contains("<p class=\"note\"><strong>Budget saknas i underlaget.</strong> Utfall för föregående år saknas i underlaget (2015).</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"summary\">Utfallet för Vård- och omsorgsnämnd väster uppgick för perioden ack mars 2016 till -7,1 Mkr. Största kostnaderna avser "),
        "{html}"
    );
    assert!(
        !html.contains("2015</th>") && !html.contains("Förändring mot"),
        "{html}"
    );
}

/// Text as Windows-1252 bytes (every character of the fixture has one).
fn cp1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Öre as Swedish Excel writes an amount: `-1 234,50`.
fn swedish(ore: i64) -> String {
    let digits = (ore.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{grouped},{:02}", ore.abs() % 100)
}

#[test]
fn the_same_rows_as_monthly_swedish_csv_files_give_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("data/exports");
    std::fs::create_dir_all(&exports).unwrap();
    let rows = orebro_rows();
    // Every other row in February, the rest in March: the accumulated outcome of March is
    // the whole file's, as in the workbook.
    for (month, parity) in [("2016-02", 0), ("201603", 1)] {
        let mut text = String::from("Leverantörsfakturor per nämnd och konto\r\n");
        text.push_str("Nämnd;Konto;Belopp\r\n");
        for (i, (unit, account, ore)) in rows.iter().enumerate() {
            if i % 2 == parity {
                text.push_str(&format!("\"{unit}\";\"{account}\";{}\r\n", swedish(*ore)));
            }
        }
        std::fs::write(
            exports.join(format!("leverantorsfakturor-{month}.csv")),
            cp1252(&text),
        )
        .unwrap();
    }
    let config = dir.path().join("uppfolj.yaml");
    std::fs::write(
        &config,
        "organisation: { code: OREBRO, name: Örebro kommun }\n\
         sources:\n  transactions:\n    file: \"exports/leverantorsfakturor-*.csv\"\n\
         \x20   columns: { unit: Nämnd }\n    period_from_file_name: true\n\
         \x20   sign: debit-positive\n    code_and_name: [unit, account]\n    skip_rows: 1\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let csv = generate_into(data.to_str().unwrap(), Some(&config), "latest");
    assert_eq!(csv.output.status.code(), Some(0), "{}", stderr(&csv.output));
    let xlsx = generate_into(
        OREBRO,
        Some(Path::new("tests/fixtures/orebro/uppfolj.yaml")),
        "latest",
    );
    let (csv, xlsx) = (figures(&csv, "2016-03"), figures(&xlsx, "2016-03"));
    assert_eq!(committees(&csv), committees(&xlsx));
    assert_eq!(csv["units"]["OREBRO"]["actual"], "-450187283.39");
}

/// A data folder with the given files and config; `check`'s exit code and stderr.
fn check(files: &[(&str, &str)], config: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (name, text) in files {
        let path = data.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(&data).unwrap();
    let c = dir.path().join("c.yaml");
    std::fs::write(&c, config).unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        data.to_str().unwrap(),
        "--config",
        c.to_str().unwrap(),
    ]);
    let text = stderr(&o)
        .replace(&format!("{}/", data.display()), "DATA/")
        .replace(&data.display().to_string(), "DATA")
        .replace(&c.display().to_string(), "c.yaml");
    (o.status.code(), text)
}

const LEDGER: &str = "Period;Ansvar;Konto;Utfall;Budget\n2020-01;A;5010;-100,00;-90,00\n";

fn errors(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("warning:"))
        .collect()
}

#[test]
fn a_glob_that_finds_nothing_lists_what_the_folder_has() {
    let (code, text) = check(
        &[("export/hb-2020-01.csv", LEDGER)],
        "sources:\n  ledger:\n    file: \"exports/hb-*.csv\"\n",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        errors(&text),
        [
            "error: DATA: sources.ledger.file: \"exports/hb-*.csv\" matches no file in the data folder (it has: export/hb-2020-01.csv)",
            "error: DATA: no ledger: expected ledger.csv, ledger.parquet or ledger.xlsx, or transactions (with a budget table for deviations)",
        ],
        "{text}"
    );
}

#[test]
fn a_mapped_header_the_file_lacks_lists_the_header() {
    let (code, text) = check(
        &[("hb.csv", LEDGER)],
        "sources:\n  ledger:\n    file: hb.csv\n    columns: { actual: Utfall ack }\n",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        errors(&text),
        [
            "error: DATA/hb.csv, row 1: the config names the header \"Utfall ack\" for column \"actual\" (sources.ledger.columns.actual), and the file has no such header (it has: \"Period\", \"Ansvar\", \"Konto\", \"Utfall\", \"Budget\")",
        ],
        "{text}"
    );
}

#[test]
fn a_file_name_without_a_month_is_an_error() {
    let trans = "Datum;Ansvar;Konto;Belopp\n2020-01-15;A;5010;-100,00\n";
    let (code, text) = check(
        &[
            ("hb-januari.csv", "Ansvar;Konto;Belopp\nA;5010;-100,00\n"),
            ("hb-2020-02.csv", trans),
        ],
        "sources:\n  transactions:\n    file: \"hb-*.csv\"\n    period_from_file_name: true\n",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        errors(&text),
        [
            "error: DATA/hb-2020-02.csv, row 1, column \"date\": the file has this column (\"Datum\", column 1) and the config gives the month of every row (`period` or `period_from_file_name`); keep one",
            "error: DATA/hb-januari.csv: no month in the file name (expected YYYY-MM or YYYYMM in it, e.g. huvudbok-2020-09.xlsx, as sources.transactions.period_from_file_name says)",
        ],
        "{text}"
    );
}

#[test]
fn unknown_tables_and_columns_in_the_config_are_named() {
    let (code, text) = check(
        &[("ledger.csv", LEDGER)],
        "sources:\n  huvudbok:\n    file: ledger.csv\n  ledger:\n    columns: { belopp: Utfall }\n    code_and_name: [actual]\n",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        errors(&text),
        [
            "error: c.yaml: sources.huvudbok: \"huvudbok\" is not a table of the data contract (expected one of ledger, transactions, budget, units, accounts, forecast, staffing, agency, measures, adjustments, activity, frames, reallocations, approved, investments, projects, investment_forecast, reporters)",
            "error: c.yaml: sources.ledger.columns: \"belopp\" is not a column of the ledger table (expected one of period, unit, account, actual, budget)",
            "error: c.yaml: sources.ledger.code_and_name: \"actual\" is not a text column (expected a code column such as unit or account)",
            "error: DATA/ledger.csv, row 1: missing required column \"actual\" (a header \"actual\" or \"Utfall\"; expected an amount in kronor, e.g. -1 234,50; the header has: Period, Ansvar, Konto, Utfall, Budget)",
        ],
        "{text}"
    );
}

#[test]
fn the_same_row_in_two_files_names_both() {
    let (code, text) = check(
        &[("hb/2020-01.csv", LEDGER), ("hb/2020-01-igen.csv", LEDGER)],
        "sources:\n  ledger:\n    file: \"hb/*.csv\"\n",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        errors(&text),
        [
            "error: DATA/hb/2020-01.csv, row 2: duplicate row for period 2020-01, unit A, account 5010 (also on row 2 of DATA/hb/2020-01-igen.csv; expected one row per period + unit + account)",
        ],
        "{text}"
    );
}

#[test]
fn one_code_with_two_names_is_a_warning_naming_both_rows() {
    let (code, text) = check(
        &[(
            "ledger.csv",
            "Period;Ansvar;Konto;Utfall;Budget\n2020-01;A Nämnd A;5010 Löner;-100,00;-90,00\n2020-01;A Nämnd Alfa;5020 Löner;-1,00;0\n",
        )],
        "sources:\n  ledger:\n    code_and_name: [unit, account]\n",
    );
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        errors(&text),
        [
            "warning: DATA/ledger.csv, row 3, column \"Ansvar\": unit \"A\" is named \"Nämnd Alfa\" here and \"Nämnd A\" on row 2; the first is used",
            "warning: DATA/ledger.csv, column \"budget\": the budget for the year that starts 2020-01 has no amounts in 2020-02 to 2020-12 (11 of 12 months); the full-year budget (budget helår) and the forecast result hold only the months given (expected a budget row for every month of the year)",
        ],
        "{text}"
    );
}

#[test]
fn a_sheet_the_workbook_lacks_lists_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join(OREBRO).join("Orebro.2016-03.xlsx"),
        dir.path().join("Orebro.2016-03.xlsx"),
    )
    .unwrap();
    let c = dir.path().join("c.yaml");
    std::fs::write(
        &c,
        "sources:\n  transactions:\n    file: \"*.xlsx\"\n    sheet: Blad1\n    period: 2016-03\n",
    )
    .unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        dir.path().to_str().unwrap(),
        "--config",
        c.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o).replace(&dir.path().display().to_string(), "DATA");
    assert_eq!(
        errors(&text)[0],
        "error: DATA/Orebro.2016-03.xlsx: the workbook has no sheet \"Blad1\" (sources.transactions.sheet; its sheets: \"Blad2\")",
        "{text}"
    );
}

#[test]
fn config_mistakes_in_sources_are_config_errors() {
    let (code, text) = check(
        &[("ledger.csv", LEDGER)],
        "sources:\n  ledger:\n    file: ../ledger.csv\n    period: 2020-13\n    period_from_file_name: true\n    sign: credit\n    columns: { unit: Ansvar, account: ansvar }\n",
    );
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(
        text.lines().collect::<Vec<_>>()[..5],
        [
            "error: c.yaml: sources.ledger.file: \"../ledger.csv\" leaves the data folder (..) (expected a path or glob relative to the data folder, e.g. \"exports/huvudbok-*.xlsx\")",
            "error: c.yaml: sources.ledger.period: \"2020-13\" is not a month (expected YYYY-MM, e.g. 2016-03)",
            "error: c.yaml: sources.ledger: give either `period` or `period_from_file_name`, not both",
            "error: c.yaml: sources.ledger.sign: \"credit\" is not a sign convention (expected result or debit-positive)",
            "error: c.yaml: sources.ledger.columns: \"Ansvar\" is given for both account and unit (expected one header per column)",
        ],
        "{text}"
    );
}
