//! Tables as the ledger system exports them (`sources:` in the config): the files a glob
//! finds, headers mapped to the contract's columns, a month given for every row, cells that
//! hold a code and a name, and several files read as one table.

use std::collections::BTreeMap;
use std::path::Path;

use super::Dataset;
use super::layout::Layout;
use super::spec::{self, TableSpec};
use super::table::{ColumnData, Table};
use crate::config::{Config, Source, glob_matches, month_in_name};
use crate::diag::{Findings, quoted};

/// Checks the `sources:` of the config against the contract; the problems are errors of the
/// config file.
pub(crate) fn check_config(config: &Config, findings: &mut Findings) {
    let file = config
        .source
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the config".into());
    let tables: Vec<&str> = spec::all().iter().map(|s| s.name).collect();
    for source in &config.sources {
        let key = format!("sources.{}", source.table);
        let Some(spec) = spec::all().iter().find(|s| s.name == source.table) else {
            findings.error(
                &file,
                None,
                None,
                format!(
                    "{key}: \"{}\" is not a table of the data contract (expected one of {})",
                    source.table,
                    tables.join(", ")
                ),
            );
            continue;
        };
        let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        let named = source
            .columns
            .iter()
            .map(|(c, _)| (c, "columns"))
            .chain(source.code_and_name.iter().map(|c| (c, "code_and_name")))
            .chain(source.names.iter().map(|(c, _)| (c, "names")));
        for (column, what) in named {
            let text = spec
                .columns
                .iter()
                .find(|c| c.name == column.as_str())
                .map(|c| c.kind == spec::Kind::Text);
            let why = match text {
                None => format!(
                    "is not a column of the {} table (expected one of {})",
                    spec.name,
                    columns.join(", ")
                ),
                Some(false) if what == "code_and_name" => {
                    "is not a text column (expected a code column such as unit or account)"
                        .to_string()
                }
                _ => continue,
            };
            findings.error(
                &file,
                None,
                None,
                format!("{key}.{what}: \"{column}\" {why}"),
            );
        }
        if (source.period.is_some() || source.period_from_file_name)
            && month_column(*spec).is_none()
        {
            findings.error(
                &file,
                None,
                None,
                format!(
                    "{key}: the {} table has no month or date column to give (`period` and `period_from_file_name` are for tables with one)",
                    spec.name
                ),
            );
        }
    }
}

/// The column that a month given for every row fills: `period`, else `date` (the first day
/// of the month).
fn month_column(spec: TableSpec) -> Option<&'static str> {
    ["period", "date"]
        .into_iter()
        .find(|n| spec.columns.iter().any(|c| c.name == *n))
}

/// The files of every configured source that names a `file`, by table; a pattern that finds
/// nothing is an error listing what the folder holds.
pub(crate) fn find_files(
    dir: &Path,
    config: &Config,
    findings: &mut Findings,
) -> BTreeMap<&'static str, Vec<(String, std::path::PathBuf)>> {
    let mut found = BTreeMap::new();
    let configured: Vec<(&'static str, &Source, &str)> = config
        .sources
        .iter()
        .filter_map(|s| {
            let spec = spec::all().iter().find(|t| t.name == s.table)?;
            Some((spec.name, s, s.file.as_deref()?))
        })
        .collect();
    if configured.is_empty() {
        return found;
    }
    let shown_dir = dir.display().to_string();
    let walk = match super::files::walk(
        dir,
        "the data folder",
        None,
        100_000,
        super::files::MAX_DATA_FILE,
    ) {
        Ok(w) => w,
        Err(e) => {
            findings.error(
                &shown_dir,
                None,
                None,
                format!("the data folder cannot be read: {e}"),
            );
            return found;
        }
    };
    for (table, source, pattern) in configured {
        let matches: Vec<(String, std::path::PathBuf)> = walk
            .files
            .iter()
            .filter(|(rel, _)| glob_matches(pattern, rel))
            .cloned()
            .collect();
        if matches.is_empty() {
            let names: Vec<&str> = walk
                .files
                .iter()
                .map(|(r, _)| r.as_str())
                .take(20)
                .collect();
            let more = walk.files.len().saturating_sub(names.len());
            findings.error(
                &shown_dir,
                None,
                None,
                format!(
                    "sources.{}.file: \"{pattern}\" matches no file in the data folder (it has: {}{})",
                    source.table,
                    if names.is_empty() { "nothing".to_string() } else { names.join(", ") },
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                ),
            );
        }
        for (path, why) in walk.refused.iter().filter(|(p, _)| {
            p.strip_prefix(dir)
                .is_ok_and(|r| glob_matches(pattern, &r.to_string_lossy()))
        }) {
            findings.error(&path.display().to_string(), None, None, why.clone());
        }
        found.insert(table, matches);
    }
    found
}

