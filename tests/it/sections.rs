//! The optional sections on a committee shaped like the September and October 2020 monthly
//! reports: the report must state the figures those reports state.

use super::*;

fn report(period: &str, extra_config: &str) -> String {
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = cfg_dir.path().join("uppfolj.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/seeds/uppfolj.yaml")).unwrap();
    std::fs::write(&cfg, format!("{base}{extra_config}")).unwrap();
    let run = generate_into("tests/fixtures/seeds", Some(&cfg), period);
    assert_eq!(run.output.status.code(), Some(0), "{}", stderr(&run.output));
    run.read(period, "HSN.html")
}

fn has(html: &str, text: &str) {
    assert!(html.contains(text), "missing: {text}");
}

#[test]
fn september_states_the_reported_figures() {
    let h = report("2020-09", "");
    has(
        &h,
        "Avvikelsen för Hälso- och sjukvårdsnämnden uppgick för perioden ack september 2020 till -119,3 Mkr, vilket är en försämring mot augusti med 17,3 Mkr.",
    );
    has(
        &h,
        "Prognos avvikelse helår är -165,9 Mkr mot budget, och prognos resultat helår är -1\u{a0}485,9 Mkr; avvikelsen är en förbättring av årsprognosen sedan augusti med 1,8 Mkr.",
    );
    has(
        &h,
        "Andelen stafettkostnader i förhållande till kostnad egen personal är efter september 15,23\u{a0}% för läkare och 2,88\u{a0}% för sjuksköterska",
    );
    has(
        &h,
        "Utfallet av de resultatförbättrande åtgärderna är t o m september 86,7 Mkr mot förväntade 114,9 Mkr, 75\u{a0}% av det förväntade.",
    );
    has(
        &h,
        "Sjukfrånvaron är ack september 2020 6,0\u{a0}% totalt, vilket är 1,2 procentenheter högre jämfört med motsvarande period 2019.",
    );
    has(
        &h,
        "Totalt har antalet sjuktimmar ökat med 51\u{a0}076 timmar mot föregående år.",
    );
    has(
        &h,
        "Netto inklusive justeringar för covid-19, sjuklöneersättning och statliga stimulansmedel är avvikelsen mot budget +3,6 Mkr.",
    );
    has(
        &h,
        "Indirekta vårdkontakter har ökat med 42\u{a0}400 st (+42,4\u{a0}%) mot motsvarande period 2019.",
    );
    has(
        &h,
        "Medelvårdtid är oförändrad mot motsvarande period 2019, 5,0.",
    );
    has(
        &h,
        "Budgetramen för 2020 är enligt beslut 1\u{a0}442,0 Mkr. Efter omdisponeringar om netto -122,0 Mkr är den reviderade ramen 1\u{a0}320,0 Mkr.",
    );
    assert!(
        !h.contains("Datakvalitet"),
        "the net budget equals the revised frame"
    );
    has(&h, "HSN/798/2024");
    // Traffic lights with a legend: doctors far above the 2 % target, nurses between.
    has(
        &h,
        "<svg class=\"light\" viewBox=\"0 0 16 16\" role=\"img\" aria-label=\"röd\"><title>röd</title><rect",
    );
    has(
        &h,
        "</svg> Inhyrd personal, läkare: <strong>15,23\u{a0}%</strong>",
    );
    has(
        &h,
        "<svg class=\"light\" viewBox=\"0 0 16 16\" role=\"img\" aria-label=\"gul\"><title>gul</title><path",
    );
    has(
        &h,
        "</svg> Inhyrd personal, sjuksköterska: <strong>2,88\u{a0}%</strong>",
    );
    has(&h, "Grön: inom målet. Gul: bevaka. Röd: utanför målet.");
}

