//! Turning rows of cells from any format into typed columns, collecting every problem.

use std::collections::HashMap;

use super::header::{
    header_name, note_extra_columns, shown_header, shown_headers, swedish_headers,
};
use super::intern::Interner;
use super::layout::Layout;
use super::spec::{ColumnSpec, Kind, TableSpec};
use crate::diag::{Findings, row_list};
use crate::model::money::{self, DecimalMark, NumberError};
use crate::model::period::{self, Month};

/// One cell as a reader found it.
#[derive(Debug, Clone)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Int(i64),
    Float(f64),
    /// A spreadsheet or Parquet date.
    Date(i32, u32, u32),
}

/// A typed column of a loaded table.
#[derive(Debug, Clone)]
pub(crate) enum ColumnData {
    Text(Vec<String>),
    /// Month index (`year * 12 + month - 1`), see [`Month`].
    Month(Vec<i32>),
    Year(Vec<i32>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
    /// öre.
    Money(Vec<i64>),
    Number(Vec<f64>),
}

impl ColumnData {
    fn new(kind: Kind, capacity: usize) -> ColumnData {
        match kind {
            Kind::Text | Kind::YesNo => ColumnData::Text(Vec::with_capacity(capacity)),
            Kind::Month => ColumnData::Month(Vec::with_capacity(capacity)),
            Kind::Year => ColumnData::Year(Vec::with_capacity(capacity)),
            Kind::Date => ColumnData::Date(Vec::with_capacity(capacity)),
            Kind::Money => ColumnData::Money(Vec::with_capacity(capacity)),
            Kind::Number => ColumnData::Number(Vec::with_capacity(capacity)),
        }
    }

    /// The value of row `i` as text, for keys and messages.
    pub(crate) fn display(&self, i: usize) -> String {
        match self {
            ColumnData::Text(v) => v[i].clone(),
            ColumnData::Month(v) => Month(v[i]).to_string(),
            ColumnData::Year(v) | ColumnData::Date(v) => v[i].to_string(),
            ColumnData::Money(v) => money::kronor_string(v[i]),
            ColumnData::Number(v) => v[i].to_string(),
        }
    }
}

/// A loaded, typed table.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub spec: TableSpec,
    /// The file as shown to the user.
    pub file: String,
    /// The row number of each record in its file (header is row 1 in CSV and XLSX).
    pub rows: Vec<u64>,
    pub columns: Vec<(&'static str, ColumnData)>,
    pub sha256: String,
    /// For a table read from several files: the index of each file's first row and the file
    /// as shown, in order. Empty when all rows come from `file`.
    pub parts: Vec<(usize, String)>,
    /// Optional money columns with empty cells: per such column, a flag per record (true
    /// where the cell was empty, which the column's zero does not tell apart from `0`).
    pub blanks: Vec<(&'static str, Vec<bool>)>,
    /// The file's own header for each column whose header is not the contract's name (a
    /// Swedish or a configured header): what messages call the column.
    pub headers: Vec<(&'static str, String)>,
    /// Names read from their own column beside a code column (`names:`), per code column, a
    /// name (or empty) per record; taken out when the file's table is read.
    pub names: Vec<(&'static str, Vec<String>)>,
}

impl Table {
    /// A monthly ledger table (from transactions and budget, or from SIE files).
    pub(crate) fn ledger(
        file: String,
        rows: Vec<u64>,
        period: Vec<i32>,
        unit: Vec<String>,
        account: Vec<String>,
        actual: Vec<i64>,
        budget: Vec<i64>,
    ) -> Table {
        Table {
            spec: super::spec::LEDGER,
            file,
            rows,
            columns: vec![
                ("period", ColumnData::Month(period)),
                ("unit", ColumnData::Text(unit)),
                ("account", ColumnData::Text(account)),
                ("actual", ColumnData::Money(actual)),
                ("budget", ColumnData::Money(budget)),
            ],
            sha256: String::new(),
            parts: Vec::new(),
            blanks: Vec::new(),
            headers: Vec::new(),
            names: Vec::new(),
        }
    }

    /// The column `name` as messages call it: the file's own header when it is not the
    /// contract's name, else the contract's name.
    pub(crate) fn shown<'a>(&'a self, name: &'a str) -> &'a str {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(name, |(_, h)| h.as_str())
    }

    /// The file and row of the record at `i`.
    pub(crate) fn origin(&self, i: usize) -> (&str, u64) {
        let file = match self.parts.partition_point(|(start, _)| *start <= i) {
            0 => self.file.as_str(),
            p => self.parts[p - 1].1.as_str(),
        };
        (file, self.rows[i])
    }

    /// The number of the file (0 for the first) that the record at `i` comes from.
    pub(crate) fn part_of(&self, i: usize) -> usize {
        self.parts
            .partition_point(|(start, _)| *start <= i)
            .saturating_sub(1)
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) fn column(&self, name: &str) -> Option<&ColumnData> {
        self.columns
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c)
    }

    pub(crate) fn text(&self, name: &str) -> &[String] {
        match self.column(name) {
            Some(ColumnData::Text(v)) => v,
            _ => &[],
        }
    }

    pub(crate) fn months(&self, name: &str) -> &[i32] {
        match self.column(name) {
            Some(ColumnData::Month(v)) | Some(ColumnData::Year(v)) | Some(ColumnData::Date(v)) => v,
            _ => &[],
        }
    }

    pub(crate) fn money(&self, name: &str) -> &[i64] {
        match self.column(name) {
            Some(ColumnData::Money(v)) => v,
            _ => &[],
        }
    }

    /// Whether the optional money cell of `name` at record `i` was left empty.
    pub(crate) fn is_blank(&self, name: &str, i: usize) -> bool {
        self.blanks
            .iter()
            .any(|(n, flags)| *n == name && flags.get(i).copied().unwrap_or(false))
    }

    pub(crate) fn money_mut(&mut self, name: &str) -> Option<&mut Vec<i64>> {
        self.columns.iter_mut().find_map(|(n, c)| match c {
            ColumnData::Money(v) if *n == name => Some(v),
            _ => None,
        })
    }

    pub(crate) fn numbers(&self, name: &str) -> &[f64] {
        match self.column(name) {
            Some(ColumnData::Number(v)) => v,
            _ => &[],
        }
    }
}

/// The empty-cell flags of column `name` in a table's [`Table::blanks`], added when missing.
pub(crate) fn blank_flags<'a>(
    blanks: &'a mut Vec<(&'static str, Vec<bool>)>,
    name: &'static str,
) -> &'a mut Vec<bool> {
    let at = match blanks.iter().position(|(n, _)| *n == name) {
        Some(at) => at,
        None => {
            blanks.push((name, Vec::new()));
            blanks.len() - 1
        }
    };
    &mut blanks[at].1
}

