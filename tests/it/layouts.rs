//! The export layouts of other ledger systems (`tests/fixtures/layouts/`, written by its
//! `make.py` from the Örebro extract): each generates, and every committee's outcome in
//! `figures.json` equals the sum of the fixture's own rows, added up here from the CSV text.
//! Each layout's mistakes give their exact messages.

use std::collections::BTreeMap;
use std::path::Path;

use super::{copy_dir, generate_into, root, stderr, uppfolj};

const LAYOUTS: &str = "tests/fixtures/layouts";

/// A CSV cell as written in the fixtures (`-1234,50` or `1234.50`) in öre.
fn ore(cell: &str) -> i64 {
    let (sign, digits) = match cell.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, cell),
    };
    let (whole, frac) = digits.split_once([',', '.']).unwrap_or((digits, "0"));
    let frac = format!("{frac:0<2}");
    sign * (whole.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap())
}

/// The cells of a CSV line split at `sep`, quotes removed (no separator inside quotes in
/// the `;` files; the `,` file quotes its texts).
fn cells(line: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Per unit as `unit` gives it (the cell, or its first word with `code_word`) and per month
/// (`period`'s first six digits), the sum of `amount` over the rows of `files`.
struct Sums {
    by_unit: BTreeMap<String, (i64, i64)>,
}

fn sums(files: &[&str], unit: &str, period: &str, amount: &str, code_word: bool) -> Sums {
    let mut by_unit: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(root().join(LAYOUTS).join(file)).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let sep = if header.contains(';') { ';' } else { ',' };
        let head = cells(header, sep);
        let at = |name: &str| head.iter().position(|h| h == name).unwrap();
        let (u, p, a) = (at(unit), at(period), at(amount));
        for line in lines {
            let c = cells(line, sep);
            let code = if code_word {
                c[u].split_whitespace().next().unwrap().to_string()
            } else {
                c[u].clone()
            };
            let month: String = c[p].chars().filter(char::is_ascii_digit).collect();
            let e = by_unit.entry(code).or_default();
            if month == "201602" {
                e.0 += ore(&c[a]);
            } else {
                assert_eq!(month, "201603", "{line}");
                e.1 += ore(&c[a]);
            }
        }
    }
    Sums { by_unit }
}

/// Öre as figures.json writes kronor.
fn kronor(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", ore.abs() / 100, ore.abs() % 100)
}

/// Generates the layout's fixture for March 2016 and checks every committee's outcome (the
/// accumulated February and March, and February alone as the previous month) and the
/// whole's against `sums` of costs written positive. Gives back figures.json.
fn generates_with_the_files_own_sums(layout: &str, sums: &Sums) -> serde_json::Value {
    let dir = format!("{LAYOUTS}/{layout}");
    let config = root().join(&dir).join("uppfolj.yaml");
    let g = generate_into(&format!("{dir}/data"), Some(&config), "2016-03");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f: serde_json::Value = serde_json::from_str(&g.read("2016-03", "figures.json")).unwrap();
    let units = f["units"].as_object().unwrap();
    let committees: BTreeMap<String, (String, String)> = units
        .iter()
        .filter(|(code, _)| code.as_str() != "OREBRO")
        .map(|(code, u)| {
            let month = u["previous_month"]["actual"].as_str().unwrap().to_string();
            (
                code.clone(),
                (month, u["actual"].as_str().unwrap().to_string()),
            )
        })
        .collect();
    // Costs positive in the file: the outcome is their sum negated.
    let expected: BTreeMap<String, (String, String)> = sums
        .by_unit
        .iter()
        .map(|(code, (feb, mar))| (code.clone(), (kronor(-feb), kronor(-feb - mar))))
        .collect();
    assert_eq!(committees, expected, "{layout}");
    assert_eq!(expected.len(), 4);
    let total: i64 = sums.by_unit.values().map(|(a, b)| a + b).sum();
    assert_eq!(f["units"]["OREBRO"]["actual"], kronor(-total), "{layout}");
    // Each committee has its report page, named after its code as every code is.
    for code in sums.by_unit.keys() {
        let stem: String = code
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'-' {
                    (b as char).to_string()
                } else {
                    format!("_{b:02X}")
                }
            })
            .collect();
        assert!(
            g.out
                .path()
                .join("2016-03")
                .join(format!("{stem}.html"))
                .is_file(),
            "{layout}: {stem}.html"
        );
    }
    f
}

#[test]
fn transactions_dated_by_month_give_each_committee_its_own_sum() {
    let files = [
        "month-dates/data/verifikationer-2016-02.csv",
        "month-dates/data/verifikationer-2016-03.csv",
    ];
    let sums = sums(&files, "Ansvar", "Period", "Belopp", true);
    generates_with_the_files_own_sums("month-dates", &sums);
}

