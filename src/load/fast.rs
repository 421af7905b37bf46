//! Fast path for large clean CSV files: Polars reads them on every core.
//!
//! * `transactions.csv` is read once: Polars' streaming engine parses it on every core and
//!   hands its rows over batch by batch, and each batch is summed to (month, unit, account) in
//!   integer öre and, in the same pass, offered to the account view's and the workbooks'
//!   lists of transactions (`pass::Months`, the accumulator every source of transactions
//!   goes through), so that memory does not grow with the number of rows beyond the groups
//!   and the transactions kept ([`transactions`]).
//! * `ledger.csv` and `budget.csv` (month, text and money columns only) are read by Polars into
//!   the same typed [`Table`] the row-by-row reader builds ([`table`]).
//! * The monthly ledger is built from the transaction sums and the budget by one Polars join
//!   ([`ledger`]).
//! * Only when the report month turns out to be one whose span that pass could not keep
//!   (`--period latest` stepping back past months without outcome) are the transactions of
//!   its year to date read again, filtered on the date ([`postings`]).
//!
//! These paths only take the common clean case. They return `None` — and the caller falls back
//! to the row-by-row reader in `text.rs`/`table.rs`, which reports every problem with its row
//! and column — whenever a file is not clean in exactly the way checked here:
//!
//! * the header is the first line; it names every required column once (trimmed, any case,
//!   quotes allowed) and nothing twice;
//! * Polars reads every row without error (no row with more fields than the header, no
//!   broken quote);
//! * every date is exactly `YYYY-MM-DD`, a real calendar day, year 1000–9999; every month is
//!   exactly `YYYY-MM` or `YYYYMM`;
//! * every unit, account and other required text is non-empty after trimming (values are
//!   trimmed, as the slow path does);
//! * every amount is empty (0, as the slow path counts it) or `-?D(,DD)?` where `D` is 1–13
//!   digits, optionally grouped in threes by a space, NBSP, narrow NBSP or thin space after a
//!   first group of 1–3 digits, and the decimal mark is `,` or `.` (only `.` in
//!   comma-separated files) followed by one or two digits. No `+`, no exponent, no surrounding
//!   spaces, no third decimal;
//! * for tables (not transactions): every record is exactly one line (the number of line ends
//!   matches the number of rows, so row numbers in messages are the file's line numbers) and
//!   no key occurs twice;
//! * transactions: when a unit or account holds a non-ASCII character, the whole file is
//!   valid UTF-8 (the slow path reads other files as Windows-1252; with ASCII codes both
//!   readings agree). A table (`ledger.csv`, `budget.csv`) that is not valid UTF-8 is decoded
//!   whole from Windows-1252, as the slow path reads it, and Polars reads the decoded text
//!   from memory: the form Swedish Excel saves (Windows-1252, quoted cells, no-break spaces
//!   between thousands) takes this path too.
//!
//! Money is exact: amounts are parsed from their text straight into whole öre (`i64`) by
//! [`parse_ore_clean`], inside the query (a Polars map over each batch of rows), and summed as
//! `i64` (wrapping as Polars sums integers, with a floating-point sum beside that tells a sum
//! that passed `i64`: the checked reader then says where).
//! No floating point is involved.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use polars::prelude::*;
use polars_buffer::Buffer;

use super::intern::Shared;
use super::ledger::Fold;
use super::pass::{Kept, Months, Texts, Want};
use super::spec::{Kind, TableSpec};
use super::table::{ColumnData, Table};
use crate::diag::Findings;
use crate::model::money::parse_ore_clean;
use crate::model::period::Month;
use crate::model::posting::Posting;

/// Transactions summed to months per unit and account (unsorted), and the number of input
/// rows. Columns: [`MONTH`] (`i32`, `year * 12 + month - 1`), [`UNIT`], [`ACCOUNT`] (text),
/// [`ORE`] (`i64`).
#[derive(Debug, Clone)]
pub(crate) struct Transactions {
    pub sums: DataFrame,
    pub rows: u64,
}

pub(crate) const MONTH: &str = "month";
pub(crate) const UNIT: &str = "unit";
pub(crate) const ACCOUNT: &str = "account";
pub(crate) const ORE: &str = "ore";
const ROWS: &str = "rows";
const DATE: &str = "date";
const TEXT: &str = "text";
const APPROX: &str = "approx";

/// A CSV file whose header was read: separator, decimal mark and normalised column names.
struct Csv<'a> {
    path: &'a Path,
    /// The whole file decoded from Windows-1252 to UTF-8, when it is not UTF-8 (as Swedish
    /// Excel saves CSV); `None`: Polars reads the file itself.
    decoded: Option<Buffer<u8>>,
    separator: u8,
    decimal_comma: bool,
    header: Vec<String>,
    /// The header cells as the file writes them.
    raw_header: Vec<String>,
}

