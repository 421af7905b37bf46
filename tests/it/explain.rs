//! What explains the month: the bridge since last month adds up to the change to the öre for
//! every unit of the sample region, the forecast check's figures follow their definitions, and
//! the sentences read like the reports, in Swedish and English.

use serde_json::Value;

use super::*;

/// A decimal string in kronor ("-1234.50") as öre.
fn ore(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (kr, o) = s.split_once('.').unwrap();
    assert_eq!(o.len(), 2, "{s}");
    let n = kr.parse::<i64>().unwrap() * 100 + o.parse::<i64>().unwrap();
    if neg { -n } else { n }
}

fn sample(period: &str, config: Option<&Path>) -> Generated {
    let config = config.map_or_else(
        || root().join("data/sample/uppfolj.yaml"),
        Path::to_path_buf,
    );
    let g = generate_into("data/sample", Some(&config), period);
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    g
}

fn figures(g: &Generated, period: &str) -> Value {
    serde_json::from_str(&g.read(period, "figures.json")).unwrap()
}

/// The sample's config in English.
fn english() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("data/sample/uppfolj.yaml")).unwrap();
    let text = text.replace("language: sv", "language: en");
    std::fs::write(dir.path().join("uppfolj.yaml"), text).unwrap();
    dir
}

#[test]
fn the_bridge_adds_up_for_every_unit_of_the_sample() {
    let g = sample("2020-09", None);
    let f = figures(&g, "2020-09");
    let units = f["units"].as_object().unwrap();
    assert_eq!(units.len(), 46);
    for (code, u) in units {
        let b = &u["bridge"];
        let (from, to) = (ore(&b["from"]), ore(&b["to"]));
        assert_eq!(from, ore(&u["previous_month"]["deviation"]), "{code}");
        assert_eq!(to, ore(&u["deviation"]), "{code}");
        assert_eq!(to - from, ore(&u["deviation_change"]), "{code}");
        // By category: every category row, no subtotal, in report order.
        let cats = b["by_category"].as_array().unwrap();
        let rows: Vec<&str> = u["categories"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "category")
            .map(|c| c["category"].as_str().unwrap())
            .collect();
        let named: Vec<&str> = cats
            .iter()
            .map(|c| c["category"].as_str().unwrap())
            .collect();
        assert_eq!(named, rows, "{code}");
        let sum: i64 = cats.iter().map(|c| ore(&c["change"])).sum();
        assert_eq!(sum, to - from, "{code}: categories");
        // By child: the children in tree order (and the unit's own entries, if they moved).
        let parts = b["by_child"].as_array().unwrap();
        let children = u["children"].as_array().unwrap();
        if children.is_empty() {
            assert!(parts.is_empty(), "{code}");
            continue;
        }
        let sum: i64 = parts.iter().map(|c| ore(&c["change"])).sum();
        assert_eq!(sum, to - from, "{code}: children");
        for (p, c) in parts.iter().zip(children) {
            assert_eq!(p["unit"], *c, "{code}");
            assert_eq!(
                ore(&p["change"]),
                ore(&units[c.as_str().unwrap()]["deviation_change"]),
                "{code}: {c}"
            );
        }
        assert!(parts.len() <= children.len() + 1);
        if parts.len() > children.len() {
            assert_eq!(parts.last().unwrap()["unit"], code.as_str());
        }
    }
    // HSN by hand: from -103 429 322,94 to -118 300 225,17.
    let hsn = &units["HSN"]["bridge"];
    assert_eq!(hsn["from"], "-103429322.94");
    assert_eq!(hsn["to"], "-118300225.17");
    assert_eq!(hsn["by_category"][2]["category"], "Personalkostnader");
    assert_eq!(hsn["by_category"][2]["change"], "-7310315.79");
    assert_eq!(hsn["by_child"][1]["unit"], "HSN-SPEC");
}

#[test]
fn no_bridge_and_no_forecast_check_in_the_first_month() {
    let g = sample("2020-01", None);
    let f = figures(&g, "2020-01");
    for (code, u) in f["units"].as_object().unwrap() {
        assert_eq!(u["bridge"], Value::Null, "{code}");
    }
    let hsn = g.read("2020-01", "HSN.html");
    assert!(!hsn.contains("id=\"forandring\""));
}

