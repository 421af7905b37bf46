"""Polars alone reading and aggregating a transactions file to (month, unit, account) sums:
the reference time for uppfolj's transaction path. usage: polars_aggregate.py FILE"""
import sys
import time

import polars as pl

start = time.perf_counter()
out = (
    pl.scan_csv(sys.argv[1], separator=";", decimal_comma=True, schema_overrides={"unit": pl.Utf8, "account": pl.Utf8})
    .group_by(pl.col("date").str.slice(0, 7).alias("month"), "unit", "account")
    .agg(pl.col("amount").sum())
    .collect(engine="streaming")
)
print(f"{out.height} groups in {time.perf_counter() - start:.2f} s", file=sys.stderr)
