//! Polars alone reading and aggregating a transactions file to (month, unit, account) sums:
//! the reference time for uppfolj's transaction path, with the same Polars crate, features and
//! release profile that uppfolj is built with. The same query as `bench/polars_aggregate.py`.
//!
//! ```sh
//! cargo run --release --example polars_aggregate -- bench/trans/transactions.csv
//! ```

use std::sync::Arc;
use std::time::Instant;

use polars::prelude::*;

fn main() -> PolarsResult<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: polars_aggregate FILE");
        std::process::exit(2);
    };
    let start = Instant::now();
    let text: Schema = [
        Field::new("unit".into(), DataType::String),
        Field::new("account".into(), DataType::String),
    ]
    .into_iter()
    .collect();
    let out = LazyCsvReader::new(PlRefPath::try_from_path(path.as_ref())?)
        .with_dtype_overwrite(Some(Arc::new(text)))
        .map_parse_options(|o| o.with_separator(b';').with_decimal_comma(true))
        .finish()?
        .group_by([
            col("date").str().slice(lit(0), lit(7)).alias("month"),
            col("unit"),
            col("account"),
        ])
        .agg([col("amount").sum()])
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    eprintln!(
        "{} groups in {:.2} s",
        out.height(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
