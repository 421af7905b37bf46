//! Parquet files through Polars. Rows are numbered from 1 in the order of the file.

use polars::prelude::*;

use super::guard::Refusal;
use super::layout::Layout;
use super::spec::TableSpec;
use super::table::{Cell, Table, TableBuilder};
use crate::clock::civil_from_days;
use crate::diag::Findings;
use crate::model::money::DecimalMark;

pub(crate) fn read(
    spec: TableSpec,
    file: &str,
    path: &std::path::Path,
    sha256: String,
    shape: &Layout,
    findings: &mut Findings,
) -> Option<Table> {
    // Bounded first: the reader allocates for what the file claims, beyond any panic guard.
    let checked = std::fs::File::open(path)
        .map_err(|e| Refusal::Unreadable(format!("it cannot be opened ({e})")))
        .and_then(super::parquet_bounds::check);
    if let Err(refusal) = checked {
        let message = match refusal {
            Refusal::Claims(e) => {
                format!("the Parquet file is not read: {e}; the file is damaged or not an export")
            }
            Refusal::Unreadable(e) => format!("the file cannot be read as Parquet: {e}"),
        };
        findings.error(file, None, None, message);
        return None;
    }
    let df = std::fs::File::open(path)
        .map_err(PolarsError::from)
        .and_then(|f| ParquetReader::new(f).finish());
    let df = match df {
        Ok(df) => df,
        Err(e) => {
            findings.error(
                file,
                None,
                None,
                format!("the file cannot be read as Parquet: {e}"),
            );
            return None;
        }
    };
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut builder =
        TableBuilder::new(spec, file, &header, DecimalMark::Point, 0, shape, findings)?;
    let columns = df.columns();
    // Per column, the row's value: text is kept in `texts` so its buffer is reused.
    let mut texts: Vec<String> = vec![String::new(); columns.len()];
    let mut values: Vec<Value> = vec![Value::Empty; columns.len()];
    for row in 0..df.height() {
        for (ci, col) in columns.iter().enumerate() {
            let v = col.get(row).unwrap_or(AnyValue::Null);
            let mut text = |t: &dyn std::fmt::Display| {
                texts[ci].clear();
                use std::fmt::Write;
                let _ = write!(texts[ci], "{t}");
                Value::Text
            };
            values[ci] = match v {
                AnyValue::Null => Value::Empty,
                AnyValue::String(s) => text(&s),
                AnyValue::StringOwned(ref s) => text(s),
                AnyValue::Boolean(b) => text(&b),
                AnyValue::Int8(_)
                | AnyValue::Int16(_)
                | AnyValue::Int32(_)
                | AnyValue::Int64(_)
                | AnyValue::UInt8(_)
                | AnyValue::UInt16(_)
                | AnyValue::UInt32(_) => Value::Int(v.extract::<i64>().unwrap_or(0)),
                AnyValue::Float32(_) | AnyValue::Float64(_) => {
                    Value::Float(v.extract::<f64>().unwrap_or(f64::NAN))
                }
                AnyValue::Date(days) => {
                    let (y, m, d) = civil_from_days(days);
                    Value::Date(y, m, d)
                }
                ref other => text(other),
            };
        }
        let cells: Vec<Cell<'_>> = values
            .iter()
            .zip(&texts)
            .map(|(v, t)| match *v {
                Value::Empty => Cell::Empty,
                Value::Text => Cell::Text(t.as_str()),
                Value::Int(n) => Cell::Int(n),
                Value::Float(x) => Cell::Float(x),
                Value::Date(y, m, d) => Cell::Date(y, m, d),
            })
            .collect();
        builder.push(row as u64 + 1, &cells);
    }
    Some(builder.finish(sha256, findings))
}

/// What one cell of a Parquet column holds, as the table builder takes it (text lies in the
/// column's text buffer).
#[derive(Debug, Clone, Copy)]
enum Value {
    Empty,
    Text,
    Int(i64),
    Float(f64),
    Date(i32, u32, u32),
}
