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
        "Prognosen för helåret är lagd till -165,9 Mkr, vilket är en förbättring av årsprognosen sedan augusti med 1,8 Mkr.",
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
    has(&h, "Medelvårdtid är 5,0 mot 5,0 motsvarande period 2019.");
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
        "Prognosen för helåret är lagd till -182,9 Mkr, vilket är en försämring av årsprognosen sedan september med 17,0 Mkr.",
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
    let o = uppfolj(&[
        "generate",
        "--data",
        "tests/fixtures/mini",
        "--period",
        "2020-02",
        "--out",
        out.path().to_str().unwrap(),
    ]);
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
    let o = uppfolj(&[
        "generate",
        "--data",
        data.path().to_str().unwrap(),
        "--period",
        "2020-09",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("frames.csv, row 2, column \"frame\": unit \"HSN\": the net budget for 2020 is 1320000000.00 kr but the revised frame is 1318000000.00 kr (difference 2000000.00 kr)"),
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
    let o = uppfolj(&[
        "generate",
        "--data",
        "tests/fixtures/seeds",
        "--config",
        "tests/fixtures/seeds/uppfolj.yaml",
        "--period",
        "2020-09",
        "--out",
        out.path().to_str().unwrap(),
    ]);
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
