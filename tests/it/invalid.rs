//! Every folder under tests/fixtures/invalid holds broken input and `expected.txt`: the exact
//! text `uppfolj check` prints. Each must be refused with exit code 1, and `generate` must
//! refuse it with the same findings (check is the pre-flight of generate).

use super::*;

fn case(name: &str) {
    let dir = format!("tests/fixtures/invalid/{name}");
    let out = uppfolj(&["check", "--data", &dir]);
    let expected =
        std::fs::read_to_string(root().join(&dir).join("expected.txt")).unwrap_or_else(|_| {
            panic!(
                "{dir}/expected.txt is missing; the output was:\n{}",
                stderr(&out)
            )
        });
    assert_eq!(stderr(&out), expected, "messages for {name}");
    assert_eq!(out.status.code(), Some(1), "exit code for {name}");
    let run = generate_into(&dir, None, "latest");
    let findings = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("uppfolj: stopped"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        findings(&stderr(&run.output)),
        findings(&expected),
        "generate refuses {name} as check does"
    );
    assert_eq!(
        run.output.status.code(),
        Some(1),
        "generate's exit code for {name}"
    );
    assert!(
        std::fs::read_dir(run.out.path()).unwrap().all(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with('.')),
        "generate wrote nothing for {name}"
    );
}

#[test]
fn missing_column() {
    case("missing-column");
}

#[test]
fn bad_values() {
    case("bad-values");
}

#[test]
fn unknown_unit() {
    case("unknown-unit");
}

#[test]
fn missing_parent() {
    case("missing-parent");
}

#[test]
fn cycle() {
    case("cycle");
}

#[test]
fn duplicate_key() {
    case("duplicate-key");
}

#[test]
fn empty_file() {
    case("empty-file");
}

#[test]
fn no_ledger() {
    case("no-ledger");
}

#[test]
fn not_a_workbook() {
    case("not-a-workbook");
}

#[test]
fn bad_forecast() {
    case("bad-forecast");
}

#[test]
fn forecast_categories() {
    case("forecast-categories");
}

/// Every fixture folder has a test above.
#[test]
fn every_invalid_fixture_is_tested() {
    let src = include_str!("invalid.rs");
    for e in std::fs::read_dir(root().join("tests/fixtures/invalid")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            src.contains(&format!("case(\"{name}\")")),
            "no test for invalid/{name}"
        );
    }
}

#[test]
fn bad_investments() {
    case("bad-investments");
}

#[test]
fn duplicate_project() {
    case("duplicate-project");
}
