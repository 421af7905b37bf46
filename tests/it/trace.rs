//! Every amount of `figures.json` is a plain sum of input rows, by the rule the guide gives
//! (`docs/guide/en/src/figures-json.md`, "Tracing a figure to its rows"): the rows of the unit
//! and every unit below it, of the accounts of the figure's category, over the months the
//! figure spans. Figures are picked
//! pseudo-randomly (a fixed seed) and re-summed here from the raw input files, with nothing
//! of the program's own code: the sample region's ledger, a transactions file with its budget,
//! and an SIE file's vouchers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::*;

/// One input row summed to the month: month index (`year * 12 + month - 1`), unit, account,
/// outcome and budget in öre, result sign.
struct Row {
    month: i32,
    unit: String,
    account: String,
    actual: i64,
    budget: i64,
}

/// Everything the rule needs besides the rows.
struct Input {
    rows: Vec<Row>,
    /// Parent of each unit (the root has none).
    parents: BTreeMap<String, String>,
    /// Category of an account from the `accounts` table, where it names one.
    by_table: BTreeMap<String, String>,
    /// The config's report categories in order, with their account ranges.
    ranges: Vec<(String, Vec<String>)>,
    /// The first month of the fiscal year, 1–12.
    year_start: i32,
}

/// The built-in report categories (the guide, docs/guide/en/src/config.md).
fn default_ranges() -> Vec<(String, Vec<String>)> {
    [
        ("Verksamhetens intäkter", &["3"][..]),
        ("Personalkostnader", &["5"]),
        ("Köp av verksamhet", &["40-44"]),
        ("Lämnade bidrag", &["45"]),
        ("Material och tjänster", &["46-49"]),
        ("Övriga verksamhetskostnader", &["60-77"]),
        ("Avskrivningar", &["78-79"]),
        ("Skatteintäkter", &["80-81"]),
        ("Generella statsbidrag och utjämning", &["82-83"]),
        ("Finansiella intäkter", &["84"]),
        ("Finansiella kostnader", &["85-87"]),
        ("Extraordinära poster", &["88-89"]),
    ]
    .iter()
    .map(|(n, r)| (n.to_string(), r.iter().map(|s| s.to_string()).collect()))
    .collect()
}

