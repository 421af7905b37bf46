//! Loading the data folder: one file per table of the contract, in CSV, Parquet or XLSX,
//! validated column by column into typed tables. Every problem is collected. Each table is
//! read from its sources (`source.rs`): the files found here, which a database query can
//! stand beside as one more kind of source.

pub(crate) mod comments;
pub(crate) mod fast;
pub(crate) mod files;
mod guard;
mod hash;
mod header;
mod intern;
mod layout;
mod ledger;
pub(crate) mod odbc;
pub(crate) mod parquet;
mod parquet_bounds;
pub(crate) mod pass;
pub(crate) mod postings;
mod projects;
pub(crate) mod sie;
pub(crate) mod source;
pub(crate) mod sources;
pub(crate) mod spec;
pub(crate) mod table;
pub(crate) mod templates;
pub(crate) mod text;
pub(crate) mod tree;
pub(crate) mod xlsx;
mod xlsx_bounds;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::{Config, Sign};
use crate::diag::Findings;
use crate::model::hash::sha256_hex;
use crate::model::input::Input;
use crate::model::period::Month;
use source::Source;
pub(crate) use spec::TableSpec;
pub(crate) use table::Table;

/// Every table found in the data folder.
#[derive(Debug, Clone)]
pub(crate) struct Dataset {
    pub dir: PathBuf,
    pub tables: BTreeMap<&'static str, Table>,
    /// Every source read, as the manifest lists it.
    pub inputs: Vec<Input>,
    /// Unit names found outside the `units` table (SIE `#OBJEKT`, "CODE Name" cells), by code.
    pub unit_names: BTreeMap<String, String>,
    /// Account names found outside the `accounts` table ("CODE Name" cells), by code.
    pub account_names: BTreeMap<String, String>,
    /// Whether the data gives a budget: false for a ledger without a `budget` column (its
    /// budget is then read as zeros) and for SIE files without `#PBUDGET`.
    pub budget_given: bool,
    /// The first month of the fiscal year that every SIE file declares (`#RAR 0`), if they
    /// agree.
    pub sie_year_start: Option<u32>,
    /// Where the transactions summed into the ledger are found again; `None` when the
    /// ledger is not summed from transactions.
    pub postings: Option<postings::Rescan>,
    /// Whether the transactions are dated by month: every one was read row by row and is
    /// dated the first day of its month, as an export that gives the month and no day
    /// (`201603`, `2016-03`) is read. The account view then shows their month, not a day the
    /// data does not have; one transaction on another day (a mix of day- and month-dated
    /// files) keeps the days.
    pub transactions_by_month: bool,
    /// The tables whose accounts are given by their text alone (`names: { account: … }`
    /// without a code column), with the config key that says so: each account needs its
    /// category in the accounts table.
    pub accounts_by_text: Vec<(&'static str, String)>,
}

impl Dataset {
    /// A dataset of the data folder `dir` with nothing read yet.
    fn new(dir: &Path) -> Dataset {
        Dataset {
            dir: dir.to_path_buf(),
            tables: BTreeMap::new(),
            inputs: Vec::new(),
            unit_names: BTreeMap::new(),
            account_names: BTreeMap::new(),
            budget_given: true,
            sie_year_start: None,
            postings: None,
            transactions_by_month: false,
            accounts_by_text: Vec::new(),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The monthly ledger: the `ledger` table, or `transactions` + `budget` summed to months.
    pub(crate) fn ledger(&self) -> Option<&Table> {
        self.tables.get("ledger")
    }
}

/// What a run depends on in the data (the files of the data folder and the rows of each
/// database query), templates and commentary, as its fingerprint hashes it; see
/// [`source::digests`]. `read`: the inputs the run has read already, whose queries' rows were
/// hashed as they were read and are not run again (none before loading).
pub(crate) fn digests(
    data: &Path,
    out: &Path,
    config: &Config,
    read: &[Input],
) -> crate::model::input::Digests {
    let mut digests = source::digests(data, out, config);
    digests.data.extend(odbc::pieces(config, read));
    digests
}

/// Everything loaded and checked, ready to compute.
pub(crate) struct Loaded {
    /// The validated settings.
    pub config: Config,
    /// Every table of the data folder.
    pub data: Dataset,
    /// The organisation tree.
    pub tree: crate::model::tree::Tree,
}

/// The load stage: the data folder read and checked, and the organisation tree built; every
/// finding is collected. `want`: the transactions the run lists, kept while the transactions
/// are summed (`postings::of_leaves` takes them once the report month is known).
pub(crate) fn run(
    data_dir: &Path,
    mut config: Config,
    want: Option<postings::Want>,
    findings: &mut Findings,
) -> Result<Loaded, crate::Failure> {
    let data = load(data_dir, &config, want, findings).ok_or(crate::Failure::Data)?;
    // The SIE files' fiscal year counts when the config names none.
    if config.fiscal_year_start.is_none() {
        config.fiscal_year_start = data.sie_year_start;
    }
    let tree = tree::build(&data, &config, findings);
    projects::check(&data, findings);
    if findings.has_errors() {
        return Err(crate::Failure::Data);
    }
    let tree = tree.ok_or(crate::Failure::Data)?;
    let mut data = data;
    // A budget joined into a ledger summed from transactions has done its part once its units
    // are checked against the tree: every figure reads the ledger, and the table's rows would
    // otherwise stay in memory for the whole run.
    if data.postings.is_some() {
        data.tables.remove("budget");
    }
    Ok(Loaded { config, data, tree })
}

/// Reads one CSV file of the contract's table `spec` as the loader reads a data folder's
/// (separator, decimal mark and encoding found from the file; every problem collected), for
/// files that come from elsewhere than the data folder (`round import`).
pub(crate) fn read_csv(spec: TableSpec, path: &Path, findings: &mut Findings) -> Option<Table> {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => {
            let sha = sha256_hex(&bytes);
            text::read(spec, &shown, &bytes, sha, &layout::Layout::PLAIN, findings)
        }
        Err(e) => {
            findings.error(&shown, None, None, format!("cannot be read: {e}"));
            None
        }
    }
}

const EXTENSIONS: &[&str] = &["csv", "parquet", "xlsx"];

/// Why a file that looks like data is not read, by its extension; `None` for files that are
/// not data (a README, a script).
fn unread_format(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "xls" => "old Excel files (.xls) are not read; save it as .xlsx (Excel workbook)",
        "xlsm" | "xlsb" | "ods" | "numbers" => {
            "only .xlsx workbooks are read; save it as .xlsx (Excel workbook)"
        }
        "txt" | "tsv" | "tab" | "dat" => {
            "text is read from .csv files; rename it to .csv (any of ; , or tab separates the columns)"
        }
        "json" | "xml" => "JSON and XML are not read; export the table as .csv, .xlsx or .parquet",
        _ => return None,
    })
}