/// How a file of `table` is read: the configured shape, with the month of its rows taken
/// from the config or from the file's name. `None` (an error given) when the name holds no
/// month.
pub(crate) fn shape_for(
    spec: TableSpec,
    source: Option<&Source>,
    name: &str,
    shown: &str,
    findings: &mut Findings,
) -> Option<Layout> {
    let Some(source) = source else {
        return Some(Layout::PLAIN);
    };
    let key = format!("sources.{}", source.table);
    let month = if source.period_from_file_name {
        let file_name = name.rsplit('/').next().unwrap_or(name);
        match month_in_name(file_name) {
            Some(m) => Some(m),
            None => {
                findings.error(
                    shown,
                    None,
                    None,
                    format!(
                        "no month in the file name (expected YYYY-MM or YYYYMM in it, e.g. huvudbok-2020-09.xlsx, as {key}.period_from_file_name says)"
                    ),
                );
                return None;
            }
        }
    } else {
        source.period
    };
    let constant = month.and_then(|m| {
        let column = month_column(spec)?;
        Some(match column {
            "period" => (column, m.to_string()),
            _ => (column, format!("{m}-01")),
        })
    });
    Some(Layout {
        key,
        columns: source.columns.clone(),
        constant,
        skip_rows: source.skip_rows,
        sheet: source.sheet.clone(),
        names: source.names.clone(),
    })
}

/// Splits the cells of `columns` that hold "CODE Name" into the code (the first word), kept in
/// the table, and the name, gathered per column into `names` (code → name, file, row). A code
/// met with another name is a warning naming both rows; the first name is kept.
pub(crate) fn split_code_and_name(
    table: &mut Table,
    columns: &[String],
    names: &mut BTreeMap<&'static str, BTreeMap<String, (String, String, u64)>>,
    findings: &mut Findings,
) {
    for column in columns {
        let Some(pos) = table
            .columns
            .iter()
            .position(|(n, _)| *n == column.as_str())
        else {
            continue;
        };
        let name_of = table.columns[pos].0;
        let ColumnData::Text(cells) = &mut table.columns[pos].1 else {
            continue;
        };
        let mut split: Vec<Option<String>> = Vec::with_capacity(cells.len());
        for cell in cells.iter_mut() {
            let (code, name) = match cell.split_once(char::is_whitespace) {
                Some((code, name)) => (code.to_string(), Some(name.trim().to_string())),
                None => (cell.clone(), None),
            };
            *cell = code;
            split.push(name.filter(|n| !n.is_empty()));
        }
        record_names(table, name_of, split, names, findings);
    }
}

/// Keeps the names read from their own columns (`names:`, [`Table::names`]) with their codes
/// into `names`, as [`split_code_and_name`] does.
pub(crate) fn names_beside_codes(
    table: &mut Table,
    names: &mut BTreeMap<&'static str, BTreeMap<String, (String, String, u64)>>,
    findings: &mut Findings,
) {
    for (column, read) in std::mem::take(&mut table.names) {
        let read = read
            .into_iter()
            .map(|n| Some(n).filter(|n| !n.is_empty()))
            .collect();
        record_names(table, column, read, names, findings);
    }
}

/// Gathers the name found for each record's code in column `name_of` (code → name, file,
/// row). A code met with another name is a warning naming both rows; the first name is kept.
fn record_names(
    table: &Table,
    name_of: &'static str,
    found: Vec<Option<String>>,
    names: &mut BTreeMap<&'static str, BTreeMap<String, (String, String, u64)>>,
    findings: &mut Findings,
) {
    let cells = table.text(name_of);
    let known = names.entry(name_of).or_default();
    let mut warned: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, name) in found.into_iter().enumerate() {
        let (Some(name), Some(code)) = (name, cells.get(i)) else {
            continue;
        };
        let (file, row) = table.origin(i);
        match known.get(code) {
            None => {
                known.insert(code.clone(), (name, file.to_string(), row));
            }
            Some((first, first_file, first_row)) if *first != name => {
                if warned.insert(code.as_str()) {
                    let at = if first_file == file {
                        format!("row {first_row}")
                    } else {
                        format!("row {first_row} of {first_file}")
                    };
                    findings.warning(
                        file,
                        Some(row),
                        Some(table.shown(name_of)),
                        format!(
                            "{name_of} {} is named {} here and {} on {at}; the first is used",
                            quoted(code),
                            quoted(&name),
                            quoted(first)
                        ),
                    );
                }
            }
            Some(_) => {}
        }
    }
}

/// The tables read from several files as one table: rows in the order of the files, each
/// row's file kept ([`Table::origin`]); a column only some files have is empty (zero) in
/// the others. Keys repeated across files are errors naming both files.
pub(crate) fn merge(shown: String, tables: Vec<Table>, findings: &mut Findings) -> Option<Table> {
    let mut tables = tables.into_iter();
    let first = tables.next()?;
    let first_sha = first.sha256.clone();
    let mut merged = Table {
        parts: vec![(0, first.file.clone())],
        file: shown,
        sha256: String::new(),
        ..first
    };
    let mut hashes = vec![merged.parts[0].1.clone(), first_sha];
    for t in tables {
        hashes.push(t.file.clone());
        hashes.push(t.sha256.clone());
        append_part(&mut merged, t);
    }
    merged.sha256 = crate::model::hash::sha256_hex(hashes.join("\n").as_bytes());
    super::table::check_keys(&merged, true, findings);
    Some(merged)
}