/// The categories of a config file: `- category: NAME` followed by `accounts: [..]`.
fn config_ranges(yaml: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in yaml.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("- category:") {
            out.push((name.trim().to_string(), Vec::new()));
        } else if let Some(list) = t.strip_prefix("accounts:")
            && let Some(last) = out.last_mut()
            && last.1.is_empty()
        {
            let list = list.split('#').next().unwrap().trim();
            last.1 = list
                .trim_matches(['[', ']'])
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    assert!(!out.is_empty(), "no categories in the config");
    out
}

/// Whether a range ("5", "40-44") holds an account; the range's length in digits.
fn range_holds(range: &str, account: &str) -> Option<usize> {
    let (a, b) = range.split_once('-').unwrap_or((range, range));
    let len = a.len();
    let head = account.get(..len)?;
    let v: u64 = head.parse().ok()?;
    (a.parse::<u64>().unwrap()..=b.parse::<u64>().unwrap())
        .contains(&v)
        .then_some(len)
}

impl Input {
    /// The account's category: the `accounts` table's, else the longest matching range
    /// (the earlier category on equal length), else "Övriga konton (ej klassificerade)".
    fn category(&self, account: &str) -> String {
        if let Some(c) = self.by_table.get(account) {
            return c.to_lowercase();
        }
        let mut best: Option<(usize, &str)> = None;
        for (name, ranges) in &self.ranges {
            for r in ranges {
                if let Some(len) = range_holds(r, account)
                    && best.is_none_or(|(l, _)| len > l)
                {
                    best = Some((len, name));
                }
            }
        }
        best.map_or("övriga konton (ej klassificerade)".into(), |(_, n)| {
            n.to_lowercase()
        })
    }

    /// The unit and every unit below it.
    fn below(&self, unit: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::from([unit.to_string()]);
        loop {
            let more: Vec<String> = self
                .parents
                .iter()
                .filter(|(c, p)| out.contains(*p) && !out.contains(*c))
                .map(|(c, _)| c.clone())
                .collect();
            if more.is_empty() {
                return out;
            }
            out.extend(more);
        }
    }

    /// Σ outcome and budget of the unit's rows (and its descendants'), of the category (or
    /// every account), over the months `from..=to`.
    fn sum(&self, unit: &str, category: Option<&str>, from: i32, to: i32) -> (i64, i64) {
        let units = self.below(unit);
        let mut cats: BTreeMap<&str, String> = BTreeMap::new();
        let (mut a, mut b) = (0, 0);
        for r in &self.rows {
            if !(from..=to).contains(&r.month) || !units.contains(&r.unit) {
                continue;
            }
            if let Some(c) = category {
                let of = cats
                    .entry(&r.account)
                    .or_insert_with(|| self.category(&r.account));
                if *of != c.to_lowercase() {
                    continue;
                }
            }
            a += r.actual;
            b += r.budget;
        }
        (a, b)
    }
}

fn month_index(text: &str) -> i32 {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (y, m): (i32, i32) = (digits[..4].parse().unwrap(), digits[4..6].parse().unwrap());
    y * 12 + m - 1
}

/// An amount as written ("-1 234,50", "12.5", "−7") in öre, exactly.
fn parse_ore(text: &str) -> i64 {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    if t.is_empty() {
        return 0;
    }
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    let (int, frac) = t.split_once([',', '.']).unwrap_or((t, ""));
    assert!(frac.len() <= 2, "{text}");
    let ore = int.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}").parse::<i64>().unwrap();
    if neg { -ore } else { ore }
}

/// A text file as UTF-8, or else as Windows-1252 (Latin-1 for the letters used here).
fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect());
    text.trim_start_matches('\u{feff}').to_string()
}

/// A `;`-separated file as maps from header to cell (no quoted separators in these files).
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = read_text(path);
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(';')
        .map(|h| h.trim().to_lowercase())
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(';').map(|c| c.trim().to_string()))
                .collect()
        })
        .collect()
}

fn units_and_accounts(dir: &Path) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let parents = read_csv(&dir.join("units.csv"))
        .into_iter()
        .filter(|r| !r["parent"].is_empty())
        .map(|r| (r["unit"].clone(), r["parent"].clone()))
        .collect();
    let by_table = read_csv(&dir.join("accounts.csv"))
        .into_iter()
        .filter(|r| !r["category"].is_empty())
        .map(|r| (r["account"].clone(), r["category"].clone()))
        .collect();
    (parents, by_table)
}

/// The rows of a CSV file: the month of column `month`, outcome and budget from the named
/// columns (0 without one).
fn rows(path: &Path, month: &str, actual: Option<&str>, budget: Option<&str>) -> Vec<Row> {
    let amount = |r: &BTreeMap<String, String>, c: Option<&str>| c.map_or(0, |c| parse_ore(&r[c]));
    read_csv(path)
        .into_iter()
        .map(|r| Row {
            month: month_index(&r[month]),
            unit: r["unit"].clone(),
            account: r["account"].clone(),
            actual: amount(&r, actual),
            budget: amount(&r, budget),
        })
        .collect()
}

/// The sample region: `ledger.csv` with outcome and budget per month.
fn sample_input() -> Input {
    let dir = root().join("data/sample");
    let rows = rows(
        &dir.join("ledger.csv"),
        "period",
        Some("actual"),
        Some("budget"),
    );
    let (parents, by_table) = units_and_accounts(&dir);
    Input {
        rows,
        parents,
        by_table,
        ranges: config_ranges(&read_text(&dir.join("uppfolj.yaml"))),
        year_start: 1,
    }
}

