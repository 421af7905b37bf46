//! Excel output: numbers as numbers, the report's unit in the format, packs stacking units,
//! byte-identical reruns.

use calamine::{Data, Reader, Xlsx, open_workbook};

use super::*;

fn generate_seeds(out: &Path) {
    let cfg = out.join("c.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/seeds/uppfolj.yaml")).unwrap();
    std::fs::write(
        &cfg,
        format!("{base}packs:\n  - name: namnden\n    title: Månadsrapport\n    meeting: {{ body: Nämnden, date: 2020-10-20 }}\n    root: HSN\n    levels: 1\n"),
    )
    .unwrap();
    let o = generate_to(
        "tests/fixtures/seeds",
        &out.join("out"),
        "2020-09",
        &["--config", cfg.to_str().unwrap(), "--format", "xlsx"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn unit_workbook_holds_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    generate_seeds(tmp.path());
    let dir = tmp.path().join("out/2020-09");
    assert!(
        !dir.join("HSN.html").exists(),
        "--format xlsx writes no HTML"
    );
    let mut wb: Xlsx<_> = open_workbook(dir.join("HSN.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Nyckeltal",
            "Förändring",
            "Resultaträkning",
            "Konton per rad",
            "Enheter",
            "Personal",
            "Inhyrd personal",
            "Resultatförbättrande åtgärder",
            "Justeringar",
            "Produktion",
            "Budgetram",
            "Diagramdata"
        ]
    );
    let key = wb.worksheet_range("Nyckeltal").unwrap();
    assert_eq!(
        key.get((1, 4)),
        Some(&Data::String("Avvikelse mot budget ack, Mkr".into()))
    );
    assert_eq!(key.get((2, 0)), Some(&Data::String("HSN".into())));
    assert_eq!(key.get((2, 4)), Some(&Data::Float(-119_300_000.0)));
    assert_eq!(key.get((2, 10)), Some(&Data::Float(3_600_000.0)));
    let agency = wb.worksheet_range("Inhyrd personal").unwrap();
    assert_eq!(agency.get((2, 2)), Some(&Data::String("läkare".into())));
    assert_eq!(agency.get((2, 5)), Some(&Data::Float(15.23)));
    let series = wb.worksheet_range("Diagramdata").unwrap();
    assert_eq!(series.height(), 14, "a title, a header and twelve months");
    // The bridge: from the previous month's deviation through every category to this
    // month's, then the children; both kinds of part add up to the change.
    let bridge = wb.worksheet_range("Förändring").unwrap();
    assert_eq!(
        bridge.get((1, 4)),
        Some(&Data::String("Förändring, Mkr".into()))
    );
    assert_eq!(
        bridge.get((2, 3)),
        Some(&Data::String("Avvikelse ack augusti".into()))
    );
    let ore = |r: usize| match bridge.get((r, 4)) {
        Some(Data::Float(v)) => (v * 100.0).round() as i64,
        other => panic!("row {r}: {other:?}"),
    };
    let kind = |r: usize| {
        bridge
            .get((r, 2))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let rows = 2..bridge.height();
    let from = ore(2);
    let to_row = rows
        .clone()
        .find(|r| kind(*r).is_empty() && *r > 2)
        .unwrap();
    let change = ore(to_row) - from;
    let sum = |k: &str| -> i64 { rows.clone().filter(|r| kind(*r) == k).map(ore).sum() };
    assert_eq!(sum("Kategori"), change);
    assert_eq!(sum("Enhet"), change);
    assert!(rows.clone().any(|r| kind(r) == "Enhet"));
}

#[test]
fn pack_workbook_stacks_its_units() {
    let tmp = tempfile::tempdir().unwrap();
    generate_seeds(tmp.path());
    let dir = tmp.path().join("out/2020-09");
    let mut wb: Xlsx<_> = open_workbook(dir.join("namnden.xlsx")).unwrap();
    let key = wb.worksheet_range("Nyckeltal").unwrap();
    let codes: Vec<String> = (2..key.height())
        .map(|r| key.get((r, 0)).unwrap().to_string())
        .collect();
    assert_eq!(codes, ["HSN", "L1", "L2"]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["packs"][0]["xlsx"], "namnden.xlsx");
    assert_eq!(
        manifest["packs"][0]["units"],
        serde_json::json!(["HSN", "L1", "L2"])
    );
    assert_eq!(manifest["reports"][0]["xlsx"], "R.xlsx");
    assert!(manifest["reports"][0].get("html").is_none());
}

#[test]
fn workbooks_are_byte_identical_across_runs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate_seeds(a.path());
    generate_seeds(b.path());
    let (x, y) = (
        std::fs::read(a.path().join("out/2020-09/namnden.xlsx")).unwrap(),
        std::fs::read(b.path().join("out/2020-09/namnden.xlsx")).unwrap(),
    );
    assert!(x == y);
}

/// The sample region's workbooks for September 2020 under `tmp`; the output folder.
fn generate_sample(tmp: &Path) -> std::path::PathBuf {
    let out = tmp.join("out");
    let o = generate_to(
        "data/sample",
        &out,
        "2020-09",
        &["--config", "data/sample/uppfolj.yaml", "--format", "xlsx"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

/// The accounts behind each category row add up to the row, in every unit's workbook of the
/// sample region, for outcome, budget, last year and full-year budget.
#[test]
fn accounts_add_up_to_their_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let out = generate_sample(tmp.path());
    let ore = |d: &Data| match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        _ => 0,
    };
    let mut units = 0;
    let mut checked = 0;
    for e in std::fs::read_dir(out.join("2020-09")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let rows = wb.worksheet_range("Resultaträkning").unwrap();
        let accounts = wb.worksheet_range("Konton per rad").unwrap();
        // Columns after unit code and name: row, (subtotal | account, account name), then
        // outcome, budget, deviation, last year, change, full-year budget.
        // Keyed by unit and row: a pack's workbook stacks its units.
        let mut sums: std::collections::BTreeMap<(String, String), [i64; 4]> = Default::default();
        for r in accounts.rows().skip(2) {
            let s = sums
                .entry((r[0].to_string(), r[2].to_string()))
                .or_default();
            for (k, col) in [5, 6, 8, 10].into_iter().enumerate() {
                s[k] += ore(&r[col]);
            }
        }
        units += 1;
        for r in rows.rows().skip(2) {
            if !r[3].to_string().is_empty() {
                continue; // a subtotal
            }
            let want = [ore(&r[4]), ore(&r[5]), ore(&r[7]), ore(&r[9])];
            let got = sums
                .get(&(r[0].to_string(), r[2].to_string()))
                .copied()
                .unwrap_or_default();
            assert_eq!(got, want, "{}: row {}", path.display(), r[2]);
            checked += 1;
        }
    }
    assert!(
        units >= 40 && checked > 300,
        "{units} units, {checked} rows"
    );
}

/// Öre of a money cell (its value is the exact amount in kronor).
fn cell_ore(d: &Data) -> i64 {
    match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        _ => 0,
    }
}

/// In every workbook of `dir` with a transaction sheet, the transactions summed per account
/// equal the accounts' accumulated outcome on "Konton per rad"; the number of such workbooks.
fn transactions_add_up_to_the_accounts(dir: &Path, period: &str) -> usize {
    let mut workbooks = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let Ok(trans) = wb.worksheet_range("Transaktioner") else {
            continue;
        };
        let accounts = wb.worksheet_range("Konton per rad").unwrap();
        let mut from_trans: std::collections::BTreeMap<String, i64> = Default::default();
        for r in trans.rows().skip(2) {
            let month = excel_month(&r[5]);
            assert!(
                month.as_str() <= period && month.as_str() > "2000",
                "{}: month {month}",
                path.display()
            );
            *from_trans.entry(r[1].to_string()).or_default() += cell_ore(&r[4]);
        }
        // Unit code, unit, row, account, account name, outcome, …
        let mut from_accounts: std::collections::BTreeMap<String, i64> = Default::default();
        for r in accounts.rows().skip(2) {
            *from_accounts.entry(r[3].to_string()).or_default() += cell_ore(&r[5]);
        }
        from_trans.retain(|_, v| *v != 0);
        from_accounts.retain(|_, v| *v != 0);
        assert_eq!(from_trans, from_accounts, "{}", path.display());
        assert!(!from_trans.is_empty(), "{}", path.display());
        workbooks += 1;
    }
    workbooks
}

