//! A table read from a database query over ODBC (`sources.TABLE.odbc` and `query`): the
//! rows fetched in batches of bounded size into the table builders every reader shares, so
//! that every check of the contract applies as to a file. Every value is fetched as text, so
//! a DECIMAL or NUMERIC amount reaches öre exactly; a floating-point column is read as a
//! binary number, rounded to öre as an Excel cell is, with a warning. The driver manager is
//! unixODBC, built into the program (`odbc-api`'s `vendored-unix-odbc`), on Windows the
//! system's; drivers and DSNs are the system's (`odbcinst.ini`, `odbc.ini`).

use std::borrow::Cow;

use odbc_api::buffers::TextRowSet;
use odbc_api::parameter::InputParameter;
use odbc_api::{ConnectionOptions, Cursor, DataType, IntoParameter, ResultSetMetadata};
use sha2::{Digest, Sha256};

use super::layout::Layout;
use super::pass::{Kept, Months, Want};
use super::spec::TableSpec;
use super::table::{Cell, Table, TableBuilder};
use crate::config::Config;
use crate::config::database::{Database, Param};
use crate::diag::Findings;
use crate::model::input::{Input, Piece};
use crate::model::money::DecimalMark;
use crate::model::period::Month;
use crate::model::posting::Posting;

/// The most bytes a fetched batch's buffers take: a batch holds as many rows as fit.
const BATCH_BYTES: usize = 32 << 20;

/// The most rows a batch holds.
const BATCH_ROWS: usize = 10_000;

/// The most bytes a value may take; a longer one is an error naming its column.
const MAX_VALUE_BYTES: usize = 4096;

/// What the report's month gives the query's named parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Values {
    pub year: i32,
    pub month: i32,
    pub fiscal_start: i32,
}

impl Values {
    /// The parameters of a run: the month `--period` names (the month before today's for
    /// `latest`, today being `SOURCE_DATE_EPOCH` when set) and the fiscal year's first month.
    pub(crate) fn of(config: &Config) -> Values {
        let month = config.query_month.unwrap_or_else(|| {
            let (y, m, ..) = crate::clock::civil_from_epoch(crate::clock::generated_epoch())
                .unwrap_or((2000, 1, 1, 0, 0, 0));
            Month::of(y, u32::from(m)).prev()
        });
        Values {
            year: month.year(),
            month: month.month() as i32,
            fiscal_start: config.year_start() as i32,
        }
    }

    /// The value bound for a parameter.
    fn bind(&self, param: Param) -> Box<dyn InputParameter> {
        match param {
            Param::Year => Box::new(self.year),
            Param::Month => Box::new(self.month),
            Param::FiscalStart => Box::new(self.fiscal_start),
            Param::Period => {
                Box::new(format!("{:04}-{:02}", self.year, self.month).into_parameter())
            }
        }
    }
}

/// A table's rows from a database query.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub db: Database,
    pub values: Values,
}

/// What a scan of the rows feeds: the header (the result's column names, and which are
/// floating-point), then each batch of rows.
trait Sink {
    /// Whether to go on fetching the rows.
    fn header(&mut self, names: &[String], floats: &[bool]) -> bool;
    fn rows(&mut self, first: u64, batch: &TextRowSet, floats: &[bool]);
}

impl Query {
    /// The source as messages name it.
    fn origin_text(&self) -> String {
        self.db.shown()
    }