/// Transactions (the month of each date) and the monthly budget table.
fn transactions_input(dir: &Path) -> Input {
    let mut rows = rows(&dir.join("transactions.csv"), "date", Some("amount"), None);
    rows.extend(self::rows(
        &dir.join("budget.csv"),
        "period",
        None,
        Some("budget"),
    ));
    let (parents, by_table) = units_and_accounts(dir);
    Input {
        rows,
        parents,
        by_table,
        ranges: default_ranges(),
        year_start: 1,
    }
}

/// An SIE file without period balances: its `#TRANS` rows (dated by their own date, else the
/// voucher's; the unit is the object of dimension 1, else the root) and its `#PBUDGET` rows
/// of each year within that year, both negated to result sign; balance-sheet accounts
/// (classes 1 and 2) left out. The objects of dimension 1 are units below the root.
fn sie_input(path: &Path, root_code: &str) -> Input {
    let text = read_text(path);
    let words = |line: &str| -> Vec<String> {
        // Splits on spaces outside quotes, keeping `{…}` as one word.
        let (mut out, mut cur, mut quoted, mut braces) = (Vec::new(), String::new(), false, 0);
        for c in line.chars() {
            match c {
                '"' => {
                    quoted = !quoted;
                    cur.push(c);
                }
                '{' if !quoted => {
                    braces += 1;
                    cur.push(c);
                }
                '}' if !quoted => {
                    braces -= 1;
                    cur.push(c);
                }
                c if c.is_whitespace() && !quoted && braces == 0 => {
                    if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    };
    let unit_of = |objects: &str| -> String {
        let inner: Vec<String> = objects
            .trim_matches(['{', '}'])
            .split_whitespace()
            .map(|s| s.trim_matches('"').to_string())
            .collect();
        inner
            .chunks(2)
            .find(|p| p.len() == 2 && p[0] == "1")
            .map_or(root_code.to_string(), |p| p[1].clone())
    };
    let result = |account: &str| !account.starts_with(['1', '2']);
    let mut years: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    let mut parents = BTreeMap::new();
    let mut rows = Vec::new();
    let mut voucher_date = String::new();
    for line in text.lines() {
        let w = words(line.trim());
        match w.first().map(String::as_str) {
            Some("#RAR") => {
                years.insert(w[1].clone(), (month_index(&w[2]), month_index(&w[3])));
            }
            Some("#OBJEKT") if w[1] == "1" || w[1] == "\"1\"" => {
                parents.insert(w[2].trim_matches('"').to_string(), root_code.to_string());
            }
            Some("#VER") => voucher_date = w[3].clone(),
            Some("#TRANS") if result(&w[1]) => {
                let date = w
                    .get(4)
                    .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
                    .unwrap_or(&voucher_date);
                rows.push(Row {
                    month: month_index(date),
                    unit: unit_of(&w[2]),
                    account: w[1].clone(),
                    actual: -parse_ore(&w[3]),
                    budget: 0,
                });
            }
            Some("#PBUDGET") if result(&w[3]) => {
                let (from, to) = years[&w[1]];
                let month = month_index(&w[2]);
                assert_eq!(w[4], "{}", "budget by object is not summed here: {line}");
                if (from..=to).contains(&month) {
                    rows.push(Row {
                        month,
                        unit: root_code.to_string(),
                        account: w[3].clone(),
                        actual: 0,
                        budget: -parse_ore(&w[5]),
                    });
                }
            }
            Some("#PSALDO") => panic!("this test sums vouchers: {line}"),
            _ => {}
        }
    }
    Input {
        rows,
        parents,
        by_table: BTreeMap::new(),
        ranges: default_ranges(),
        year_start: 1,
    }
}

/// A figure of `figures.json`: where it is, its value in öre, and the rule's sum for it.
struct Figure {
    at: String,
    value: i64,
    sum: i64,
}

fn ore(v: &Value) -> Option<i64> {
    v.as_str().map(parse_ore)
}

/// Every amount of every unit that the rule covers, with the rule's sum.
fn figures(input: &Input, json: &Value) -> Vec<Figure> {
    let period = month_index(json["period"].as_str().unwrap());
    let start = period - (period % 12 - (input.year_start - 1)).rem_euclid(12);
    let mut out = Vec::new();
    for (code, u) in json["units"].as_object().unwrap() {
        // Each figure: its key, which sum it is, and its first and last month.
        let mut add =
            |at: &str, obj: &Value, cat: Option<&str>, keys: &[(&str, &str, i32, i32)]| {
                for &(key, f, from, to) in keys {
                    if let Some(value) = ore(&obj[key]) {
                        let (a, b) = input.sum(code, cat, from, to);
                        let sum = match f {
                            "actual" => a,
                            "budget" => b,
                            _ => a - b,
                        };
                        out.push(Figure {
                            at: format!("{at}.{key}"),
                            value,
                            sum,
                        });
                    }
                }
            };
        let acc = |f| (f, f, start, period);
        let year = [
            acc("actual"),
            acc("budget"),
            acc("deviation"),
            ("budget_full_year", "budget", start, start + 11),
            ("actual_previous_year", "actual", start - 12, period - 12),
        ];
        add(code, u, None, &year[..4]);
        for c in u["categories"].as_array().unwrap() {
            if c["kind"] == "category" {
                let name = c["category"].as_str().unwrap();
                add(&format!("{code}.categories[{name}]"), c, Some(name), &year);
            }
        }
        for m in u["months"].as_array().unwrap() {
            let p = m["period"].as_str().unwrap();
            let i = month_index(p);
            let one = |f| (f, f, i, i);
            add(
                &format!("{code}.months[{p}]"),
                m,
                None,
                &[
                    one("actual"),
                    one("budget"),
                    one("deviation"),
                    ("actual_previous_year", "actual", i - 12, i - 12),
                ],
            );
        }
    }
    out
}

/// Picks `n` figures with a fixed-seed generator and checks each against the rule's sum.
fn check(input: &Input, json: &Value, n: usize, seed: u64) {
    let all = figures(input, json);
    assert!(all.len() > n, "{} figures", all.len());
    let mut x = seed;
    let mut nonzero = 0;
    for _ in 0..n {
        // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let f = &all[(x % all.len() as u64) as usize];
        assert_eq!(
            f.value, f.sum,
            "{}: figures.json against the input rows",
            f.at
        );
        nonzero += usize::from(f.value != 0);
    }
    assert!(nonzero > n / 3, "most figures picked are not zero");
}

fn generated_figures(data: &Path, config: Option<&Path>, period: &str) -> Value {
    let g = generate_into(data.to_str().unwrap(), config, period);
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    serde_json::from_str(&g.read(period, "figures.json")).unwrap()
}

#[test]
fn figures_of_the_sample_are_sums_of_its_ledger_rows() {
    let json = generated_figures(
        &root().join("data/sample"),
        Some(&root().join("data/sample/uppfolj.yaml")),
        "2020-09",
    );
    check(&sample_input(), &json, 300, 0x5eed_2020);
}

#[test]
fn figures_of_transactions_are_sums_of_the_transactions_and_the_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    synth_transactions(&data, 8, 60, 20_000);
    let json = generated_figures(&data, None, "2020-09");
    check(&transactions_input(&data), &json, 300, 0x7a_2020);
}

#[test]
fn figures_of_a_fiscal_year_from_july_are_sums_of_its_months() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    synth_transactions(&data, 4, 40, 8_000);
    let config = tmp.path().join("uppfolj.yaml");
    std::fs::write(&config, "fiscal_year_start: 7\n").unwrap();
    let json = generated_figures(&data, Some(&config), "2020-09");
    let input = Input {
        year_start: 7,
        ..transactions_input(&data)
    };
    check(&input, &json, 200, 0x7_2020);
}

#[test]
fn figures_of_an_sie_file_are_sums_of_its_vouchers() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let path = sie_vouchers_only(&data);
    let json = generated_figures(&data, None, "2011-03");
    check(&sie_input(&path, "TOTAL"), &json, 200, 0x51e_2011);
}