/// The sources of one table.
type TableSources = Vec<Box<dyn Source>>;

/// "CODE Name" cells split while reading, per column: code → name, file, row.
type Names = BTreeMap<&'static str, BTreeMap<String, (String, String, u64)>>;

/// What the streaming reader's pass over `transactions.csv` gives: the sums, and what it kept
/// for the lists of transactions.
type FastPass = (fast::Transactions, Option<pass::Kept>);

/// Tables read ahead while the transactions are summed, by name, with what was found.
type Prefetched = HashMap<&'static str, (Option<Table>, Findings)>;

/// The data folder's files sorted out: each table's files, and the SIE files.
struct Found {
    by_table: HashMap<&'static str, TableSources>,
    sie_files: Vec<(String, PathBuf)>,
}

/// A clean `transactions.csv` summed by the streaming reader: the file as shown, its sums and
/// its path.
struct FastSums {
    shown: String,
    sums: fast::Transactions,
    path: PathBuf,
    /// For a transactions query: its sums are in result sign already, and this is where its
    /// rows are found again.
    query: Option<postings::Rescan>,
    /// What the pass that summed them kept for the run's lists of transactions.
    kept: Option<pass::Kept>,
}

/// Loads and validates every table in `dir`. Returns `None` only when nothing usable was read.
pub(crate) fn load(
    dir: &Path,
    config: &Config,
    want: Option<postings::Want>,
    findings: &mut Findings,
) -> Option<Dataset> {
    let files = discover(dir, findings)?;
    let found = resolve(dir, config, &files, findings);
    let mut dataset = Dataset::new(dir);
    let fast = read_tables(&found.by_table, config, want, &mut dataset, findings);
    derive(&found, fast, config, &mut dataset, findings);
    check_totals(&dataset, findings);
    Some(dataset)
}

/// The entries of the data folder that are read, by name and path, in name order. Only
/// regular files are read; a link is followed within the data folder. Anything named like a
/// table that cannot be read so is an error naming it; other entries are passed by. `None`
/// when the folder cannot be read.
fn discover(dir: &Path, findings: &mut Findings) -> Option<Vec<(String, PathBuf)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            findings.error(
                &dir.display().to_string(),
                None,
                None,
                format!("the data folder cannot be read: {e}"),
            );
            return None;
        }
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    files.sort();
    let root = files::real_root(dir);
    files.retain(|(name, path)| is_readable(&root, name, path, findings));
    Some(files)
}

/// Whether a file is named like data: an SIE file or a table of the contract.
fn is_data_like(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.rsplit_once('.').is_some_and(|(stem, ext)| {
        ["se", "si", "sie"].contains(&ext)
            || (EXTENSIONS.contains(&ext) && spec::all().iter().any(|s| s.name == stem))
    })
}