#[test]
fn october_states_the_reported_figures() {
    let h = report("2020-10", "");
    has(
        &h,
        "till -131,6 Mkr, vilket är en försämring mot september med 12,3 Mkr.",
    );
    has(
        &h,
        "Prognos avvikelse helår är -182,9 Mkr mot budget, och prognos resultat helår är -1\u{a0}502,9 Mkr; avvikelsen är en försämring av årsprognosen sedan september med 17,0 Mkr.",
    );
    has(
        &h,
        "efter oktober 15,07\u{a0}% för läkare och 2,89\u{a0}% för sjuksköterska",
    );
    has(&h, "t o m oktober 96,6 Mkr mot förväntade 141,3 Mkr");
    has(
        &h,
        "Sjukfrånvaron är ack oktober 2020 6,0\u{a0}% totalt, vilket är 1,2 procentenheter högre",
    );
    has(&h, "sjuktimmar ökat med 54\u{a0}949 timmar");
    has(
        &h,
        "Den utförda tiden har ack oktober minskat motsvarande 66 årsarbetare",
    );
    has(&h, "en minskning med 105 jämfört med oktober 2019");
    has(&h, "är avvikelsen mot budget +10,4 Mkr.");
}

#[test]
fn commentary_is_placed_and_sanitised() {
    let h = report("2020-09", "");
    has(
        &h,
        "<div class=\"comment\"><p>Kommentar till sammanfattningen.</p>",
    );
    has(
        &h,
        "<p>Sjukfrånvaron <em>ökar</em>. &lt;b onclick=\"x()\"&gt;fet&lt;/b&gt;</p>",
    );
    assert!(!h.contains("<b onclick"));
    has(
        &h,
        "<p>Se &lt;script&gt;alert(\"inte här\")&lt;/script&gt; planen.</p>",
    );
    assert!(!h.contains("<script>alert"));
    // No commentary for October: no comment box.
    assert!(!report("2020-10", "").contains("class=\"comment\""));
}

#[test]
fn english_report() {
    let h = report("2020-09", "language: en\n");
    has(&h, "<html lang=\"en\">");
    has(
        &h,
        "The deviation from budget for Hälso- och sjukvårdsnämnden for the period January to September 2020 was -119.3 SEK m, a deterioration of 17.3 SEK m since August.",
    );
    has(
        &h,
        "Hired staff cost as a share of own staff cost is, after September, 15.23% for läkare and 2.88% for sjuksköterska",
    );
    has(
        &h,
        "Sick leave for January to September 2020 is 6.0% in total, 1.2 percentage points higher than the same period of 2019.",
    );
    has(
        &h,
        "Sick hours have increased by 51,076 hours against last year.",
    );
    has(&h, "Key figures");
    assert!(!h.contains("Nyckeltal") && !h.contains("september"));
}

#[test]
fn english_chart_captions_come_from_the_language_file() {
    let h = report("2020-09", "language: en\n");
    has(&h, "\nAccumulated result, SEK m\n");
    has(&h, "\nDeviation from budget per month 2020, SEK m\n");
    has(&h, "\nDeviation from budget per category, YTD, SEK m\n");
    assert!(
        !h.contains("Avvikelse mot budget"),
        "a Swedish chart caption"
    );
    let sv = report("2020-09", "");
    has(&sv, "\nAvvikelse mot budget per månad 2020, Mkr\n");
    has(&sv, "\nAvvikelse mot budget per kategori, ack, Mkr\n");
}

#[test]
fn sections_without_tables_are_left_out() {
    let out = tempfile::tempdir().unwrap();
    let o = generate_to("tests/fixtures/mini", out.path(), "2020-02", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let h = std::fs::read_to_string(out.path().join("2020-02/A.html")).unwrap();
    for id in [
        "personal",
        "inhyrd",
        "atgarder",
        "justeringar",
        "produktion",
        "budgetram",
        "signaler",
    ] {
        assert!(
            !h.contains(&format!("<section id=\"{id}\"")),
            "{id} should be absent"
        );
    }
}

#[test]
fn frame_differing_from_net_budget_is_a_finding() {
    let data = copy_fixture("seeds");
    std::fs::write(
        data.path().join("frames.csv"),
        "year;unit;frame\n2020;HSN;1440000000\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(data.path().to_str().unwrap(), out.path(), "2020-09", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("frames.csv, row 2, column \"frame\": unit \"HSN\": the net budget for 2020 is 1 320 000 000,00 kr but the revised frame is 1 318 000 000,00 kr (difference 2 000 000,00 kr)"),
        "{}",
        stderr(&o)
    );
    let h = std::fs::read_to_string(out.path().join("2020-09/HSN.html")).unwrap();
    has(
        &h,
        "<strong>Datakvalitet:</strong> Budgeterad nettokostnad 1\u{a0}320,0 Mkr ≠ reviderad budgetram 1\u{a0}318,0 Mkr (+2,0 Mkr).",
    );
}

