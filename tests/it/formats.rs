//! The same mini region in other shapes: Excel, Parquet, comma and TAB CSV, Windows-1252,
//! debit-positive sign. Every shape must give the same figures.

use polars::prelude::*;
use serde_json::Value;

use super::*;

fn figures_of(data: &Path, config: Option<&Path>) -> Value {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "generate",
        "--data",
        data.to_str().unwrap(),
        "--period",
        "2020-02",
        "--out",
        out.path().to_str().unwrap(),
    ];
    if let Some(c) = config {
        args.extend(["--config", c.to_str().unwrap()]);
    }
    let o = uppfolj(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&std::fs::read_to_string(out.path().join("2020-02/figures.json")).unwrap())
        .unwrap()
}

fn reference() -> Value {
    figures_of(&root().join("tests/fixtures/mini"), None)
}

#[test]
fn excel_ledger() {
    // ledger.xlsx holds the mini ledger with numbers as numbers and periods as text and dates.
    let data = copy_fixture("mini");
    std::fs::remove_file(data.path().join("ledger.csv")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/formats/ledger.xlsx"),
        data.path().join("ledger.xlsx"),
    )
    .unwrap();
    assert_eq!(figures_of(data.path(), None), reference());
}

#[test]
fn parquet_ledger() {
    let data = copy_fixture("mini");
    std::fs::remove_file(data.path().join("ledger.csv")).unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini/ledger.csv")).unwrap();
    let (mut p, mut u, mut a, mut act, mut bud) = (vec![], vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        let num = |s: &str| s.replace(' ', "").replace(',', ".").parse::<f64>().unwrap();
        p.push(f[0].replace('-', "").parse::<i64>().unwrap()); // YYYYMM as an integer
        u.push(f[1].to_string());
        a.push(f[2].to_string());
        act.push(num(f[3]));
        bud.push(f[4].to_string()); // text amounts in a Parquet column
    }
    let n = p.len();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("Period".into(), p),
            Column::new("unit".into(), u),
            Column::new("account".into(), a),
            Column::new("actual".into(), act),
            Column::new(
                "budget".into(),
                bud.iter()
                    .map(|b| b.replace(' ', "").replace(',', "."))
                    .collect::<Vec<_>>(),
            ),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(data.path().join("ledger.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    assert_eq!(figures_of(data.path(), None), reference());
}

/// Decimal columns, as many exports write amounts, are read exactly (once a panic asking for a
/// Polars feature).
#[test]
fn parquet_ledger_with_decimal_amounts() {
    let data = copy_fixture("mini");
    std::fs::remove_file(data.path().join("ledger.csv")).unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini/ledger.csv")).unwrap();
    let (mut p, mut u, mut a, mut act, mut bud) = (vec![], vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        let ore = |s: &str| {
            let t = s.replace(' ', "").replace(',', ".");
            (t.parse::<f64>().unwrap() * 100.0).round() as i128
        };
        p.push(f[0].to_string());
        u.push(f[1].to_string());
        a.push(f[2].to_string());
        act.push(ore(f[3]));
        bud.push(ore(f[4]));
    }
    let decimal = |name: &str, v: Vec<i128>| {
        Int128Chunked::from_vec(name.into(), v)
            .into_decimal_unchecked(18, 2)
            .into_series()
            .into_column()
    };
    let n = p.len();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("period".into(), p),
            Column::new("unit".into(), u),
            Column::new("account".into(), a),
            decimal("actual", act),
            decimal("budget", bud),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(data.path().join("ledger.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    assert_eq!(figures_of(data.path(), None), reference());
}

#[test]
fn comma_tab_and_windows_1252_csv() {
    let data = copy_fixture("mini");
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini/ledger.csv")).unwrap();
    // Comma-separated with decimal points and quoted fields.
    let comma: String = text
        .lines()
        .map(|l| {
            let f: Vec<String> = l
                .split(';')
                .map(|s| s.replace(' ', "").replace(',', "."))
                .collect();
            format!("\"{}\",{},{},{},{}\r\n", f[0], f[1], f[2], f[3], f[4])
        })
        .collect();
    std::fs::write(data.path().join("ledger.csv"), comma).unwrap();
    // TAB-separated units in Windows-1252 with a BOM-less header in capitals.
    let units = "UNIT\tName\tParent\nR\tRegion Test\t\nA\tN\u{e4}mnd A\tR\nA1\tEnhet A1\tA\nA2\tEnhet A2\tA\nB\tN\u{e4}mnd B\tR\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(units);
    std::fs::write(data.path().join("units.csv"), bytes).unwrap();
    assert_eq!(figures_of(data.path(), None), reference());
}

#[test]
fn debit_positive_ledger_is_flipped_once() {
    let data = copy_fixture("mini");
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini/ledger.csv")).unwrap();
    let flipped: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return format!("{l}\n");
            }
            let f: Vec<&str> = l.split(';').collect();
            let neg = |s: &str| {
                if let Some(r) = s.strip_prefix('-') {
                    r.to_string()
                } else if s == "0" {
                    s.to_string()
                } else {
                    format!("-{s}")
                }
            };
            format!("{};{};{};{};{}\n", f[0], f[1], f[2], neg(f[3]), neg(f[4]))
        })
        .collect();
    std::fs::write(data.path().join("ledger.csv"), flipped).unwrap();
    let cfg = data.path().join("c.yaml");
    std::fs::write(&cfg, "sign: debit-positive\n").unwrap();
    assert_eq!(figures_of(data.path(), Some(&cfg)), reference());
}

/// The mini ledger as transactions (each month's outcome split over two days) plus a budget
/// table, with the amounts written by `amount`.
fn transactions_fixture(amount: impl Fn(&str, i64) -> String) -> tempfile::TempDir {
    let data = copy_fixture("mini");
    std::fs::remove_file(data.path().join("ledger.csv")).unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini/ledger.csv")).unwrap();
    let mut trans = String::from("date;unit;account;amount;text\n");
    let mut budget = String::from("period;unit;account;budget\n");
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(';').collect();
        let ore: i64 = f[3].replace([' ', ','], "").parse::<i64>().unwrap()
            * if f[3].contains(',') { 1 } else { 100 };
        let half = ore / 2;
        for (day, part) in [("03", half), ("28", ore - half)] {
            let sign = if part < 0 { "-" } else { "" };
            trans.push_str(&format!(
                "{}-{day};{};{};{};verifikation\n",
                f[0],
                f[1],
                f[2],
                amount(sign, part.abs())
            ));
        }
        budget.push_str(&format!("{};{};{};{}\n", f[0], f[1], f[2], f[4]));
    }
    std::fs::write(data.path().join("transactions.csv"), trans).unwrap();
    std::fs::write(data.path().join("budget.csv"), budget).unwrap();
    data
}

