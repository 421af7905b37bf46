//! A region's first year: the ledger has a budget but no outcome at all for last year. Last
//! year is not a zero to compare with: no sentence, figure, chart, table or workbook column of
//! any format compares with it.

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use super::*;

/// A root and two units, January to March 2026, with a budget or without one, and a
/// forecast for one unit.
fn first_year_data(budget: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("units.csv"),
        "unit;name;parent\nR;Region Nyland;\nA;Hälso- och sjukvårdsnämnden;R\nB;Regionstyrelsen;R\n",
    )
    .unwrap();
    let mut ledger = String::from(if budget {
        "period;unit;account;actual;budget\n"
    } else {
        "period;unit;account;actual\n"
    });
    for m in 1..=3 {
        for (unit, account, actual, planned) in [
            ("A", "3010", "2 100 000,00", "2 000 000,00"),
            ("A", "4010", "-3 050 000,00", "-3 000 000,00"),
            ("A", "5010", "-8 200 000,00", "-7 900 000,00"),
            ("A", "7010", "-1 400 000,00", "-1 500 000,00"),
            ("B", "3010", "500 000,00", "450 000,00"),
            ("B", "5010", "-2 100 000,00", "-2 000 000,00"),
            ("B", "6010", "-900 000,00", "-1 000 000,00"),
        ] {
            let planned = if budget {
                format!(";{planned}")
            } else {
                String::new()
            };
            ledger.push_str(&format!("2026-{m:02};{unit};{account};{actual}{planned}\n"));
        }
    }
    std::fs::write(data.join("ledger.csv"), ledger).unwrap();
    std::fs::write(
        data.join("forecast.csv"),
        "period;unit;deviation\n2026-03;A;-2 000 000,00\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("uppfolj.yaml"),
        "organisation: { code: R, name: Region Nyland }\nmoney: { unit: Mkr, decimals: 1 }\n\
         packs:\n  - name: styrelsen\n    title: Månadsrapport\n    root: R\n    levels: 1\n",
    )
    .unwrap();
    tmp
}