/// Whether an entry of the data folder is a file that can be read (see [`discover`]).
fn is_readable(root: &Path, name: &str, path: &Path, findings: &mut Findings) -> bool {
    let data_like = is_data_like(name);
    let shown = path.display().to_string();
    match files::classify(root, "the data folder", path, files::MAX_DATA_FILE) {
        Some(files::Entry::File { link }) => {
            if let Some(real) = link.filter(|_| data_like) {
                findings.note(
                    &shown,
                    format!(
                        "a link to {}, within the data folder; followed",
                        real.display()
                    ),
                );
            }
            true
        }
        Some(files::Entry::Refused(why)) if data_like => {
            findings.error(&shown, None, None, why);
            false
        }
        Some(files::Entry::Dir) if data_like => {
            findings.error(&shown, None, None, "is a folder, not a file");
            false
        }
        _ => false,
    }
}

/// Sorts the files out by table. Files the config names for a table (`sources:`) are that
/// table's, whatever their names; the others go by their names.
fn resolve(
    dir: &Path,
    config: &Config,
    files: &[(String, PathBuf)],
    findings: &mut Findings,
) -> Found {
    sources::check_config(config, findings);
    let configured = sources::find_files(dir, config, findings);
    let claimed: std::collections::HashSet<&PathBuf> =
        configured.values().flatten().map(|(_, p)| p).collect();
    let mut found = Found {
        by_table: HashMap::new(),
        sie_files: Vec::new(),
    };
    for (name, path) in files {
        if !claimed.contains(path) {
            sort_by_name(name, path, &mut found, findings);
        }
    }
    for (table, files) in configured {
        claim_configured(table, files, &mut found.by_table, findings);
    }
    claim_queries(config, &mut found.by_table, findings);
    found
}

/// Makes each database query of the config (`sources.TABLE.odbc`) its table's source, in
/// place of the files named like the table (each noted).
fn claim_queries(
    config: &Config,
    by_table: &mut HashMap<&'static str, TableSources>,
    findings: &mut Findings,
) {
    for (table, query) in odbc::queries(config) {
        for other in by_table.remove(table).unwrap_or_default() {
            findings.note(
                &other.origin(),
                format!("not read: sources.{table}.odbc gives the {table} table"),
            );
        }
        by_table.insert(table, vec![Box::new(query)]);
    }
}

/// Puts a file that no source of the config claims where its name says: an SIE file, a
/// table's file, or a note on why it is not read.
fn sort_by_name(name: &str, path: &Path, found: &mut Found, findings: &mut Findings) {
    let lower = name.to_lowercase();
    let Some((stem, ext)) = lower.rsplit_once('.') else {
        return;
    };
    if ["se", "si", "sie"].contains(&ext) {
        found.sie_files.push((name.to_string(), path.to_path_buf()));
        return;
    }
    match spec::all().iter().find(|s| s.name == stem) {
        Some(s) if EXTENSIONS.contains(&ext) => {
            found
                .by_table
                .entry(s.name)
                .or_default()
                .push(Box::new(source::File {
                    name: name.to_string(),
                    path: path.to_path_buf(),
                    ext: ext.to_string(),
                }));
        }
        _ if name.starts_with('.') => {}
        // `ledger.example.csv` and the like: the examples `init` writes, passed by unread.
        _ if stem.ends_with(".example") => {}
        _ if EXTENSIONS.contains(&ext) => findings.note(
            &path.display().to_string(),
            "not a table of the data contract; ignored",
        ),
        table => {
            // Text files are often notes; they get a word only when named like a table.
            let text = ["txt", "dat"].contains(&ext);
            if let Some(why) = unread_format(ext).filter(|_| table.is_some() || !text) {
                let what = match table {
                    Some(s) => format!("the {} table is not read from this file", s.name),
                    None => "not read".to_string(),
                };
                findings.note(&path.display().to_string(), format!("{what}: {why}"));
            }
        }
    }
}

/// Makes the files a source of the config names (`sources.TABLE.file`) the table's files, in
/// place of those named like the table (each of those not named is noted).
fn claim_configured(
    table: &'static str,
    found: Vec<(String, PathBuf)>,
    by_table: &mut HashMap<&'static str, TableSources>,
    findings: &mut Findings,
) {
    let source = format!("sources.{table}.file");
    for other in by_table.remove(table).unwrap_or_default() {
        let named = |path: &Path| found.iter().any(|(_, p)| p == path);
        if !other.file().is_some_and(|(path, _)| named(path)) {
            findings.note(
                &other.origin(),
                format!("not read: {source} names the files of the {table} table"),
            );
        }
    }
    let mut files = Vec::new();
    for (rel, path) in found {
        let ext = rel
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        if EXTENSIONS.contains(&ext.as_str()) {
            files.push(Box::new(source::File {
                name: rel,
                path,
                ext,
            }) as Box<dyn Source>);
        } else {
            let why = unread_format(&ext).unwrap_or("expected a .csv, .xlsx or .parquet file");
            findings.error(
                &path.display().to_string(),
                None,
                None,
                format!("matched by {source} but not read: {why}"),
            );
        }
    }
    if !files.is_empty() {
        by_table.insert(table, files);
    }
}

