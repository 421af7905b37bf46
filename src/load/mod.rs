//! Loading the data folder: one file per table of the contract, in CSV, Parquet or XLSX,
//! validated column by column into typed tables. Every problem is collected.

pub mod fast;
pub mod guard;
pub mod parquet;
pub mod sie;
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
    /// Unit names found outside the `units` table (SIE `#OBJEKT`), by code.
    pub unit_names: BTreeMap<String, String>,
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
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file, read in blocks (constant memory) and remembered for the run: the
/// fingerprint of the data folder and the manifest's inputs hash each file once. `None` when
/// the file cannot be read.
pub fn file_sha256(path: &Path) -> Option<String> {
    use std::io::Read;
    use std::sync::{Mutex, OnceLock};
    type Key = (PathBuf, u64, Option<std::time::SystemTime>);
    static SEEN: OnceLock<Mutex<HashMap<Key, String>>> = OnceLock::new();
    let meta = std::fs::metadata(path).ok()?;
    let key = (path.to_path_buf(), meta.len(), meta.modified().ok());
    let seen = SEEN.get_or_init(Default::default);
    if let Some(sha) = seen.lock().ok()?.get(&key) {
        return Some(sha.clone());
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let sha = hex(&h.finalize());
    seen.lock().ok()?.insert(key, sha.clone());
    Some(sha)
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
    let mut sie_files: Vec<(String, PathBuf)> = Vec::new();
    for (name, path) in &files {
        let lower = name.to_lowercase();
        let Some((stem, ext)) = lower.rsplit_once('.') else {
            continue;
        };
        if ["se", "si", "sie"].contains(&ext) {
            sie_files.push((name.clone(), path.clone()));
            continue;
        }
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
        unit_names: BTreeMap::new(),
    };
    let mut fast: Option<(String, fast::Transactions)> = None;
    let mut prefetched: HashMap<&'static str, (Option<Table>, Findings)> = HashMap::new();
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
        if spec.name == "transactions" && ext == "csv" {
            // The other tables are read while Polars sums the transactions, and the file is
            // hashed meanwhile: the streaming CSV reader leaves part of the machine idle.
            let others: Vec<(TableSpec, &PathBuf, &str)> = spec::ALL
                .iter()
                .filter(|s| !["ledger", "transactions"].contains(&s.name))
                .filter_map(|s| match by_table.get(s.name) {
                    Some(f) if f.len() == 1 => Some((*s, &f[0].1, f[0].2.as_str())),
                    _ => None,
                })
                .collect();
            let (sums, sha, read) = std::thread::scope(|s| {
                let sha = s.spawn(|| file_sha256(path));
                let read = s.spawn(move || {
                    let read = others
                        .into_iter()
                        .map(|(spec, path, ext)| (spec.name, read_table(spec, path, ext)));
                    read.collect::<HashMap<_, _>>()
                });
                // A reader panic here only means the file goes through the checked reader.
                let sums = guard::catch_panic(|| fast::transactions(path)).unwrap_or(None);
                (sums, sha.join().ok().flatten(), read.join().ok())
            });
            prefetched = read.unwrap_or_default();
            if let (Some(sums), Some(sha)) = (sums, sha) {
                dataset.inputs.push(InputFile {
                    table: spec.name.to_string(),
                    file: name.clone(),
                    rows: sums.rows as usize,
                    sha256: sha,
                });
                fast = Some((shown, sums));
                continue;
            }
            findings.note(
                &shown,
                "read row by row: the streaming reader takes only clean files (dates as YYYY-MM-DD, amounts with at most two decimals, no exponents, every row as wide as the header)",
            );
        }
        let (table, notes) = prefetched
            .remove(spec.name)
            .unwrap_or_else(|| read_table(*spec, path, ext));
        findings.extend(notes);
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
    if !sie_files.is_empty() {
        if has("ledger") || has("transactions") {
            findings.error(
                &shown_dir,
                None,
                None,
                "both SIE files and a ledger (or transactions) table are given; keep one source of the ledger",
            );
        } else if let Some(ledger) = ledger_from_sie(&sie_files, config, &mut dataset, findings) {
            if has("budget") {
                findings.warning(
                    &shown_dir,
                    None,
                    None,
                    "the budget table is ignored: the SIE files give the budget (#PBUDGET)",
                );
            }
            dataset.tables.insert("ledger", ledger);
        }
        check_totals(&dataset, findings);
        return Some(dataset);
    }
    if !has("ledger") {
        if has("transactions") && has("budget") {
            if let (Some((file, sums)), Some(b)) = (&fast, dataset.tables.get("budget")) {
                let flip = if config.sign == Sign::DebitPositive {
                    -1
                } else {
                    1
                };
                match fast::ledger(sums, b, flip, format!("{file} + {}", b.file)) {
                    Ok(ledger) => {
                        dataset.tables.insert("ledger", ledger);
                    }
                    Err(e) => findings.error(
                        file,
                        None,
                        None,
                        format!("the transactions could not be joined with the budget: {e}"),
                    ),
                }
            } else if let (Some(t), Some(b)) = (
                dataset.tables.get("transactions"),
                dataset.tables.get("budget"),
            ) && let Some(ledger) = ledger_from_transactions(t, b, findings)
            {
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
    check_totals(&dataset, findings);
    check_sign(&dataset, config, findings);
    Some(dataset)
}

/// Refuses a ledger whose amounts look debit-positive when the config does not name the sign:
/// read as result sign, it would give an inverted report. The evidence is the outcome of the
/// cost accounts (classes 4–7 of Kommun-Bas/Region-Bas) added up positive while that of the
/// revenue accounts (class 3) is negative or absent; in result sign costs are negative and
/// revenue positive. SIE files carry their sign by the standard and are not checked.
fn check_sign(dataset: &Dataset, config: &Config, findings: &mut Findings) {
    if config.sign_stated {
        return;
    }
    let Some(ledger) = dataset.ledger() else {
        return;
    };
    let (accounts, actual) = (ledger.text("account"), ledger.money("actual"));
    let (mut revenue, mut costs) = (0i128, 0i128);
    for (account, &amount) in accounts.iter().zip(actual) {
        match account.trim_start().as_bytes().first() {
            Some(b'3') => revenue += i128::from(amount),
            Some(b'4'..=b'7') => costs += i128::from(amount),
            _ => {}
        }
    }
    if costs <= 0 || revenue > 0 {
        return;
    }
    let kr = |ore: i128| {
        crate::money::kronor_string(ore.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    };
    let revenue_text = if revenue == 0 {
        "no outcome on revenue accounts (class 3)".to_string()
    } else {
        format!("revenue accounts (class 3) add up to {} kr", kr(revenue))
    };
    findings.error(
        &ledger.file,
        None,
        Some("actual"),
        format!(
            "the amounts look debit-positive: the outcome of cost accounts (classes 4–7) adds up to {} kr and {revenue_text}, where result sign has costs negative and revenue positive (expected `sign: debit-positive` in the config for a debit-positive ledger, or `sign: result` to keep the amounts as they are)",
            kr(costs)
        ),
    );
}

/// Every table's amounts must add up (without signs) to a total that the report's sums hold
/// exactly; transactions count through the ledger they are summed into.
fn check_totals(dataset: &Dataset, findings: &mut Findings) {
    for (name, table) in &dataset.tables {
        if *name != "transactions" {
            table::check_total(table, findings);
        }
    }
}

/// Reads one table file (see [`read_file`]); a reader that panics on a damaged file gives that
/// file's error.
fn read_table(spec: TableSpec, path: &Path, ext: &str) -> (Option<Table>, Findings) {
    guard::catch_panic(|| read_file(spec, path, ext)).unwrap_or_else(|panic| {
        let what = match ext {
            "csv" => "CSV",
            "xlsx" => "an Excel workbook",
            _ => "Parquet",
        };
        let mut findings = Findings::default();
        let shown = path.display().to_string();
        findings.error(&shown, None, None, guard::message(what, &panic));
        (None, findings)
    })
}

/// Reads one table file: a clean `ledger.csv` or `budget.csv` through Polars, anything else
/// (or a file the fast path does not take) through the checked readers. The table (`None`
/// when it cannot be used) and what was found.
fn read_file(spec: TableSpec, path: &Path, ext: &str) -> (Option<Table>, Findings) {
    let shown = path.display().to_string();
    let mut findings = Findings::default();
    if ext == "csv" && ["ledger", "budget"].contains(&spec.name) {
        let mut notes = Findings::default();
        // A reader panic in the fast path only means the file goes through the checked reader.
        let fast = guard::catch_panic(|| fast::table(spec, path, &shown, &mut notes));
        if let Ok(Some(mut table)) = fast
            && let Some(sha) = file_sha256(path)
        {
            table.sha256 = sha;
            return (Some(table), notes);
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            findings.error(&shown, None, None, format!("the file cannot be read: {e}"));
            return (None, findings);
        }
    };
    let sha = sha256_hex(&bytes);
    let table = match ext {
        "csv" => text::read(spec, &shown, &bytes, sha, &mut findings),
        "xlsx" => xlsx::read(spec, &shown, path, sha, &mut findings),
        _ => parquet::read(spec, &shown, path, sha, &mut findings),
    };
    (table, findings)
}

/// The finding for a sum of amounts that passes the largest amount in öre (`i64`).
fn overflow(
    findings: &mut Findings,
    file: &str,
    row: u64,
    column: Option<&str>,
    key: &(i32, String, String),
) {
    findings.error(
        file,
        Some(row),
        column,
        format!(
            "the amounts of unit {}, account {}, {} add up past the largest amount that can be summed exactly ({} kr) at this row (expected amounts far below it)",
            key.1,
            key.2,
            crate::period::Month(key.0),
            crate::money::kronor_string(i64::MAX)
        ),
    );
}

/// Sums transactions to months per unit and account and joins the monthly budget. `None` when
/// a sum passes the largest amount (reported).
fn ledger_from_transactions(
    trans: &Table,
    budget: &Table,
    findings: &mut Findings,
) -> Option<Table> {
    let mut sums: MonthlySums = BTreeMap::new();
    let (dates, units, accounts, amounts) = (
        trans.months("date"),
        trans.text("unit"),
        trans.text("account"),
        trans.money("amount"),
    );
    for i in 0..trans.len() {
        let (y, m, _) = table::civil_from_days(dates[i]);
        let month = y * 12 + m as i32 - 1;
        let key = (month, units[i].clone(), accounts[i].clone());
        let e = sums.entry(key.clone()).or_insert((0, 0, trans.rows[i]));
        match e.0.checked_add(amounts[i]) {
            Some(v) => e.0 = v,
            None => {
                overflow(findings, &trans.file, trans.rows[i], Some("amount"), &key);
                return None;
            }
        }
    }
    add_budget(&mut sums, budget, findings)?;
    Some(ledger_table(
        sums,
        format!("{} + {}", trans.file, budget.file),
    ))
}

/// Adds the monthly budget table to transaction sums. `None` when a sum passes the largest
/// amount (reported).
fn add_budget(sums: &mut MonthlySums, budget: &Table, findings: &mut Findings) -> Option<()> {
    let (periods, units, accounts, amounts) = (
        budget.months("period"),
        budget.text("unit"),
        budget.text("account"),
        budget.money("budget"),
    );
    for i in 0..budget.len() {
        let key = (periods[i], units[i].clone(), accounts[i].clone());
        let e = sums.entry(key.clone()).or_insert((0, 0, budget.rows[i]));
        match e.1.checked_add(amounts[i]) {
            Some(v) => e.1 = v,
            None => {
                overflow(findings, &budget.file, budget.rows[i], Some("budget"), &key);
                return None;
            }
        }
    }
    Some(())
}

/// Monthly sums per (month, unit, account) → (actual, budget, first row), as a ledger table.
type MonthlySums = BTreeMap<(i32, String, String), (i64, i64, u64)>;

/// Builds the ledger table from monthly sums (transactions, SIE files).
fn ledger_table(sums: MonthlySums, file: String) -> Table {
    let n = sums.len();
    let (mut p, mut u, mut a, mut act, mut bud, mut rows) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for ((month, unit, account), (actual, budget, row)) in sums {
        p.push(month);
        u.push(unit);
        a.push(account);
        act.push(actual);
        bud.push(budget);
        rows.push(row);
    }
    Table::ledger(file, rows, p, u, a, act, bud)
}

/// One monthly row from an SIE file: month, unit, account, actual, budget, line.
type SieRow = (i32, String, String, i64, i64, u64);

/// Reads every SIE file into one monthly ledger. Each month is taken from the file whose
/// current year (`#RAR 0`) holds it, or else from a file whose earlier year holds it, so a
/// year given by two files is never counted twice. `#PSALDO` gives the outcome when present,
/// else the `#TRANS` rows summed to months; `#PBUDGET` gives the budget. Rows without an
/// object of the unit dimension are booked on the root of the tree.
fn ledger_from_sie(
    files: &[(String, PathBuf)],
    config: &Config,
    dataset: &mut Dataset,
    findings: &mut Findings,
) -> Option<Table> {
    struct Parsed {
        name: String,
        file: sie::SieFile,
        year0: Option<(i32, i32)>,
    }
    let mut parsed = Vec::new();
    for (name, path) in files {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                findings.error(&shown, None, None, format!("the file cannot be read: {e}"));
                continue;
            }
        };
        let parsed_file = guard::catch_panic(|| {
            let mut found = Findings::default();
            let file = sie::parse(&bytes, &shown, &config.sie_dimension, &mut found);
            (file, found)
        });
        let file = match parsed_file {
            Ok((file, found)) => {
                findings.extend(found);
                file
            }
            Err(panic) => {
                findings.error(&shown, None, None, guard::message("SIE", &panic));
                None
            }
        };
        let Some(file) = file else {
            continue;
        };
        let month = |d: sie::Date| d.0 * 12 + d.1 as i32 - 1;
        let year0 = file
            .years
            .iter()
            .find(|y| y.0 == 0)
            .map(|y| (month(y.1), month(y.2)));
        dataset.inputs.push(InputFile {
            table: "sie".into(),
            file: name.clone(),
            rows: file.balances.len() + file.transactions.len(),
            sha256: sha256_hex(&bytes),
        });
        for (dim, code, object) in &file.objects {
            if *dim == config.sie_dimension && !object.is_empty() {
                dataset
                    .unit_names
                    .entry(code.clone())
                    .or_insert_with(|| object.clone());
            }
        }
        parsed.push(Parsed {
            name: name.clone(),
            file,
            year0,
        });
    }
    if parsed.is_empty() {
        return None;
    }
    for (i, a) in parsed.iter().enumerate() {
        for b in &parsed[i + 1..] {
            if let (Some(x), Some(y)) = (a.year0, b.year0)
                && x.0 <= y.1
                && y.0 <= x.1
            {
                findings.error(
                    &dataset.dir.display().to_string(),
                    None,
                    None,
                    format!(
                        "SIE files {} and {} both hold the current year starting {}; keep one",
                        a.name,
                        b.name,
                        crate::period::Month(x.0.max(y.0))
                    ),
                );
            }
        }
    }
    let priority = |p: &Parsed, m: i32| match p.year0 {
        Some((from, to)) if (from..=to).contains(&m) => 0,
        _ => 1,
    };
    // (month, unit, account) → (actual, budget, line), from the best file for that month.
    let mut best: BTreeMap<i32, u8> = BTreeMap::new();
    let mut rows_of: Vec<Vec<SieRow>> = Vec::new();
    for p in &parsed {
        let mut rows = Vec::new();
        let has_actual = p.file.balances.iter().any(|b| b.actual != 0);
        for b in &p.file.balances {
            let actual = if has_actual { b.actual } else { 0 };
            rows.push((
                b.month,
                b.unit.clone(),
                b.account.clone(),
                actual,
                b.budget,
                b.line,
            ));
        }
        if !has_actual {
            for t in &p.file.transactions {
                let m = t.date.0 * 12 + t.date.1 as i32 - 1;
                rows.push((m, t.unit.clone(), t.account.clone(), t.amount, 0, t.line));
            }
        }
        for r in &rows {
            let pr = priority(p, r.0);
            let e = best.entry(r.0).or_insert(pr);
            *e = (*e).min(pr);
        }
        rows_of.push(rows);
    }
    let mut sums: MonthlySums = BTreeMap::new();
    let mut balance_sheet = 0usize;
    let mut overflowed = false;
    for (p, rows) in parsed.iter().zip(rows_of) {
        for (m, unit, account, actual, budget, line) in rows {
            if best.get(&m).copied() != Some(priority(p, m)) {
                continue;
            }
            // Balance-sheet accounts (class 1 and 2) are not part of the result.
            if account.starts_with(['1', '2']) {
                balance_sheet += 1;
                continue;
            }
            let unit = if unit.is_empty() {
                config.root_code.clone()
            } else {
                unit
            };
            let key = (m, unit, account);
            let e = sums.entry(key.clone()).or_insert((0, 0, line));
            match (e.0.checked_add(actual), e.1.checked_add(budget)) {
                (Some(a), Some(b)) => *e = (a, b, e.2),
                _ => {
                    let file = dataset.dir.join(&p.name).display().to_string();
                    overflow(findings, &file, line, None, &key);
                    overflowed = true;
                    break;
                }
            }
        }
    }
    if overflowed {
        return None;
    }
    let names: Vec<&str> = parsed.iter().map(|p| p.name.as_str()).collect();
    if balance_sheet > 0 {
        findings.note(
            &dataset.dir.join(names.join(" + ")).display().to_string(),
            format!("{balance_sheet} rows of balance-sheet accounts (class 1 and 2) are left out of the result"),
        );
    }
    Some(ledger_table(
        sums,
        dataset.dir.join(names.join(" + ")).display().to_string(),
    ))
}