/// Appends the rows of `t` to `into` as one more part ([`Table::origin`] names its file):
/// a table of the data and the rows another source gives for it, as one table.
pub(crate) fn append(into: &mut Table, t: Table) {
    if into.parts.is_empty() {
        into.parts.push((0, into.file.clone()));
    }
    append_part(into, t);
}

/// Appends the rows of `t` as a part of `merged`, whose parts are already listed.
fn append_part(merged: &mut Table, t: Table) {
    let offset = merged.len();
    merged.parts.push((offset, t.file.clone()));
    for (name, data) in t.columns {
        match merged.columns.iter_mut().find(|(n, _)| *n == name) {
            Some((_, have)) => append_column(have, data),
            None => {
                let mut filled = empty_like(&data, offset);
                append_column(&mut filled, data);
                merged.columns.push((name, filled));
            }
        }
    }
    merged.rows.extend(t.rows);
    let n = merged.rows.len();
    for (name, flags) in t.blanks {
        let have = super::table::blank_flags(&mut merged.blanks, name);
        have.resize(offset, false);
        have.extend(flags);
    }
    for (_, flags) in &mut merged.blanks {
        flags.resize(n, false);
    }
    for (_, c) in &mut merged.columns {
        pad(c, n);
    }
}

fn empty_like(data: &ColumnData, n: usize) -> ColumnData {
    match data {
        ColumnData::Text(_) => ColumnData::Text(vec![String::new(); n]),
        ColumnData::Month(_) => ColumnData::Month(vec![0; n]),
        ColumnData::Year(_) => ColumnData::Year(vec![0; n]),
        ColumnData::Date(_) => ColumnData::Date(vec![0; n]),
        ColumnData::Money(_) => ColumnData::Money(vec![0; n]),
        ColumnData::Number(_) => ColumnData::Number(vec![0.0; n]),
    }
}

fn append_column(into: &mut ColumnData, from: ColumnData) {
    match (into, from) {
        (ColumnData::Text(a), ColumnData::Text(b)) => a.extend(b),
        (ColumnData::Month(a), ColumnData::Month(b))
        | (ColumnData::Year(a), ColumnData::Year(b))
        | (ColumnData::Date(a), ColumnData::Date(b)) => a.extend(b),
        (ColumnData::Money(a), ColumnData::Money(b)) => a.extend(b),
        (ColumnData::Number(a), ColumnData::Number(b)) => a.extend(b),
        _ => {}
    }
}

fn pad(c: &mut ColumnData, n: usize) {
    match c {
        ColumnData::Text(v) => v.resize(n, String::new()),
        ColumnData::Month(v) | ColumnData::Year(v) | ColumnData::Date(v) => v.resize(n, 0),
        ColumnData::Money(v) => v.resize(n, 0),
        ColumnData::Number(v) => v.resize(n, 0.0),
    }
}

/// The most accounts without a category listed one by one, per table.
const MAX_UNPLACED: usize = 20;

/// Accounts given by their text alone ([`Dataset::accounts_by_text`]) cannot be placed by the
/// config's account ranges: each needs its category in the accounts table. Every text without
/// one is an error at its first row.
pub(crate) fn check_account_texts(dataset: &Dataset, findings: &mut Findings) {
    let accounts = dataset.get("accounts");
    let placed: std::collections::HashSet<&str> = accounts
        .map(|a| {
            a.text("account")
                .iter()
                .zip(a.text("category"))
                .filter(|(_, c)| !c.trim().is_empty())
                .map(|(t, _)| t.as_str())
                .collect()
        })
        .unwrap_or_default();
    for (name, key) in &dataset.accounts_by_text {
        let Some(table) = dataset.get(name) else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        let mut unplaced = 0usize;
        for (i, text) in table.text("account").iter().enumerate() {
            if placed.contains(text.as_str()) || !seen.insert(text.as_str()) {
                continue;
            }
            unplaced += 1;
            if unplaced > MAX_UNPLACED {
                continue;
            }
            let (file, row) = table.origin(i);
            let why = match accounts {
                None => "there is no accounts table (expected one with each account text and its category, e.g. accounts.csv with the columns Konto and Kategori)".to_string(),
                Some(a) if a.text("account").contains(text) => format!(
                    "{} gives it no category (expected its report category there)",
                    a.file
                ),
                Some(a) => format!(
                    "{} has no row for it (expected a row with the text and its report category)",
                    a.file
                ),
            };
            findings.error(
                file,
                Some(row),
                Some(table.shown("account")),
                format!(
                    "account {} has no category: the accounts are given by their text ({key}), which the account ranges cannot place, and {why}",
                    quoted(text)
                ),
            );
        }
        if unplaced > MAX_UNPLACED {
            findings.more_errors(
                &table.file,
                unplaced - MAX_UNPLACED,
                "account texts without a category",
            );
        }
    }
}
