//! Data without a budget (an outcome-only ledger export, SIE files without `#PBUDGET`): the
//! report shows the outcome, last year and the change, says once that the data has no budget,
//! and leaves out budget and deviation in every format, with `null` in `figures.json`.

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use super::*;

/// A copy of the data folder `src` (relative to the crate root) whose `ledger.csv` has no
/// `budget` column.
fn without_budget(src: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = root().join(src);
    for e in std::fs::read_dir(&from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let text = std::fs::read_to_string(from.join("ledger.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let header: Vec<&str> = text.lines().next().unwrap().split(';').collect();
    let drop = header.iter().position(|h| *h == "budget").unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let cells: Vec<&str> = line
            .split(';')
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, c)| c)
            .collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    std::fs::write(tmp.path().join("ledger.csv"), out).unwrap();
    tmp
}

fn figures(g: &Generated, period: &str) -> Value {
    serde_json::from_str(&g.read(period, "figures.json")).unwrap()
}

/// Runs `generate` on a data folder given by its path, with a config and formats.
fn generate_at(data: &Path, config: &Path, period: &str, formats: &str) -> Generated {
    let out = tempfile::tempdir().unwrap();
    let extra = ["--config", config.to_str().unwrap(), "--format", formats];
    let output = generate_to(data.to_str().unwrap(), out.path(), period, &extra);
    Generated { out, output }
}

/// Every figure of `figures.json` that is budget, deviation or derived from them.
fn budget_figures(unit: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut take = |name: String, v: &Value| out.push((name, v.clone()));
    for k in [
        "budget",
        "deviation",
        "budget_full_year",
        "deviation_change",
        "bridge",
        "forecast_check",
    ] {
        take(k.into(), &unit[k]);
    }
    for k in ["budget", "budget_growth", "budget_growth_pct"] {
        take(
            format!("net_cost_development.{k}"),
            &unit["net_cost_development"][k],
        );
    }
    for k in ["budget", "deviation"] {
        take(format!("previous_year.{k}"), &unit["previous_year"][k]);
        take(format!("previous_month.{k}"), &unit["previous_month"][k]);
    }
    for (i, c) in unit["categories"].as_array().unwrap().iter().enumerate() {
        for k in ["budget", "deviation", "budget_full_year"] {
            take(format!("categories[{i}].{k}"), &c[k]);
        }
    }
    for (i, m) in unit["months"].as_array().unwrap().iter().enumerate() {
        for k in ["budget", "deviation"] {
            take(format!("months[{i}].{k}"), &m[k]);
        }
    }
    if unit.get("adjustments").is_some() {
        take(
            "adjustments.adjusted_deviation".into(),
            &unit["adjustments"]["adjusted_deviation"],
        );
    }
    if unit.get("frame").is_some() {
        take("frame.net_budget".into(), &unit["frame"]["net_budget"]);
    }
    out
}

/// Every outcome figure of `figures.json`: what a report without a budget still shows.
fn outcome_figures(unit: &Value) -> Vec<(String, Value)> {
    let mut out = vec![
        ("actual".to_string(), unit["actual"].clone()),
        (
            "previous_year.actual".into(),
            unit["previous_year"]["actual"].clone(),
        ),
        (
            "previous_month.actual".into(),
            unit["previous_month"]["actual"].clone(),
        ),
        ("forecast".into(), unit["forecast"].clone()),
    ];
    for (i, c) in unit["categories"].as_array().unwrap().iter().enumerate() {
        for k in [
            "category",
            "actual",
            "actual_previous_year",
            "change_previous_year",
        ] {
            out.push((format!("categories[{i}].{k}"), c[k].clone()));
        }
    }
    for (i, m) in unit["months"].as_array().unwrap().iter().enumerate() {
        for k in ["period", "actual", "actual_previous_year"] {
            out.push((format!("months[{i}].{k}"), m[k].clone()));
        }
    }
    out
}

#[test]
fn figures_without_a_budget_are_null_and_the_outcome_is_unchanged() {
    let data = without_budget("tests/fixtures/mini");
    let config = root().join("tests/fixtures/mini-kr.yaml");
    let actual_only = generate_at(data.path(), &config, "2020-02", "html");
    assert_eq!(
        actual_only.output.status.code(),
        Some(0),
        "{}",
        stderr(&actual_only.output)
    );
    let budgeted = generate_into("tests/fixtures/mini", Some(&config), "2020-02");
    assert_eq!(budgeted.output.status.code(), Some(0));
    let (f, b) = (
        figures(&actual_only, "2020-02"),
        figures(&budgeted, "2020-02"),
    );
    let units = f["units"].as_object().unwrap();
    assert_eq!(
        units.keys().collect::<Vec<_>>(),
        ["A", "A1", "A2", "B", "R"]
    );
    for (code, unit) in units {
        for (name, v) in budget_figures(unit) {
            assert_eq!(v, Value::Null, "{code}: {name}");
        }
        assert_eq!(
            outcome_figures(unit),
            outcome_figures(&b["units"][code]),
            "{code}"
        );
    }
    // The figures themselves, by hand: A1 is 120,25 − 600 − 610,10 this year.
    assert_eq!(f["units"]["A1"]["actual"], "-1089.85");
    assert_eq!(f["units"]["A1"]["previous_year"]["actual"], "-910.50");
    assert_eq!(f["units"]["R"]["actual"], "1809.15");
    // The budgeted run still has its budget: the test compares two different runs.
    assert_eq!(b["units"]["A1"]["budget"], "-1000.00");
    assert_eq!(b["units"]["A1"]["months"][2]["budget"], "-550.00");
}

#[test]
fn html_report_without_a_budget() {
    let data = without_budget("tests/fixtures/mini");
    let config = root().join("tests/fixtures/mini-kr.yaml");
    let g = generate_at(data.path(), &config, "2020-02", "html");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let html = g.read("2020-02", "A.html");
    assert_eq!(html.matches("Budget saknas i underlaget").count(), 1);
    assert!(html.contains(
        "<p class=\"summary\">Utfallet för Nämnd A uppgick för perioden ack februari 2020 till -3\u{a0}139,85 kr, att jämföra med -910,50 kr samma period 2019, vilket är en försämring mot föregående år med 2\u{a0}229,35 kr. Största försämringarna mot föregående år avser köp av verksamhet och personalkostnader. Förbättringar mot föregående år finns för verksamhetens intäkter.</p>"
    ), "{html}");
    // The income statement: outcome in the month, this year and last, and the change; no
    // budget columns.
    assert!(html.contains(
        "<thead><tr><th scope=\"col\" rowspan=\"2\">kr</th><th scope=\"colgroup\" colspan=\"1\">Februari 2020</th><th scope=\"colgroup\" colspan=\"1\">Ackumulerat jan–feb 2020</th><th scope=\"colgroup\" colspan=\"2\">Samma period 2019</th></tr>\n<tr><th scope=\"col\">Utfall</th><th scope=\"col\">Utfall</th><th scope=\"col\">Utfall</th><th scope=\"col\">Förändring</th></tr></thead>"
    ), "{html}");
    // The forecast (a deviation as the forecast table gives it) is still shown, as given.
    assert!(html.contains(
        "<tr><td>Prognos avvikelse helår (februari)</td><td class=\"neg\">-400,00</td></tr>"
    ));
    for word in [
        "Avvikelse",
        "mot budget",
        "Ack budget",
        "Budget ack",
        "Budget helår",
        "budgeterat",
        "swatch budget",
    ] {
        assert!(!html.contains(word), "{word} in {html}");
    }
    // The accumulated chart without a budget line.
    assert!(html.contains(
        "aria-label=\"Ackumulerat resultat januari–februari 2020. Utfallet -3\u{a0}139,85 kr, samma period 2019 -910,50 kr.\""
    ), "{html}");
    assert!(!html.contains("Avvikelse mot budget per månad"));
    // The bar charts show the change against last year instead of the deviation.
    assert!(html.contains(
        "aria-label=\"Förändring mot föregående år per månad januari–februari 2020, kr. Lägst -1\u{a0}149,60 (februari), högst -1\u{a0}079,75 (januari).\""
    ), "{html}");
    assert!(html.contains(
        "aria-label=\"Förändring mot föregående år per kategori, ack januari–februari 2020, kr. Lägst -2\u{a0}050,00 (Köp av verksamhet), högst +20,25 (Verksamhetens intäkter).\""
    ), "{html}");
    insta::assert_snapshot!("actual_only_A_report", html);
    let index = g.read("2020-02", "index.html");
    assert!(
        index.contains(
            "<th scope=\"col\">Utfall ack, kr</th><th scope=\"col\">Förändring mot fg år, kr</th>"
        ),
        "{index}"
    );
    assert!(!index.contains("Avvikelse"), "{index}");
    insta::assert_snapshot!("actual_only_index", index);
}

#[test]
fn english_report_without_a_budget() {
    let data = without_budget("tests/fixtures/mini");
    let config = data.path().join("en.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/mini-kr.yaml")).unwrap();
    std::fs::write(&config, format!("{base}language: en\n")).unwrap();
    let g = generate_at(data.path(), &config, "2020-02", "html");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let html = g.read("2020-02", "A.html");
    assert_eq!(html.matches("The data has no budget").count(), 1);
    assert!(html.contains(
        "Actual for Nämnd A for the period January to February 2020 was -3,139.85 SEK, against -910.50 SEK for the same period of 2019: a deterioration of 2,229.35 SEK since last year."
    ), "{html}");
    for word in [
        "Deviation",
        "from budget",
        "against a budget",
        "Budget YTD",
        "Full-year budget",
        "Budget saknas",
    ] {
        assert!(!html.contains(word), "{word} in {html}");
    }
}