#[test]
fn transactions_through_the_streaming_polars_path() {
    // Decimal comma in a `;` file, no thousands separators: the clean form Polars takes.
    let data = transactions_fixture(|sign, abs| format!("{sign}{},{:02}", abs / 100, abs % 100));
    assert_eq!(figures_of(data.path(), None), reference());
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert!(!stderr(&o).contains("read row by row"), "{}", stderr(&o));
}

#[test]
fn transactions_through_the_row_by_row_reader() {
    // Thousands separators, a decimal point and the minus sign U+2212: the row reader takes
    // the minus sign, the streaming path does not, so every row is read and checked one by
    // one — with the same sums.
    let data = transactions_fixture(|sign, abs| {
        let kr = abs / 100;
        let int = if kr >= 1000 {
            format!("{} {:03}", kr / 1000, kr % 1000)
        } else {
            kr.to_string()
        };
        let sign = if sign == "-" { "\u{2212}" } else { "" };
        format!("{sign}{int}.{:02}", abs % 100)
    });
    assert_eq!(figures_of(data.path(), None), reference());
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert!(
        stderr(&o).contains("transactions.csv: read row by row"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bad_transaction_is_reported_with_its_row() {
    let data = transactions_fixture(|sign, abs| format!("{sign}{},{:02}", abs / 100, abs % 100));
    let path = data.path().join("transactions.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("2020-01-03", "2020-01-32", 1);
    std::fs::write(&path, text).unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("transactions.csv, row 8, column \"date\": \"2020-01-32\" is not a date or a month (expected a date as YYYY-MM-DD, e.g. 2020-09-30, or a month as YYYY-MM or YYYYMM, e.g. 2020-09, where the export gives no day)"),
        "{}",
        stderr(&o)
    );
}

/// An unknown unit in transactions read by the streaming path names its rows in the file.
#[test]
fn an_unknown_unit_in_transactions_names_its_rows() {
    let data = transactions_fixture(|sign, abs| format!("{sign}{},{:02}", abs / 100, abs % 100));
    let path = data.path().join("transactions.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2020-01-05;ZZ9;5010;-1,00;x\n2020-01-06;ZZ9;5010;-2,00;y\n");
    std::fs::write(&path, &text).unwrap();
    let rows = text.lines().count();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "error: {}, row {}, column \"unit\": unit \"ZZ9\" is not in the organisation tree (on rows {}, {}; expected a unit of the units table)",
            path.display(),
            rows - 1,
            rows - 1,
            rows
        )),
        "{}",
        stderr(&o)
    );
}