/// The transaction sheet of each leaf unit's workbook adds up, per account, to the account
/// figures of "Konton per rad" for the period: for a transactions file read by the streaming
/// reader, the same file read row by row, and an SIE file with vouchers.
#[test]
fn the_transaction_sheet_adds_up_to_the_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    synth_transactions(&data, 6, 30, 6000);
    let generate = |data: &Path, period: &str| {
        let g = generate_into(data.to_str().unwrap(), None, period);
        assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
        let n = transactions_add_up_to_the_accounts(&g.out.path().join(period), period);
        // Each leaf unit's report lists the largest transactions under its accounts: a
        // collapsible view per account holding a table with a caption and column headers.
        let leaves = std::fs::read_dir(g.out.path().join(period))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .filter(|html| html.contains("<details class=\"transactions\"><summary>Största transaktioner: "))
            .inspect(|html| {
                assert!(html.contains("<table class=\"transactions\"><caption>Största transaktioner, "));
                assert!(html.contains("<th scope=\"col\">Datum</th><th scope=\"col\">Text</th><th scope=\"col\">Belopp, kr</th>"));
            })
            .count();
        assert_eq!(leaves, n, "the leaf units' reports list transactions");
        (n, stderr(&g.output))
    };
    assert_eq!(
        generate(&data, "2020-09").0,
        6,
        "one transaction sheet per leaf unit"
    );

    // An amount with three decimals sends the file through the row-by-row reader.
    let path = data.join("transactions.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}2020-09-30;10000;3000;0,000;Noll\n")).unwrap();
    let (n, err) = generate(&data, "2020-09");
    assert!(err.contains("read row by row"), "{err}");
    assert_eq!(n, 6);

    let sie = tmp.path().join("sie");
    std::fs::create_dir(&sie).unwrap();
    sie_vouchers_only(&sie);
    let (n, _) = generate(&sie, "2011-03");
    assert_eq!(n, 2, "the two objects Nord and Syd");
}

