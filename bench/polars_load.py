"""Polars alone reading a file with every column as text (`infer_schema=False`): the lower
bound uppfolj's load stage is measured against (issue 30: the load stage within 1.3x of this).
Prints the read time measured inside the process, without the interpreter's start.
usage: polars_load.py FILE [FILE ...]"""
import sys
import time

import polars as pl

total = 0.0
for path in sys.argv[1:]:
    start = time.perf_counter()
    df = pl.read_csv(path, separator=";", infer_schema=False)
    took = time.perf_counter() - start
    total += took
    print(f"{path}: {df.height} rows, {df.width} columns as text in {took:.3f} s", file=sys.stderr)
print(f"read {total:.3f} s", file=sys.stderr)