/// The largest plain number (hours, counts, production figures) accepted, either way: far
/// beyond any real region, and small enough that sums and ratios of such numbers stay finite.
pub(crate) const MAX_NUMBER: f64 = 1e12;

/// The most problems listed per file before the rest are counted.
const MAX_LISTED: usize = 50;

/// Builds a [`Table`] row by row from any reader.
pub(crate) struct TableBuilder {
    spec: TableSpec,
    file: String,
    mark: DecimalMark,
    /// For each spec column, the index of the file column that holds it.
    index: Vec<Option<usize>>,
    columns: Vec<ColumnData>,
    rows: Vec<u64>,
    findings: Findings,
    listed: usize,
    unlisted: usize,
    rounded: HashMap<&'static str, (u64, usize)>,
    /// Months written as the first day of the month, per column: first row, count.
    first_days: HashMap<&'static str, (u64, usize)>,
    /// Months written as another day, per column: first row, its text, count.
    other_days: HashMap<&'static str, (u64, String, usize)>,
    width: usize,
    /// The value of a column the config gives for every row, by its index among the spec
    /// columns.
    constant: Option<(usize, String)>,
    /// Empty cells of optional money columns, as [`Table::blanks`].
    blanks: Vec<(&'static str, Vec<bool>)>,
    /// Whether an amount of the file has a decimal comma (the file's decimal mark is then the
    /// comma).
    comma_decimals: bool,
    /// The first amount whose point is a decimal point (not followed by groups of three
    /// digits): its row and text.
    point_decimal: Option<(u64, String)>,
    /// Amounts whose points may group thousands (`-1.500`), read as thousands for now and
    /// settled when the whole file has been read ([`TableBuilder::settle_dotted`]).
    dotted: Vec<Dotted>,
    /// The file's own headers, as [`Table::headers`].
    headers: Vec<(&'static str, String)>,
    /// Dates given as months, per column: first row, its text, count.
    month_dates: HashMap<&'static str, (u64, String, usize)>,
    /// The columns of names beside their codes: code column, header index, the names read.
    names: Vec<(&'static str, usize, Vec<String>)>,
}

/// An amount whose points may group thousands, as [`money::dotted_thousands`] shapes it.
struct Dotted {
    /// Its record and the index of its column among the spec columns.
    record: usize,
    ci: usize,
    row: u64,
    name: &'static str,
    text: String,
}

/// The file and row of a header, for its problems.
type HeaderAt<'a> = (&'a str, u64);

/// The column whose value the config gives for every row ([`Layout::constant`]), added to the
/// header `names`: its index among the spec columns and its value. `false` (an error given)
/// when the file has the column too.
fn place_constant(
    spec: TableSpec,
    shape: &Layout,
    header: &[String],
    names: &mut Vec<String>,
    (file, header_row): HeaderAt<'_>,
    findings: &mut Findings,
) -> (Option<(usize, String)>, bool) {
    let Some((column, value)) = &shape.constant else {
        return (None, true);
    };
    let mut ok = true;
    if let Some(i) = names.iter().position(|n| n == column) {
        findings.error(
            file,
            Some(header_row),
            Some(column),
            format!(
                "the file has this column (\"{}\", column {}) and the config gives the month of every row (`period` or `period_from_file_name`); keep one",
                header[i].trim(),
                i + 1
            ),
        );
        ok = false;
    } else {
        names.push(column.to_string());
    }
    let constant = spec
        .columns
        .iter()
        .position(|c| c.name == *column)
        .map(|ci| (ci, value.clone()));
    (constant, ok)
}

/// The header cell `cell` of contract column `name` as messages show it, when it is not the
/// contract's name.
fn shown_headers_of(name: &str, cell: &str) -> Option<String> {
    (header_name(cell) != name).then(|| shown_header(cell))
}

/// A column named twice in the header is an error; `false` when there is one.
fn check_repeats(
    header: &[String],
    names: &[String],
    (file, header_row): HeaderAt<'_>,
    findings: &mut Findings,
) -> bool {
    let mut ok = true;
    let mut seen = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(n.clone(), i) {
            let same = header_name(&header[first]) == header_name(&header[i]);
            // The same header twice is named as the file writes it.
            let shown = shown_headers_of(n, &header[i]).filter(|_| same);
            findings.error(
                file,
                Some(header_row),
                Some(shown.as_deref().unwrap_or(n)),
                if same {
                    format!(
                        "the column appears twice in the header (columns {} and {})",
                        first + 1,
                        i + 1
                    )
                } else {
                    format!(
                        "two headers name this column: \"{}\" (column {}) and \"{}\" (column {}); keep one",
                        header[first].trim(),
                        first + 1,
                        header[i].trim(),
                        i + 1
                    )
                },
            );
            ok = false;
        }
    }
    ok
}

/// For each spec column, the index of the header column that holds it. A missing required
/// column is an error; `false` when there is one.
fn column_index(
    spec: TableSpec,
    header: &[String],
    names: &[String],
    (file, header_row): HeaderAt<'_>,
    findings: &mut Findings,
) -> (Vec<Option<usize>>, bool) {
    let mut ok = true;
    let mut index = Vec::new();
    for c in spec.columns {
        let found = names.iter().position(|n| n == c.name);
        if found.is_none() && c.required {
            // The header as the file writes it.
            let have: Vec<String> = header
                .iter()
                .filter(|h| !header_name(h).is_empty())
                .map(|h| shown_header(h))
                .collect();
            let mut heads = vec![format!("\"{}\"", c.name)];
            heads.extend(swedish_headers(c.name).iter().map(|h| format!("\"{h}\"")));
            let last = heads.pop().unwrap_or_default();
            let heads = if heads.is_empty() {
                last
            } else {
                format!("{} or {last}", heads.join(", "))
            };
            findings.error(
                file,
                Some(header_row),
                None,
                format!(
                    "missing required column \"{}\" (a header {heads}; expected {}; the header has: {})",
                    c.name,
                    c.kind.expected(),
                    if have.is_empty() {
                        "nothing".to_string()
                    } else {
                        have.join(", ")
                    }
                ),
            );
            ok = false;
        }
        index.push(found);
    }
    (index, ok)
}

impl TableBuilder {
    /// Matches the header against the contract; `None` when a required column is missing
    /// (each missing column is reported).
    pub(crate) fn new(
        spec: TableSpec,
        file: &str,
        header: &[String],
        mark: DecimalMark,
        header_row: u64,
        shape: &Layout,
        findings: &mut Findings,
    ) -> Option<TableBuilder> {
        let (mut names, name_columns) = match shape.map_header(spec, header) {
            Ok(m) => (m.names, m.name_columns),
            Err(problems) => {
                for p in problems {
                    findings.error(file, Some(header_row), None, p);
                }
                return None;
            }
        };
        let at = (file, header_row);
        let (constant, placed) = place_constant(spec, shape, header, &mut names, at, findings);
        let unrepeated = check_repeats(header, &names, at, findings);
        let (index, complete) = column_index(spec, header, &names, at, findings);
        let ok = placed && unrepeated && complete;
        note_extra_columns(spec, &names, file, findings);
        let headers = shown_headers(spec, header, &names);
        if !ok {
            return None;
        }
        Some(TableBuilder {
            spec,
            file: file.to_string(),
            mark,
            columns: spec
                .columns
                .iter()
                .map(|c| ColumnData::new(c.kind, 0))
                .collect(),
            index,
            rows: Vec::new(),
            findings: Findings::default(),
            listed: 0,
            unlisted: 0,
            rounded: HashMap::new(),
            first_days: HashMap::new(),
            other_days: HashMap::new(),
            width: header.len(),
            constant,
            blanks: Vec::new(),
            comma_decimals: false,
            point_decimal: None,
            dotted: Vec::new(),
            headers,
            month_dates: HashMap::new(),
            names: name_columns
                .into_iter()
                .filter_map(|(column, i)| {
                    let c = spec.columns.iter().find(|c| c.name == column)?;
                    Some((c.name, i, Vec::new()))
                })
                .collect(),
        })
    }