    /// Runs the query and feeds its rows to `sink` batch by batch, hashing them as read:
    /// the number of rows and the SHA-256 (over the column names, then each value with its
    /// length, a NULL marked apart), or the message for why it failed.
    fn scan(&self, sink: &mut dyn Sink) -> Result<(u64, String), String> {
        let connection = self.db.expanded_connection()?;
        let env = odbc_api::environment()
            .map_err(|e| format!("the ODBC driver manager cannot be started: {}", message(&e)))?;
        let options = ConnectionOptions {
            login_timeout_sec: Some(self.db.login_timeout_seconds as u32),
            packet_size: None,
        };
        let conn = env
            .connect_with_connection_string(&connection, options)
            .map_err(|e| connect_failed(&e, self.db.login_timeout_seconds))?;
        drop(connection);
        let params: Vec<Box<dyn InputParameter>> = self
            .db
            .params
            .iter()
            .map(|p| self.values.bind(*p))
            .collect();
        let timeout = Some(self.db.timeout_seconds as usize);
        let cursor = conn
            .execute(&self.db.sql, params.as_slice(), timeout)
            .map_err(|e| query_failed(&e, self.db.timeout_seconds))?;
        let Some(mut cursor) = cursor else {
            return Err("the query gives no rows (expected a select)".into());
        };
        let mut hash = Sha256::new();
        let (names, floats) = header(&mut cursor).map_err(|e| query_failed(&e, 0))?;
        for name in &names {
            hash.update((name.len() as u64).to_le_bytes());
            hash.update(name.as_bytes());
        }
        if !sink.header(&names, &floats) {
            return Ok((0, hex(hash)));
        }
        let per_row = names.len().max(1) * MAX_VALUE_BYTES;
        let batch_rows = (BATCH_BYTES / per_row).clamp(1, BATCH_ROWS);
        let buffer = TextRowSet::for_cursor(batch_rows, &mut cursor, Some(MAX_VALUE_BYTES))
            .map_err(|e| query_failed(&e, 0))?;
        let mut block = cursor
            .bind_buffer(buffer)
            .map_err(|e| query_failed(&e, 0))?;
        let mut rows = 0u64;
        while let Some(batch) = block
            .fetch_with_truncation_check(true)
            .map_err(|e| fetch_failed(&e, &names, self.db.timeout_seconds))?
        {
            for r in 0..batch.num_rows() {
                for c in 0..batch.num_cols() {
                    match batch.at(c, r) {
                        Some(v) => {
                            hash.update((v.len() as u64).to_le_bytes());
                            hash.update(v);
                        }
                        None => hash.update([0xff; 8]),
                    }
                }
            }
            sink.rows(rows + 1, batch, &floats);
            rows += batch.num_rows() as u64;
        }
        Ok((rows, hex(hash)))
    }
}

/// The result's column names, and which columns are floating-point.
fn header(
    cursor: &mut impl ResultSetMetadata,
) -> Result<(Vec<String>, Vec<bool>), odbc_api::Error> {
    let names: Vec<String> = cursor.column_names()?.collect::<Result<_, _>>()?;
    let mut floats = Vec::with_capacity(names.len());
    for i in 1..=names.len() {
        let t = cursor.col_data_type(i as u16)?;
        floats.push(matches!(
            t,
            DataType::Float { .. } | DataType::Real | DataType::Double
        ));
    }
    Ok((names, floats))
}

/// A SHA-256 as lowercase hex.
fn hex(hash: Sha256) -> String {
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The database's (or the driver manager's) own message in an ODBC error, with its SQLSTATE.
fn message(e: &odbc_api::Error) -> String {
    match e {
        odbc_api::Error::Diagnostics { record, .. } => {
            let text = record.to_string();
            let said = text
                .split_once("Message: ")
                .map_or(text.as_str(), |(_, m)| m);
            let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
            format!("{said} (SQLSTATE {})", record.state.as_str())
        }
        other => other.to_string().replace('\n', " "),
    }
}

/// The SQLSTATE of an ODBC error, if it has one.
fn state(e: &odbc_api::Error) -> Option<&str> {
    match e {
        odbc_api::Error::Diagnostics { record, .. } => Some(record.state.as_str()),
        _ => None,
    }
}

