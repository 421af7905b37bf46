//! The whole pipeline on fixture folders: figures checked by hand, rendered output snapshots,
//! byte-identical reruns, and a failed run that leaves earlier output untouched.

use serde_json::Value;

use super::*;

/// `generate` into a given folder (for tests that run twice into the same one).
fn generate(data: &str, out: &Path, period: &str) -> Output {
    generate_to(data, out, period, &[])
}

fn figures(out: &Path, period: &str) -> Value {
    let text = std::fs::read_to_string(out.join(period).join("figures.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn mini_region_figures_by_hand() {
    let out = tempfile::tempdir().unwrap();
    let o = generate("tests/fixtures/mini", out.path(), "latest");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "warning: tests/fixtures/mini/ledger.csv, column \"account\": 1 accounts match no report category and are shown as \"Övriga konton\": 9999\n\
         warning: tests/fixtures/mini/ledger.csv, column \"budget\": the budget for the year that starts 2020-01 has no amounts in 2020-04 to 2020-12 (9 of 12 months); the full-year budget (budget helår) and the forecast result hold only the months given (expected a budget row for every month of the year)\n"
    );
    assert!(
        stdout(&o).starts_with(&format!(
            "uppfolj: 5 reports, 0 PDFs, 5 workbooks, 0 packs for 2020-02 written to {} in ",
            out.path().join("2020-02").display()
        )),
        "{}",
        stdout(&o)
    );
    let f = figures(out.path(), "2020-02");
    let u = |code: &str, path: &[&str]| {
        let mut v = &f["units"][code];
        for p in path {
            v = &v[*p];
        }
        v.clone()
    };
    // A1: 120,25 − 600 − 610,10 against 100 − 550 − 550.
    assert_eq!(u("A1", &["actual"]), "-1089.85");
    assert_eq!(u("A1", &["budget"]), "-1000.00");
    assert_eq!(u("A1", &["deviation"]), "-89.85");
    assert_eq!(u("A1", &["previous_year", "actual"]), "-910.50");
    assert_eq!(u("A1", &["previous_year", "budget"]), "-810.00");
    assert_eq!(u("A1", &["previous_month", "deviation"]), "-29.75");
    assert_eq!(u("A1", &["deviation_change"]), "-60.10");
    assert_eq!(u("A1", &["budget_full_year"]), "-1550.00");
    // Roll-up: A = A1 + A2, R = A + B.
    assert_eq!(u("A", &["actual"]), "-3139.85");
    assert_eq!(u("A", &["deviation"]), "60.15");
    assert_eq!(u("B", &["actual"]), "4949.00");
    assert_eq!(u("R", &["actual"]), "1809.15");
    assert_eq!(u("R", &["budget"]), "1600.00");
    assert_eq!(u("R", &["deviation"]), "209.15");
    // Forecasts: own at A from February, the children's sum before; carried forward for A2.
    assert_eq!(u("A", &["forecast", "deviation"]), "-400.00");
    assert_eq!(u("A", &["forecast_previous", "deviation"]), "-50.00");
    assert_eq!(u("A", &["forecast_previous", "made"]), "2020-01");
    assert_eq!(u("A", &["forecast_change"]), "-350.00");
    assert_eq!(u("A2", &["forecast", "deviation"]), "50.00");
    assert_eq!(u("A2", &["forecast", "made"]), "2020-01");
    assert_eq!(u("A2", &["forecast_change"]), "0.00");
    assert_eq!(u("R", &["forecast", "deviation"]), "-400.00");
    assert_eq!(u("B", &["forecast"]), Value::Null);
    // Categories of the default chart of accounts, with subtotals and the unmapped row.
    let cats = u("R", &["categories"]);
    let names: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Verksamhetens intäkter",
            "Personalkostnader",
            "Köp av verksamhet",
            "Lämnade bidrag",
            "Material och tjänster",
            "Övriga verksamhetskostnader",
            "Avskrivningar",
            "Övriga konton (ej klassificerade)",
            "Verksamhetens nettokostnad",
            "Skatteintäkter",
            "Generella statsbidrag och utjämning",
            "Finansiella intäkter",
            "Finansiella kostnader",
            "Extraordinära poster",
            "Resultat"
        ]
    );
    assert_eq!(cats[8]["actual"], "-3140.85"); // nettokostnad: 120,25 − 1210,10 − 2050 − 1
    assert_eq!(cats[14]["actual"], "1809.15"); // resultat equals the total
    assert_eq!(cats[1]["actual_previous_year"], "-1010.50");
    assert_eq!(cats[1]["change_previous_year"], "-199.60");
    let months = u("A1", &["months"]);
    assert_eq!(months[1]["actual"], "-610.10");
    assert_eq!(months[2]["actual"], Value::Null);
    assert_eq!(months[2]["budget"], "-550.00");
    assert_eq!(months[0]["actual_previous_year"], "-400.00");
}

