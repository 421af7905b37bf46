//! The income statement's column groups and the forecast per row (`tests/fixtures/forecast-rows`:
//! A1 forecasts two categories, A2 only its total, A sums them).

use serde_json::Value;

use super::*;

const DATA: &str = "tests/fixtures/forecast-rows";

/// `generate` for 2020-02 with a config written to a temporary file; the output folder.
fn run(config: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uppfolj.yaml");
    std::fs::write(&path, config).unwrap();
    let out = dir.path().join("out");
    let o = generate_to(
        DATA,
        &out,
        "2020-02",
        &["--config", path.to_str().unwrap(), "--format", "html,xlsx"],
    );
    (dir, o)
}

/// The category row `name` of unit `unit` in figures.json.
fn row<'a>(f: &'a Value, unit: &str, name: &str) -> &'a Value {
    f["units"][unit]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == name)
        .unwrap_or_else(|| panic!("{unit} has no row {name}"))
}

#[test]
fn forecast_per_row_sums_defaults_to_budget_and_rolls_up() {
    let config = std::fs::read_to_string(root().join(DATA).join("uppfolj.yaml")).unwrap();
    let (dir, o) = run(&config);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2020-02/figures.json")).unwrap(),
    )
    .unwrap();
    // A1: the sum of its category rows (the category matched without regard to case).
    assert_eq!(f["units"]["A1"]["forecast"]["deviation"], "-230.00");
    assert_eq!(f["units"]["A1"]["forecast_result"], "-1680.00");
    let staff = row(&f, "A1", "Personalkostnader");
    assert_eq!(staff["forecast_deviation"], "-250.00");
    assert_eq!(staff["forecast_result"], "-1900.00"); // -1 650 budget + -250
    assert_eq!(
        row(&f, "A1", "Verksamhetens intäkter")["forecast_deviation"],
        "20.00"
    );
    // A category without a row forecasts its budget.
    let bought = row(&f, "A1", "Köp av verksamhet");
    assert_eq!(bought["forecast_deviation"], "0.00");
    assert_eq!(bought["forecast_result"], bought["budget_full_year"]);
    assert_eq!(
        row(&f, "A1", "Verksamhetens nettokostnad")["forecast_deviation"],
        "-230.00"
    );
    // Last month's forecast was a total: only the result row has it.
    assert_eq!(staff["forecast_previous_deviation"], Value::Null);
    assert_eq!(
        row(&f, "A1", "Resultat")["forecast_previous_deviation"],
        "-100.00"
    );
    // A2 gives a total only; A sums A1 and A2, and has no split since A2 has none.
    assert_eq!(
        row(&f, "A2", "Köp av verksamhet")["forecast_deviation"],
        Value::Null
    );
    assert_eq!(row(&f, "A2", "Resultat")["forecast_deviation"], "-40.00");
    assert_eq!(f["units"]["A"]["forecast"]["deviation"], "-270.00");
    assert_eq!(
        row(&f, "A", "Personalkostnader")["forecast_deviation"],
        Value::Null
    );
    assert_eq!(row(&f, "A", "Resultat")["forecast_deviation"], "-270.00");
    // The month alone and last year's full year.
    assert_eq!(staff["month"]["actual"], "-610.10");
    assert_eq!(staff["month"]["budget"], "-550.00");
    assert_eq!(staff["month"]["deviation"], "-60.10");
    assert_eq!(staff["actual_previous_full_year"], "-1540.75");
    // The page: grouped headers with every group, the forecast per row.
    let html = std::fs::read_to_string(dir.path().join("out/2020-02/A1.html")).unwrap();
    for group in [
        ">Februari 2020</th>",
        ">Ackumulerat jan–feb 2020</th>",
        ">Samma period 2019</th>",
        ">Helår 2020</th>",
        ">Föregående prognos (januari)</th>",
        ">Bokslut 2019</th>",
    ] {
        assert!(html.contains(group), "A1.html lacks {group}");
    }
    let table = &html[html.find("table class=\"rows statement\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("scope=\"colgroup\"").count(), 6);
    assert!(html.contains("<th scope=\"row\">Personalkostnader</th>"));
}

#[test]
fn config_leaves_groups_out() {
    let (dir, o) = run("income_statement: { columns: [accumulated, full_year] }\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("out/2020-02/A1.html")).unwrap();
    let table = &html[html.find("table class=\"rows statement\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("scope=\"colgroup\"").count(), 2);
    assert!(!table.contains("Februari 2020"));
    assert!(!table.contains("Samma period"));
    assert!(table.contains("Helår 2020"));
}

#[test]
fn unknown_column_group_is_refused_with_the_nearest_name() {
    let (_dir, o) = run("income_statement: { columns: [month, full_yaer] }\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "income_statement.columns: \"full_yaer\" is not a column group (did you mean \"full_year\"? expected month, accumulated, last_year, full_year, previous_forecast, last_year_full)"
        ),
        "{}",
        stderr(&o)
    );
}