/// Reads every table from its sources into the dataset, in the order of the contract, and
/// lists each source among the inputs. A clean `transactions.csv` is summed by the streaming
/// reader instead, and given back.
fn read_tables(
    by_table: &HashMap<&'static str, TableSources>,
    config: &Config,
    want: Option<postings::Want>,
    dataset: &mut Dataset,
    findings: &mut Findings,
) -> Option<FastSums> {
    let mut fast = None;
    let mut prefetched = Prefetched::new();
    let mut names: Names = BTreeMap::new();
    for spec in spec::all() {
        let Some(found) = by_table.get(spec.name) else {
            continue;
        };
        let source = config.source_of(spec.name);
        if spec.name == "transactions"
            && let Some(source) = source
            && let Some(db) = &source.database
        {
            let query = odbc::Query {
                db: db.clone(),
                values: odbc::Values::of(config),
            };
            fast = sum_query(&query, source, config, want, dataset, findings);
            continue;
        }
        if let Some(source) = source.filter(|s| s.file.is_some() || found.len() == 1) {
            let table = read_source(spec, source, found, config, dataset, &mut names, findings);
            if let Some(table) = table {
                dataset.tables.insert(spec.name, table);
            }
            continue;
        }
        if found.len() > 1 {
            several_files(spec, found, &dataset.dir, findings);
            continue;
        }
        let source = &found[0];
        let shown = source.origin();
        if spec.name == "transactions"
            && let Some((path, "csv")) = source.file()
        {
            let (sums, others) = sum_transactions(source.as_ref(), path, by_table, config, want);
            prefetched = others;
            if let Some(((sums, kept), sha)) = sums {
                let rows = sums.rows as usize;
                dataset.inputs.push(source.input(spec.name, rows, sha));
                fast = Some(FastSums {
                    shown,
                    sums,
                    path: path.to_path_buf(),
                    query: None,
                    kept,
                });
                continue;
            }
            findings.note(
                &shown,
                "read row by row: the streaming reader takes only clean files (dates as YYYY-MM-DD, amounts with at most two decimals, no exponents, every row as wide as the header)",
            );
        }
        let (table, notes) = match prefetched.remove(spec.name) {
            Some(read) => read,
            // The ledger is read beside the tables after it, each on its own core's time.
            None if spec.name == "ledger" => {
                let others = plain_sources(by_table, config, &["ledger", "transactions"]);
                let (read, others) = beside(others, || source.read(*spec, &layout::Layout::PLAIN));
                prefetched = others;
                read
            }
            None => source.read(*spec, &layout::Layout::PLAIN),
        };
        findings.extend(notes);
        if let Some(mut table) = table {
            flip_sign(&mut table, config.sign);
            let input = source.input(spec.name, table.len(), table.sha256.clone());
            dataset.inputs.push(input);
            dataset.tables.insert(spec.name, table);
        }
    }
    keep_names(names, dataset);
    sources::check_account_texts(dataset, findings);
    fast
}

/// Sums a transactions query batch by batch (`odbc::Reading::sums`), listing it among the
/// inputs: memory holds a batch and the sums, never every row.
fn sum_query(
    query: &odbc::Query,
    source: &crate::config::Source,
    config: &Config,
    want: Option<postings::Want>,
    dataset: &mut Dataset,
    findings: &mut Findings,
) -> Option<FastSums> {
    let shown = source::Source::origin(query);
    let spec = spec::TRANSACTIONS;
    let shape = sources::shape_for(spec, Some(source), &query.db.query, &shown, findings)?;
    let reading = odbc::Reading {
        query: query.clone(),
        shape,
        sign: source.sign.unwrap_or(config.sign),
        code_and_name: source.code_and_name.clone(),
    };
    let (sums, sha, kept) = reading.sums(want, findings)?;
    let input = source::Source::input(query, spec.name, sums.rows as usize, sha);
    dataset.inputs.push(input);
    Some(FastSums {
        shown,
        sums,
        path: PathBuf::new(),
        query: Some(postings::Rescan::Query(Box::new(reading))),
        kept,
    })
}

/// The error for a table given by several files that no source of the config joins.
fn several_files(spec: &TableSpec, found: &[Box<dyn Source>], dir: &Path, findings: &mut Findings) {
    let names: Vec<&str> = found.iter().map(|s| s.name()).collect();
    findings.error(
        &dir.display().to_string(),
        None,
        None,
        format!(
            "table \"{}\" is given by several files ({}); keep one",
            spec.name,
            names.join(", ")
        ),
    );
}