impl<'a> Csv<'a> {
    fn open(path: &'a Path, spec: TableSpec) -> Option<Csv<'a>> {
        Self::with_header(path, None, &first_line(path)?, spec)
    }

    /// A file that is not valid UTF-8, decoded whole from Windows-1252 as the row-by-row
    /// reader reads it (`text::decode`), for Polars to read from memory.
    fn open_decoded(path: &'a Path, spec: TableSpec) -> Option<Csv<'a>> {
        let bytes = std::fs::read(path).ok()?;
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        let text = text.into_owned().into_bytes();
        drop(bytes);
        let end = text.iter().position(|&c| c == b'\n')?;
        let line = std::str::from_utf8(&text[..end]).ok()?;
        let line = line.strip_suffix('\r').unwrap_or(line).to_string();
        Self::with_header(path, Some(Buffer::from(text)), &line, spec)
    }

    fn with_header(
        path: &'a Path,
        decoded: Option<Buffer<u8>>,
        line: &str,
        spec: TableSpec,
    ) -> Option<Csv<'a>> {
        let separator = super::text::detect_separator(line);
        let raw_header = split_header(line, separator)?;
        let header = super::header::column_names(spec, &raw_header);
        // A column named twice is an error for the slow path: let it say so.
        let mut seen = HashSet::new();
        if !header
            .iter()
            .filter(|h| !h.is_empty())
            .all(|h| seen.insert(h))
        {
            return None;
        }
        Some(Csv {
            path,
            decoded,
            separator,
            decimal_comma: separator != b',',
            header,
            raw_header,
        })
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The places of the named columns; `None` when one is missing.
    fn columns<const N: usize>(&self, names: [&str; N]) -> Option<[usize; N]> {
        let mut out = [0; N];
        for (o, name) in out.iter_mut().zip(names) {
            *o = self.index(name)?;
        }
        Some(out)
    }

    /// Every column as text, named `c0`, `c1`, …; only the columns used are parsed.
    fn scan(&self) -> PolarsResult<LazyFrame> {
        let schema: Schema = (0..self.header.len())
            .map(|i| Field::new(column_name(i), DataType::String))
            .collect();
        let reader = match &self.decoded {
            Some(text) => {
                LazyCsvReader::new_with_sources(ScanSources::Buffers(Arc::new([text.clone()])))
            }
            None => LazyCsvReader::new(PlRefPath::try_from_path(self.path)?),
        };
        reader
            .with_has_header(false)
            .with_skip_lines(1)
            .with_schema(Some(Arc::new(schema)))
            .map_parse_options(|o| o.with_separator(self.separator).with_quote_char(Some(b'"')))
            .finish()
    }
}

fn column_name(i: usize) -> PlSmallStr {
    PlSmallStr::from(format!("c{i}"))
}

/// Reads `transactions.csv` once, in a streaming fashion, and sums it to (month, unit,
/// account) in integer öre; with `want`, the same pass keeps the transactions the report's
/// lists may show (see [`super::pass::Window`]). Polars parses the file on every core
/// and hands over its rows batch by batch; each batch is folded into the accumulator
/// ([`Months`]) as it comes, so memory holds a few batches, the sums and what is kept, never
/// the file. `None` when the file is not in the clean form.
pub(crate) fn transactions(
    path: &Path,
    want: Option<Want>,
) -> Option<(Transactions, Option<Kept>)> {
    let csv = Csv::open(path, super::spec::TRANSACTIONS)?;
    let [date, unit, account, amount] = csv.columns(["date", "unit", "account", "amount"])?;
    let comma = csv.decimal_comma;
    let mut columns = vec![
        col(column_name(date))
            .map(
                |c| month_column(c, Period::Date),
                int_field(DataType::Int32),
            )
            .alias(MONTH),
        col(column_name(unit)).alias(UNIT),
        col(column_name(account)).alias(ACCOUNT),
        col(column_name(amount))
            .map(move |c| ore_column(c, comma), int_field(DataType::Int64))
            .alias(ORE),
    ];
    let mut scan = csv.scan().ok()?;
    if want.is_some() {
        // What a kept transaction shows: its day, text and line.
        let text = match csv.index("text") {
            Some(i) => col(column_name(i)),
            None => lit(""),
        };
        columns.extend([
            col(ROWS),
            col(column_name(date)).alias(DATE),
            text.alias(TEXT),
        ]);
        scan = scan.with_row_index(ROWS, None);
    }
    let mut months = Months::new(want);
    let rows = stream(scan.select(columns), |df| fold(df, &mut months))?;
    let df = sums_frame(&months)?;
    let kept = months.kept(str::trim);
    if wrapped(&df)? {
        // A sum passed the largest amount in öre: the checked reader says where.
        return None;
    }
    let (trimmed, ascii) = check_text(&df, &[UNIT, ACCOUNT])?;
    if !ascii && !facts(path).is_some_and(|f| f.utf8) {
        return None;
    }
    let keep = [col(MONTH), col(UNIT), col(ACCOUNT), col(ORE)];
    let sums = if trimmed {
        // Keys that only differed by surrounding spaces are one key after trimming.
        let merged = df
            .lazy()
            .with_columns([
                col(UNIT).str().strip_chars(lit(NULL)),
                col(ACCOUNT).str().strip_chars(lit(NULL)),
            ])
            .group_by([col(MONTH), col(UNIT), col(ACCOUNT)])
            .agg([col(ORE).sum(), col(APPROX).sum()])
            .collect()
            .ok()?;
        if wrapped(&merged)? {
            return None;
        }
        merged.lazy().select(keep).collect().ok()?
    } else {
        df.lazy().select(keep).collect().ok()?
    };
    Some((Transactions { sums, rows }, kept))
}

/// Runs a query in Polars' streaming engine and gives its batches, in any order, to `each`
/// on this thread while the engine reads on: the number of rows given, or `None` when the
/// query failed or `each` refused a batch (which stops the query).
fn stream(query: LazyFrame, mut each: impl FnMut(&DataFrame) -> Option<()>) -> Option<u64> {
    let (send, batches) = std::sync::mpsc::sync_channel::<DataFrame>(2);
    let query = query
        // The callback's answer is whether to stop: when the receiver is gone.
        .sink_batches(
            PlanCallback::new(move |df| Ok(send.send(df).is_err())),
            false,
            None,
        )
        .ok()?;
    std::thread::scope(|scope| {
        let run = scope.spawn(move || query.collect_with_engine(Engine::Streaming).is_ok());
        let mut rows = Some(0u64);
        for df in &batches {
            rows = rows.zip(each(&df)).map(|(r, ())| r + df.height() as u64);
            if rows.is_none() {
                break;
            }
        }
        drop(batches);
        let ran = run.join().unwrap_or(false);
        rows.filter(|_| ran)
    })
}

/// Folds one batch of [`transactions`]' query into the accumulator. `None` when a row is not
/// in the clean form (a date, amount, unit or account missing or not as checked).
fn fold(df: &DataFrame, months: &mut Months) -> Option<()> {
    let (month, unit, account, ore) = (
        df.column(MONTH).ok()?.i32().ok()?,
        df.column(UNIT).ok()?.str().ok()?,
        df.column(ACCOUNT).ok()?.str().ok()?,
        df.column(ORE).ok()?.i64().ok()?,
    );
    let keys = month
        .iter()
        .zip(unit.iter())
        .zip(account.iter())
        .zip(ore.iter());
    if df.column(ROWS).is_err() {
        // No lists wanted (`check`): the sums alone.
        for (((m, u), a), o) in keys {
            months.sum(u?, a?, m?, o?);
        }
        return Some(());
    }
    let line = df.column(ROWS).ok()?.cast(&DataType::UInt64).ok()?;
    let (line, date, text) = (
        line.u64().ok()?,
        df.column(DATE).ok()?.str().ok()?,
        df.column(TEXT).ok()?.str().ok()?,
    );
    let shown = line.iter().zip(date.iter()).zip(text.iter());
    for ((((m, u), a), o), ((l, d), t)) in keys.zip(shown) {
        let (u, a, o, l, d) = (u?, a?, o?, l?, d?.as_bytes());
        let posting = |texts: &mut Texts| Posting {
            // Checked by the month's parse: `YYYY-MM-DD`.
            date: crate::clock::days_from_civil(
                digits(&d[0..4]).unwrap_or(0),
                digits(&d[5..7]).unwrap_or(0) as u32,
                digits(&d[8..10]).unwrap_or(0) as u32,
            ),
            account: texts.account(a.trim()),
            amount: o,
            text: texts.text(t.unwrap_or("").trim()),
            // The line of the file: the header is line 1.
            order: l + 2,
        };
        months.add(u, a, m?, o, posting);
    }
    Some(())
}

/// The accumulator's sums as the frame Polars' group-by gave: [`MONTH`], [`UNIT`],
/// [`ACCOUNT`], [`ORE`] and [`APPROX`].
fn sums_frame(months: &Months) -> Option<DataFrame> {
    let n = months.sums().count();
    let (mut m, mut u, mut a, mut o, mut f) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (month, unit, account, sum) in months.sums() {
        m.push(month);
        u.push(unit);
        a.push(account);
        o.push(sum.ore);
        f.push(sum.approx);
    }
    DataFrame::new_infer_height(vec![
        Column::new(MONTH.into(), m),
        Column::new(UNIT.into(), u),
        Column::new(ACCOUNT.into(), a),
        Column::new(ORE.into(), o),
        Column::new(APPROX.into(), f),
    ])
    .ok()
}

/// Reads the transactions of `transactions.csv` dated `from` to `to` (`YYYY-MM-DD`, both
/// included) again, for the account view and the workbooks of a span the pass of
/// [`transactions`] did not keep: only those rows are kept in
/// memory, each given to `each` with its unit. Amounts are multiplied by `flip` (−1 for
/// debit-positive data). `None` when the file can no longer be read as it was when it was
/// summed.
pub(crate) fn postings(
    path: &Path,
    from: &str,
    to: &str,
    flip: i64,
    mut each: impl FnMut(&str, Posting),
) -> Option<()> {
    let csv = Csv::open(path, super::spec::TRANSACTIONS)?;
    let [date, unit, account, amount] = csv.columns(["date", "unit", "account", "amount"])?;
    let comma = csv.decimal_comma;
    let text = match csv.index("text") {
        Some(i) => col(column_name(i)).str().strip_chars(lit(NULL)),
        None => lit(""),
    };
    let strip = |i: usize| col(column_name(i)).str().strip_chars(lit(NULL));
    // The rows of the span come batch by batch, in any order (each list is sorted by date and
    // row afterwards), and become postings as they come: the filtered rows are never held as
    // one frame.
    let query = csv
        .scan()
        .ok()?
        .with_row_index(ROWS, None)
        .filter(
            col(column_name(date))
                .gt_eq(lit(from))
                .and(col(column_name(date)).lt_eq(lit(to))),
        )
        .select([
            col(ROWS),
            col(column_name(date)).alias(MONTH),
            strip(unit).alias(UNIT),
            strip(account).alias(ACCOUNT),
            col(column_name(amount))
                .map(move |c| ore_column(c, comma), int_field(DataType::Int64))
                .alias(ORE),
            text.alias(TEXT),
        ]);
    let mut shared = Shared::default();
    stream(query, |df| postings_of(df, flip, &mut shared, &mut each)).map(|_| ())
}

/// The postings of one batch of [`postings`]' query, given to `each` with their units.
fn postings_of(
    df: &DataFrame,
    flip: i64,
    shared: &mut Shared,
    each: &mut impl FnMut(&str, Posting),
) -> Option<()> {
    let rows = df.column(ROWS).ok()?.cast(&DataType::UInt64).ok()?;
    let (rows, dates, units, accounts, amounts, texts) = (
        rows.u64().ok()?,
        df.column(MONTH).ok()?.str().ok()?,
        df.column(UNIT).ok()?.str().ok()?,
        df.column(ACCOUNT).ok()?.str().ok()?,
        df.column(ORE).ok()?.i64().ok()?,
        df.column(TEXT).ok()?.str().ok()?,
    );
    for i in 0..df.height() {
        let d = dates.get(i)?.as_bytes();
        let day = crate::clock::days_from_civil(
            digits(&d[0..4])?,
            digits(&d[5..7])? as u32,
            digits(&d[8..10])? as u32,
        );
        each(
            units.get(i)?,
            Posting {
                date: day,
                account: shared.get(accounts.get(i)?),
                amount: amounts.get(i)? * flip,
                text: shared.get(texts.get(i).unwrap_or("")),
                // The line of the file: the header is line 1.
                order: rows.get(i)? + 2,
            },
        );
    }
    Some(())
}

/// Whether an `i64` sum of öre wrapped around: Polars sums integers modulo 2^64, so a true sum
/// past `i64` differs from the same sum in floating point by about 2^64 (the floating-point
/// sum of amounts below 10^15 kr is off by far less than 10^6 öre).
fn wrapped(df: &DataFrame) -> Option<bool> {
    let exact = df.column(ORE).ok()?.i64().ok()?;
    let approx = df.column(APPROX).ok()?.f64().ok()?;
    Some(
        exact
            .iter()
            .zip(approx.iter())
            .any(|(e, a)| (e.unwrap_or(0) as f64 - a.unwrap_or(0.0)).abs() > 1e6),
    )
}

/// Reads a table whose columns are all months, texts or amounts (`ledger`, `budget`) through
/// Polars into the same [`Table`] the row-by-row reader builds. `None` when the table has other
/// kinds of columns or the file is not in the clean form. The note about extra columns that
/// the slow path gives is added to `findings` only when this path succeeds.
pub(crate) fn table(
    spec: TableSpec,
    path: &Path,
    file: &str,
    findings: &mut Findings,
) -> Option<Table> {
    let simple = |k: Kind| matches!(k, Kind::Month | Kind::Text | Kind::Money);
    if !spec.columns.iter().all(|c| simple(c.kind)) {
        return None;
    }
    // One pass over the file for its encoding and its line ends (checked below).
    let facts = facts(path)?;
    let utf8 = facts.utf8;
    let csv = if utf8 {
        Csv::open(path, spec)?
    } else {
        Csv::open_decoded(path, spec)?
    };
    let mut used = Vec::new();
    for c in spec.columns {
        match csv.index(c.name) {
            Some(i) => used.push((c, i)),
            None if c.required => return None,
            None => {}
        }
    }
    let comma = csv.decimal_comma;
    let exprs: Vec<Expr> = used
        .iter()
        .map(|(c, i)| {
            let e = col(column_name(*i));
            match c.kind {
                Kind::Month => e.map(
                    |c| month_column(c, Period::Month),
                    int_field(DataType::Int32),
                ),
                Kind::Money => e.map(move |c| ore_column(c, comma), int_field(DataType::Int64)),
                _ => e,
            }
            .alias(c.name)
        })
        .collect();
    let df = csv
        .scan()
        .ok()?
        .select(exprs)
        .collect_with_engine(Engine::Streaming)
        .ok()?
        .unwrap_single();
    let n = df.height();
    if n == 0 || facts.records? != n as u64 {
        return None;
    }
    let mut columns = Vec::with_capacity(used.len());
    for (c, _) in &used {
        let column = df.column(c.name).ok()?;
        if column.null_count() > 0 && c.kind != Kind::Text {
            return None;
        }
        let data = match c.kind {
            Kind::Month => ColumnData::Month(column.i32().ok()?.into_no_null_iter().collect()),
            Kind::Money => ColumnData::Money(column.i64().ok()?.into_no_null_iter().collect()),
            _ => {
                let may_be_empty =
                    !c.required || ["parent", "description", "text", "name"].contains(&c.name);
                let mut out = Vec::with_capacity(n);
                for v in column.str().ok()?.iter() {
                    let v = v.unwrap_or("").trim();
                    if v.is_empty() && !may_be_empty {
                        return None;
                    }
                    out.push(v.to_string());
                }
                ColumnData::Text(out)
            }
        };
        columns.push((c.name, data));
    }
    let table = Table {
        spec,
        file: file.to_string(),
        // Every record is one line (checked above) after the header on line 1.
        rows: (2..n as u64 + 2).collect(),
        columns,
        sha256: String::new(),
        parts: Vec::new(),
        blanks: Vec::new(),
        headers: super::header::shown_headers(spec, &csv.raw_header, &csv.header),
        names: Vec::new(),
    };
    if !super::table::duplicate_keys(&table).is_empty() {
        return None;
    }
    if !utf8 {
        findings.note(file, "not valid UTF-8; read as Windows-1252");
    }
    super::header::note_extra_columns(spec, &csv.header, file, findings);
    Some(table)
}

/// The monthly ledger from the transaction sums of the Polars query and the budget table
/// (see [`super::ledger::Fold`]). `flip` is -1 when the transactions' sign must be turned.
pub(crate) fn ledger(
    t: &Transactions,
    budget: Option<&Table>,
    flip: i64,
    file: String,
) -> PolarsResult<Table> {
    let tm = t.sums.column(MONTH)?.i32()?;
    let tu = t.sums.column(UNIT)?.str()?;
    let ta = t.sums.column(ACCOUNT)?.str()?;
    let to = t.sums.column(ORE)?.i64()?;
    let missing = || polars_err!(ComputeError: "a transaction group without a key");
    let mut fold = Fold::with_capacity(t.sums.height() + budget.map_or(0, Table::len));
    let groups = tm.iter().zip(tu.iter()).zip(ta.iter()).zip(to.iter());
    for (((m, u), a), o) in groups {
        let (m, u, a) = (
            m.ok_or_else(missing)?,
            u.ok_or_else(missing)?,
            a.ok_or_else(missing)?,
        );
        let o = o.unwrap_or(0).checked_mul(flip);
        let o =
            o.ok_or_else(|| polars_err!(ComputeError: "a sum passes the largest amount in öre"))?;
        fold.add(0, m, u, a, o, 0, 0);
    }
    if let Some(budget) = budget {
        fold.add_budget(1, budget);
    }
    fold.finish(file)
        .map_err(|o| polars_err!(ComputeError: "{}", o.message()))
}

/// Output field of a map: the input's name with another type.
fn int_field(dtype: DataType) -> impl Fn(&Schema, &Field) -> PolarsResult<Field> + Send + Sync {
    move |_, f| Ok(Field::new(f.name().clone(), dtype.clone()))
}

/// Checks the text columns of the groups: `None` when a value is missing or empty after
/// trimming; else whether some value has surrounding spaces and whether all are ASCII.
fn check_text(df: &DataFrame, names: &[&str]) -> Option<(bool, bool)> {
    let (mut trimmed, mut ascii) = (false, true);
    for name in names {
        for v in df.column(name).ok()?.str().ok()?.iter() {
            let v = v?;
            let t = v.trim();
            if t.is_empty() {
                return None;
            }
            trimmed |= t.len() != v.len();
            ascii &= v.is_ascii();
        }
    }
    Some((trimmed, ascii))
}

#[derive(Clone, Copy)]
enum Period {
    /// `YYYY-MM-DD`, a real calendar day.
    Date,
    /// `YYYY-MM` or `YYYYMM`.
    Month,
}

/// Text → month index (`year * 12 + month - 1`); null for anything not in the clean form.
fn month_column(c: Column, kind: Period) -> PolarsResult<Column> {
    let s = c.str()?;
    let f = match kind {
        Period::Date => parse_date_month,
        Period::Month => parse_month,
    };
    let out = Int32Chunked::from_iter_options(
        s.name().clone(),
        s.iter().map(|v| v.and_then(|t| f(t.as_bytes()))),
    );
    Ok(out.into_column())
}

/// Text → öre; empty cells are 0, anything not in the clean form is null.
fn ore_column(c: Column, decimal_comma: bool) -> PolarsResult<Column> {
    let s = c.str()?;
    let out = Int64Chunked::from_iter_options(
        s.name().clone(),
        s.iter().map(|v| match v {
            None | Some("") => Some(0),
            Some(t) => parse_ore_clean(t.as_bytes(), decimal_comma),
        }),
    );
    Ok(out.into_column())
}

fn digits(b: &[u8]) -> Option<i32> {
    b.iter().try_fold(0i32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
    })
}

fn month_index(y: i32, m: i32) -> Option<i32> {
    Month::new(y, u32::try_from(m).ok()?).map(Month::index)
}

/// `YYYY-MM` or `YYYYMM`, exactly.
fn parse_month(b: &[u8]) -> Option<i32> {
    match b.len() {
        7 if b[4] == b'-' => month_index(digits(&b[..4])?, digits(&b[5..])?),
        6 => month_index(digits(&b[..4])?, digits(&b[4..])?),
        _ => None,
    }
}

/// `YYYY-MM-DD`, exactly, a real calendar day → its month.
fn parse_date_month(b: &[u8]) -> Option<i32> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[..4])?, digits(&b[5..7])?, digits(&b[8..])?);
    let month = month_index(y, m)?;
    let days = crate::clock::days_in_month(y, m as u32) as i32;
    (1..=days).contains(&d).then_some(month)
}