#[test]
fn section_figures_are_in_figures_json() {
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(
        "tests/fixtures/seeds",
        out.path(),
        "2020-09",
        &["--config", "tests/fixtures/seeds/uppfolj.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2020-09/figures.json")).unwrap(),
    )
    .unwrap();
    let hsn = &f["units"]["HSN"];
    assert_eq!(hsn["agency"][0]["profession"], "läkare");
    assert_eq!(hsn["agency"][0]["agency_cost"], "50411300.00");
    assert_eq!(hsn["agency"][0]["pct"], 15.23);
    assert_eq!(
        hsn["personnel"]["sick_hours"].as_f64().unwrap()
            - hsn["personnel"]["sick_hours_previous_year"]
                .as_f64()
                .unwrap(),
        51076.0
    );
    assert_eq!(hsn["adjustments"]["adjusted_deviation"], "3600000.00");
    assert_eq!(hsn["frame"]["revised"], "1320000000.00");
    assert_eq!(hsn["measures"][0]["realized"], "46700000.00");
    assert!(
        f["units"]["R"].get("agency").is_some(),
        "rolled up to the root"
    );
}

/// The words of a language file: every label and month name (`key: value` lines).
fn words_of(lang: &str) -> std::collections::BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join(format!("templates/lang/{lang}.yaml"))).unwrap();
    let mut words = std::collections::BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some((key, value)) = line.split_once(": ") {
            let value = value.trim().trim_matches('"');
            if key == "months" || key == "months_short" {
                let list = value.trim_matches(|c| c == '[' || c == ']');
                for (i, m) in list.split(", ").enumerate() {
                    words.insert(format!("{key}{i}"), m.to_string());
                }
            } else if !key.starts_with('#') {
                words.insert(key.to_string(), value.to_string());
            }
        }
    }
    words
}