/// Sums a `transactions.csv` through the streaming reader: the sums, what the same pass kept
/// for `want`'s lists and the file's hash when it takes the file. The other tables are read while Polars sums the transactions, and the
/// file is hashed meanwhile: the streaming CSV reader leaves part of the machine idle. Those
/// tables are given back by name.
fn sum_transactions(
    source: &dyn Source,
    path: &Path,
    by_table: &HashMap<&'static str, TableSources>,
    config: &Config,
    want: Option<postings::Want>,
) -> (Option<(FastPass, String)>, Prefetched) {
    let others = plain_sources(by_table, config, &["ledger", "transactions"]);
    let ((sums, sha), read) = beside(others, || {
        std::thread::scope(|s| {
            let sha = s.spawn(|| source.fingerprint());
            // A reader panic here only means the file goes through the checked reader.
            let sums = guard::catch_panic(|| fast::transactions(path, want)).unwrap_or(None);
            (sums, sha.join().ok().flatten())
        })
    });
    (sums.zip(sha), read)
}

/// The tables read from the one file the data folder gives for each (no `sources:` entry),
/// except `except`: the tables read ahead beside a large file.
fn plain_sources<'a>(
    by_table: &'a HashMap<&'static str, TableSources>,
    config: &Config,
    except: &[&str],
) -> Vec<(TableSpec, &'a dyn Source)> {
    spec::all()
        .iter()
        .filter(|s| !except.contains(&s.name))
        .filter(|s| config.source_of(s.name).is_none())
        .filter_map(|s| match by_table.get(s.name) {
            Some(f) if f.len() == 1 => Some((*s, f[0].as_ref())),
            _ => None,
        })
        .collect()
}

/// Runs `main` (the read of a large file) while `others` are read on a second thread, one
/// after another; what each read found is kept with it, and the caller takes them in the
/// tables' order, so the findings come out as a read one by one gives them.
fn beside<R: Send>(
    others: Vec<(TableSpec, &dyn Source)>,
    main: impl FnOnce() -> R + Send,
) -> (R, Prefetched) {
    std::thread::scope(|s| {
        let read = s.spawn(move || {
            let read = others
                .into_iter()
                .map(|(spec, source)| (spec.name, source.read(spec, &layout::Layout::PLAIN)));
            read.collect::<HashMap<_, _>>()
        });
        let main = main();
        (main, read.join().unwrap_or_default())
    })
}

/// Keeps the names split from "CODE Name" cells as the dataset's account and unit names; the
/// first name of a code counts.
fn keep_names(names: Names, dataset: &mut Dataset) {
    for (column, found) in names {
        let into = match column {
            "account" => &mut dataset.account_names,
            _ => &mut dataset.unit_names,
        };
        for (code, (name, _, _)) in found {
            into.entry(code).or_insert(name);
        }
    }
}