/// Why the connection failed, as a message: no driver, login refused, server unreachable or
/// a timeout, each with the database's own words.
fn connect_failed(e: &odbc_api::Error, login_timeout: u64) -> String {
    let said = message(e);
    let no_driver = said.contains("[Driver Manager]Can't open lib");
    let refused = |said: &str| {
        matches!(state(e), Some("28000" | "28P01"))
            || [
                "password authentication failed",
                "Login failed",
                "ORA-01017",
            ]
            .iter()
            .any(|m| said.contains(m))
    };
    match state(e) {
        _ if no_driver => format!(
            "no ODBC driver or data source for this connection string: {said} (the drivers and DSNs are the system's: odbcinst.ini and odbc.ini, on Windows the ODBC Data Sources tool)"
        ),
        Some("IM002" | "IM003" | "IM004" | "IM005") => format!(
            "no ODBC driver or data source for this connection string: {said} (the drivers and DSNs are the system's: odbcinst.ini and odbc.ini, on Windows the ODBC Data Sources tool)"
        ),
        // PostgreSQL's driver says 08001 for a wrong password, Oracle ORA-01017.
        _ if refused(&said) => format!("the login was refused: {said}"),
        Some("HYT00" | "HYT01") => format!(
            "the database did not answer within login_timeout_seconds ({login_timeout} s): {said}"
        ),
        _ => format!("cannot connect to the database: {said}"),
    }
}

/// Why the query failed, as a message with the database's own words.
fn query_failed(e: &odbc_api::Error, timeout: u64) -> String {
    match state(e) {
        Some("HYT00" | "HYT01" | "57014") if timeout > 0 => format!(
            "the query did not finish within timeout_seconds ({timeout} s): {}",
            message(e)
        ),
        _ => format!("the query failed: {}", message(e)),
    }
}

/// Why fetching the rows failed: a value longer than the buffer names its column.
fn fetch_failed(e: &odbc_api::Error, names: &[String], timeout: u64) -> String {
    if let odbc_api::Error::TooLargeValueForBuffer { buffer_index, .. } = e {
        let column = names.get(*buffer_index).map_or("?", String::as_str);
        return format!(
            "column \"{column}\": a value is longer than {MAX_VALUE_BYTES} bytes (expected the contract's values; shorten it in the query)"
        );
    }
    query_failed(e, timeout)
}

/// Feeds the rows into a table builder.
struct Build<'a> {
    spec: TableSpec,
    origin: &'a str,
    shape: &'a Layout,
    builder: Option<TableBuilder>,
    findings: &'a mut Findings,
}

impl Sink for Build<'_> {
    fn header(&mut self, names: &[String], floats: &[bool]) -> bool {
        for (name, _) in names.iter().zip(floats).filter(|(_, f)| **f) {
            self.findings.warning(
                self.origin,
                None,
                Some(name),
                "a floating-point column: its amounts are binary numbers, rounded to öre as in an Excel file (declare it DECIMAL or NUMERIC, or cast it in the query, to read them exactly)",
            );
        }
        let mut found = Findings::default();
        self.builder = TableBuilder::new(
            self.spec,
            self.origin,
            names,
            DecimalMark::Point,
            0,
            self.shape,
            &mut found,
        );
        // A result has no header row: what is said of its columns names no row.
        for f in &mut found.items {
            f.row = f.row.filter(|r| *r > 0);
        }
        self.findings.extend(found);
        self.builder.is_some()
    }

    fn rows(&mut self, first: u64, batch: &TextRowSet, floats: &[bool]) {
        if let Some(builder) = &mut self.builder {
            push_rows(builder, first, batch, floats);
        }
    }
}

/// Pushes a batch of rows into a table builder, numbered from `first`.
fn push_rows(builder: &mut TableBuilder, first: u64, batch: &TextRowSet, floats: &[bool]) {
    let mut values: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(floats.len());
    for r in 0..batch.num_rows() {
        values.clear();
        values.extend((0..batch.num_cols()).map(|c| batch.at(c, r).map(String::from_utf8_lossy)));
        let cells: Vec<Cell<'_>> = values
            .iter()
            .zip(floats)
            .map(|(v, float)| match v.as_deref() {
                None => Cell::Empty,
                Some(t) if *float => t.trim().parse().map_or(Cell::Text(t), Cell::Float),
                Some(t) => Cell::Text(t),
            })
            .collect();
        builder.push(first + r as u64, &cells);
    }
}

/// Counts nothing: the scan for the fingerprint alone.
struct Nothing;