/// Whether `phrase` occurs in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The visible text of an HTML page: no style sheet, no tags.
fn visible_text(html: &str) -> String {
    let mut rest = html;
    if let (Some(a), Some(b)) = (rest.find("<style>"), rest.find("</style>")) {
        rest = &rest[b.max(a)..];
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in rest.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

#[test]
fn no_swedish_words_in_an_english_report() {
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = cfg_dir.path().join("uppfolj.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/seeds/uppfolj.yaml")).unwrap();
    std::fs::write(&cfg, format!("{base}language: en\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = generate_to(
        "tests/fixtures/seeds",
        out.path(),
        "2020-09",
        &["--config", cfg.to_str().unwrap(), "--format", "html,pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |f: &str| std::fs::read_to_string(out.path().join("2020-09").join(f)).unwrap();
    // The data and commentary are Swedish: their words may appear; the report's own may not.
    let mut data = base.clone();
    let mut stack = vec![root().join("tests/fixtures/seeds")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                data.push_str(&String::from_utf8_lossy(&std::fs::read(p).unwrap()));
            }
        }
    }
    let (sv, en) = (words_of("sv"), words_of("en"));
    let swedish: Vec<&String> = sv
        .iter()
        .filter(|(k, v)| {
            v.chars().count() >= 3
                && en.get(*k) != Some(*v)
                && !en.values().any(|e| e == *v)
                && !has_phrase(&data, v)
        })
        .map(|(_, v)| v)
        .collect();
    assert!(swedish.len() > 100, "only {} Swedish words", swedish.len());
    let mut pages = vec![("HSN.html".to_string(), visible_text(&read("HSN.html")))];
    pages.push(("index.html".to_string(), visible_text(&read("index.html"))));
    let pdf = out.path().join("2020-09/pdf/HSN.pdf");
    assert!(pdf.exists());
    if let Ok(o) = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        && o.status.success()
    {
        pages.push((
            "pdf/HSN.pdf".to_string(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        ));
    }
    for (name, text) in &pages {
        let found: Vec<&&String> = swedish.iter().filter(|w| has_phrase(text, w)).collect();
        assert!(
            found.is_empty(),
            "Swedish words in the English {name}: {found:?}"
        );
    }
}

/// The balance requirement on the mini region: an unrealised loss on securities booked on A1
/// and a realised gain on B, taken out of the result at every level above them.
#[test]
fn balance_requirement_takes_the_items_out_of_the_result() {
    let data = copy_fixture("mini");
    let ledger = data.path().join("ledger.csv");
    let mut text = std::fs::read_to_string(&ledger).unwrap();
    text.push_str("2020-01;A1;8491;-40,00;0\n2020-02;A1;8491;15,50;0\n2020-02;B;3972;25,00;0\n2019-12;A1;8491;-1000,00;0\n");
    std::fs::write(&ledger, text).unwrap();
    let config = data.path().join("c.yaml");
    std::fs::write(
        &config,
        "money: { unit: kr, decimals: 2 }\nbalance_requirement:\n  exclude:\n    - name: Orealiserade vinster och förluster i värdepapper\n      accounts: [\"8491\", \"8591\"]\n    - name: Realisationsvinster vid försäljning av anläggningstillgångar\n      accounts: [\"3972\"]\n",
    )
    .unwrap();
    let g = generate_into(data.path().to_str().unwrap(), Some(&config), "2020-02");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f: serde_json::Value = serde_json::from_str(&g.read("2020-02", "figures.json")).unwrap();
    let a1 = &f["units"]["A1"];
    let actual = a1["actual"].as_str().unwrap().parse::<f64>().unwrap();
    assert_eq!(
        a1["balance_requirement"]["exclusions"],
        serde_json::json!([
            {"name": "Orealiserade vinster och förluster i värdepapper", "actual": "-24.50"},
            {"name": "Realisationsvinster vid försäljning av anläggningstillgångar", "actual": "0.00"},
        ])
    );
    assert_eq!(
        a1["balance_requirement"]["balance_result"]
            .as_str()
            .unwrap(),
        format!("{:.2}", actual + 24.50)
    );
    // The root adds both; B has only the gain; A2 has neither and no section.
    assert_eq!(
        f["units"]["R"]["balance_requirement"]["exclusions"][1]["actual"],
        "25.00"
    );
    assert_eq!(
        f["units"]["B"]["balance_requirement"]["exclusions"][0]["actual"],
        "0.00"
    );
    assert!(f["units"]["A2"].get("balance_requirement").is_none());
    // A1 has a forecast: the full-year result by the forecast, less the items.
    let fy = a1["balance_requirement"]["forecast_result"]
        .as_str()
        .unwrap();
    let budget_year = a1["budget_full_year"]
        .as_str()
        .unwrap()
        .parse::<f64>()
        .unwrap();
    let fc = a1["forecast"]["deviation"]
        .as_str()
        .unwrap()
        .parse::<f64>()
        .unwrap();
    assert_eq!(fy, format!("{:.2}", budget_year + fc));
    let html = g.read("2020-02", "A1.html");
    has(
        &html,
        "<h2 id=\"balanskrav-rubrik\">Balanskravsresultat</h2>",
    );
    has(
        &html,
        "justerat med +24,50 kr för orealiserade vinster och förluster i värdepapper och realisationsvinster vid försäljning av anläggningstillgångar.",
    );
    has(
        &html,
        "<tr><td>Justering för orealiserade vinster och förluster i värdepapper</td>",
    );
}

#[test]
fn balance_requirement_config_mistakes_are_named() {
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        config.path(),
        "balance_requirement:\n  exclude:\n    - name: \"\"\n      accounts: [\"84x\"]\n    - name: Tom\n",
    )
    .unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/mini",
        "--config",
        config.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o).replace(&config.path().display().to_string(), "c.yaml");
    assert_eq!(
        text.lines().take(3).collect::<Vec<_>>(),
        [
            "error: c.yaml: balance_requirement.exclude, item 1: the name is empty (expected what the item is, e.g. \"Orealiserade vinster och förluster i värdepapper\")",
            "error: c.yaml: balance_requirement.exclude, item 1 (): \"84x\" is not an account range (expected digits like \"8491\" or \"3970-3979\")",
            "error: c.yaml: balance_requirement.exclude, item 2 (Tom): no accounts (expected account ranges like \"8491\" or \"3970-3979\")",
        ],
        "{text}"
    );
}

/// Measures with decision dates, due months, status and the forecast flag: the table shows
/// them, a measure past its due month that is not done is a finding, and the effect the
/// forecast does not count is said.
#[test]
fn measures_with_deadlines() {
    let data = copy_fixture("mini");
    std::fs::write(
        data.path().join("measures.csv"),
        "period;unit;measure;expected;realized;decided;due;status;in_forecast\n\
         2020-01;A1;Färre hyrläkare;10,00;5,00;2019-12-10;2020-01;pågår;ja\n\
         2020-02;A1;Färre hyrläkare;10,00;6,00;2019-12-10;2020-01;pågår;ja\n\
         2020-01;A1;Ny schemaläggning;20,00;20,00;2020-01-15;2020-06;beslutad;nej\n\
         2020-02;A1;Ny schemaläggning;20,00;18,00;2020-01-15;2020-06;beslutad;nej\n\
         2020-03;A1;Ny schemaläggning;20,00;0;2020-01-15;2020-06;beslutad;nej\n\
         2020-02;A2;Lokalöversyn;5,00;5,00;;2020-01;genomförd;\n",
    )
    .unwrap();
    let config = data.path().join("c.yaml");
    std::fs::write(&config, "money: { unit: kr, decimals: 2 }\n").unwrap();
    let g = generate_into(data.path().to_str().unwrap(), Some(&config), "2020-02");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f: serde_json::Value = serde_json::from_str(&g.read("2020-02", "figures.json")).unwrap();
    assert_eq!(
        f["units"]["A1"]["measures"],
        serde_json::json!([
            {"measure": "Färre hyrläkare", "expected": "20.00", "realized": "11.00",
             "expected_full_year": "20.00", "decided": "2019-12-10", "due": "2020-01",
             "status": "pågår", "in_forecast": true, "overdue": true},
            {"measure": "Ny schemaläggning", "expected": "40.00", "realized": "38.00",
             "expected_full_year": "60.00", "decided": "2020-01-15", "due": "2020-06",
             "status": "beslutad", "in_forecast": false, "overdue": false},
        ])
    );
    // Done on time is not a finding, even past its month.
    assert_eq!(f["units"]["A2"]["measures"][0]["overdue"], false);
    // Above, each unit's measures stay apart, named with their unit.
    let above: Vec<(&str, &str, bool)> = f["units"]["A"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["measure"].as_str().unwrap(),
                m["unit"].as_str().unwrap(),
                m["overdue"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        above,
        [
            ("Färre hyrläkare", "A1", true),
            ("Lokalöversyn", "A2", false),
            ("Ny schemaläggning", "A1", false)
        ]
    );
    has(
        &g.read("2020-02", "A.html"),
        "<strong>Åtgärder efter sitt slutdatum som inte är genomförda:</strong> Färre hyrläkare, Enhet A1 (januari 2020).</p>",
    );
    let html = g.read("2020-02", "A1.html");
    has(
        &html,
        "<p class=\"finding\"><strong>Åtgärder efter sitt slutdatum som inte är genomförda:</strong> Färre hyrläkare (januari 2020).</p>",
    );
    has(
        &html,
        "Åtgärder som inte ingår i prognosen väntas ge 60,00 kr för helåret.",
    );
    has(
        &html,
        "<td class=\"text\">2019-12-10</td><td class=\"text\"><strong>januari 2020</strong></td><td class=\"text\">pågår</td><td class=\"text\">ja</td>",
    );
    // A flag that is neither yes nor no is refused at its row and column.
    let measures = data.path().join("measures.csv");
    let text = std::fs::read_to_string(&measures).unwrap();
    std::fs::write(
        &measures,
        text.replace("beslutad;nej\n2020-03", "beslutad;kanske\n2020-03"),
    )
    .unwrap();
    let o = uppfolj(&["check", "--data", data.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "error: {}, row 5, column \"in_forecast\": \"kanske\" is not yes or no (expected ja or nej (yes or no))\n",
            measures.display()
        )),
        "{}",
        stderr(&o)
    );
}

/// Each committee's approved result against its forecast full-year result, and its equity.
#[test]
fn approved_result_and_equity() {
    let data = copy_fixture("mini");
    std::fs::write(
        data.path().join("approved.csv"),
        "year;unit;result;equity\n2020;A;-4000,00;1000,00\n2020;B;0;\n2019;A;-1,00;5,00\n",
    )
    .unwrap();
    let config = data.path().join("c.yaml");
    std::fs::write(&config, "money: { unit: kr, decimals: 2 }\n").unwrap();
    let g = generate_into(data.path().to_str().unwrap(), Some(&config), "2020-02");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f: serde_json::Value = serde_json::from_str(&g.read("2020-02", "figures.json")).unwrap();
    // A: full-year budget -3\u{a0}750,00 and forecast deviation -400,00 give -4\u{a0}150,00.
    assert_eq!(
        f["units"]["A"]["approved"],
        serde_json::json!({"year": 2020, "result": "-4000.00", "forecast_result": "-4150.00",
            "difference": "-150.00", "opening_equity": "1000.00", "closing_equity": "-3150.00"})
    );
    assert_eq!(
        f["units"]["B"]["approved"]["forecast_result"],
        serde_json::Value::Null
    );
    // An empty equity cell is no equity, not zero.
    assert_eq!(
        f["units"]["B"]["approved"]["opening_equity"],
        serde_json::Value::Null
    );
    assert!(f["units"]["A1"].get("approved").is_none());
    let html = g.read("2020-02", "A.html");
    has(
        &html,
        "<p class=\"finding\"><strong>Negativ avvikelse större än vad fullmäktige har godkänt:</strong> prognos resultat helår -4\u{a0}150,00 kr, resultat som fullmäktige godkänt -4\u{a0}000,00 kr (-150,00 kr).</p>",
    );
    let index = g.read("2020-02", "index.html");
    has(
        &index,
        "<h2 id=\"godkant\">Godkänt resultat och eget kapital 2020</h2>",
    );
    has(
        &index,
        "<td><a href=\"A.html\">Nämnd A</a> <strong>(negativ avvikelse större än vad fullmäktige har godkänt)</strong></td><td>-4\u{a0}000,00</td><td>-4\u{a0}150,00</td><td class=\"neg\">-150,00</td><td>-3\u{a0}150,00</td>",
    );
    has(
        &index,
        "<td><a href=\"B.html\">Nämnd B</a></td><td>0,00</td><td>–</td><td>–</td><td>–</td>",
    );
    // The workbook carries the same figures as numbers.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(g.out.path().join("2020-02/A.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Godkänt resultat").unwrap();
    let row: Vec<String> = sheet
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        row,
        ["A", "Nämnd A", "-4000", "-4150", "-150", "1000", "-3150"]
    );
}

