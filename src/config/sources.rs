//! `sources:`: where a table of the contract comes from when the export is not named and
//! headed as the contract, checked as far as the config alone allows (the table and column
//! names are checked against the contract when the data is read).

use std::collections::BTreeMap;

use super::raw::RawSource;
use super::{Sign, parse_sign};
use crate::model::period::Month;

/// The most lines a source may skip above its header.
pub(crate) const MAX_SKIP_ROWS: u64 = 10_000;

/// Where one table comes from and how its file is read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Source {
    /// The table of the contract, as the config names it.
    pub table: String,
    /// A path or glob (`*`, `?`, `**`) relative to the data folder, `/` between folders.
    pub file: Option<String>,
    /// The workbook sheet to read.
    pub sheet: Option<String>,
    /// Contract column and the header that holds it, in the order of the contract names.
    pub columns: Vec<(String, String)>,
    /// The month of every row, when the file has no date or period column.
    pub period: Option<Month>,
    /// The month of every row is the one in the file's name.
    pub period_from_file_name: bool,
    /// The sign of this source's amounts, when it says one.
    pub sign: Option<Sign>,
    /// Contract columns whose cells hold a code and a name.
    pub code_and_name: Vec<String>,
    /// Code column (`unit`, `account`) and the header of the column that holds its names;
    /// without a code column the names are the codes.
    pub names: Vec<(String, String)>,
    /// Lines above the header.
    pub skip_rows: u64,
    /// The database query the table comes from instead of a file (`odbc` and `query`).
    pub database: Option<super::database::Database>,
}

/// Validates every source; problems are pushed with `at` (the file) and the key.
pub(crate) fn resolve(
    raw: Option<BTreeMap<String, RawSource>>,
    at: &str,
    problems: &mut Vec<String>,
) -> Vec<Source> {
    let mut sources = Vec::new();
    for (table, r) in raw.unwrap_or_default() {
        let key = format!("{at}sources.{table}");
        let database = super::database::resolve(&r, &key, problems);
        if let Some(f) = &r.file {
            let why = outside(f).map(str::to_string).or_else(|| {
                glob(f)
                    .err()
                    .map(|e| format!("is not a glob: {}", e.kind()))
            });
            if let Some(why) = why {
                problems.push(format!(
                    "{key}.file: \"{f}\" {why} (expected a path or glob relative to the data folder, e.g. \"exports/huvudbok-*.xlsx\")"
                ));
            }
        }
        let period = r.period.as_deref().and_then(|p| {
            let m = Month::parse(p);
            if m.is_none() {
                problems.push(format!(
                    "{key}.period: \"{p}\" is not a month (expected YYYY-MM, e.g. 2016-03)"
                ));
            }
            m
        });
        let from_name = r.period_from_file_name.unwrap_or(false);
        if r.period.is_some() && from_name {
            problems.push(format!(
                "{key}: give either `period` or `period_from_file_name`, not both"
            ));
        }
        let sign = r
            .sign
            .as_deref()
            .map(|s| parse_sign(s, &format!("{key}.sign"), problems));
        let skip_rows = r.skip_rows.unwrap_or(0);
        if skip_rows > MAX_SKIP_ROWS {
            problems.push(format!(
                "{key}.skip_rows: {skip_rows} is too many (expected 0 to {MAX_SKIP_ROWS})"
            ));
        }
        for (column, header) in &r.columns {
            if header.trim().is_empty() {
                problems.push(format!(
                    "{key}.columns.{column}: the header is empty (expected the column's header as the file writes it)"
                ));
            }
        }
        let mut headers: BTreeMap<String, &str> = BTreeMap::new();
        for (column, header) in &r.columns {
            if let Some(first) = headers.insert(header.trim().to_lowercase(), column) {
                problems.push(format!(
                    "{key}.columns: \"{header}\" is given for both {first} and {column} (expected one header per column)"
                ));
            }
        }
        let names = resolve_names(r.names, &r.columns, &key, problems);
        sources.push(Source {
            table,
            file: r.file,
            sheet: r.sheet,
            columns: r.columns.into_iter().collect(),
            period,
            period_from_file_name: from_name,
            sign,
            code_and_name: r.code_and_name,
            names,
            skip_rows,
            database,
        });
    }
    sources
}

/// The columns of names (`names:`): each for `unit` or `account`, with a header that is not
/// empty and not the header `columns:` gives the code.
fn resolve_names(
    raw: BTreeMap<String, String>,
    columns: &BTreeMap<String, String>,
    key: &str,
    problems: &mut Vec<String>,
) -> Vec<(String, String)> {
    for (column, header) in &raw {
        if !["unit", "account"].contains(&column.as_str()) {
            problems.push(format!(
                "{key}.names.{column}: names are read for unit and account (expected names: {{ unit: HEADER, account: HEADER }})"
            ));
        } else if header.trim().is_empty() {
            problems.push(format!(
                "{key}.names.{column}: the header is empty (expected the header of the column that holds the names)"
            ));
        } else if columns
            .get(column)
            .is_some_and(|c| c.trim().to_lowercase() == header.trim().to_lowercase())
        {
            problems.push(format!(
                "{key}.names.{column}: \"{header}\" is also the header of the codes (columns.{column}); give the names' own column, or leave out columns.{column} when the names are the codes"
            ));
        }
    }
    raw.into_iter().collect()
}