/// The seeds have every optional table: frames and adjustments lose what needs the budget,
/// the workbook and the PDF follow the HTML.
#[test]
fn workbook_and_pdf_without_a_budget() {
    let data = without_budget("tests/fixtures/seeds");
    let config = data.path().join("uppfolj.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/seeds/uppfolj.yaml")).unwrap();
    std::fs::write(
        &config,
        format!("{base}packs:\n  - name: namnden\n    title: Månadsrapport\n    root: HSN\n    levels: 1\n"),
    )
    .unwrap();
    let g = generate_at(data.path(), &config, "2020-09", "html,xlsx,pdf");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    assert!(
        stderr(&g.output).contains("ledger.csv: the data has no budget: the reports show the outcome against last year, without budget and deviation\n"),
        "{}",
        stderr(&g.output)
    );
    // Without a budget the frame is not compared with a net budget of zero.
    assert!(
        !stderr(&g.output).contains("net budget"),
        "{}",
        stderr(&g.output)
    );
    let html = g.read("2020-09", "HSN.html");
    assert_eq!(html.matches("Budget saknas i underlaget").count(), 1);
    for word in ["Budgeterad nettokostnad", "Avvikelse netto", "Avvikelse"] {
        assert!(!html.contains(word), "{word} in HSN.html");
    }
    assert!(
        html.contains("<tr class=\"subtotal\"><td>Totalt</td>"),
        "{html}"
    );

    let dir = g.out.path().join("2020-09");
    let mut wb: Xlsx<_> = open_workbook(dir.join("HSN.xlsx")).unwrap();
    let header = |wb: &mut Xlsx<_>, sheet: &str| -> Vec<String> {
        let r = wb.worksheet_range(sheet).unwrap();
        (0..r.width())
            .filter_map(|c| match r.get((1, c)) {
                Some(Data::String(s)) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        header(&mut wb, "Nyckeltal"),
        [
            "Kod",
            "Enhet",
            "Utfall ack, Mkr",
            "Utfall ack fg år, Mkr",
            "Förändring mot fg år, Mkr",
            "Prognos avvikelse helår, Mkr",
            "Föregående prognos avvikelse helår, Mkr",
            "Förändring av prognos avvikelse helår, Mkr",
            "Nettokostnad ack, Mkr",
            "Nettokostnad ack fg år, Mkr",
            "Nettokostnadsutveckling, Mkr",
            "Nettokostnadsutveckling, %"
        ]
    );
    assert_eq!(
        header(&mut wb, "Resultaträkning"),
        [
            "Kod",
            "Enhet",
            "Rad",
            "Delsumma",
            "Ack utfall, Mkr",
            "Fg år, Mkr",
            "Förändring, Mkr",
            "Utfall månad, Mkr"
        ]
    );
    assert_eq!(
        header(&mut wb, "Diagramdata"),
        [
            "Kod",
            "Enhet",
            "Månad",
            "Utfall ack, Mkr",
            "Utfall ack fg år, Mkr",
            "Sjukfrånvaro %",
            "Sjukfrånvaro % fg år"
        ]
    );

    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(dir.join("pdf/HSN.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert_eq!(
        text.matches("Budget saknas i underlaget").count(),
        1,
        "{text}"
    );
    assert!(!text.contains("Avvikelse"), "{text}");
    assert!(!text.contains("Budgeterad nettokostnad"), "{text}");
    assert!(dir.join("namnden.pdf").exists());
}

/// SIE files give the budget by `#PBUDGET`; a file without it is an outcome-only export.
#[test]
fn sie_without_pbudget_has_no_budget() {
    let run = |file: &str| {
        let data = tempfile::tempdir().unwrap();
        std::fs::copy(
            root().join("tests/fixtures/sie").join(file),
            data.path().join(file),
        )
        .unwrap();
        let out = data.path().join("out");
        let o = generate_to(
            data.path().to_str().unwrap(),
            &out,
            "latest",
            &["--format", "html"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let period = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.join("figures.json").exists())
            .unwrap();
        let f: Value =
            serde_json::from_str(&std::fs::read_to_string(period.join("figures.json")).unwrap())
                .unwrap();
        f["units"]["TOTAL"].clone()
    };
    let without = run("MAMUT_SIE3_EXPORT.SE");
    assert_eq!(without["budget"], Value::Null);
    assert_eq!(without["deviation"], Value::Null);
    assert!(without["actual"].is_string());
    let with = run("periodsaldo_ovnbolag.se");
    assert!(with["budget"].is_string(), "{with}");
}

/// Every reader takes a ledger without a budget: the Polars CSV path, the row-by-row CSV
/// reader (a quoted line break sends the file there) and Parquet give the same figures.
#[test]
fn every_reader_takes_a_ledger_without_a_budget() {
    let config = root().join("tests/fixtures/mini-kr.yaml");
    let run = |data: &Path| {
        let g = generate_at(data, &config, "2020-02", "html");
        assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
        figures(&g, "2020-02")
    };
    let csv = without_budget("tests/fixtures/mini");
    let reference = run(csv.path());
    assert_eq!(reference["units"]["A"]["budget"], Value::Null);

    let rows = without_budget("tests/fixtures/mini");
    let text = std::fs::read_to_string(rows.path().join("ledger.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(|l| format!("{l};")).collect();
    lines[0].push_str("note");
    lines[1].push_str("\"two\nlines\"");
    std::fs::write(rows.path().join("ledger.csv"), lines.join("\n") + "\n").unwrap();
    assert_eq!(run(rows.path()), reference);

    let parquet = without_budget("tests/fixtures/mini");
    let (mut p, mut u, mut a, mut act) = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        p.push(f[0].to_string());
        u.push(f[1].to_string());
        a.push(f[2].to_string());
        act.push(f[3].replace(' ', "").replace(',', "."));
    }
    let mut df = polars::prelude::DataFrame::new(
        p.len(),
        vec![
            polars::prelude::Column::new("period".into(), p),
            polars::prelude::Column::new("unit".into(), u),
            polars::prelude::Column::new("account".into(), a),
            polars::prelude::Column::new("actual".into(), act),
        ],
    )
    .unwrap();
    std::fs::remove_file(parquet.path().join("ledger.csv")).unwrap();
    let file = std::fs::File::create(parquet.path().join("ledger.parquet")).unwrap();
    polars::prelude::ParquetWriter::new(file)
        .finish(&mut df)
        .unwrap();
    assert_eq!(run(parquet.path()), reference);
}
