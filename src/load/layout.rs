//! How one file is read besides the contract's own names: configured headers, a month given
//! for every row, lines above the header and the sheet of a workbook.

use super::header::{column_names, header_name};
use super::spec::TableSpec;
use crate::diag::quoted;

/// How one file's header and rows are read besides the contract's own names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// The configured source's key in messages (`sources.transactions`), when there is one.
    pub key: String,
    /// Contract column and the header that holds it.
    pub columns: Vec<(String, String)>,
    /// A contract column the config gives for every row, and its value as text.
    pub constant: Option<(&'static str, String)>,
    /// Lines above the header.
    pub skip_rows: u64,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// Code column and the header of the column that holds its names (`names:`).
    pub names: Vec<(String, String)>,
}

/// A header as the contract reads it ([`Layout::map_header`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Mapped {
    /// Each header cell's contract column; empty for a column of names.
    pub names: Vec<String>,
    /// The columns of names beside their codes: code column and the header cell's index.
    pub name_columns: Vec<(String, usize)>,
}

impl Layout {
    /// The contract's names and nothing else.
    pub(crate) const PLAIN: Layout = Layout {
        key: String::new(),
        columns: Vec::new(),
        constant: None,
        skip_rows: 0,
        sheet: None,
        names: Vec::new(),
    };

    /// The header as the contract reads it: the configured headers first, then the contract's
    /// own and the Swedish names ([`column_names`]). Every configured header the file lacks is
    /// a problem that lists what the header has. A column of names (`names:`) beside its
    /// code column is kept aside; without a code column the names are the codes.
    pub(crate) fn map_header(
        &self,
        spec: TableSpec,
        header: &[String],
    ) -> Result<Mapped, Vec<String>> {
        let mut names = column_names(spec, header);
        let mut problems = Vec::new();
        let find = |wanted: &str, what: String, problems: &mut Vec<String>| -> Vec<usize> {
            let want = header_name(wanted);
            let found: Vec<usize> = (0..header.len())
                .filter(|&i| header_name(&header[i]) == want)
                .collect();
            if found.is_empty() {
                let have: Vec<String> = header
                    .iter()
                    .filter(|h| !header_name(h).is_empty())
                    .map(|h| quoted(h.trim()))
                    .collect();
                problems.push(format!(
                    "the config names the header {} for {what}, and the file has no such header (it has: {})",
                    quoted(wanted.trim()),
                    if have.is_empty() { "nothing".to_string() } else { have.join(", ") }
                ));
            }
            found
        };
        for (column, wanted) in &self.columns {
            let what = format!("column \"{column}\" ({}.columns.{column})", self.key);
            for i in find(wanted, what, &mut problems) {
                names[i] = column.clone();
            }
        }
        let mut name_columns = Vec::new();
        for (column, wanted) in &self.names {
            let what = format!(
                "the names of column \"{column}\" ({}.names.{column})",
                self.key
            );
            for i in find(wanted, what, &mut problems) {
                if names.iter().enumerate().any(|(j, n)| j != i && n == column) {
                    names[i] = String::new();
                    name_columns.push((column.clone(), i));
                } else {
                    names[i] = column.clone();
                }
            }
        }
        if problems.is_empty() {
            Ok(Mapped {
                names,
                name_columns,
            })
        } else {
            Err(problems)
        }
    }
}