/// The mini fixture with an investment programme: projects under A1, A2 and B, outcome and
/// forecasts around the report month February 2020, lapse month February.
fn investments_fixture() -> Generated {
    let data = copy_fixture("mini");
    let write = |name: &str, text: &str| std::fs::write(data.path().join(name), text).unwrap();
    write(
        "projects.csv",
        "project;name;unit;budget;start;category\n\
         P1;Ombyggnad;A1;1200,00;;Fastigheter\n\
         P2;Röntgen;A2;600,00;2020-01;Medicinteknisk utrustning\n\
         P3;Server;B;100,00;;IT\n\
         P4;Senare;A1;300,00;2020-06;Fastigheter\n",
    );
    // Last year's and March's outcome are outside the span.
    write(
        "investments.csv",
        "period;unit;project;actual\n2019-12;A1;P1;999,00\n2020-01;A1;P1;100,00\n\
         2020-02;A1;P1;150,00\n2020-03;A1;P1;500,00\n2020-01;B;P3;80,00\n2020-02;B;P3;40,00\n",
    );
    // The latest forecast up to February counts; March's is not made yet.
    write(
        "investment_forecast.csv",
        "period;unit;project;forecast\n2020-01;A1;P1;1000,00\n2020-02;A1;P1;1100,00\n\
         2020-03;A1;P1;5,00\n2020-02;B;P3;150,00\n",
    );
    let config = data.path().join("c.yaml");
    std::fs::write(
        &config,
        "money: { unit: kr, decimals: 2 }\ninvestments: { lapse_month: 2 }\n",
    )
    .unwrap();
    let g = generate_into(data.path().to_str().unwrap(), Some(&config), "2020-02");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    g
}