impl Sink for Nothing {
    fn header(&mut self, _: &[String], _: &[bool]) -> bool {
        true
    }
    fn rows(&mut self, _: u64, _: &TextRowSet, _: &[bool]) {}
}

impl super::source::Source for Query {
    fn name(&self) -> &str {
        &self.db.query
    }

    fn origin(&self) -> String {
        self.origin_text()
    }

    fn read(&self, spec: TableSpec, shape: &Layout) -> (Option<Table>, Findings) {
        let mut findings = Findings::default();
        let origin = self.origin();
        let mut build = Build {
            spec,
            origin: &origin,
            shape,
            builder: None,
            findings: &mut findings,
        };
        let scanned = self.scan(&mut build);
        let builder = build.builder.take();
        match (scanned, builder) {
            (Ok((_, sha)), Some(builder)) => {
                let table = builder.finish(sha, &mut findings);
                (Some(table), findings)
            }
            (Ok(_), None) => (None, findings),
            (Err(e), _) => {
                findings.error(&origin, None, None, e);
                (None, findings)
            }
        }
    }

    fn fingerprint(&self) -> Option<String> {
        self.scan(&mut Nothing).ok().map(|(_, sha)| sha)
    }

    fn input(&self, table: &str, rows: usize, sha256: String) -> Input {
        Input {
            file: None,
            query: Some(self.db.query.clone()),
            ..Input::file(table, String::new(), rows, sha256)
        }
    }
}

/// The database sources of the config, by table of the contract.
pub(crate) fn queries(config: &Config) -> Vec<(&'static str, Query)> {
    let values = Values::of(config);
    config
        .sources
        .iter()
        .filter_map(|s| {
            let spec = super::spec::all().iter().find(|t| t.name == s.table)?;
            let db = s.database.clone()?;
            Some((
                spec.name,
                Query {
                    db,
                    values: values.clone(),
                },
            ))
        })
        .collect()
}

/// The fingerprint pieces of the database sources: each query's rows' SHA-256, or why it
/// could not be read (so that a failing query never counts as unchanged). A query among the
/// inputs `read` (the run's, once loaded) is not run again: its rows were hashed the same way
/// as they were read.
pub(crate) fn pieces(config: &Config, read: &[Input]) -> Vec<Piece> {
    queries(config)
        .into_iter()
        .map(|(table, q)| {
            let hashed = read.iter().find(|i| {
                i.table == table && i.query.as_ref() == Some(&q.db.query) && !i.sha256.is_empty()
            });
            Piece {
                label: "data",
                name: format!("{table}: {}", q.db.shown()),
                value: match hashed {
                    Some(input) => input.sha256.clone(),
                    None => q
                        .scan(&mut Nothing)
                        .map_or_else(|e| format!("not read: {e}"), |(_, sha)| sha),
                },
            }
        })
        .collect()
}

/// How a transactions query's rows are read: the shape of its columns, the sign of its
/// amounts and its "CODE Name" columns (`sources.transactions`).
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub query: Query,
    pub shape: Layout,
    pub sign: crate::config::Sign,
    pub code_and_name: Vec<String>,
}

/// Each batch of rows as a small table of the contract, checked and in result sign: the
/// table builders every reader shares, one batch at a time.
struct Batches<'a, F: FnMut(Table, &mut Findings)> {
    reading: &'a Reading,
    origin: &'a str,
    header: Vec<String>,
    findings: &'a mut Findings,
    each: F,
}

