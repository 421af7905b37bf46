//! SIE 4 files from other systems as the data folder's ledger, checked against an
//! independent reading of the same files.

use serde_json::Value;

use super::*;

/// Σ of `#PSALDO`/`#PBUDGET` rows with `{}` for year 0, result accounts (3–8), months up to
/// `upto` (YYYYMM), in öre and result sign — read with nothing but `split_whitespace`.
fn independent(file: &str, label: &str, upto: u32) -> i64 {
    let bytes = std::fs::read(root().join("tests/fixtures/sie").join(file)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut sum = 0i64;
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 6
            && f[0] == label
            && f[1] == "0"
            && f[4] == "{}"
            && f[3].starts_with(['3', '4', '5', '6', '7', '8'])
        {
            let period: u32 = f[2].parse().unwrap();
            if period <= upto {
                let (int, frac) = f[5].split_once('.').unwrap_or((f[5], "0"));
                let neg = int.starts_with('-');
                let ore = int.trim_start_matches('-').parse::<i64>().unwrap() * 100
                    + format!("{frac:0<2}")[..2].parse::<i64>().unwrap();
                sum += if neg { -ore } else { ore };
            }
        }
    }
    -sum
}

fn ore(v: &Value) -> i64 {
    let s = v.as_str().unwrap();
    let (i, f) = s.split_once('.').unwrap();
    let neg = i.starts_with('-');
    let x = i.trim_start_matches('-').parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap();
    if neg { -x } else { x }
}

fn run(files: &[&str], period: &str) -> (Output, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    for f in files {
        std::fs::copy(
            root().join("tests/fixtures/sie").join(f),
            data.path().join(f),
        )
        .unwrap();
    }
    let out = data.path().join("out");
    let o = generate_to(
        data.path().to_str().unwrap(),
        &out,
        period,
        &["--format", "html"],
    );
    (o, data)
}

fn figures(data: &tempfile::TempDir, period: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(data.path().join("out").join(period).join("figures.json"))
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn period_balances_give_the_right_totals() {
    let (o, data) = run(&["periodsaldo_ovnbolag.se"], "latest");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f = figures(&data, "2011-03");
    let root = &f["units"]["TOTAL"];
    assert_eq!(
        ore(&root["actual"]),
        independent("periodsaldo_ovnbolag.se", "#PSALDO", 201103)
    );
    assert_eq!(
        ore(&root["budget"]),
        independent("periodsaldo_ovnbolag.se", "#PBUDGET", 201103)
    );
    assert_eq!(
        ore(&root["actual"]),
        27_779_846,
        "277 798,46 kr by awk as well"
    );
}

#[test]
fn object_balances_split_into_units_without_double_counting() {
    let (o, data) = run(&["objektsaldo_ovnbolag.se"], "2011-03");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f = figures(&data, "2011-03");
    let units = f["units"].as_object().unwrap();
    assert!(units.len() > 1, "objects of dimension 1 become units");
    // The same bookings as the period-balance file, so the same total.
    assert_eq!(
        ore(&f["units"]["TOTAL"]["actual"]),
        independent("periodsaldo_ovnbolag.se", "#PSALDO", 201103)
    );
    let children: i64 = f["units"]["TOTAL"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| ore(&units[c.as_str().unwrap()]["actual"]))
        .sum();
    assert!(children != 0);
}

#[test]
fn transactions_file_and_its_findings() {
    let (o, data) = run(&["transaktioner_ovnbolag-bad-balance.se"], "2011-03");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("transaktioner_ovnbolag-bad-balance.se, row 3905"),
        "{err}"
    );
    assert!(err.contains("does not balance"), "{err}");
    let f = figures(&data, "2011-03");
    assert_eq!(
        ore(&f["units"]["TOTAL"]["actual"]),
        independent("periodsaldo_ovnbolag.se", "#PSALDO", 201103)
    );
}

#[test]
fn type_3_file_with_totals_and_objects() {
    // Named: the file's last month has so little outcome beside the month before's that
    // `latest` takes it as a month only begun (a note says so) and reports 2012-02.
    let (o, data) = run(&["typ3.se"], "2012-03");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(data.path().join("out/2012-03/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["inputs"][0]["table"], "sie");
    let f = figures(&data, "2012-03");
    assert_eq!(
        ore(&f["units"]["TOTAL"]["actual"]),
        independent("typ3.se", "#PSALDO", 201203)
    );
}

#[test]
fn a_file_that_is_not_sie() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("export.se"),
        "period;unit;account;actual;budget\n",
    )
    .unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!(
            "error: {}: not an SIE file (expected lines starting with #FLAGGA/#SIETYP and other SIE records)\n",
            data.path().join("export.se").display()
        )),
        "{}",
        stderr(&o)
    );
}

/// Σ of the `{}` period balances of year 0 on result accounts (classes 3–9) for the months
/// `from..=upto` (YYYYMM), in öre and result sign.
fn fiscal_sum(file: &str, from: u32, upto: u32) -> i64 {
    let bytes = std::fs::read(root().join("tests/fixtures/sie").join(file)).unwrap();
    let mut sum = 0i64;
    for line in String::from_utf8_lossy(&bytes).lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 6 && f[0] == "#PSALDO" && f[1] == "0" && f[4] == "{}" {
            let period: u32 = f[2].parse().unwrap();
            if (from..=upto).contains(&period) && !f[3].starts_with(['1', '2']) {
                let (int, frac) = f[5].split_once('.').unwrap_or((f[5], "0"));
                let ore = int.trim_start_matches('-').parse::<i64>().unwrap() * 100
                    + format!("{frac:0<2}")[..2].parse::<i64>().unwrap();
                sum += if int.starts_with('-') { -ore } else { ore };
            }
        }
    }
    -sum
}

/// A file whose fiscal year runs July–June (`#RAR 0 20090701 20100630`) is accumulated from
/// July, named as that year, and charted July to June; the config can still say otherwise.
#[test]
fn a_broken_fiscal_year_is_accumulated_from_its_first_month() {
    let (o, data) = run(&["BL0001_typ3.SE"], "2010-03");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f = figures(&data, "2010-03");
    let expected = fiscal_sum("BL0001_typ3.SE", 200907, 201003);
    assert_eq!(ore(&f["units"]["TOTAL"]["actual"]), expected);
    assert_ne!(expected, fiscal_sum("BL0001_typ3.SE", 201001, 201003));
    let html = std::fs::read_to_string(data.path().join("out/2010-03/TOTAL.html")).unwrap();
    assert!(
        html.contains("Månadsrapport ack mars 2009/10 (räkenskapsår juli 2009–juni 2010)"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\">Ack utfall 2009/10</th>"),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"Avvikelse mot budget per månad juli 2009–mars 2010, Mkr. "),
        "the months run from July: {html}"
    );

    // The config's calendar year wins, with a warning that the file says otherwise.
    let config = data.path().join("c.yaml");
    std::fs::write(&config, "fiscal_year_start: 1\n").unwrap();
    let out = data.path().join("out-calendar");
    let o = generate_to(
        data.path().to_str().unwrap(),
        &out,
        "2010-03",
        &["--config", config.to_str().unwrap(), "--format", "html"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!(
        "warning: {}: the SIE files declare a fiscal year starting in month 7 (#RAR 0) and the config sets fiscal_year_start: 1; the config is used\n",
        data.path().display()
    )), "{}", stderr(&o));
    let f: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("2010-03/figures.json")).unwrap())
            .unwrap();
    assert_eq!(
        ore(&f["units"]["TOTAL"]["actual"]),
        fiscal_sum("BL0001_typ3.SE", 201001, 201003)
    );
}