/// Investments per project and category, rolled up the tree, with the lapse and
/// above-budget findings, in figures.json, the HTML, the workbook and the English report.
#[test]
fn investments_per_project_and_category() {
    let g = investments_fixture();
    let f: serde_json::Value = serde_json::from_str(&g.read("2020-02", "figures.json")).unwrap();
    let inv = |u: &str| f["units"][u]["investments"].clone();
    // The root: every project; P2 and P4 have no forecast and count at their budget.
    let r = inv("R");
    assert_eq!(
        [
            &r["budget"],
            &r["actual"],
            &r["forecast"],
            &r["budget_less_forecast"]
        ],
        ["2200.00", "370.00", "2150.00", "50.00"]
    );
    assert_eq!(r["share"], 16.8);
    assert_eq!(r["lapsed"], true);
    assert_eq!(r["not_started"], serde_json::json!(["P2"]));
    assert_eq!(r["over_budget"], serde_json::json!(["P3"]));
    assert_eq!(
        r["categories"][0],
        serde_json::json!({"category": "Fastigheter", "budget": "1500.00", "actual": "250.00",
            "share": 16.7, "forecast": "1400.00", "budget_less_forecast": "100.00"})
    );
    assert_eq!(
        r["projects"][1],
        serde_json::json!({"project": "P2", "name": "Röntgen",
            "category": "Medicinteknisk utrustning", "start": "2020-01", "budget": "600.00",
            "actual": "0.00", "forecast": null, "budget_less_forecast": null,
            "not_started": true, "over_budget": false})
    );
    // Rolled up: committee A has A1's and A2's projects, B only its own.
    assert_eq!(
        [
            &inv("A")["budget"],
            &inv("A")["actual"],
            &inv("A")["forecast"]
        ],
        ["2100.00", "250.00", "2000.00"]
    );
    assert_eq!(
        [&inv("B")["actual"], &inv("B")["budget_less_forecast"]],
        ["120.00", "-50.00"]
    );
    // A2 has no forecast at all: no forecast figure.
    assert_eq!(inv("A2")["forecast"], serde_json::Value::Null);
    assert_eq!(inv("A2")["not_started"], serde_json::json!(["P2"]));
    let html = g.read("2020-02", "R.html");
    has(
        &html,
        "Investeringarna uppgår ack februari till 370,00 kr, 17\u{a0}% av årsbudgeten 2\u{a0}200,00 kr. Prognosen för helåret är 2\u{a0}150,00 kr, 50,00 kr under årsbudgeten. Ett projekt har inte påbörjats. Ett projekt har högre utfall än årsbudgeten.",
    );
    has(
        &html,
        "<p class=\"finding\"><strong>Ej påbörjade projekt:</strong> Röntgen (P2). Investeringar som inte har påbörjats senast i februari kan förfalla.</p>",
    );
    has(
        &html,
        "<p class=\"finding\"><strong>Projekt med utfall över årsbudgeten:</strong> Server (P3): 120,00 kr mot 100,00 kr.</p>",
    );
    has(
        &html,
        "<tr class=\"subtotal\"><td>Totalt</td><td>2\u{a0}200,00</td><td>370,00</td><td>17</td><td>2\u{a0}150,00</td><td class=\"pos\">50,00</td></tr>",
    );
    // The chart's figures: the accumulated outcome against an even spread of the budget.
    has(
        &html,
        "<tr><th scope=\"row\">februari</th><td>370,00</td><td>366,67</td></tr>",
    );
    // B's report has no lapse finding, only the project above budget.
    let b = g.read("2020-02", "B.html");
    assert!(!b.contains("Ej påbörjade projekt"));
    has(&b, "Ett projekt har högre utfall än årsbudgeten.");
    // The workbook: one row per project, category and total.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(g.out.path().join("2020-02/R.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Investeringar").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows.last().unwrap(),
        &[
            "R",
            "Region Test",
            "",
            "Totalt",
            "",
            "2200",
            "370",
            "17",
            "2150",
            "50"
        ]
    );
    assert!(rows.contains(&vec![
        "R".to_string(),
        "Region Test".into(),
        "P3".into(),
        "Server".into(),
        "IT".into(),
        "100".into(),
        "120".into(),
        "120".into(),
        "150".into(),
        "-50".into(),
    ]));
}