impl<F: FnMut(Table, &mut Findings)> Sink for Batches<'_, F> {
    fn header(&mut self, names: &[String], floats: &[bool]) -> bool {
        // The header's problems are told once, by a builder for the whole result.
        let mut first = Build {
            spec: super::spec::TRANSACTIONS,
            origin: self.origin,
            shape: &self.reading.shape,
            builder: None,
            findings: self.findings,
        };
        self.header = names.to_vec();
        first.header(names, floats)
    }

    fn rows(&mut self, first: u64, batch: &TextRowSet, floats: &[bool]) {
        let mut quiet = Findings::default();
        let builder = TableBuilder::new(
            super::spec::TRANSACTIONS,
            self.origin,
            &self.header,
            DecimalMark::Point,
            0,
            &self.reading.shape,
            &mut quiet,
        );
        let Some(mut builder) = builder else {
            return;
        };
        push_rows(&mut builder, first, batch, floats);
        let mut table = builder.finish(String::new(), self.findings);
        super::flip_sign(&mut table, self.reading.sign);
        let mut names = super::Names::new();
        let columns = &self.reading.code_and_name;
        super::sources::split_code_and_name(&mut table, columns, &mut names, self.findings);
        (self.each)(table, self.findings);
    }
}

impl Reading {
    /// Runs the query and hands each batch's table to `each`: the rows and their SHA-256, or
    /// why they could not be read.
    fn batches(
        &self,
        findings: &mut Findings,
        each: impl FnMut(Table, &mut Findings),
    ) -> Result<(u64, String), String> {
        let origin = self.query.origin_text();
        let mut sink = Batches {
            reading: self,
            origin: &origin,
            header: Vec::new(),
            findings,
            each,
        };
        self.query.scan(&mut sink)
    }

    /// The transactions summed to months per unit and account batch by batch, so that memory
    /// holds one batch and the sums, never every row; with the rows and their SHA-256, and
    /// what the same pass kept for the lists `want` asks for (the accumulator every source of
    /// transactions goes through, `pass::Months`). `None` when they cannot be read or
    /// summed (the findings say why).
    pub(crate) fn sums(
        &self,
        want: Option<Want>,
        findings: &mut Findings,
    ) -> Option<(super::fast::Transactions, String, Option<Kept>)> {
        let origin = self.query.origin_text();
        let mut months = Months::new(want);
        let mut overflow = None;
        let scanned = self.batches(findings, |t, _| {
            if let Some(row) = months.table(&t, |_, row| row) {
                overflow.get_or_insert(row);
            }
        });
        let (rows, sha) = match scanned {
            Ok(r) => r,
            Err(e) => {
                findings.error(&origin, None, None, e);
                return None;
            }
        };
        if let Some(row) = overflow {
            findings.error(
                &origin,
                Some(row),
                Some("amount"),
                "a month's sum for this unit and account passes the largest amount in öre",
            );
        }
        if findings.has_errors() {
            return None;
        }
        let mut keys: Vec<_> = months.sums().map(|(m, u, a, s)| (m, u, a, s.ore)).collect();
        keys.sort();
        let frame = polars::prelude::DataFrame::new_infer_height(vec![
            polars::prelude::Column::new(
                super::fast::MONTH.into(),
                keys.iter().map(|k| k.0).collect::<Vec<i32>>(),
            ),
            polars::prelude::Column::new(
                super::fast::UNIT.into(),
                keys.iter().map(|k| k.1).collect::<Vec<&str>>(),
            ),
            polars::prelude::Column::new(
                super::fast::ACCOUNT.into(),
                keys.iter().map(|k| k.2).collect::<Vec<&str>>(),
            ),
            polars::prelude::Column::new(
                super::fast::ORE.into(),
                keys.iter().map(|k| k.3).collect::<Vec<i64>>(),
            ),
        ])
        .ok()?;
        drop(keys);
        let kept = months.kept(|u| u);
        Some((super::fast::Transactions { sums: frame, rows }, sha, kept))
    }

    /// Runs the query again and gives `put` its transactions dated `from` to `to` (days since
    /// 1970, both included) that the lists of `want` may show, each with its unit, through the
    /// same accumulator as the first pass; `None` when they can no longer be read.
    pub(crate) fn postings(
        &self,
        want: Want,
        from: i32,
        to: i32,
        put: &mut impl FnMut(&str, Posting),
    ) -> Option<()> {
        let mut months = Months::lists_only(want);
        let mut quiet = Findings::default();
        self.batches(&mut quiet, |t, _| {
            months.table(&t, |_, row| row);
        })
        .ok()?;
        months.kept(|u| u)?.replay(from, to, put);
        Some(())
    }
}
