//! Loading the data folder: one file per table of the contract, in CSV, Parquet or XLSX,
//! validated column by column into typed tables. Every problem is collected.

pub mod parquet;
pub mod spec;
pub mod table;
pub mod text;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::{Config, Sign};
use crate::diag::Findings;
pub use spec::TableSpec;
pub use table::{ColumnData, Table};

/// One input file, as listed in the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputFile {
    pub table: String,
    pub file: String,
    pub rows: usize,
    pub sha256: String,
}

/// Every table found in the data folder.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub dir: PathBuf,
    pub tables: BTreeMap<&'static str, Table>,
    pub inputs: Vec<InputFile>,
}

impl Dataset {
    pub fn get(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The monthly ledger: the `ledger` table, or `transactions` + `budget` summed to months.
    pub fn ledger(&self) -> Option<&Table> {
        self.tables.get("ledger")
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

const EXTENSIONS: &[&str] = &["csv", "parquet", "xlsx"];

/// Loads and validates every table in `dir`. Returns `None` only when nothing usable was read.
pub fn load(dir: &Path, config: &Config, findings: &mut Findings) -> Option<Dataset> {
    let shown_dir = dir.display().to_string();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            findings.error(
                &shown_dir,
                None,
                None,
                format!("the data folder cannot be read: {e}"),
            );
            return None;
        }
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    files.sort();
    let mut by_table: HashMap<&'static str, Vec<(String, PathBuf, String)>> = HashMap::new();
    for (name, path) in &files {
        let lower = name.to_lowercase();
        let Some((stem, ext)) = lower.rsplit_once('.') else {
            continue;
        };
        match spec::ALL.iter().find(|s| s.name == stem) {
            Some(s) if EXTENSIONS.contains(&ext) => {
                by_table.entry(s.name).or_default().push((
                    name.clone(),
                    path.clone(),
                    ext.to_string(),
                ));
            }
            _ if name.starts_with('.') || !EXTENSIONS.contains(&ext) => {}
            _ => findings.note(
                &path.display().to_string(),
                "not a table of the data contract; ignored",
            ),
        }
    }
    let mut dataset = Dataset {
        dir: dir.to_path_buf(),
        tables: BTreeMap::new(),
        inputs: Vec::new(),
    };
    for spec in spec::ALL {
        let Some(found) = by_table.get(spec.name) else {
            continue;
        };
        if found.len() > 1 {
            let names: Vec<&str> = found.iter().map(|(n, _, _)| n.as_str()).collect();
            findings.error(
                &shown_dir,
                None,
                None,
                format!(
                    "table \"{}\" is given by several files ({}); keep one",
                    spec.name,
                    names.join(", ")
                ),
            );
            continue;
        }
        let (name, path, ext) = &found[0];
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                findings.error(&shown, None, None, format!("the file cannot be read: {e}"));
                continue;
            }
        };
        let sha = sha256_hex(&bytes);
        let table = match ext.as_str() {
            "csv" => text::read(*spec, &shown, &bytes, sha, findings),
            "xlsx" => xlsx::read(*spec, &shown, path, sha, findings),
            _ => parquet::read(*spec, &shown, path, sha, findings),
        };
        if let Some(mut table) = table {
            if config.sign == Sign::DebitPositive
                && ["ledger", "transactions", "budget"].contains(&spec.name)
            {
                for col in ["actual", "budget", "amount"] {
                    if let Some(v) = table.money_mut(col) {
                        v.iter_mut().for_each(|x| *x = -*x);
                    }
                }
            }
            dataset.inputs.push(InputFile {
                table: spec.name.to_string(),
                file: name.clone(),
                rows: table.len(),
                sha256: table.sha256.clone(),
            });
            dataset.tables.insert(spec.name, table);
        }
    }
    let has = |n: &str| by_table.contains_key(n);
    if !has("ledger") {
        if has("transactions") && has("budget") {
            if let (Some(t), Some(b)) = (
                dataset.tables.get("transactions"),
                dataset.tables.get("budget"),
            ) {
                let ledger = ledger_from_transactions(t, b);
                dataset.tables.insert("ledger", ledger);
            }
        } else {
            let missing = if has("transactions") {
                "budget (transactions are given without a budget table)"
            } else if has("budget") {
                "transactions (a budget table is given without transactions)"
            } else {
                "ledger"
            };
            findings.error(
                &shown_dir,
                None,
                None,
                format!(
                    "no {missing}: expected ledger.csv, ledger.parquet or ledger.xlsx, or transactions + budget"
                ),
            );
        }
    } else if has("transactions") {
        findings.warning(
            &shown_dir,
            None,
            None,
            "both ledger and transactions are given; the ledger is used and transactions are ignored",
        );
    }
    Some(dataset)
}

/// Sums transactions to months per unit and account and joins the monthly budget.
fn ledger_from_transactions(trans: &Table, budget: &Table) -> Table {
    let mut sums: BTreeMap<(i32, String, String), (i64, i64, u64)> = BTreeMap::new();
    let (dates, units, accounts, amounts) = (
        trans.months("date"),
        trans.text("unit"),
        trans.text("account"),
        trans.money("amount"),
    );
    for i in 0..trans.len() {
        let (y, m, _) = table::civil_from_days(dates[i]);
        let month = y * 12 + m as i32 - 1;
        let e = sums
            .entry((month, units[i].clone(), accounts[i].clone()))
            .or_insert((0, 0, trans.rows[i]));
        e.0 += amounts[i];
    }
    let (periods, bunits, baccounts, bamounts) = (
        budget.months("period"),
        budget.text("unit"),
        budget.text("account"),
        budget.money("budget"),
    );
    for i in 0..budget.len() {
        let e = sums
            .entry((periods[i], bunits[i].clone(), baccounts[i].clone()))
            .or_insert((0, 0, budget.rows[i]));
        e.1 += bamounts[i];
    }
    let n = sums.len();
    let (mut p, mut u, mut a, mut act, mut bud, mut rows) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for ((month, unit, account), (actual, b, row)) in sums {
        p.push(month);
        u.push(unit);
        a.push(account);
        act.push(actual);
        bud.push(b);
        rows.push(row);
    }
    Table {
        spec: spec::LEDGER,
        file: format!("{} + {}", trans.file, budget.file),
        rows,
        columns: vec![
            ("period", ColumnData::Month(p)),
            ("unit", ColumnData::Text(u)),
            ("account", ColumnData::Text(a)),
            ("actual", ColumnData::Money(act)),
            ("budget", ColumnData::Money(bud)),
        ],
        sha256: String::new(),
    }
}