/// Before the lapse month no project is a finding; without the projects table the budget is
/// the year's monthly budgets, and the project is named by its code.
#[test]
fn investments_before_the_lapse_month_and_from_monthly_budgets() {
    let data = copy_fixture("mini");
    std::fs::write(
        data.path().join("investments.csv"),
        "period;unit;project;actual;budget\n2020-01;A1;P1;0;100,00\n2020-02;A1;P1;0;100,00\n\
         2020-12;A1;P1;0;400,00\n2021-01;A1;P1;0;999,00\n",
    )
    .unwrap();
    let config = data.path().join("c.yaml");
    std::fs::write(
        &config,
        "money: { unit: kr, decimals: 2 }\ninvestments: { lapse_month: 9 }\nlanguage: en\n",
    )
    .unwrap();
    let g = generate_into(data.path().to_str().unwrap(), Some(&config), "2020-02");
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let f: serde_json::Value = serde_json::from_str(&g.read("2020-02", "figures.json")).unwrap();
    let r = &f["units"]["R"]["investments"];
    assert_eq!([&r["budget"], &r["actual"]], ["600.00", "0.00"]);
    assert_eq!(r["lapsed"], false);
    assert_eq!(r["projects"][0]["name"], "P1");
    assert_eq!(r["categories"][0]["category"], serde_json::Value::Null);
    let html = g.read("2020-02", "R.html");
    has(
        &html,
        "Investments from January to February amount to 0.00 SEK, 0% of the full-year budget of 600.00 SEK. One project has not started.",
    );
    assert!(!html.contains("Projects not started:"));
    assert!(f["units"]["B"].get("investments").is_none());
}

/// The lapse month must be a month.
#[test]
fn lapse_month_outside_the_year_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.yaml");
    std::fs::write(&config, "investments: { lapse_month: 13 }\n").unwrap();
    let o = uppfolj(&[
        "check",
        "--data",
        "tests/fixtures/mini",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "investments.lapse_month: 13 is not a month (expected 1 to 12, e.g. 9 for September)"
        ),
        "{}",
        stderr(&o)
    );
}