/// Transactions dated by month show their month in the account view (`2016-03`), not the
/// first day of it, a day the data does not have; with one of them dated by its day (a mix of
/// day- and month-dated rows), the days are shown.
#[test]
fn transactions_dated_by_month_show_their_month_in_the_account_view() {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join(LAYOUTS).join("month-dates");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    copy_dir(&from.join("data"), &data);
    let config = from.join("uppfolj.yaml");
    let page = || {
        let g = generate_into(data.to_str().unwrap(), Some(&config), "2016-03");
        assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
        g.read("2016-03", "SBN.html")
    };
    let by_month = page();
    assert!(by_month.contains("<tr><td>2016-03</td>"), "{by_month}");
    assert!(by_month.contains("<tr><td>2016-02</td>"), "{by_month}");
    assert!(!by_month.contains("2016-03-01"), "{by_month}");
    assert!(!by_month.contains("2016-02-01"), "{by_month}");
    edit(
        &data,
        "verifikationer-2016-03.csv",
        "2016-03;SBN Byggnadsnämnd;40233",
        "2016-03-15;SBN Byggnadsnämnd;40233",
    );
    let mixed = page();
    assert!(mixed.contains("<tr><td>2016-03-15</td>"), "{mixed}");
    assert!(mixed.contains("<tr><td>2016-03-01</td>"), "{mixed}");
    assert!(!mixed.contains("<tr><td>2016-03</td>"), "{mixed}");
}

#[test]
fn units_by_name_only_are_their_own_codes() {
    let sums = sums(
        &["unit-names/data/utfall.csv"],
        "Förvaltning",
        "Månad",
        "Utfall",
        false,
    );
    assert!(sums.by_unit.contains_key("Överförmyndarnämnd"));
    let f = generates_with_the_files_own_sums("unit-names", &sums);
    assert_eq!(f["units"]["Miljönämnd"]["name"], "Miljönämnd");
}

#[test]
fn codes_and_names_in_their_own_columns() {
    let sums = sums(
        &["code-name-columns/data/utfall.csv"],
        "ansvar_nr",
        "manad",
        "utfall",
        false,
    );
    let f = generates_with_the_files_own_sums("code-name-columns", &sums);
    assert_eq!(f["units"]["VÖN"]["name"], "Överförmyndarnämnd");
    let dir = tempfile::tempdir().unwrap();
    let config = root().join(LAYOUTS).join("code-name-columns/uppfolj.yaml");
    let o = uppfolj(&[
        "generate",
        "--data",
        root()
            .join(LAYOUTS)
            .join("code-name-columns/data")
            .to_str()
            .unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--period",
        "2016-03",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("2016-03/SBN.html")).unwrap();
    assert!(html.contains("40233 Inköp, IT-utrustning"), "{html}");
}

#[test]
fn accounts_given_by_text_are_placed_by_the_accounts_table() {
    let sums = sums(
        &["account-text/data/utfall.csv"],
        "Ansvar",
        "Månad",
        "Utfall",
        false,
    );
    let f = generates_with_the_files_own_sums("account-text", &sums);
    // Each category's outcome is the sum of the texts accounts.csv places in it.
    let text = |p: &str| std::fs::read_to_string(root().join(LAYOUTS).join(p)).unwrap();
    let category: BTreeMap<String, String> = text("account-text/data/accounts.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let (t, c) = l.rsplit_once(';').unwrap();
            (t.to_string(), c.to_string())
        })
        .collect();
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for line in text("account-text/data/utfall.csv").lines().skip(1) {
        let c = cells(line, ';');
        if c[1] == "SMN" {
            *expected.entry(category[&c[2]].clone()).or_default() -= ore(&c[3]);
        }
    }
    let shown: BTreeMap<String, String> = f["units"]["SMN"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "category" && c["actual"] != "0.00")
        .map(|c| {
            let name = c["category"].as_str().unwrap().to_string();
            (name, c["actual"].as_str().unwrap().to_string())
        })
        .collect();
    let expected: BTreeMap<String, String> =
        expected.into_iter().map(|(k, v)| (k, kronor(v))).collect();
    assert_eq!(shown, expected);
}

#[test]
fn swedish_headers_in_every_table() {
    let sums = sums(
        &["swedish-headers/data/ledger.csv"],
        "Ansvar",
        "Period",
        "Utfall",
        false,
    );
    let f = generates_with_the_files_own_sums("swedish-headers", &sums);
    assert_eq!(f["units"]["ÖRE"]["name"], "Revisionsnämnd");
    assert_eq!(f["units"]["ÖRE"]["parent"], "OREBRO");
}