/// Derives the monthly ledger when the data gives it otherwise: from the SIE files, or from
/// the transactions (and budget); without any, the missing ledger is an error.
fn derive(
    found: &Found,
    fast: Option<FastSums>,
    config: &Config,
    dataset: &mut Dataset,
    findings: &mut Findings,
) {
    let has = |n: &str| found.by_table.contains_key(n);
    let shown_dir = dataset.dir.display().to_string();
    if !found.sie_files.is_empty() {
        if has("ledger") || has("transactions") {
            findings.error(
                &shown_dir,
                None,
                None,
                "both SIE files and a ledger (or transactions) table are given; keep one source of the ledger",
            );
        } else if let Some(ledger) = ledger_from_sie(&found.sie_files, config, dataset, findings) {
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
        return;
    }
    if has("ledger") {
        if has("transactions") {
            findings.warning(
                &shown_dir,
                None,
                None,
                "both ledger and transactions are given; the ledger is used and transactions are ignored",
            );
        }
    } else if has("transactions") {
        // A budget table that could not be read leaves the ledger unmade.
        if dataset.tables.contains_key("budget") || !has("budget") {
            match fast {
                Some(fast) => ledger_from_fast(fast, config, dataset, findings),
                None => ledger_from_table(dataset, findings),
            }
        }
    } else {
        let missing = if has("budget") {
            "transactions (a budget table is given without transactions)"
        } else {
            "ledger"
        };
        findings.error(
            &shown_dir,
            None,
            None,
            format!(
                "no {missing}: expected ledger.csv, ledger.parquet or ledger.xlsx, or transactions (with a budget table for deviations)"
            ),
        );
    }
    dataset.budget_given = ledger::fill_missing_budget(&mut dataset.tables);
}

/// The ledger from the transactions the streaming reader summed, joined with the budget.
fn ledger_from_fast(
    fast: FastSums,
    config: &Config,
    dataset: &mut Dataset,
    findings: &mut Findings,
) {
    let budget = dataset.tables.get("budget");
    let has_budget = budget.is_some();
    let flip = if config.sign == Sign::DebitPositive && fast.query.is_none() {
        -1
    } else {
        1
    };
    let label = match budget {
        Some(b) => format!("{} + {}", fast.shown, b.file),
        None => fast.shown.clone(),
    };
    match fast::ledger(&fast.sums, budget, flip, label) {
        Ok(ledger) => {
            dataset
                .tables
                .insert("ledger", without_budget(ledger, has_budget));
            let again = fast.query.unwrap_or(postings::Rescan::Csv {
                path: fast.path,
                flip,
            });
            dataset.postings = Some(match fast.kept {
                Some(mut kept) => {
                    kept.flip(flip);
                    postings::Rescan::Kept {
                        kept: Box::new(kept),
                        again: Box::new(again),
                    }
                }
                None => again,
            });
        }
        Err(e) => findings.error(
            &fast.shown,
            None,
            None,
            format!("the transactions could not be joined with the budget: {e}"),
        ),
    }
}

/// The ledger from the transactions table read row by row, joined with the budget.
fn ledger_from_table(dataset: &mut Dataset, findings: &mut Findings) {
    let budget = dataset.tables.get("budget");
    if let Some(t) = dataset.tables.get("transactions")
        && let Some(ledger) = ledger_from_transactions(t, budget, findings)
    {
        let by_month = dated_by_month(t);
        let ledger = without_budget(ledger, budget.is_some());
        dataset.tables.insert("ledger", ledger);
        dataset.postings = Some(postings::Rescan::Table);
        dataset.transactions_by_month = by_month;
    }
}

/// Whether every transaction of the table is dated the first day of its month (see
/// [`Dataset::transactions_by_month`]).
fn dated_by_month(trans: &Table) -> bool {
    let dates = trans.months("date");
    !dates.is_empty()
        && dates
            .iter()
            .all(|&d| crate::clock::civil_from_days(d).2 == 1)
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

/// The first month of the fiscal year the SIE files declare (`#RAR 0`), kept in the dataset
/// when every file that declares one agrees; a disagreement, or a config that names another
/// month, is a warning.
fn sie_fiscal_year(
    files: &[(&str, &[sie::Year])],
    config: &Config,
    dataset: &mut Dataset,
    findings: &mut Findings,
) {
    let starts: Vec<(&str, u32)> = files
        .iter()
        .filter_map(|(name, years)| {
            let y = years.iter().find(|y| y.0 == 0)?;
            Some((*name, y.1.1))
        })
        .collect();
    let Some(&(_, first)) = starts.first() else {
        return;
    };
    let shown = dataset.dir.display().to_string();
    let month_name = |m: u32| format!("month {m}");
    if let Some((other, m)) = starts.iter().find(|(_, m)| *m != first) {
        findings.warning(
            &shown,
            None,
            None,
            format!(
                "the SIE files declare fiscal years that start in different months ({} in {}, {} in {other}); the calendar year is used unless the config sets fiscal_year_start",
                month_name(first),
                starts[0].0,
                month_name(*m)
            ),
        );
        return;
    }
    match config.fiscal_year_start {
        Some(c) if c != first => findings.warning(
            &shown,
            None,
            None,
            format!(
                "the SIE files declare a fiscal year starting in {} (#RAR 0) and the config sets fiscal_year_start: {c}; the config is used",
                month_name(first)
            ),
        ),
        _ => {}
    }
    dataset.sie_year_start = Some(first);
}

/// The ledger as built from transactions, without its budget column when there was no
/// budget table (the report then shows the outcome only).
fn without_budget(mut ledger: Table, has_budget: bool) -> Table {
    if !has_budget {
        ledger.columns.retain(|(name, _)| *name != "budget");
    }
    ledger
}

/// Turns debit-positive amounts of the ledger, transactions and budget into result sign.
fn flip_sign(table: &mut Table, sign: Sign) {
    if sign == Sign::DebitPositive
        && ["ledger", "transactions", "budget"].contains(&table.spec.name)
    {
        for col in ["actual", "budget", "amount"] {
            if let Some(v) = table.money_mut(col) {
                v.iter_mut().for_each(|x| *x = -*x);
            }
        }
    }
}

/// Reads the files of a table the config describes (`sources:`): each with its shape and
/// sign, "CODE Name" cells split, and several files made one table.
fn read_source(
    spec: &TableSpec,
    source: &crate::config::Source,
    found: &[Box<dyn Source>],
    config: &Config,
    dataset: &mut Dataset,
    names: &mut Names,
    findings: &mut Findings,
) -> Option<Table> {
    let mut tables = Vec::new();
    for from in found {
        let shown = from.origin();
        let Some(shape) = sources::shape_for(*spec, Some(source), from.name(), &shown, findings)
        else {
            continue;
        };
        let (table, notes) = from.read(*spec, &shape);
        findings.extend(notes);
        let Some(mut table) = table else {
            continue;
        };
        flip_sign(&mut table, source.sign.unwrap_or(config.sign));
        sources::split_code_and_name(&mut table, &source.code_and_name, names, findings);
        let beside: Vec<&str> = table.names.iter().map(|(c, _)| *c).collect();
        if source.names.iter().any(|(c, _)| c == "account") && !beside.contains(&"account") {
            let key = format!("sources.{}.names.account", source.table);
            if !dataset.accounts_by_text.iter().any(|(_, k)| *k == key) {
                dataset.accounts_by_text.push((spec.name, key));
            }
        }
        sources::names_beside_codes(&mut table, names, findings);
        let sha = table.sha256.clone();
        dataset.inputs.push(from.input(spec.name, table.len(), sha));
        tables.push(table);
    }
    if tables.len() < found.len() {
        return None;
    }
    let shown = match &source.file {
        Some(pattern) if found.len() > 1 => dataset.dir.join(pattern).display().to_string(),
        _ => found.first()?.origin(),
    };
    sources::merge(shown, tables, findings)
}

/// Sums transactions to months per unit and account and joins the monthly budget. `None` when
/// a sum passes the largest amount in öre (reported at its row).
fn ledger_from_transactions(
    trans: &Table,
    budget: Option<&Table>,
    findings: &mut Findings,
) -> Option<Table> {
    let mut fold = ledger::Fold::with_capacity(trans.len() + budget.map_or(0, Table::len));
    let (dates, units, accounts, amounts) = (
        trans.months("date"),
        trans.text("unit"),
        trans.text("account"),
        trans.money("amount"),
    );
    for i in 0..trans.len() {
        let (y, m, _) = crate::clock::civil_from_days(dates[i]);
        let month = Month::of(y, m).index();
        // Each file of the transactions is its own source, so that a message names it.
        fold.add(
            trans.part_of(i) as u32,
            month,
            &units[i],
            &accounts[i],
            amounts[i],
            0,
            trans.rows[i],
        );
    }
    let budget_source = trans.parts.len().max(1) as u32;
    let label = match budget {
        Some(b) => {
            fold.add_budget(budget_source, b);
            format!("{} + {}", trans.file, b.file)
        }
        None => trans.file.clone(),
    };
    match fold.finish(label) {
        Ok(mut t) => {
            // The ledger's unit and account are the transactions' own columns.
            t.headers = trans
                .headers
                .iter()
                .filter(|(n, _)| ["unit", "account"].contains(n))
                .cloned()
                .collect();
            Some(t)
        }
        Err(o) => {
            let (file, column) = match budget {
                Some(b) if o.budget || o.source == budget_source => (&b.file, b.shown("budget")),
                _ if !trans.parts.is_empty() => {
                    (&trans.parts[o.source as usize].1, trans.shown("amount"))
                }
                _ => (&trans.file, trans.shown("amount")),
            };
            findings.error(file, Some(o.row), Some(column), o.message());
            None
        }
    }
}

/// One monthly row from an SIE file: month, unit, account, actual, budget, line.
type SieRow = (i32, String, String, i64, i64, u64);

/// An SIE file as parsed: its name, the file, and the months of its current year (`#RAR 0`).
struct ParsedSie {
    name: String,
    file: sie::SieFile,
    year0: Option<(i32, i32)>,
}

impl ParsedSie {
    /// 0 when month `m` is in the file's current year, else 1: a month is taken from the
    /// files of the lowest.
    fn priority(&self, m: i32) -> u8 {
        match self.year0 {
            Some((from, to)) if (from..=to).contains(&m) => 0,
            _ => 1,
        }
    }

    /// Whether the file's months are summed from its `#TRANS` rows (it has no `#PSALDO`
    /// outcome).
    fn sums_transactions(&self) -> bool {
        !self.file.balances.iter().any(|b| b.actual != 0)
    }
}

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
    let parsed: Vec<ParsedSie> = files
        .iter()
        .filter_map(|(name, path)| parse_sie(name, path, config, dataset, findings))
        .collect();
    if parsed.is_empty() {
        return None;
    }
    sie_fiscal_year(
        &parsed
            .iter()
            .map(|p| (p.name.as_str(), p.file.years.as_slice()))
            .collect::<Vec<_>>(),
        config,
        dataset,
        findings,
    );
    check_sie_years(&parsed, dataset, findings);
    let (best, rows_of) = sie_rows(&parsed);
    dataset.budget_given = rows_of.iter().flatten().any(|r| r.4 != 0);
    let mut fold = ledger::Fold::default();
    let mut balance_sheet = 0usize;
    for (source, (p, rows)) in parsed.iter().zip(&rows_of).enumerate() {
        for &(m, ref unit, ref account, actual, budget, line) in rows {
            if best.get(&m).copied() != Some(p.priority(m)) {
                continue;
            }
            // Balance-sheet accounts (class 1 and 2) are not part of the result.
            if account.starts_with(['1', '2']) {
                balance_sheet += 1;
                continue;
            }
            let unit = if unit.is_empty() {
                config.root_code.as_str()
            } else {
                unit.as_str()
            };
            fold.add(source as u32, m, unit, account, actual, budget, line);
        }
    }
    let trans = sie_postings(&parsed, &best, config);
    if !trans.is_empty() {
        dataset.postings = Some(postings::Rescan::Rows(trans));
    }
    let names: Vec<&str> = parsed.iter().map(|p| p.name.as_str()).collect();
    if balance_sheet > 0 {
        findings.note(
            &dataset.dir.join(names.join(" + ")).display().to_string(),
            format!("{balance_sheet} rows of balance-sheet accounts (class 1 and 2) are left out of the result"),
        );
    }
    match fold.finish(dataset.dir.join(names.join(" + ")).display().to_string()) {
        Ok(t) => Some(t),
        Err(o) => {
            let file = dataset.dir.join(&parsed[o.source as usize].name);
            findings.error(&file.display().to_string(), Some(o.row), None, o.message());
            None
        }
    }
}

/// Reads and parses one SIE file, listing it among the inputs and keeping the names of its
/// objects of the unit dimension. `None` when it cannot be read or parsed.
fn parse_sie(
    name: &str,
    path: &Path,
    config: &Config,
    dataset: &mut Dataset,
    findings: &mut Findings,
) -> Option<ParsedSie> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            findings.error(&shown, None, None, format!("the file cannot be read: {e}"));
            return None;
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
    }?;
    let month = |d: sie::Date| Month::of(d.0, d.1).index();
    let year0 = file
        .years
        .iter()
        .find(|y| y.0 == 0)
        .map(|y| (month(y.1), month(y.2)));
    let rows = file.balances.len() + file.transactions.len();
    let input = Input::file("sie", name.to_string(), rows, sha256_hex(&bytes));
    dataset.inputs.push(input);
    for (dim, code, object) in &file.objects {
        if *dim == config.sie_dimension && !object.is_empty() {
            dataset
                .unit_names
                .entry(code.clone())
                .or_insert_with(|| object.clone());
        }
    }
    Some(ParsedSie {
        name: name.to_string(),
        file,
        year0,
    })
}