#[test]
fn forecast_check_by_its_definitions() {
    let g = sample("2020-09", None);
    let f = figures(&g, "2020-09");
    for (code, u) in f["units"].as_object().unwrap() {
        let c = &u["forecast_check"];
        if u["forecast"].is_null() {
            assert_eq!(*c, Value::Null, "{code}");
            continue;
        }
        assert_eq!(c["months_left"], 3, "{code}");
        let acc = ore(&u["deviation"]) as i128;
        let implied = ore(&u["forecast"]["deviation"]) as i128 - acc;
        assert_eq!(ore(&c["implied_rest_of_year"]) as i128, implied, "{code}");
        // acc × 3 / 9 to the öre, half to even.
        let (q, r) = ((acc * 3).div_euclid(9), (acc * 3).rem_euclid(9));
        let run = if 2 * r > 9 || (2 * r == 9 && q % 2 != 0) {
            q + 1
        } else {
            q
        };
        assert_eq!(ore(&c["run_rate_rest_of_year"]) as i128, run, "{code}");
        assert!(
            c["seasonal_rest_of_year"].is_string(),
            "{code}: the sample has all of 2019"
        );
    }
    let akut = &f["units"]["HSN-SPEC-AKUT"]["forecast_check"];
    assert_eq!(akut["implied_rest_of_year"], "-28822543.02");
    assert_eq!(akut["run_rate_rest_of_year"], "-22225818.99");
    assert_eq!(akut["seasonal_rest_of_year"], "-24439521.28");
    assert_eq!(akut["flag"], "pessimistic");
    assert_eq!(f["units"]["HSN"]["forecast_check"]["flag"], Value::Null);
}

#[test]
fn net_cost_development_against_last_year_and_the_budget() {
    let g = sample("2020-09", None);
    let f = figures(&g, "2020-09");
    let rm = &f["units"]["RM"]["net_cost_development"];
    assert_eq!(rm["subtotal"], "Verksamhetens nettokostnad");
    assert_eq!(rm["less"], serde_json::json!(["Regionbidrag"]));
    let (a, p) = (ore(&rm["actual"]), ore(&rm["actual_previous_year"]));
    assert_eq!(ore(&rm["growth"]), p - a);
    assert_eq!(ore(&rm["budget_growth"]), p - ore(&rm["budget"]));
    let pct = rm["growth_pct"].as_f64().unwrap();
    assert!(
        (pct - 100.0 * (p - a) as f64 / -(p as f64)).abs() < 1e-5,
        "{pct}"
    );
    let hsn = g.read("2020-09", "HSN.html");
    assert!(hsn.contains("<tr><td>Nettokostnadsutveckling</td><td>+229,3 (+6,5\u{a0}%)</td></tr>"));
    assert!(hsn.contains(
        "<tr><td>Budgeterad nettokostnadsutveckling</td><td>+111,0 (+3,1\u{a0}%)</td></tr>"
    ));
    assert!(hsn.contains("Verksamhetens nettokostnad exkl. regionbidrag, ack september 2020"));
}

#[test]
fn sentences_read_like_the_reports() {
    let g = sample("2020-09", None);
    let hsn = g.read("2020-09", "HSN.html");
    assert!(hsn.contains(
        "Försämringen med 14,9 Mkr sedan augusti förklaras främst av personalkostnader (-7,3 Mkr) och inhyrd personal (-3,5 Mkr); av enheterna står Specialiserad vård för -15,3 Mkr, medan Folktandvård förbättrades med 1,1 Mkr."
    ), "{hsn}");
    let leaf = g.read("2020-09", "3110.html");
    assert!(leaf.contains(
        "Försämringen med 5,7 Mkr sedan augusti förklaras främst av personalkostnader (-3,7 Mkr) och inhyrd personal (-1,4 Mkr)."
    ));
    assert!(leaf.contains(
        "Prognosen förutsätter att avvikelsen försämras med 15,0 Mkr under årets sista tre månader, medan utvecklingen hittills motsvarar en försämring med 12,2 Mkr och fjolårets säsongsmönster en försämring med 13,4 Mkr."
    ));
    // Not flagged: no sentence.
    assert!(!hsn.contains("Prognosen förutsätter"));
    let cfg = english();
    let g = sample("2020-09", Some(&cfg.path().join("uppfolj.yaml")));
    let hsn = g.read("2020-09", "HSN.html");
    assert!(hsn.contains(
        "The deterioration of 14.9 SEK m since August is mainly explained by personalkostnader (-7.3 SEK m) and inhyrd personal (-3.5 SEK m); among the units, Specialiserad vård accounts for -15.3 SEK m, while Folktandvård improved by 1.1 SEK m."
    ), "{hsn}");
    let leaf = g.read("2020-09", "3110.html");
    assert!(leaf.contains(
        "The forecast assumes that the deviation deteriorates by 15.0 SEK m over the last three months of the year, while the development so far corresponds to a deterioration of 12.2 SEK m and last year's seasonal pattern to a deterioration of 13.4 SEK m."
    ), "{leaf}");
}