/// A layout's data folder copied with `change` made to it; `check`'s exit code and its error
/// lines, the folder shown as DATA.
fn check_changed(layout: &str, change: &dyn Fn(&Path)) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join(LAYOUTS).join(layout);
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(from.join("data")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    change(&data);
    let o = uppfolj(&[
        "check",
        "--data",
        data.to_str().unwrap(),
        "--config",
        from.join("uppfolj.yaml").to_str().unwrap(),
    ]);
    let lines = stderr(&o)
        .replace(&data.display().to_string(), "DATA")
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect();
    (o.status.code(), lines)
}

/// Replaces `from` by `to` in a file of the folder.
fn edit(data: &Path, file: &str, from: &str, to: &str) {
    let path = data.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_month_that_is_no_month_is_an_error() {
    let (code, errors) = check_changed("month-dates", &|d| {
        edit(
            d,
            "verifikationer-2016-03.csv",
            "\n2016-03;SMN",
            "\n2016-13;SMN",
        );
    });
    assert_eq!(code, Some(1));
    let row = std::fs::read_to_string(
        root()
            .join(LAYOUTS)
            .join("month-dates/data/verifikationer-2016-03.csv"),
    )
    .unwrap()
    .lines()
    .position(|l| l.starts_with("2016-03;SMN"))
    .unwrap()
        + 1;
    assert_eq!(
        errors,
        [format!(
            "error: DATA/verifikationer-2016-03.csv, row {row}, column \"Period\": \"2016-13\" is not a date or a month (expected a date as YYYY-MM-DD, e.g. 2020-09-30, or a month as YYYY-MM or YYYYMM, e.g. 2020-09, where the export gives no day)"
        )]
    );
}

#[test]
fn an_account_text_without_a_category_is_an_error() {
    let (code, errors) = check_changed("account-text", &|d| {
        edit(d, "accounts.csv", "\nAnnonsering;", "\nAnnonser;");
    });
    assert_eq!(code, Some(1));
    let row = std::fs::read_to_string(root().join(LAYOUTS).join("account-text/data/utfall.csv"))
        .unwrap()
        .lines()
        .position(|l| l.split(';').nth(2) == Some("Annonsering"))
        .unwrap()
        + 1;
    assert_eq!(
        errors,
        [format!(
            "error: DATA/utfall.csv, row {row}, column \"Kontotext\": account \"Annonsering\" has no category: the accounts are given by their text (sources.ledger.names.account), which the account ranges cannot place, and DATA/accounts.csv has no row for it (expected a row with the text and its report category)"
        )]
    );
    let (code, errors) = check_changed("account-text", &|d| {
        std::fs::remove_file(d.join("accounts.csv")).unwrap();
    });
    assert_eq!(code, Some(1));
    assert_eq!(errors.len(), 21, "{errors:#?}");
    assert!(
        errors[0].ends_with("and there is no accounts table (expected one with each account text and its category, e.g. accounts.csv with the columns Konto and Kategori)"),
        "{errors:#?}"
    );
    assert!(
        errors[20].starts_with("error: DATA/utfall.csv: and ")
            && errors[20].ends_with(" more account texts without a category"),
        "{errors:#?}"
    );
}

#[test]
fn a_bad_value_under_a_swedish_header_is_named_by_that_header() {
    let (code, errors) = check_changed("swedish-headers", &|d| {
        edit(
            d,
            "ledger.csv",
            "\n2016-02;SBN;40233;296,75",
            "\n2016-02;SBN;40233;många",
        );
        edit(
            d,
            "units.csv",
            "ÖRE;Revisionsnämnd;OREBRO",
            "ÖRE;Revisionsnämnd;KS",
        );
        edit(
            d,
            "accounts.csv",
            "Konto;Namn;Kategori",
            "Konto;Namn;Kategori;Kategori",
        );
    });
    assert_eq!(code, Some(1));
    assert_eq!(
        errors,
        [
            "error: DATA/ledger.csv, row 2, column \"Utfall\": \"många\" is not a number (expected an amount in kronor, e.g. -1 234,50)",
            "error: DATA/accounts.csv, row 1, column \"Kategori\": the column appears twice in the header (columns 3 and 4)",
            "error: DATA/units.csv, row 6, column \"Överordnad\": parent \"KS\" of unit \"ÖRE\" does not exist (expected a code from the unit column, or empty for the root)",
        ]
    );
}

#[test]
fn a_names_column_the_file_lacks_lists_the_header() {
    let (code, errors) = check_changed("unit-names", &|d| {
        edit(d, "utfall.csv", "konto_text", "kontotext");
    });
    assert_eq!(code, Some(1));
    assert_eq!(
        errors,
        [
            "error: DATA/utfall.csv, row 1: the config names the header \"konto_text\" for the names of column \"account\" (sources.ledger.names.account), and the file has no such header (it has: \"Månad\", \"Förvaltning\", \"konto_nr\", \"kontotext\", \"Utfall\")",
        ]
    );
}
