//! Parquet files through Polars. Rows are numbered from 1 in the order of the file.

use polars::prelude::*;

use super::shape::Shape;
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
    shape: &Shape,
    findings: &mut Findings,
) -> Option<Table> {
    // Bounded first: the reader allocates for what the file claims, beyond any panic guard.
    if let Ok(f) = std::fs::File::open(path)
        && let Err(e) = super::parquet_bounds::check(f)
    {
        findings.error(
            file,
            None,
            None,
            format!("the Parquet file is not read: {e}; the file is damaged or not an export"),
        );
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
    let mut texts: Vec<String> = vec![String::new(); columns.len()];
    let mut kinds: Vec<u8> = vec![0; columns.len()];
    let mut nums: Vec<(i64, f64, (i32, u32, u32))> = vec![(0, 0.0, (0, 0, 0)); columns.len()];
    for row in 0..df.height() {
        for (ci, col) in columns.iter().enumerate() {
            let v = col.get(row).unwrap_or(AnyValue::Null);
            kinds[ci] = match v {
                AnyValue::Null => 0,
                AnyValue::String(s) => {
                    texts[ci] = s.to_string();
                    1
                }
                AnyValue::StringOwned(s) => {
                    texts[ci] = s.to_string();
                    1
                }
                AnyValue::Boolean(b) => {
                    texts[ci] = b.to_string();
                    1
                }
                AnyValue::Int8(_)
                | AnyValue::Int16(_)
                | AnyValue::Int32(_)
                | AnyValue::Int64(_)
                | AnyValue::UInt8(_)
                | AnyValue::UInt16(_)
                | AnyValue::UInt32(_) => {
                    nums[ci].0 = v.extract::<i64>().unwrap_or(0);
                    2
                }
                AnyValue::Float32(_) | AnyValue::Float64(_) => {
                    nums[ci].1 = v.extract::<f64>().unwrap_or(f64::NAN);
                    3
                }
                AnyValue::Date(days) => {
                    nums[ci].2 = civil_from_days(days);
                    4
                }
                other => {
                    texts[ci] = other.to_string();
                    1
                }
            };
        }
        let cells: Vec<Cell<'_>> = (0..columns.len())
            .map(|ci| match kinds[ci] {
                1 => Cell::Text(texts[ci].as_str()),
                2 => Cell::Int(nums[ci].0),
                3 => Cell::Float(nums[ci].1),
                4 => Cell::Date(nums[ci].2.0, nums[ci].2.1, nums[ci].2.2),
                _ => Cell::Empty,
            })
            .collect();
        builder.push(row as u64 + 1, &cells);
    }
    Some(builder.finish(sha256, findings))
}