/// Two SIE files whose current years overlap are an error.
fn check_sie_years(parsed: &[ParsedSie], dataset: &Dataset, findings: &mut Findings) {
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
                        Month(x.0.max(y.0))
                    ),
                );
            }
        }
    }
}

/// The monthly rows of each SIE file, and per month the best priority
/// ([`ParsedSie::priority`]) of the files that have rows for it.
fn sie_rows(parsed: &[ParsedSie]) -> (BTreeMap<i32, u8>, Vec<Vec<SieRow>>) {
    let mut best: BTreeMap<i32, u8> = BTreeMap::new();
    let mut rows_of: Vec<Vec<SieRow>> = Vec::new();
    for p in parsed {
        let mut rows = Vec::new();
        let has_actual = !p.sums_transactions();
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
                let m = Month::of(t.date.0, t.date.1).index();
                rows.push((m, t.unit.clone(), t.account.clone(), t.amount, 0, t.line));
            }
        }
        for r in &rows {
            let pr = p.priority(r.0);
            let e = best.entry(r.0).or_insert(pr);
            *e = (*e).min(pr);
        }
        rows_of.push(rows);
    }
    (best, rows_of)
}

/// The `#TRANS` rows summed into the ledger, each with its unit, for the account view and the
/// workbooks.
fn sie_postings(
    parsed: &[ParsedSie],
    best: &BTreeMap<i32, u8>,
    config: &Config,
) -> Vec<(String, postings::Posting)> {
    let mut trans = Vec::new();
    for (source, p) in parsed.iter().enumerate() {
        if !p.sums_transactions() {
            continue;
        }
        for t in &p.file.transactions {
            let m = Month::of(t.date.0, t.date.1).index();
            if best.get(&m).copied() != Some(p.priority(m)) || t.account.starts_with(['1', '2']) {
                continue;
            }
            let unit = if t.unit.is_empty() {
                &config.root_code
            } else {
                &t.unit
            };
            let posting = postings::Posting {
                date: crate::clock::days_from_civil(t.date.0, t.date.1, t.date.2),
                account: t.account.as_str().into(),
                amount: t.amount,
                text: t.text.as_str().into(),
                // Files in the order given, lines in file order.
                order: ((source as u64) << 40) | t.line,
            };
            trans.push((unit.clone(), posting));
        }
    }
    trans
}