#[test]
fn the_bridge_chart_groups_the_smallest_categories() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("data/sample/uppfolj.yaml")).unwrap();
    let text = text.replace("bridge: { categories: 6 }", "bridge: { categories: 2 }");
    assert!(text.contains("categories: 2"));
    std::fs::write(dir.path().join("uppfolj.yaml"), &text).unwrap();
    let g = sample("2020-09", Some(&dir.path().join("uppfolj.yaml")));
    let hsn = g.read("2020-09", "HSN.html");
    let start = hsn.find("id=\"forandring\"").unwrap();
    let section = &hsn[start..start + hsn[start..].find("</section>").unwrap()];
    assert!(
        section.contains("<th scope=\"row\">Personalkostnader</th><td>-7,3</td>"),
        "{section}"
    );
    assert!(section.contains("<th scope=\"row\">Inhyrd personal</th><td>-3,5</td>"));
    // The rest: -14,9 − (-7,3) − (-3,5), from the exact parts.
    assert!(
        section.contains("<th scope=\"row\">Övrigt</th><td>-4,0</td>"),
        "{section}"
    );
    assert!(!section.contains("<th scope=\"row\">Läkemedel</th>"));
}

#[test]
fn last_years_forecasts_against_the_years_outcome() {
    let g = sample("2020-09", None);
    let f = figures(&g, "2020-09");
    for (code, u) in f["units"].as_object().unwrap() {
        let a = &u["forecast_accuracy"];
        let forecasts = a["forecasts"].as_array().unwrap();
        assert_eq!(a["year"], 2019, "{code}");
        assert!(!forecasts.is_empty(), "{code}");
        let out = ore(&a["outcome"]);
        let mut abs = 0i128;
        for x in forecasts {
            assert!(x["made"].as_str().unwrap().starts_with("2019-"), "{code}");
            assert_eq!(ore(&x["error"]), ore(&x["deviation"]) - out, "{code}");
            abs += (ore(&x["error"]) as i128).abs();
        }
        let n = forecasts.len() as i128;
        let mae = ore(&a["mean_absolute_error"]) as i128;
        assert!(
            (mae * n - abs).abs() * 2 <= n,
            "{code}: {mae} × {n} against {abs}"
        );
    }
    let hsn = &f["units"]["HSN"]["forecast_accuracy"];
    assert_eq!(hsn["outcome"], "-40724005.81");
    assert_eq!(hsn["forecasts"][0]["made"], "2019-02");
    assert_eq!(hsn["forecasts"][0]["deviation"], "-17480000.00");
    assert_eq!(hsn["forecasts"][0]["error"], "23244005.81");
    assert_eq!(hsn["forecasts"].as_array().unwrap().len(), 10);
    assert_eq!(hsn["mean_absolute_error"], "15620005.81");
    assert_eq!(hsn["bias"], "optimistic");
    assert_eq!(f["units"]["RS"]["forecast_accuracy"]["bias"], Value::Null);
    let report = g.read("2020-09", "HSN.html");
    assert!(report.contains(
        "Avvikelsen för 2019 blev -40,7 Mkr för helåret. De 10 prognoser som lades under året avvek i genomsnitt med 15,6 Mkr från utfallet; samtliga var för optimistiska."
    ));
    let index = g.read("2020-09", "index.html");
    assert!(index.contains(
        "<tr><td><a href=\"HSN.html\">Hälso- och sjukvårdsnämnden</a></td><td>-40,7</td><td>15,6</td><td>optimistisk</td></tr>"
    ), "{index}");
    let cfg = english();
    let g = sample("2020-09", Some(&cfg.path().join("uppfolj.yaml")));
    assert!(g.read("2020-09", "HSN.html").contains(
        "The full-year deviation for 2019 was -40.7 SEK m. The 10 forecasts made during the year were on average 15.6 SEK m off the outcome; every one was too optimistic."
    ));
}

#[test]
fn an_optimistic_forecast_gets_its_sentence() {
    let data = copy_fixture("mini");
    std::fs::write(
        data.path().join("forecast.csv"),
        "period;unit;deviation\n2020-01;A1;-100,00\n2020-02;A1;-150,00\n2020-02;A;1 000,00\n2020-01;A2;50,00\n",
    )
    .unwrap();
    let config = root().join("tests/fixtures/mini-kr.yaml");
    let g = generate_into(data.path().to_str().unwrap(), Some(&config), "2020-02");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f: Value = serde_json::from_str(&g.read("2020-02", "figures.json")).unwrap();
    let c = &f["units"]["A"]["forecast_check"];
    assert_eq!(c["implied_rest_of_year"], "939.85");
    assert_eq!(c["run_rate_rest_of_year"], "300.75");
    assert_eq!(c["flag"], "optimistic");
    let a = g.read("2020-02", "A.html");
    let expected = format!(
        "Prognosen förutsätter att avvikelsen förbättras med 939,85 kr under årets sista tio månader, medan utvecklingen hittills motsvarar en förbättring med 300,75 kr{}.",
        match &c["seasonal_rest_of_year"] {
            Value::Null => String::new(),
            s => format!(
                " och fjolårets säsongsmönster en förbättring med {} kr",
                s.as_str().unwrap().replace('.', ",")
            ),
        }
    );
    assert!(a.contains(&expected), "{expected}\n{a}");
    assert!(a.contains("Prognosen mot utvecklingen hittills: <strong>optimistisk</strong>"));
}
