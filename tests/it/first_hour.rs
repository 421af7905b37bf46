//! A controller's first hour: a project made with `uppfolj init`, its ledger replaced by one
//! typed by hand for a quarter, with each of the classic mistakes. None may give a confident
//! wrong report: each is refused, warned of, or reported without what the data does not hold.

use std::path::{Path, PathBuf};

use super::*;

/// Result sign, in öre: revenue positive, costs negative.
const ACCOUNTS: [(&str, i64); 4] = [
    ("3010", 12_000_000),
    ("4010", -30_000_050),
    ("5010", -200_000_025),
    ("6010", -15_000_000),
];

/// Two leaf units of the sample region's tree, which `init` copies.
const UNITS: [&str; 2] = ["2110", "3210"];

/// `ore` as a Swedish amount: `-2 000 000,25`, or `-2.000.000,25` with `dotted`.
fn kr(ore: i64, dotted: bool) -> String {
    let whole = (ore.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(if dotted { '.' } else { ' ' });
        }
        grouped.push(c);
    }
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{grouped},{:02}", ore.abs() % 100)
}

/// A ledger of the given months (year, month): every unit and account with outcome, and a
/// budget for every month of 2026.
fn ledger(months: &[(i32, u32)], amount: impl Fn(i64) -> i64, dotted: bool) -> String {
    let mut text = String::from("period;unit;account;actual;budget\n");
    let mut row = |y: i32, m: u32, actual: bool| {
        for unit in UNITS {
            for (account, ore) in ACCOUNTS {
                let a = if actual { amount(ore) } else { 0 };
                let b = amount(ore * 102 / 100);
                text.push_str(&format!(
                    "{y}-{m:02};{unit};{account};{};{}\n",
                    kr(a, dotted),
                    kr(b, dotted)
                ));
            }
        }
    };
    for &(y, m) in months {
        row(y, m, true);
    }
    for m in 1..=12 {
        if !months.contains(&(2026, m)) {
            row(2026, m, false);
        }
    }
    text
}

const Q1: [(i32, u32); 6] = [
    (2025, 1),
    (2025, 2),
    (2025, 3),
    (2026, 1),
    (2026, 2),
    (2026, 3),
];

/// A new project made by `uppfolj init --sample`, with the sample's tree and accounts and `ledger` as
/// its only outcome (the sample's other tables are the user's to replace; here they go).
fn project(ledger: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("region");
    let o = uppfolj(&["init", "--sample", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let data = project.join("data");
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let keep = ["units.csv", "accounts.csv"]
            .iter()
            .any(|k| path.file_name().is_some_and(|n| n == *k));
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else if !keep {
            std::fs::remove_file(&path).unwrap();
        }
    }
    std::fs::write(data.join("ledger.csv"), ledger).unwrap();
    (dir, project)
}

/// `uppfolj check` in the project, with its own config.
fn check(project: &Path) -> Output {
    let data = project.join("data");
    let config = project.join("uppfolj.yaml");
    uppfolj(&[
        "check",
        "--data",
        data.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ])
}

/// `uppfolj generate` in the project with its own config, into `out`; the period's folder.
fn generate(project: &Path, out: &Path, formats: &str) -> PathBuf {
    let o = uppfolj(&[
        "generate",
        "--data",
        project.join("data").to_str().unwrap(),
        "--config",
        project.join("uppfolj.yaml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period",
        "latest",
        "--format",
        formats,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out.join("2026-03")
}

/// `init` does not state a sign it does not know: the data's evidence decides.
#[test]
fn init_states_no_sign() {
    let (_dir, project) = project(&ledger(&Q1, |o| o, false));
    let config = std::fs::read_to_string(project.join("uppfolj.yaml")).unwrap();
    assert!(
        !config.lines().any(|l| l.trim_start().starts_with("sign:")),
        "{config}"
    );
    let o = check(&project);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_debit_positive_ledger_is_refused() {
    let (_dir, project) = project(&ledger(&Q1, |o| -o, false));
    let o = check(&project);
    let file = project.join("data/ledger.csv");
    assert!(
        stderr(&o).contains(&format!(
            "error: {}, column \"actual\": the amounts look debit-positive: costs (accounts 5010, 4010, 6010) add up to 29 400 009,00 kr and revenue (account 3010) to -1 440 000,00 kr",
            file.display()
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
    // Stating `sign: result` does not switch the evidence off.
    let config = project.join("uppfolj.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("sign: result\n{text}")).unwrap();
    let o = check(&project);
    assert!(
        stderr(&o).contains("the amounts contradict `sign: result` in the config"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn every_amount_positive_is_refused() {
    let (_dir, project) = project(&ledger(&Q1, i64::abs, false));
    let o = check(&project);
    assert!(
        stderr(&o).contains(
            "costs and revenue have the same sign: costs (accounts 5010, 4010, 6010) add up to 29 400 009,00 kr and revenue (account 3010) to 1 440 000,00 kr, both positive"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn dotted_thousands_are_read_as_thousands_with_a_note() {
    let (_dir, project) = project(&ledger(&Q1, |o| o, true));
    let o = check(&project);
    assert!(
        stderr(&o).contains(
            "amounts have a point between thousands (the first \"120.000,00\" on row 2, read as 120 000,00 kr)"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The same amounts as without the points.
    let out = tempfile::tempdir().unwrap();
    let figures = |project: &Path| {
        let dir = generate(project, out.path(), "html");
        let text = std::fs::read_to_string(dir.join("figures.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["units"].clone()
    };
    let dotted = figures(&project);
    let (_plain_dir, plain) = self::project(&ledger(&Q1, |o| o, false));
    assert_eq!(dotted, figures(&plain));
    assert_eq!(dotted["RM"]["actual"], "-13980004.50");
}

#[test]
fn a_month_missing_inside_the_period_is_refused() {
    let months: Vec<(i32, u32)> = Q1.iter().copied().filter(|m| *m != (2026, 2)).collect();
    let (_dir, project) = project(&ledger(&months, |o| o, false));
    let o = check(&project);
    assert!(
        stderr(&o).contains(
            "column \"period\": the ledger has no outcome in 2026-02 but has in the months around (the data covers 2026-01 to 2026-03 with a gap)"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

/// A region's first year: no sentence or table compares with a last year of zeros (the PDFs
/// and workbooks of a first year are tested in `first_year.rs`).
#[test]
fn no_last_year_is_compared_with_nothing() {
    let (_dir, project) = project(&ledger(&Q1[3..], |o| o, false));
    let out = tempfile::tempdir().unwrap();
    let dir = generate(&project, out.path(), "html");
    for unit in ["RM", "HSN", "2110"] {
        let page = std::fs::read_to_string(dir.join(format!("{unit}.html"))).unwrap();
        assert!(page.contains("Utfallet ack mars"), "{unit}");
        for said in [
            "motsvarande period 2025",
            "Utfall 2025",
            "mot 2025",
            "fg år",
        ] {
            assert!(!page.contains(said), "{unit}.html says {said:?}");
        }
    }
    let figures = std::fs::read_to_string(dir.join("figures.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&figures).unwrap();
    assert_eq!(v["units"]["RM"]["previous_year"], serde_json::Value::Null);
}