    /// The column `name` as messages call it ([`Table::shown`]).
    fn shown(&self, name: &str) -> String {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(name, |(_, h)| h.as_str())
            .to_string()
    }

    fn problem(&mut self, row: u64, column: &str, message: String) {
        self.problem_in(row, Some(column), message);
    }

    /// A problem of the row, or of one of its cells; listed while fewer than [`MAX_LISTED`]
    /// are, then counted.
    fn problem_in(&mut self, row: u64, column: Option<&str>, message: String) {
        if self.listed < MAX_LISTED {
            let column = column.map(|c| self.shown(c));
            self.findings
                .error(&self.file, Some(row), column.as_deref(), message);
            self.listed += 1;
        } else {
            self.unlisted += 1;
        }
    }

    /// Adds one record. Records whose cells are all empty are skipped.
    pub(crate) fn push(&mut self, row: u64, cells: &[Cell<'_>]) {
        if cells.iter().all(is_empty_cell) {
            return;
        }
        self.check_width(row, cells);
        let constant = self.constant.take();
        for ci in 0..self.spec.columns.len() {
            let column = self.spec.columns[ci];
            let cell = match (self.index[ci], &constant) {
                (_, Some((c, value))) if *c == ci => Cell::Text(value),
                (Some(i), _) => cells.get(i).cloned().unwrap_or(Cell::Empty),
                (None, _) => Cell::Empty,
            };
            let required = column.required && self.index[ci].is_some();
            let negative_cell = column.nonnegative.map(|why| (why, cell.clone()));
            self.push_cell(row, ci, column, required, cell);
            if let Some((why, cell)) = negative_cell {
                self.check_nonnegative(row, ci, column.name, why, &cell);
            }
        }
        self.constant = constant;
        for (_, i, names) in &mut self.names {
            names.push(match cells.get(*i) {
                Some(Cell::Text(t)) => t.trim().to_string(),
                Some(Cell::Int(n)) => n.to_string(),
                Some(Cell::Float(f)) => f.to_string(),
                _ => String::new(),
            });
        }
        self.rows.push(row);
    }

    /// A row with more fields than the header is a problem when the extra fields hold
    /// anything.
    fn check_width(&mut self, row: u64, cells: &[Cell<'_>]) {
        if cells.len() > self.width
            && cells[self.width..]
                .iter()
                .any(|c| !matches!(c, Cell::Empty | Cell::Text("")))
        {
            let (n, w) = (cells.len(), self.width);
            self.problem_in(
                row,
                None,
                format!(
                    "the row has {n} fields but the header has {w} (is a separator inside a value?)"
                ),
            );
        }
    }

    /// The amount just pushed to column `ci` must not be negative (`why` says why).
    fn check_nonnegative(
        &mut self,
        row: u64,
        ci: usize,
        name: &'static str,
        why: &str,
        cell: &Cell<'_>,
    ) {
        if let ColumnData::Money(col) = &self.columns[ci]
            && col.last().is_some_and(|v| *v < 0)
        {
            let msg = format!(
                "{} is negative (expected 0 or more: {why})",
                shown_cell(cell)
            );
            self.problem(row, name, msg);
        }
    }

    /// Reads one cell into column `ci` as its kind and the column's rules say.
    fn push_cell(
        &mut self,
        row: u64,
        ci: usize,
        column: ColumnSpec,
        required: bool,
        cell: Cell<'_>,
    ) {
        let name = column.name;
        let is_empty = is_empty_cell(&cell);
        // An optional month, year or date may be left empty: 0 stands for none.
        if is_empty && !required && matches!(column.kind, Kind::Month | Kind::Year | Kind::Date) {
            if let ColumnData::Month(c) | ColumnData::Year(c) | ColumnData::Date(c) =
                &mut self.columns[ci]
            {
                c.push(0);
            }
            return;
        }
        match column.kind {
            Kind::Text => {
                let v = self.text_value(row, column, required, &cell);
                if let ColumnData::Text(col) = &mut self.columns[ci] {
                    col.push(v);
                }
            }
            Kind::YesNo => {
                let v = self.yes_no_value(row, name, &cell);
                if let ColumnData::Text(col) = &mut self.columns[ci] {
                    col.push(v.to_string());
                }
            }
            Kind::Month => {
                let v = self.month_value(row, name, is_empty, &cell);
                if let ColumnData::Month(col) = &mut self.columns[ci] {
                    col.push(v);
                }
            }
            Kind::Year => {
                let v = self.year_value(row, name, &cell);
                if let ColumnData::Year(col) = &mut self.columns[ci] {
                    col.push(v);
                }
            }
            Kind::Date => {
                let v = self.date_value(row, column, &cell);
                if let ColumnData::Date(col) = &mut self.columns[ci] {
                    col.push(v);
                }
            }
            Kind::Money => {
                let v = self.money_value(row, ci, name, required, is_empty, &cell);
                if let ColumnData::Money(col) = &mut self.columns[ci] {
                    col.push(v);
                }
            }
            Kind::Number => {
                let v = self.number_value(row, name, is_empty, &cell);
                if let ColumnData::Number(col) = &mut self.columns[ci] {
                    col.push(v);
                }
            }
        }
    }

    /// A text cell, trimmed; too long, or empty where the column needs a value, is a problem.
    fn text_value(
        &mut self,
        row: u64,
        column: ColumnSpec,
        required: bool,
        cell: &Cell<'_>,
    ) -> String {
        let v = match cell {
            Cell::Text(t) => t.trim().to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                format!("{}", *f as i64)
            }
            Cell::Float(f) => f.to_string(),
            Cell::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            Cell::Empty => String::new(),
        };
        let limit = column.max_chars;
        if v.len() > limit && v.chars().count() > limit {
            self.problem(
                row,
                column.name,
                format!(
                    "{} is too long (expected at most {limit} characters)",
                    shown_cell(cell)
                ),
            );
        }
        if v.is_empty() && required && !column.may_be_empty {
            self.problem(
                row,
                column.name,
                format!("empty value (expected {})", Kind::Text.expected()),
            );
        }
        v
    }

    /// A yes-or-no cell as `ja`, `nej` or empty; anything else is a problem (and empty).
    fn yes_no_value(&mut self, row: u64, name: &'static str, cell: &Cell<'_>) -> &'static str {
        let text = match cell {
            Cell::Text(t) => t.trim().to_lowercase(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => f.to_string(),
            _ => String::new(),
        };
        match text.as_str() {
            "" => "",
            "ja" | "j" | "yes" | "y" | "true" | "sant" | "1" | "x" => "ja",
            "nej" | "n" | "no" | "false" | "falskt" | "0" => "nej",
            _ => {
                self.problem(
                    row,
                    name,
                    format!(
                        "{} is not yes or no (expected {})",
                        shown_cell(cell),
                        Kind::YesNo.expected()
                    ),
                );
                ""
            }
        }
    }

    /// A month cell as its index; a cell that is no month is a problem (and 0).
    fn month_value(
        &mut self,
        row: u64,
        name: &'static str,
        is_empty: bool,
        cell: &Cell<'_>,
    ) -> i32 {
        let v = self.month_or_day(row, name, cell, month_of_cell(cell));
        match v {
            Some(m) => m.index(),
            None => {
                let msg = if is_empty {
                    format!("empty value (expected {})", Kind::Month.expected())
                } else {
                    format!(
                        "{} is not a month (expected {})",
                        shown_cell(cell),
                        Kind::Month.expected()
                    )
                };
                self.problem(row, name, msg);
                0
            }
        }
    }

    /// A date where a month is expected: the first day of a month is that month (a note for
    /// text, as Excel date cells are a usual way to write months); another day is refused
    /// once for the column. `month` is the cell read as a month.
    fn month_or_day(
        &mut self,
        row: u64,
        name: &'static str,
        cell: &Cell<'_>,
        month: Option<Month>,
    ) -> Option<Month> {
        match cell {
            Cell::Text(t) if month.is_none() => match period::parse_date(t) {
                Some((y, m, 1)) => {
                    self.first_days.entry(name).or_insert((row, 0)).1 += 1;
                    Month::new(y, m)
                }
                Some(_) => {
                    self.other_day(row, name, cell);
                    Some(Month(0))
                }
                None => None,
            },
            Cell::Date(_, _, d) if *d != 1 => {
                self.other_day(row, name, cell);
                Some(Month(0))
            }
            _ => month,
        }
    }

    /// Counts a day other than the first where a month is expected.
    fn other_day(&mut self, row: u64, name: &'static str, cell: &Cell<'_>) {
        let text = shown_cell(cell);
        self.other_days.entry(name).or_insert((row, text, 0)).2 += 1;
    }

    /// A year cell; a cell that is no year is a problem (and 0).
    fn year_value(&mut self, row: u64, name: &'static str, cell: &Cell<'_>) -> i32 {
        let v = match cell {
            Cell::Text(t) => period::parse_year(t),
            Cell::Int(i) if (1000..=9999).contains(i) => Some(*i as i32),
            Cell::Float(f) if f.fract() == 0.0 && (1000.0..=9999.0).contains(f) => Some(*f as i32),
            _ => None,
        };
        v.unwrap_or_else(|| {
            let msg = format!(
                "{} is not a year (expected {})",
                shown_cell(cell),
                Kind::Year.expected()
            );
            self.problem(row, name, msg);
            0
        })
    }

    /// A date cell as days since 1970-01-01; a cell that is no date is a problem (and 0).
    fn date_value(&mut self, row: u64, column: ColumnSpec, cell: &Cell<'_>) -> i32 {
        let name = column.name;
        let v = match cell {
            Cell::Text(t) => period::parse_date(t),
            Cell::Date(y, m, d) => Some((*y, *m, *d)),
            _ => None,
        };
        if v.is_none()
            && column.month_ok
            && let Some(m) = month_of_cell(cell)
        {
            let text = shown_cell(cell);
            self.month_dates.entry(name).or_insert((row, text, 0)).2 += 1;
            return period::first_day(m);
        }
        match v {
            Some((y, m, d)) => crate::clock::days_from_civil(y, m, d),
            None => {
                let msg = if column.month_ok {
                    format!(
                        "{} is not a date or a month (expected {}, or a month as YYYY-MM or YYYYMM, e.g. 2020-09, where the export gives no day)",
                        shown_cell(cell),
                        Kind::Date.expected()
                    )
                } else {
                    format!(
                        "{} is not a date (expected {})",
                        shown_cell(cell),
                        Kind::Date.expected()
                    )
                };
                self.problem(row, name, msg);
                0
            }
        }
    }

    /// An amount cell in öre. An empty cell of an optional column is flagged in
    /// [`Table::blanks`]; a rounded amount is counted; a cell that is no amount is a problem
    /// (and 0).
    fn money_value(
        &mut self,
        row: u64,
        ci: usize,
        name: &'static str,
        required: bool,
        is_empty: bool,
        cell: &Cell<'_>,
    ) -> i64 {
        if is_empty && !required {
            let record = self.rows.len();
            let flags = blank_flags(&mut self.blanks, name);
            flags.resize(record, false);
            flags.push(true);
        }
        let v = match cell {
            _ if is_empty => Ok((0, false)),
            Cell::Text(t) => self.money_text(row, ci, name, t),
            Cell::Int(i) if i.unsigned_abs() < 1_000_000_000_000_000 => Ok((i * 100, false)),
            Cell::Int(_) => Err(NumberError::TooLarge),
            // A binary number's tail (`9632.000000001`) is noise, rounded away silently;
            // a third decimal (`12.345`) is a rounding the reader is told of.
            Cell::Float(f) => money::ore_from_f64(*f).map(|v| {
                (
                    v,
                    (*f * 100.0 - v as f64).abs() > 1e-4 * (1.0 + v.unsigned_abs() as f64 * 1e-9),
                )
            }),
            _ => Err(NumberError::NotANumber),
        };
        match v {
            Ok((ore, rounded)) => {
                if rounded {
                    self.count_rounded(name, row);
                }
                ore
            }
            Err(e) => {
                self.problem(row, name, money_problem(cell, e));
                0
            }
        }
    }

    /// A plain number cell; a cell that is no number, or past [`MAX_NUMBER`], is a problem
    /// (and 0).
    fn number_value(
        &mut self,
        row: u64,
        name: &'static str,
        is_empty: bool,
        cell: &Cell<'_>,
    ) -> f64 {
        let v = match cell {
            _ if is_empty => Ok(0.0),
            Cell::Text(t) => money::parse_f64(t, self.mark),
            Cell::Int(i) => Ok(*i as f64),
            Cell::Float(f) if !f.is_nan() => Ok(*f),
            _ => Err(NumberError::NotANumber),
        };
        match v {
            Ok(v) if v.is_finite() && v.abs() <= MAX_NUMBER => v,
            Ok(_) => {
                let msg = format!(
                    "{} is too large (expected a number from -1 000 000 000 000 to 1 000 000 000 000)",
                    shown_cell(cell)
                );
                self.problem(row, name, msg);
                0.0
            }
            Err(_) => {
                let msg = format!(
                    "{} is not a number (expected {})",
                    shown_cell(cell),
                    Kind::Number.expected()
                );
                self.problem(row, name, msg);
                0.0
            }
        }
    }

    /// An amount written as text. With the comma as decimal mark, a point followed by groups
    /// of three digits is read as a thousands separator until the whole file is read.
    fn money_text(
        &mut self,
        row: u64,
        ci: usize,
        name: &'static str,
        text: &str,
    ) -> Result<(i64, bool), NumberError> {
        if self.mark == DecimalMark::Comma {
            if let Some(plain) = money::dotted_thousands(text) {
                let parsed = money::parse_ore(&plain, DecimalMark::Comma);
                if let Ok((ore, _)) = parsed {
                    self.comma_decimals |= plain.contains(',');
                    self.dotted.push(Dotted {
                        record: self.rows.len(),
                        ci,
                        row,
                        name,
                        text: text.trim().to_string(),
                    });
                    return Ok((ore, false));
                }
                return parsed;
            }
            if text.contains(',') {
                self.comma_decimals = true;
            } else if text.contains('.') && self.point_decimal.is_none() {
                self.point_decimal = Some((row, text.trim().to_string()));
            }
        }
        money::parse_ore(text, self.mark)
    }

    fn count_rounded(&mut self, name: &'static str, row: u64) {
        let e = self.rounded.entry(name).or_insert((row, 0));
        e.0 = e.0.min(row);
        e.1 += 1;
    }

    /// Settles the amounts whose points may group thousands, now that the file is read. In a
    /// file whose decimal mark is the comma they are thousands when no other amount uses the
    /// point as a decimal mark (a note says so), else each is refused: a point between
    /// thousands or a mistake. In a file without a decimal comma the point is the decimal mark.
    fn settle_dotted(&mut self) {
        let dotted = std::mem::take(&mut self.dotted);
        let Some(first) = dotted.first() else {
            return;
        };
        let file = self.file.clone();
        if self.comma_decimals && self.point_decimal.is_none() {
            let shown = money::dotted_thousands(&first.text)
                .and_then(|t| money::parse_ore(&t, DecimalMark::Comma).ok())
                .map_or_else(String::new, |(ore, _)| money::kronor_text(ore));
            let (n, text, row) = (dotted.len(), &first.text, first.row);
            self.findings.note(
                &file,
                if n == 1 {
                    format!("the amount \"{text}\" on row {row} has a point between thousands and was read as {shown} kr: the file's decimal mark is the comma")
                } else {
                    format!("{n} amounts have a point between thousands (the first \"{text}\" on row {row}, read as {shown} kr): the file's decimal mark is the comma and no amount uses the point as a decimal mark, so the points were read as thousands separators")
                },
            );
            for d in &dotted {
                if let Some(Ok((_, true))) = money::dotted_thousands(&d.text)
                    .map(|t| money::parse_ore(&t, DecimalMark::Comma))
                {
                    self.count_rounded(d.name, d.row);
                }
            }
            return;
        }
        for d in dotted {
            if self.comma_decimals {
                if d.text.contains(',') {
                    continue;
                }
                let (prow, ptext) = self.point_decimal.clone().unwrap_or_default();
                self.problem(
                    d.row,
                    d.name,
                    format!("\"{}\" has a point before three digits in a file whose decimal mark is the comma, while \"{ptext}\" on row {prow} has a decimal point: a point between thousands or a mistake (expected an amount in kronor with a decimal comma, e.g. -1 234,50)", d.text),
                );
                continue;
            }
            match money::parse_ore(&d.text, DecimalMark::Comma) {
                Ok((ore, rounded)) => {
                    if let ColumnData::Money(col) = &mut self.columns[d.ci] {
                        col[d.record] = ore;
                    }
                    if rounded {
                        self.count_rounded(d.name, d.row);
                    }
                }
                Err(_) => self.problem(
                    d.row,
                    d.name,
                    format!(
                        "\"{}\" is not a number (expected {})",
                        d.text,
                        Kind::Money.expected()
                    ),
                ),
            }
        }
    }

    /// Finishes the table: checks keys, reports rounding, and hands back the findings.
    pub(crate) fn finish(mut self, sha256: String, findings: &mut Findings) -> Table {
        self.settle_dotted();
        if self.unlisted > 0 {
            let (n, file) = (self.unlisted, self.file.clone());
            self.findings.more_errors(&file, n, "problems in this file");
        }
        let mut first_days: Vec<_> = self.first_days.iter().collect();
        first_days.sort_by_key(|(name, (row, _))| (*row, **name));
        for (name, (first, count)) in first_days {
            let name = self.shown(name);
            self.findings.note(
                &self.file,
                format!("column \"{name}\": {count} months were written as the first day of the month (first on row {first}) and were read as that month"),
            );
        }
        let mut month_dates: Vec<_> = self.month_dates.iter().collect();
        month_dates.sort_by_key(|(name, (row, _, _))| (*row, **name));
        for (name, (first, text, count)) in month_dates {
            let name = self.shown(name);
            self.findings.note(
                &self.file,
                if *count == 1 {
                    format!("column \"{name}\": the date {text} on row {first} is a month; the transaction is dated the first day of that month")
                } else {
                    format!("column \"{name}\": {count} dates are months (the first {text} on row {first}); each such transaction is dated the first day of its month")
                },
            );
        }
        let mut other_days: Vec<_> = self.other_days.iter().collect();
        other_days.sort_by_key(|(name, (row, _, _))| (*row, **name));
        for (name, (first, text, count)) in other_days {
            let shown = self.shown(name);
            self.findings.error(
                &self.file,
                Some(*first),
                Some(&shown),
                if *count > 1 {
                    format!("{text} is a day, not a month, and so are {} more rows (expected a month, YYYY-MM, or the first day of a month)", count - 1)
                } else {
                    format!("{text} is a day, not a month (expected a month, YYYY-MM, or the first day of a month)")
                },
            );
        }
        let mut rounded: Vec<_> = self.rounded.iter().collect();
        rounded.sort_by_key(|(name, (row, _))| (*row, **name));
        for (name, (first, count)) in rounded {
            let shown = self.shown(name);
            self.findings.warning(
                &self.file,
                Some(*first),
                Some(&shown),
                if *count == 1 {
                    "1 amount had more than two decimals and was rounded to whole öre (at this row)"
                        .to_string()
                } else {
                    format!("{count} amounts had more than two decimals and were rounded to whole öre (first at this row)")
                },
            );
        }
        let columns: Vec<(&'static str, ColumnData)> = self
            .spec
            .columns
            .iter()
            .zip(self.columns)
            .zip(&self.index)
            .filter(|((_, _), idx)| idx.is_some())
            .map(|((c, data), _)| (c.name, data))
            .collect();
        let mut blanks = self.blanks;
        for (_, flags) in &mut blanks {
            flags.resize(self.rows.len(), false);
        }
        let table = Table {
            spec: self.spec,
            file: self.file,
            rows: self.rows,
            columns,
            sha256,
            parts: Vec::new(),
            blanks,
            headers: self.headers,
            names: self
                .names
                .into_iter()
                .map(|(column, _, names)| (column, names))
                .collect(),
        };
        if !self.findings.has_errors() {
            check_keys(&table, false, &mut self.findings);
        }
        if table.is_empty() {
            self.findings.error(
                &table.file,
                None,
                None,
                "the file has a header but no rows of data",
            );
        }
        findings.extend(self.findings);
        table
    }
}

/// The most the amounts of one table may add up to without their signs, in öre: a quarter of
/// the largest `i64` (about 23 000 000 000 000 000 kr), so that every sum the report makes from
/// a table, and from a few tables' sums together, is exact.
pub(crate) const MAX_TOTAL_ORE: i64 = i64::MAX / 4;

/// A cell as a message repeats it: text quoted and cut to its beginning when long.
fn shown_cell(c: &Cell<'_>) -> String {
    match c {
        Cell::Text(t) => crate::diag::quoted(t),
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) => f.to_string(),
        Cell::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
        Cell::Empty => "empty".to_string(),
    }
}

/// Whether a cell holds nothing (or only spaces).
fn is_empty_cell(c: &Cell<'_>) -> bool {
    match c {
        Cell::Empty => true,
        Cell::Text(t) => t.trim().is_empty(),
        _ => false,
    }
}

/// A cell read as a month, without the days a date gives ([`TableBuilder::month_or_day`]).
fn month_of_cell(cell: &Cell<'_>) -> Option<Month> {
    match cell {
        Cell::Text(t) => Month::parse(t),
        Cell::Int(i) if (100_001..=999_912).contains(i) => {
            Month::new((*i / 100) as i32, (*i % 100) as u32)
        }
        Cell::Float(f) if f.fract() == 0.0 && (100_001.0..=999_912.0).contains(f) => {
            let i = *f as i64;
            Month::new((i / 100) as i32, (i % 100) as u32)
        }
        Cell::Date(y, m, _) => Month::new(*y, *m),
        _ => None,
    }
}

/// The problem with an amount cell that cannot be read.
fn money_problem(cell: &Cell<'_>, error: NumberError) -> String {
    match error {
        NumberError::TooLarge => {
            let bound = match cell {
                // Binary floating point holds whole öre exactly only this far.
                Cell::Float(_) => "90 000 000 000 000 kr either way in a binary number",
                _ => "1 000 000 000 000 000 kr either way",
            };
            format!(
                "{} is too large for an amount in kronor (expected less than {bound})",
                shown_cell(cell)
            )
        }
        NumberError::NotANumber => format!(
            "{} is not a number (expected {})",
            shown_cell(cell),
            Kind::Money.expected()
        ),
    }
}

/// Refuses a table whose amounts add up past [`MAX_TOTAL_ORE`] without their signs, naming the
/// row and column where the total passes it. `false` when refused.
pub(crate) fn check_total(table: &Table, findings: &mut Findings) -> bool {
    let money: Vec<(&str, &[i64])> = table
        .columns
        .iter()
        .filter_map(|(n, c)| match c {
            ColumnData::Money(v) => Some((*n, v.as_slice())),
            _ => None,
        })
        .collect();
    let mut total: u128 = 0;
    for i in 0..table.len() {
        for (name, values) in &money {
            total += u128::from(values[i].unsigned_abs());
            if total > MAX_TOTAL_ORE as u128 {
                let (file, row) = table.origin(i);
                findings.error(
                    file,
                    Some(row),
                    Some(table.shown(name)),
                    format!(
                        "the amounts of the table, added up without their signs, pass {} kr at this row (expected less: beyond it the report's sums cannot be exact)",
                        money::kronor_text(MAX_TOTAL_ORE)
                    ),
                );
                return false;
            }
        }
    }
    true
}

/// The table's key columns that it has (an optional key column the file leaves out is not
/// part of its key), with their names.
fn key_columns(table: &Table) -> Vec<(&'static str, &ColumnData)> {
    table
        .spec
        .key
        .iter()
        .filter_map(|k| table.column(k).map(|c| (*k, c)))
        .collect()
}

/// Whether the table lacks a required key column (then no key is checked).
fn lacks_key(table: &Table, cols: &[(&str, &ColumnData)]) -> bool {
    table.spec.key.iter().any(|k| {
        !cols.iter().any(|(n, _)| n == k)
            && table
                .spec
                .columns
                .iter()
                .any(|c| c.name == *k && c.required)
    })
}

/// Rows that repeat a key of the table: for each repeated key, the indexes of its rows in file
/// order; keys in the order their second row appears (where the repeat is noticed). Empty when the table has no key or lacks
/// a key column. Keys are numbered per column and compared as one packed integer.
pub(crate) fn duplicate_keys(table: &Table) -> Vec<Vec<usize>> {
    let cols = key_columns(table);
    if cols.is_empty() || lacks_key(table, &cols) {
        return Vec::new();
    }
    let cols: Vec<&ColumnData> = cols.into_iter().map(|(_, c)| c).collect();
    // One id per column value; up to four columns pack into a u128, more share a text key.
    let mut ids: Vec<Vec<u32>> = Vec::with_capacity(cols.len());
    for c in &cols {
        ids.push(match c {
            ColumnData::Text(v) => {
                let mut interner = Interner::default();
                v.iter().map(|t| interner.id(t)).collect()
            }
            ColumnData::Month(v) | ColumnData::Year(v) | ColumnData::Date(v) => {
                v.iter().map(|&x| x as u32).collect()
            }
            other => {
                let texts: Vec<String> = (0..table.len()).map(|i| other.display(i)).collect();
                let mut interner = Interner::default();
                texts.iter().map(|t| interner.id(t)).collect()
            }
        });
    }
    if all_distinct(&ids) == Some(true) {
        return Vec::new();
    }
    let keys: Vec<u128> = if ids.len() <= 4 {
        (0..table.len())
            .map(|i| {
                ids.iter()
                    .fold(0u128, |k, col| (k << 32) | u128::from(col[i]))
            })
            .collect()
    } else {
        let mut interner = std::collections::HashMap::new();
        (0..table.len())
            .map(|i| {
                let key: Vec<u32> = ids.iter().map(|col| col[i]).collect();
                let next = interner.len() as u128;
                *interner.entry(key).or_insert(next)
            })
            .collect()
    };
    // One pass in file order: a key seen before opens its group at its second row (so the
    // groups come in the order their repeats are noticed) or joins the group it has.
    let mut first: std::collections::HashMap<u128, usize> =
        std::collections::HashMap::with_capacity(keys.len());
    let mut group_of: std::collections::HashMap<u128, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, &key) in keys.iter().enumerate() {
        let at = *first.entry(key).or_insert(i);
        if at != i {
            let g = *group_of.entry(key).or_insert_with(|| {
                groups.push(vec![at]);
                groups.len() - 1
            });
            groups[g].push(i);
        }
    }
    groups
}

/// Whether every row's key (one id per column) is distinct, with a bit per possible key when
/// the ids span few enough keys (a ledger's months × units × accounts); `None` when they span
/// too many. One pass over the rows, in a bit set the size of the cache: the common case, a
/// table without repeats, needs nothing more.
fn all_distinct(ids: &[Vec<u32>]) -> Option<bool> {
    /// At most 2^27 bits (16 MiB).
    const MAX_BITS: u64 = 1 << 27;
    let mut spans = Vec::with_capacity(ids.len());
    let mut size: u64 = 1;
    for col in ids {
        let (lo, hi) = (col.iter().min()?, col.iter().max()?);
        let span = u64::from(hi - lo) + 1;
        size = size.checked_mul(span).filter(|&s| s <= MAX_BITS)?;
        spans.push((*lo, span));
    }
    let mut bits = vec![0u64; size.div_ceil(64) as usize];
    for i in 0..ids[0].len() {
        let key = ids.iter().zip(&spans).fold(0u64, |k, (col, &(lo, span))| {
            k * span + u64::from(col[i] - lo)
        });
        let (word, bit) = ((key / 64) as usize, 1u64 << (key % 64));
        if bits[word] & bit != 0 {
            return Some(false);
        }
        bits[word] |= bit;
    }
    Some(true)
}

/// A second row with the same key is an error naming both rows. With `across_files`, only
/// repeats whose rows come from different files of the table (an export read twice); each
/// file's own repeats were reported when it was read.
pub(crate) fn check_keys(table: &Table, across_files: bool, findings: &mut Findings) {
    let cols = key_columns(table);
    let dups: Vec<(String, Vec<usize>)> = duplicate_keys(table)
        .into_iter()
        .filter(|g| !across_files || g.iter().any(|&i| table.part_of(i) != table.part_of(g[0])))
        .map(|g| {
            let key: Vec<String> = cols.iter().map(|(_, c)| c.display(g[0])).collect();
            (key.join("\u{1f}"), g)
        })
        .collect();
    for (key, rows) in dups.iter().take(MAX_LISTED) {
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        let parts: Vec<String> = names
            .iter()
            .zip(key.split('\u{1f}'))
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        // The second row, and the first one in another file when there is one.
        let (file, row) = table.origin(rows[1]);
        let first = if across_files {
            let j = rows
                .iter()
                .copied()
                .find(|&j| table.part_of(j) != table.part_of(rows[1]))
                .unwrap_or(rows[0]);
            let (f, r) = table.origin(j);
            format!("{} of {f}", row_list(&[r]))
        } else {
            row_list(&[table.origin(rows[0]).1])
        };
        findings.error(
            file,
            Some(row),
            None,
            format!(
                "duplicate row for {} (also on {first}; expected one row per {})",
                parts.join(", "),
                names.join(" + ")
            ),
        );
    }
    if dups.len() > MAX_LISTED {
        findings.more_errors(&table.file, dups.len() - MAX_LISTED, "duplicate keys");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each repeated key's rows in file order, the keys in the order their repeats appear.
    #[test]
    fn repeated_keys_are_grouped_in_file_order() {
        let csv = "period;unit;account;actual\n\
                   2020-01;A;3010;1\n2020-01;B;3010;1\n2020-01;A;3010;1\n2020-02;A;3010;1\n\
                   2020-01;B;3010;1\n2020-01;A;3010;1\n2020-01;C;3010;1\n";
        let mut findings = Findings::default();
        let spec = crate::load::spec::LEDGER;
        let layout = crate::load::layout::Layout::PLAIN;
        let sha = String::new();
        let table = crate::load::text::read(
            spec,
            "ledger.csv",
            csv.as_bytes(),
            sha,
            &layout,
            &mut findings,
        )
        .unwrap();
        assert_eq!(duplicate_keys(&table), [vec![0, 2, 5], vec![1, 4]]);
        // The bit set's answer, and the wide key spaces it leaves to the grouping.
        fn ids(rows: &[[u32; 3]]) -> Vec<Vec<u32>> {
            (0..3)
                .map(|c| rows.iter().map(|r| r[c]).collect())
                .collect()
        }
        let distinct = ids(&[[5, 0, 9], [5, 1, 9], [6, 0, 9], [5, 0, 8]]);
        assert_eq!(all_distinct(&distinct), Some(true));
        let repeat = ids(&[[5, 0, 9], [5, 1, 9], [5, 0, 9]]);
        assert_eq!(all_distinct(&repeat), Some(false));
        let wide = ids(&[[0, 0, 0], [u32::MAX, 1 << 20, 7]]);
        assert_eq!(all_distinct(&wide), None);
        let errors: Vec<String> = findings.errors().map(|f| f.to_string()).collect();
        assert_eq!(
            errors,
            [
                "error: ledger.csv, row 4: duplicate row for period 2020-01, unit A, account 3010 (also on row 2; expected one row per period + unit + account)",
                "error: ledger.csv, row 6: duplicate row for period 2020-01, unit B, account 3010 (also on row 3; expected one row per period + unit + account)",
            ]
        );
    }

    /// Amounts and plain numbers past their bounds, from any reader, name row and column.
    #[test]
    fn bounds_of_amounts_and_numbers() {
        let mut findings = Findings::default();
        let header: Vec<String> = ["period", "unit", "account", "actual", "budget"]
            .map(String::from)
            .to_vec();
        let spec = super::super::spec::LEDGER;
        let mut b = TableBuilder::new(
            spec,
            "l.xlsx",
            &header,
            DecimalMark::Point,
            1,
            &Layout::PLAIN,
            &mut findings,
        )
        .unwrap();
        let row = |actual: Cell<'static>, budget: Cell<'static>| {
            [
                Cell::Text("2020-01"),
                Cell::Text("A"),
                Cell::Text("3010"),
                actual,
                budget,
            ]
        };
        b.push(
            2,
            &row(Cell::Float(9.1e13), Cell::Int(1_000_000_000_000_000)),
        );
        b.push(3, &row(Cell::Float(8.9e13), Cell::Int(999_999_999_999_999)));
        b.finish(String::new(), &mut findings);
        let messages: Vec<String> = findings.items.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            messages,
            [
                "error: l.xlsx, row 2, column \"actual\": 91000000000000 is too large for an amount in kronor (expected less than 90 000 000 000 000 kr either way in a binary number)",
                "error: l.xlsx, row 2, column \"budget\": 1000000000000000 is too large for an amount in kronor (expected less than 1 000 000 000 000 000 kr either way)",
            ]
        );
    }

    /// Excel numbers: a binary float's tail is rounded away silently, a third decimal is a
    /// rounding the reader is told of; the sum is exact from there.
    #[test]
    fn excel_numbers_are_rounded_to_the_ore_once() {
        let mut findings = Findings::default();
        let header: Vec<String> = ["period", "unit", "account", "actual", "budget"]
            .map(String::from)
            .to_vec();
        let mut b = TableBuilder::new(
            super::super::spec::LEDGER,
            "l.xlsx",
            &header,
            DecimalMark::Point,
            1,
            &Layout::PLAIN,
            &mut findings,
        )
        .unwrap();
        let row = |account: &'static str, actual: f64| {
            [
                Cell::Text("2020-01"),
                Cell::Text("A"),
                Cell::Text(account),
                Cell::Float(actual),
                Cell::Int(0),
            ]
        };
        b.push(2, &row("4010", 9632.000000001));
        b.push(3, &row("4020", 0.1 + 0.2));
        b.push(4, &row("4030", -(1_234_567.0 + 0.89)));
        let quiet = b.finish(String::new(), &mut findings);
        assert_eq!(quiet.money("actual"), [963_200, 30, -123_456_789]);
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        let mut b = TableBuilder::new(
            super::super::spec::LEDGER,
            "l.xlsx",
            &header,
            DecimalMark::Point,
            1,
            &Layout::PLAIN,
            &mut findings,
        )
        .unwrap();
        b.push(2, &row("4010", 12.345));
        b.push(3, &row("4020", 0.001));
        let rounded = b.finish(String::new(), &mut findings);
        assert_eq!(rounded.money("actual"), [1_235, 0]);
        let messages: Vec<String> = findings.items.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            messages,
            [
                "warning: l.xlsx, row 2, column \"actual\": 2 amounts had more than two decimals and were rounded to whole öre (first at this row)"
            ]
        );
    }
}