/// Why a path or glob would leave the data folder, if it would.
fn outside(pattern: &str) -> Option<&'static str> {
    let p = pattern.trim();
    if p.is_empty() {
        return Some("is empty");
    }
    if p.starts_with('/') || p.starts_with('\\') || p.get(1..2) == Some(":") {
        return Some("is an absolute path");
    }
    if p.split(['/', '\\']).any(|part| part == "..") {
        return Some("leaves the data folder (..)");
    }
    None
}

/// Whether `path` (relative, `/` between folders) matches the glob `pattern` (`globset`):
/// `*` any characters but `/`, `?` one such character, `**` any folders (also none), `[ab]`
/// and `{a,b}` as in shells. Case is ignored, as on the file systems exports are saved to.
pub(crate) fn glob_matches(pattern: &str, path: &str) -> bool {
    glob(pattern).is_ok_and(|g| g.compile_matcher().is_match(path))
}

/// The glob a `file:` pattern stands for (a `\` between folders read as `/`).
fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(&pattern.trim().replace('\\', "/"))
        .literal_separator(true)
        .case_insensitive(true)
        .build()
}

/// The month in a file name: the last `YYYY-MM`, `YYYY_MM` or `YYYYMM` in it (digits not part
/// of a longer number), with a year from 1000 and a month 1–12.
pub(crate) fn month_in_name(name: &str) -> Option<Month> {
    let b = name.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut found = None;
    for i in 0..b.len() {
        if !digit(i) || (i > 0 && digit(i - 1)) {
            continue;
        }
        let run = (i..b.len()).take_while(|&j| digit(j)).count();
        let text = |from: usize, len: usize| std::str::from_utf8(&b[from..from + len]).ok();
        let month = if run == 4 && matches!(b.get(i + 4), Some(b'-' | b'_')) && digit(i + 5) {
            let m_run = (i + 5..b.len()).take_while(|&j| digit(j)).count();
            (m_run == 2)
                .then(|| Some((text(i, 4)?.parse().ok()?, text(i + 5, 2)?.parse().ok()?)))
                .flatten()
        } else if run == 6 {
            Some((text(i, 4)?.parse().ok()?, text(i + 4, 2)?.parse().ok()?))
        } else {
            None
        };
        if let Some((y, m)) = month
            && let Some(m) = Month::new(y, m)
        {
            found = Some(m);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches(
            "exports/huvudbok-*.xlsx",
            "exports/huvudbok-2020-09.xlsx"
        ));
        assert!(glob_matches(
            "Exports/HUVUDBOK-*.XLSX",
            "exports/huvudbok-2020-09.xlsx"
        ));
        assert!(!glob_matches(
            "exports/huvudbok-*.xlsx",
            "exports/old/huvudbok-1.xlsx"
        ));
        assert!(glob_matches(
            "**/huvudbok-*.xlsx",
            "exports/old/huvudbok-1.xlsx"
        ));
        assert!(glob_matches("**/huvudbok-*.xlsx", "huvudbok-1.xlsx"));
        assert!(glob_matches("huvudbok-20??-0?.csv", "huvudbok-2020-09.csv"));
        assert!(!glob_matches("*.csv", "a/b.csv"));
        assert!(glob_matches("ledger.csv", "ledger.csv"));
        assert!(!glob_matches("ledger.csv", "ledger.csv.bak"));
        assert!(glob_matches("*", "x"));
        assert!(glob_matches("**/x/*.csv", "a/x/b/x/c.csv"));
        assert!(!glob_matches("**/x/*.csv", "a/x/b/y/c.csv"));
        assert!(!glob_matches("a*b*c*d*e*f*g", &"ab".repeat(2000)));
        assert!(glob_matches("hb-{2020,2021}-*.csv", "hb-2021-01.csv"));
        assert!(glob("hb-[.csv").is_err());
    }

    #[test]
    fn months_in_names() {
        let m = |s: &str| month_in_name(s).map(|m| m.to_string());
        assert_eq!(m("Orebro.2016-03.xlsx").as_deref(), Some("2016-03"));
        assert_eq!(m("huvudbok_202009.csv").as_deref(), Some("2020-09"));
        assert_eq!(m("hb-2020_11.csv").as_deref(), Some("2020-11"));
        assert_eq!(m("v2-export-2020-13.csv"), None);
        assert_eq!(m("export-20200931.csv"), None);
        assert_eq!(m("export.csv"), None);
        assert_eq!(m("2019-12 till 2020-01.csv").as_deref(), Some("2020-01"));
    }

    #[test]
    fn paths_that_leave_the_folder() {
        assert_eq!(outside("../x.csv"), Some("leaves the data folder (..)"));
        assert_eq!(outside("/etc/passwd"), Some("is an absolute path"));
        assert_eq!(outside("C:\\x.csv"), Some("is an absolute path"));
        assert_eq!(outside("a/b-*.csv"), None);
    }
}