fn generate_first_year(tmp: &Path, extra: &[&str]) -> Generated {
    let out = tempfile::tempdir().unwrap();
    let config = tmp.join("uppfolj.yaml");
    let mut args = vec!["--config", config.to_str().unwrap()];
    args.extend(extra);
    let output = generate_to(
        tmp.join("data").to_str().unwrap(),
        out.path(),
        "2026-03",
        &args,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    Generated { out, output }
}

/// Words that compare with last year, in any case.
const LAST_YEAR_WORDS: [&str; 7] = [
    "2025",
    "fg år",
    "föregående år",
    "fjolår",
    "nettokostnadsutveckling",
    "last year",
    "same period of",
];

fn assert_no_last_year(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for w in LAST_YEAR_WORDS {
        assert!(!lower.contains(w), "{what} has \"{w}\":\n{text}");
    }
}

/// Every figure of `figures.json` that is last year's or compares with it, by path.
fn last_year_figures(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                let compares = k.contains("previous_year")
                    || k.contains("growth")
                    || k == "seasonal_rest_of_year"
                    || k == "forecast_accuracy";
                if compares {
                    out.push((p.clone(), x.clone()));
                }
                last_year_figures(x, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                last_year_figures(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn headers(path: &Path) -> Vec<(String, String)> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = Vec::new();
    for sheet in wb.sheet_names() {
        let r = wb.worksheet_range(&sheet).unwrap();
        for c in 0..r.width() {
            if let Some(Data::String(s)) = r.get((1, c)) {
                out.push((sheet.clone(), s.clone()));
            }
        }
    }
    out
}

#[test]
fn a_regions_first_year_compares_nothing_with_last_year() {
    let tmp = first_year_data(true);
    let g = generate_first_year(tmp.path(), &["--format", "html,pdf,xlsx"]);
    let dir = g.out.path().join("2026-03");

    let f: Value = serde_json::from_str(&g.read("2026-03", "figures.json")).unwrap();
    let units = f["units"].as_object().unwrap();
    assert_eq!(units.keys().collect::<Vec<_>>(), ["A", "B", "R"]);
    let mut found = Vec::new();
    last_year_figures(&f, "", &mut found);
    assert!(
        found
            .iter()
            .any(|(p, _)| p.contains("net_cost_development")),
        "{found:?}"
    );
    for (path, v) in &found {
        assert_eq!(*v, Value::Null, "{path}");
    }
    // The year's own figures are still there, net cost included.
    assert_eq!(f["units"]["A"]["actual"], "-31650000.00");
    assert_eq!(
        f["units"]["A"]["net_cost_development"]["actual"],
        "-31650000.00"
    );
    assert_eq!(
        f["units"]["A"]["net_cost_development"]["budget"],
        "-31200000.00"
    );

    for page in ["index.html", "R.html", "A.html", "B.html"] {
        assert_no_last_year(page, &g.read("2026-03", page));
    }
    let a = g.read("2026-03", "A.html");
    assert!(
        a.contains("Utfallet ack mars är -31,7 Mkr mot budgeterat -31,2 Mkr."),
        "{a}"
    );
    assert!(
        a.contains("<tr><td>Verksamhetens nettokostnad, ack mars 2026</td><td>-31,7</td></tr>"),
        "{a}"
    );
    let b = g.read("2026-03", "B.html");
    assert!(
        b.contains("Ingen helårsprognos har lämnats för perioden. Utfallet ack mars är -7,5 Mkr mot budgeterat -7,7 Mkr.</p>"),
        "{b}"
    );

    pdfs_and_workbooks_compare_nothing(&dir, "");
}

/// The PDFs' text (less `note`, said once per unit) and the workbooks' column headers.
fn pdfs_and_workbooks_compare_nothing(dir: &Path, note: &str) {
    // pdftotext (poppler-utils) is installed by .ci/run; a missing one fails here.
    for pdf in ["pdf/R.pdf", "pdf/A.pdf", "pdf/B.pdf", "styrelsen.pdf"] {
        let o = Command::new("pdftotext")
            .arg(dir.join(pdf))
            .arg("-")
            .output()
            .expect("pdftotext runs (poppler-utils)");
        assert!(o.status.success(), "pdftotext {pdf}");
        // One line per paragraph, as the HTML has it.
        let text = String::from_utf8_lossy(&o.stdout).replace('\n', " ");
        assert!(text.contains("Region Nyland"), "{pdf}: {text}");
        let units = if pdf == "styrelsen.pdf" { 3 } else { 1 };
        assert_no_last_year(pdf, &said(pdf, &text, note, units));
    }
    for book in ["R.xlsx", "A.xlsx", "B.xlsx", "styrelsen.xlsx"] {
        let h = headers(&dir.join(book));
        assert!(
            h.iter()
                .any(|(s, c)| s == "Resultaträkning" && c == "Ack utfall, Mkr"),
            "{book}: {h:?}"
        );
        for (sheet, column) in &h {
            assert_no_last_year(&format!("{book}, {sheet}"), column);
        }
    }
}

/// `text` without `note`, which it must hold exactly `times` (nothing to take out when empty).
fn said(what: &str, text: &str, note: &str, times: usize) -> String {
    if note.is_empty() {
        return text.to_string();
    }
    assert_eq!(text.matches(note).count(), times, "{what}: {text}");
    text.replace(note, "")
}

/// Without a budget either (an outcome-only export of a first year), the report says once
/// that last year's outcome is missing and compares nothing with it.
#[test]
fn a_regions_first_year_without_a_budget() {
    let tmp = first_year_data(false);
    let g = generate_first_year(tmp.path(), &["--format", "html,pdf,xlsx"]);
    let dir = g.out.path().join("2026-03");
    let f: Value = serde_json::from_str(&g.read("2026-03", "figures.json")).unwrap();
    let mut found = Vec::new();
    last_year_figures(&f, "", &mut found);
    for (path, v) in &found {
        assert_eq!(*v, Value::Null, "{path}");
    }
    let note = "Utfall för föregående år saknas i underlaget (2025).";
    assert_no_last_year("index.html", &g.read("2026-03", "index.html"));
    for page in ["R.html", "A.html", "B.html"] {
        let html = g.read("2026-03", page);
        assert_no_last_year(page, &said(page, &html, note, 1));
    }
    pdfs_and_workbooks_compare_nothing(&dir, note);
}

/// The same in English.
#[test]
fn a_regions_first_year_in_english() {
    let tmp = first_year_data(true);
    let config = tmp.path().join("uppfolj.yaml");
    let base = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{base}language: en\n")).unwrap();
    let g = generate_first_year(tmp.path(), &["--format", "html"]);
    for page in ["index.html", "R.html", "A.html", "B.html"] {
        assert_no_last_year(page, &g.read("2026-03", page));
    }
    let a = g.read("2026-03", "A.html");
    assert!(a.contains("against a budget of -31.2 SEK m."), "{a}");
}