#[test]
fn mini_region_report_snapshot() {
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(
        "tests/fixtures/mini",
        out.path(),
        "2020-02",
        &["--config", "tests/fixtures/mini-kr.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = out.path().join("2020-02");
    let html = std::fs::read_to_string(dir.join("A.html")).unwrap();
    insta::assert_snapshot!("mini_A_report", html);
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    insta::assert_snapshot!("mini_index", index);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    insta::assert_snapshot!("mini_manifest", manifest);
}

#[test]
fn summary_sentence_reads_like_the_reports() {
    let out = tempfile::tempdir().unwrap();
    let data = copy_fixture("mini");
    std::fs::write(
        data.path().join("uppfolj.yaml"),
        "money:\n  unit: kr\n  decimals: 2\norganisation:\n  name: Testregionen\n",
    )
    .unwrap();
    let cfg = data.path().join("uppfolj.yaml");
    let o = generate_to(
        data.path().to_str().unwrap(),
        out.path(),
        "2020-02",
        &["--config", cfg.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.path().join("2020-02/A1.html")).unwrap();
    assert!(
        html.contains("Avvikelsen för Enhet A1 uppgick för perioden ack februari 2020 till -89,85 kr, vilket är en försämring mot januari med 60,10 kr."),
        "{html}"
    );
    assert!(html.contains("Prognos avvikelse helår är -150,00 kr mot budget, och prognos resultat helår är -1\u{a0}700,00 kr; avvikelsen är en försämring av årsprognosen sedan januari med 50,00 kr."), "{html}");
    assert!(html.contains("Största avvikelserna mot budget avser personalkostnader."));
    assert!(html.contains("Positiva avvikelser finns för verksamhetens intäkter."));
    let a2 = std::fs::read_to_string(out.path().join("2020-02/A2.html")).unwrap();
    assert!(
        a2.contains("till +150,00 kr, vilket är en förbättring mot januari med 50,00 kr."),
        "{a2}"
    );
    assert!(a2.contains(
        "Prognos avvikelse helår är +50,00 kr mot budget, och prognos resultat helår är -2\u{a0}150,00 kr; avvikelsen är oförändrad sedan januari."
    ));
}

#[test]
fn two_runs_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for out in [&a, &b] {
        let o = generate_to(
            "data/sample",
            out.path(),
            "latest",
            &["--config", "data/sample/uppfolj.yaml"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let (sa, sb) = (snapshot_dir(a.path()), snapshot_dir(b.path()));
    assert!(sa.len() > 40, "a report per unit of the sample region");
    assert_eq!(sa.len(), sb.len());
    for ((na, ba), (nb, bb)) in sa.iter().zip(&sb) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between runs");
    }
}

#[test]
fn sample_region_has_a_report_for_every_unit() {
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(
        "data/sample",
        out.path(),
        "latest",
        &["--config", "data/sample/uppfolj.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = out.path().join("2020-09");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let units = std::fs::read_to_string(root().join("data/sample/units.csv")).unwrap();
    let codes: Vec<&str> = units
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').next().unwrap())
        .collect();
    let reports = manifest["reports"].as_array().unwrap();
    assert_eq!(reports.len(), codes.len());
    for r in reports {
        assert!(codes.contains(&r["unit"].as_str().unwrap()));
        assert!(dir.join(r["html"].as_str().unwrap()).is_file());
    }
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for r in reports {
        assert!(index.contains(&format!("href=\"{}\"", r["html"].as_str().unwrap())));
    }
    let tables: Vec<&str> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["table"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        [
            "ledger",
            "units",
            "accounts",
            "forecast",
            "staffing",
            "agency",
            "measures",
            "adjustments",
            "activity",
            "frames",
            "reallocations",
            "approved",
            "investments",
            "projects",
            "investment_forecast"
        ]
    );
    let hsn = std::fs::read_to_string(dir.join("HSN.html")).unwrap();
    assert!(hsn.contains("Avvikelsen för Hälso- och sjukvårdsnämnden uppgick för perioden ack september 2020 till -118,3 Mkr"));
}

#[test]
fn a_failed_run_leaves_earlier_output_untouched() {
    let out = tempfile::tempdir().unwrap();
    let data = copy_fixture("mini");
    let d = data.path().to_str().unwrap();
    let o = generate(d, out.path(), "2020-02");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = snapshot_dir(out.path());
    // Break the ledger and run again into the same folder.
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger)
        .unwrap()
        .replace("-610,10", "-610,1O");
    std::fs::write(&ledger, text).unwrap();
    let o = generate(d, out.path(), "2020-02");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("row 7, column \"actual\": \"-610,1O\" is not a number"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).ends_with("uppfolj: stopped: 1 error in the data; nothing was written\n"));
    assert_eq!(
        snapshot_dir(out.path()),
        before,
        "the earlier output is unchanged, no temporary folder left"
    );
    // A template that fails to render is an output failure; the earlier output stays too.
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(tpl.path().join("report.html"), "{{ no_such_value }}").unwrap();
    std::fs::write(
        ledger,
        std::fs::read(root().join("tests/fixtures/mini/ledger.csv")).unwrap(),
    )
    .unwrap();
    let cfg = data.path().join("c.yaml");
    std::fs::write(&cfg, format!("templates: {}\n", tpl.path().display())).unwrap();
    let o = generate_to(
        d,
        out.path(),
        "2020-02",
        &["--config", cfg.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("template report.html"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot_dir(out.path()), before);
}

#[test]
fn user_templates_override_the_builtin_ones() {
    let out = tempfile::tempdir().unwrap();
    let data = copy_fixture("mini");
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(tpl.path().join("index.html"), "Index {{ organisation }}: {% for e in entries %}{{ e.unit.code }}={{ e.deviation.text }} {% endfor %}").unwrap();
    let cfg = data.path().join("c.yaml");
    std::fs::write(&cfg, format!("templates: {}\n", tpl.path().display())).unwrap();
    let o = generate_to(
        data.path().to_str().unwrap(),
        out.path(),
        "2020-02",
        &["--config", cfg.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let index = std::fs::read_to_string(out.path().join("2020-02/index.html")).unwrap();
    assert_eq!(index, "Index Region Test: R=0,0 A=0,0 A1=0,0 A2=0,0 B=0,0 ");
}

/// Every written file is reachable from the HTML: each report links its own PDF and
/// workbook, the index lists the packs with their pages; only formats written are linked.
#[test]
fn reports_and_index_link_every_written_format() {
    let run = generate_into(
        "tests/fixtures/seeds",
        Some(&root().join("tests/fixtures/seeds/uppfolj.yaml")),
        "2020-09",
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", stderr(&run.output));
    let hsn = run.read("2020-09", "HSN.html");
    assert!(!hsn.contains("pdf/HSN.pdf"), "no PDF was written");
    assert!(hsn.contains("<a href=\"HSN.xlsx\" type=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\">Tabellerna i Excel</a>"), "{hsn}");

    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = cfg_dir.path().join("uppfolj.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/seeds/uppfolj.yaml")).unwrap();
    std::fs::write(
        &cfg,
        format!("{base}packs:\n  - name: namnden\n    title: Månadsrapport\n    meeting: {{ body: Nämnden, date: 2020-10-20 }}\n    root: HSN\n    levels: 1\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(
        "tests/fixtures/seeds",
        out.path(),
        "2020-09",
        &["--config", cfg.to_str().unwrap(), "--format", "html,pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = out.path().join("2020-09");
    let hsn = std::fs::read_to_string(dir.join("HSN.html")).unwrap();
    assert!(
        hsn.contains("<a href=\"pdf/HSN.pdf\" type=\"application/pdf\">PDF för utskrift</a>"),
        "{hsn}"
    );
    assert!(!hsn.contains("HSN.xlsx"));
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert!(index.contains("— Nämnden 2020-10-20</li>"), "{index}");
    assert_eq!(manifest["packs"].as_array().unwrap().len(), 1);
    for pack in manifest["packs"].as_array().unwrap() {
        let pdf = pack["pdf"].as_str().unwrap();
        assert!(dir.join(pdf).is_file());
        assert!(
            index.contains(&format!(
                "<a href=\"{pdf}\" type=\"application/pdf\">{}</a> (PDF, ",
                pack["title"].as_str().unwrap()
            )),
            "{index}"
        );
    }
    for link in index.split("href=\"").skip(1) {
        let target = link.split('"').next().unwrap();
        if !target.starts_with('#') {
            assert!(
                dir.join(target).is_file(),
                "index links {target}, which is not there"
            );
        }
    }
}