/// The day of a date cell as `yyyy-mm-dd`; the cell must be an Excel date, not text.
fn excel_day(d: &Data) -> String {
    let Data::DateTime(t) = d else {
        panic!("not a date cell: {d:?}");
    };
    assert!(t.is_datetime(), "{t:?}");
    let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
        + chrono::Days::new(t.as_f64() as u64);
    day.format("%Y-%m-%d").to_string()
}

/// The month of a date cell as `yyyy-mm`.
fn excel_month(d: &Data) -> String {
    excel_day(d)[..7].to_string()
}

/// The `<pane …/>` element of each sheet of a workbook, read from its XML: calamine does not
/// say where a sheet is frozen.
fn panes(path: &Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 1.. {
        let Ok(mut f) = zip.by_name(&format!("xl/worksheets/sheet{i}.xml")) else {
            break;
        };
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut f, &mut xml).unwrap();
        let pane = xml
            .find("<pane ")
            .map(|at| xml[at..].split_once("/>").unwrap().0.to_string());
        out.push(pane.unwrap_or_default());
    }
    out
}

/// Every sheet of every workbook of the sample region says what it covers and its month in a
/// title row, freezes the rows down to its header, never uses a header twice, and writes
/// decision dates and the months forecasts were made as Excel dates.
#[test]
fn sample_sheets_have_a_title_row_distinct_headers_and_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = generate_sample(tmp.path());
    let dir = out.join("2020-09");
    let mut workbooks = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        workbooks += 1;
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let names = wb.sheet_names();
        let panes = panes(&path);
        assert_eq!(panes.len(), names.len(), "{}", path.display());
        for (name, pane) in names.iter().zip(&panes) {
            let at = format!("{}, {name}", path.display());
            let r = wb.worksheet_range(name).unwrap();
            let Some(Data::String(title)) = r.get((0, 0)) else {
                panic!("{at}: no title row");
            };
            assert!(title.ends_with(" – september 2020"), "{at}: {title}");
            assert!(
                (1..r.width()).all(|c| r.get((0, c)).is_none_or(|d| *d == Data::Empty)),
                "{at}: the title is one cell"
            );
            let header: Vec<String> = (0..r.width())
                .filter_map(|c| r.get((1, c)).map(|d| d.to_string()))
                .filter(|h| !h.is_empty())
                .collect();
            assert_eq!(header[..2], ["Kod", "Enhet"], "{at}");
            let mut seen = std::collections::BTreeSet::new();
            for h in &header {
                assert!(seen.insert(h), "{at}: the header {h:?} twice in {header:?}");
            }
            assert!(
                pane.contains("ySplit=\"2\"") && pane.contains("topLeftCell=\"A3\""),
                "{at}: frozen at {pane:?}"
            );
        }
    }
    assert!(workbooks >= 40, "{workbooks} workbooks");

    let mut wb: Xlsx<_> = open_workbook(dir.join("2110.xlsx")).unwrap();
    let key = wb.worksheet_range("Nyckeltal").unwrap();
    assert_eq!(
        key.get((0, 0)),
        Some(&Data::String(
            "Hälsocentralen Åsbacka (2110) – september 2020".into()
        ))
    );
    // The months forecasts were made: the first of the month, shown as yyyy-mm.
    let made = wb.worksheet_range("Prognossäkerhet").unwrap();
    assert_eq!(made.get((1, 2)), Some(&Data::String("Prognos lagd".into())));
    assert_eq!(excel_month(made.get((2, 2)).unwrap()), "2019-02");
    let series = wb.worksheet_range("Diagramdata").unwrap();
    assert_eq!(excel_month(series.get((2, 2)).unwrap()), "2020-01");

    // The measures' decision dates are dates, their due months the first of the month.
    let mut wb: Xlsx<_> = open_workbook(dir.join("3330.xlsx")).unwrap();
    let measures = wb.worksheet_range("Resultatförbättrande åtgärder").unwrap();
    assert_eq!(
        (measures.get((1, 6)), measures.get((1, 7))),
        (
            Some(&Data::String("Beslutad".into())),
            Some(&Data::String("Klar senast".into()))
        )
    );
    assert_eq!(excel_day(measures.get((2, 6)).unwrap()), "2020-01-14");
    assert_eq!(excel_month(measures.get((2, 7)).unwrap()), "2020-12");
    let mut wb: Xlsx<_> = open_workbook(dir.join("hsn-namnden.xlsx")).unwrap();
    let key = wb.worksheet_range("Nyckeltal").unwrap();
    assert_eq!(
        key.get((0, 0)),
        Some(&Data::String(
            "Månadsrapport: Hälso- och sjukvårdsnämnden (HSN) – september 2020".into()
        ))
    );
}