/// The first line of the file (without the line end), if it is valid UTF-8 and under 1 MiB.
fn first_line(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    let mut block = [0u8; 8192];
    let end = loop {
        let n = file.read(&mut block).ok()?;
        if n == 0 {
            return None; // no line end: no data rows either
        }
        buf.extend_from_slice(&block[..n]);
        if let Some(i) = buf.iter().position(|&c| c == b'\n') {
            break i;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let line = std::str::from_utf8(&buf[..end]).ok()?;
    Some(line.strip_suffix('\r').unwrap_or(line).to_string())
}

/// The header split at `separator` (quotes respected), each name trimmed of spaces, BOM and
/// quotes and lowercased, as the slow path matches them.
fn split_header(line: &str, separator: u8) -> Option<Vec<String>> {
    let sep = separator as char;
    let mut names = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => names.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    if quoted {
        return None; // a quoted newline in the header: leave it to the slow path
    }
    names.push(field);
    Some(
        names
            .iter()
            .map(|h| super::header::header_name(h))
            .collect(),
    )
}

/// What one pass over a file in blocks (constant memory) tells.
struct Facts {
    /// The whole file is valid UTF-8.
    utf8: bool,
    /// The number of records after the header if every record is one line: the line ends
    /// after the first line, plus one when the file does not end with a line end; `None` for
    /// a file without a line end.
    records: Option<u64>,
}

/// Reads the file once for its [`Facts`]; `None` when it cannot be read.
fn facts(path: &Path) -> Option<Facts> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 4 << 20];
    // Bytes of an incomplete character carried over from the previous block.
    let (mut carry, mut utf8) = (0usize, true);
    let (mut count, mut last) = (0u64, b'\n');
    loop {
        let n = match file.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if n == 0 {
            break;
        }
        let len = carry + n;
        count += buf[carry..len].iter().filter(|&&c| c == b'\n').count() as u64;
        last = buf[len - 1];
        if !utf8 {
            continue;
        }
        carry = match std::str::from_utf8(&buf[..len]) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                len - valid
            }
            Err(_) => {
                utf8 = false;
                0
            }
        };
    }
    Some(Facts {
        utf8: utf8 && carry == 0,
        records: count.checked_sub(1).map(|c| c + u64::from(last != b'\n')),
    })
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Writes `content` to a fresh file in the system temp dir.
    fn file(name: &str, content: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("uppfolj-fast-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Sorted (month, unit, account, öre) and the row count.
    type Sums = (Vec<(i32, String, String, i64)>, u64);

    fn sums(t: Transactions) -> Sums {
        let df = &t.sums;
        let m = df.column(MONTH).unwrap().i32().unwrap();
        let u = df.column(UNIT).unwrap().str().unwrap();
        let a = df.column(ACCOUNT).unwrap().str().unwrap();
        let o = df.column(ORE).unwrap().i64().unwrap();
        let mut v: Vec<_> = (0..df.height())
            .map(|i| {
                let (u, a) = (u.get(i).unwrap().to_string(), a.get(i).unwrap().to_string());
                (m.get(i).unwrap(), u, a, o.get(i).unwrap())
            })
            .collect();
        v.sort();
        (v, t.rows)
    }

    fn agg(name: &str, content: &[u8]) -> Option<Sums> {
        transactions(&file(name, content), None).map(|(t, _)| sums(t))
    }

    fn m(y: i32, mo: i32) -> i32 {
        y * 12 + mo - 1
    }

    fn row(month: i32, u: &str, a: &str, ore: i64) -> (i32, String, String, i64) {
        (month, u.to_string(), a.to_string(), ore)
    }

    #[test]
    fn exact_sums_with_small_negatives_whole_kronor_and_thousands() {
        let s = agg(
            "exact.csv",
            "date;unit;account;amount;text\n\
             2019-01-05;A;4010;-0,50;x\n\
             2019-01-31;A;4010;-0,05;y\n\
             2019-01-15;A;4010;100;z\n\
             2019-02-28;A;4010;0,1;\n\
             2019-02-01;B;5010;-1 234,56;\n\
             2019-02-02;B;5010;1\u{a0}234,57;\n\
             2020-02-29;A;4010;0.07;\n\
             2019-01-01;A;4010;;\n\
             2019-03-01;A;4010;-0,01\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            s,
            (
                vec![
                    row(m(2019, 1), "A", "4010", -55 + 10_000),
                    row(m(2019, 2), "A", "4010", 10),
                    row(m(2019, 2), "B", "5010", 1),
                    row(m(2019, 3), "A", "4010", -1),
                    row(m(2020, 2), "A", "4010", 7),
                ],
                9
            )
        );
    }

    #[test]
    fn comma_separator_with_decimal_point_and_quotes() {
        let s = agg(
            "point.csv",
            b"Date,Unit,Account,Amount,Text\n\
             2019-05-01,\"K 1\",4010,-0.5,\"a, b\"\n\
             2019-05-02,\"K 1\",4010,\"12.25\",c\n\
             2019-05-03,K 2,4010,7,\n",
        )
        .unwrap();
        let may = m(2019, 5);
        assert_eq!(
            s,
            (
                vec![row(may, "K 1", "4010", 1175), row(may, "K 2", "4010", 700)],
                3
            )
        );
    }

    #[test]
    fn tab_separator_bom_crlf_header_case_and_order() {
        let content = "\u{feff} Text \t AMOUNT\t\"Account\"\tUnit \tDATE\textra\r\n\
                       hej\t-1,5\t4010\tU1\t2019-12-31\tq\r\n\
                       hå\t2,25\t4010\tU1\t2019-12-01\t\r\n";
        let s = agg("tab.csv", content.as_bytes()).unwrap();
        assert_eq!(s, (vec![row(m(2019, 12), "U1", "4010", 75)], 2));
    }

    #[test]
    fn latin1_files_fall_back_and_utf8_codes_are_taken() {
        // Polars refuses bytes that are not UTF-8; the slow path reads them as Windows-1252.
        let text = b"date;unit;account;amount;text\n2019-01-01;A;4010;1;H\xe4lsa\n";
        assert_eq!(agg("latin1-text.csv", text), None);
        let unit = b"date;unit;account;amount\n2019-01-01;V\xe5rd;4010;1\n";
        assert_eq!(agg("latin1-unit.csv", unit), None);
        let utf8 = "date;unit;account;amount\n2019-01-01;Vård;4010;1\n";
        let s = agg("utf8-unit.csv", utf8.as_bytes()).unwrap();
        assert_eq!(s, (vec![row(m(2019, 1), "Vård", "4010", 100)], 1));
    }

    #[test]
    fn units_and_accounts_are_trimmed_and_merged() {
        let s = agg(
            "trim.csv",
            b"date;unit;account;amount\n2019-01-01; A ;4010;1\n2019-01-02;A;4010 ;2\n",
        )
        .unwrap();
        assert_eq!(s, (vec![row(m(2019, 1), "A", "4010", 300)], 2));
    }

    #[test]
    fn unclean_files_fall_back() {
        let head = "date;unit;account;amount\n";
        let bad = [
            ("bad-groups", "2019-01-01;A;4010;12 34,56\n"),
            ("long-first-group", "2019-01-01;A;4010;1234 567\n"),
            ("trailing-space-group", "2019-01-01;A;4010;1 \n"),
            ("three-decimals", "2019-01-01;A;4010;1,005\n"),
            ("zero-third", "2019-01-01;A;4010;1,500\n"),
            ("mark-without-decimals", "2019-01-01;A;4010;1,\n"),
            ("two-marks", "2019-01-01;A;4010;1,5,0\n"),
            ("exponent", "2019-01-01;A;4010;1E+05\n"),
            ("plus", "2019-01-01;A;4010;+5\n"),
            ("unicode-minus", "2019-01-01;A;4010;\u{2212}5\n"),
            ("minus-only", "2019-01-01;A;4010;-\n"),
            ("nan", "2019-01-01;A;4010;NaN\n"),
            ("inf", "2019-01-01;A;4010;inf\n"),
            ("spaces", "2019-01-01;A;4010; 5\n"),
            ("too-large", "2019-01-01;A;4010;12345678901234\n"),
            ("bad-day", "2019-02-29;A;4010;1\n"),
            ("day-zero", "2019-02-00;A;4010;1\n"),
            ("bad-month", "2019-13-01;A;4010;1\n"),
            ("short-date", "2019-1-01;A;4010;1\n"),
            ("date-time", "2019-01-01 12:00;A;4010;1\n"),
            ("swedish-date", "01.02.2019;A;4010;1\n"),
            ("compact-date", "20190101;A;4010;1\n"),
            ("empty-date", ";A;4010;1\n"),
            ("empty-unit", "2019-01-01;;4010;1\n"),
            ("blank-unit", "2019-01-01; ;4010;1\n"),
            ("extra-field", "2019-01-01;A;4010;1;x\n"),
        ];
        for (name, row) in bad {
            let content = format!("{head}2019-01-01;A;4010;1\n{row}");
            assert_eq!(agg(name, content.as_bytes()), None, "{name}");
        }
        let missing = b"date;unit;kontonr;amount\n2019-01-01;A;4010;1\n";
        assert_eq!(agg("missing.csv", missing), None);
        let twice = b"date;unit;account;amount;Amount\n2019-01-01;A;4010;1;1\n";
        assert_eq!(agg("twice.csv", twice), None);
        let comma_three = b"date,unit,account,amount\n2019-01-01,A,4010,1.234\n";
        assert_eq!(agg("comma3.csv", comma_three), None);
        let comma_mark = b"date,unit,account,amount\n2019-01-01,A,4010,\"1,5\"\n";
        assert_eq!(agg("comma-mark.csv", comma_mark), None);
    }

    #[test]
    fn amounts_in_the_clean_form() {
        let ok = [
            ("0", 0),
            ("-0", 0),
            ("007", 700),
            ("1,5", 150),
            ("1.5", 150),
            ("-1 234 567,89", -123_456_789),
            ("1\u{202f}000", 100_000),
            ("1\u{2009}000.01", 100_001),
            ("9999999999999,99", 999_999_999_999_999),
        ];
        for (text, ore) in ok {
            assert_eq!(parse_ore_clean(text.as_bytes(), true), Some(ore), "{text}");
        }
        assert_eq!(parse_ore_clean(b"1,5", false), None);
        assert_eq!(parse_ore_clean(b"1 000.5", false), Some(100_050));
    }

    #[test]
    fn months_and_dates() {
        assert_eq!(parse_month(b"2020-02"), Some(m(2020, 2)));
        assert_eq!(parse_month(b"202002"), Some(m(2020, 2)));
        assert_eq!(parse_month(b"0999-01"), None);
        assert_eq!(parse_month(b"2020-00"), None);
        assert_eq!(parse_month(b"2020/01"), None);
        assert_eq!(parse_month(b"+020-01"), None);
        assert_eq!(parse_month(b" 2020-01"), None);
        assert_eq!(parse_date_month(b"2020-02-29"), Some(m(2020, 2)));
        assert_eq!(parse_date_month(b"1900-02-29"), None);
        assert_eq!(parse_date_month(b"2000-02-29"), Some(m(2000, 2)));
        assert_eq!(parse_date_month(b"2019-04-31"), None);
    }

    fn read(name: &str, content: &str) -> (Option<Table>, Findings) {
        let mut findings = Findings::default();
        let path = file(name, content.as_bytes());
        let t = table(super::super::spec::BUDGET, &path, name, &mut findings);
        (t, findings)
    }

    #[test]
    fn budget_table_with_row_numbers_and_extra_columns() {
        let (t, findings) = read(
            "budget.csv",
            "\u{feff}Period;Unit;Account;Budget;Note\r\n2020-01;A;4010;-1 234,50;x\r\n202002; B ;4010;;\r\n",
        );
        let t = t.unwrap();
        assert_eq!(t.rows, vec![2, 3]);
        assert_eq!(t.months("period"), &[m(2020, 1), m(2020, 2)]);
        assert_eq!(t.text("unit"), &["A".to_string(), "B".to_string()]);
        assert_eq!(t.money("budget"), &[-123_450, 0]);
        let notes: Vec<String> = findings.items.iter().map(|f| f.message.clone()).collect();
        assert_eq!(notes, vec!["extra columns ignored: note".to_string()]);
    }

    #[test]
    fn budget_table_saved_by_swedish_excel() {
        // Windows-1252, every cell quoted, CRLF, a no-break space (0xA0) between thousands and
        // a unit code with "å" (0xE5).
        let content = b"\"M\xe5nad\";\"Enhet\";\"Konto\";\"Budget\"\r\n\
            \"2020-01\";\"V\xe5rd\";\"4010\";\"-1\xa0234,50\"\r\n\
            \"2020-02\";\"V\xe5rd\";\"4010\";\"12\xa0345\xa0678\"\r\n";
        let mut findings = Findings::default();
        let path = file("excel-budget.csv", content);
        let t = table(
            super::super::spec::BUDGET,
            &path,
            "budget.csv",
            &mut findings,
        )
        .unwrap();
        assert_eq!(t.rows, vec![2, 3]);
        assert_eq!(t.months("period"), &[m(2020, 1), m(2020, 2)]);
        assert_eq!(t.text("unit"), &["Vård".to_string(), "Vård".to_string()]);
        assert_eq!(t.money("budget"), &[-123_450, 1_234_567_800]);
        let notes: Vec<String> = findings.items.iter().map(|f| f.message.clone()).collect();
        assert_eq!(
            notes,
            vec!["not valid UTF-8; read as Windows-1252".to_string()]
        );
    }

    #[test]
    fn budget_tables_not_clean_fall_back() {
        let head = "period;unit;account;budget\n2020-01;A;4010;1\n";
        for (name, rest) in [
            ("blank-line", "\n2020-02;A;4010;1\n"),
            ("quoted-newline", "2020-02;\"A\nB\";4010;1\n"),
            ("duplicate", "2020-01;A;4010;2\n"),
            ("bad-month", "2020-13;A;4010;1\n"),
            ("empty-account", "2020-02;A;;1\n"),
            ("three-decimals", "2020-02;A;4010;1,001\n"),
        ] {
            let (t, findings) = read(name, &format!("{head}{rest}"));
            assert!(t.is_none(), "{name}");
            assert!(findings.items.is_empty(), "{name}");
        }
        assert!(
            read("no-rows.csv", "period;unit;account;budget\n")
                .0
                .is_none()
        );
        assert!(
            read("missing.csv", "period;unit;budget\n2020-01;A;1\n")
                .0
                .is_none()
        );
        // No line end after the last row: still one record per line.
        let no_eol = "period;unit;account;budget\n2020-01;A;4010;1\n2020-02;A;4010;2";
        assert_eq!(read("no-eol.csv", no_eol).0.unwrap().rows, vec![2, 3]);
    }

    #[test]
    fn ledger_joins_sums_and_budget_in_key_order() {
        let (t, _) = transactions(
            &file(
                "join-t.csv",
                b"date;unit;account;amount\n2020-02-01;B;4010;1\n2020-01-05;B;5010;-2,5\n2020-01-06;A;4010;3\n",
            ),
            None,
        )
        .unwrap();
        let (b, _) = read(
            "join-b.csv",
            "period;unit;account;budget\n2020-01;B;5010;-4\n2020-03;A;4010;7\n2020-01;A;3010;9\n",
        );
        let l = ledger(&t, b.as_ref(), -1, "t + b".into()).unwrap();
        assert_eq!(
            l.months("period"),
            &[m(2020, 1), m(2020, 1), m(2020, 1), m(2020, 2), m(2020, 3)]
        );
        let text = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(l.text("unit"), text(&["A", "A", "B", "B", "A"]));
        assert_eq!(
            l.text("account"),
            text(&["3010", "4010", "5010", "4010", "4010"])
        );
        assert_eq!(l.money("actual"), &[0, -300, 250, -100, 0]);
        assert_eq!(l.money("budget"), &[900, 0, -400, 0, 700]);
        assert_eq!(l.rows, vec![4, 0, 2, 0, 3]);
    }
}
