#!/usr/bin/env bash
# Benchmarks of uppfolj on synthetic regions (see docs/performance.md for results):
#   1. 400 leaf units, 300 accounts, two years (~0.9 M ledger rows): the HTML report for every
#      unit of the tree, against bench/pandas_report.py (pandas + Jinja2 + matplotlib) on the
#      same files in the same run, once as `uppfolj synth` writes them and once as Swedish
#      Excel saves them (bench/excel_style.py);
#   2. a board pack of the 40 first units (PDF) and every unit's PDF;
#   3. 10 M transaction rows: aggregation and reports, against Polars alone reading and
#      aggregating the same file, with the same Polars crate (examples/polars_aggregate.rs)
#      and with Python Polars (bench/polars_aggregate.py).
#   4. the load stage against Polars alone reading the same file with every column as text
#      (bench/polars_load.py): the ledger of 1. and the transactions of 3.
# usage: bench/run.sh [WORKDIR]
#   (needs a release build: cargo build --release --bin uppfolj --example polars_aggregate;
#    PYTHON names the interpreter that has bench/requirements.txt installed, default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${UPPFOLJ:-${CARGO_TARGET_DIR:-target}/release/uppfolj}"
REF="$(dirname "$BIN")/examples/polars_aggregate"
W="${1:-$(mktemp -d)}"
mkdir -p "$W"
t() { /usr/bin/time -f "%e s wall, %M KB peak" "$@"; }
PY="${PYTHON:-python3}"

echo "== machine"
nproc; grep -m1 "model name" /proc/cpuinfo; uptime

echo "== data"
[[ -f "$W/region/ledger.csv" ]] || "$BIN" synth --leaves 400 --accounts 300 --out "$W/region"
wc -l "$W/region/ledger.csv"

# The same region as Swedish Excel saves CSV: Windows-1252, quoted cells, CRLF, no-break
# spaces between thousands.
[[ -f "$W/excel/ledger.csv" ]] || "$PY" bench/excel_style.py "$W/region" "$W/excel"

# 1. HTML for every unit of both folders; each pandas run between uppfolj runs on the same data.
for data in region excel; do
  echo "== 1. $data: uppfolj, HTML for every unit"
  t "$BIN" generate --data "$W/$data" --period latest --out "$W/out-html-$data" --format html
  if "$PY" -c "import pandas, jinja2, matplotlib" 2>/dev/null; then
    echo "== 1. $data: pandas + Jinja2 + matplotlib, HTML for every unit (three charts each)"
    t "$PY" bench/pandas_report.py --data "$W/$data" --out "$W/out-pandas-$data"
  else
    echo "(pandas, jinja2 or matplotlib missing: pip install -r bench/requirements.txt)"
  fi
  echo "== 1. $data: uppfolj again"
  for i in 1 2; do t "$BIN" generate --data "$W/$data" --period latest --out "$W/out-html-$data" --format html; done
done

echo "== 2. uppfolj: PDF for every unit and a pack of 40 units"
cat >"$W/pack.yaml" <<YAML
packs:
  - name: pack40
    title: Månadsrapport
    units: [$(cut -d';' -f1 "$W/region/units.csv" | tail -n +2 | head -40 | paste -sd, -)]
YAML
t "$BIN" generate --data "$W/region" --config "$W/pack.yaml" --period latest --out "$W/out-pdf" --format pdf
pdfinfo "$W/out-pdf/2020-09/pack40.pdf" 2>/dev/null | grep Pages || true

echo "== 3. 10 million transactions"
[[ -f "$W/trans/transactions.csv" ]] || "$BIN" synth --leaves 400 --accounts 300 --transactions 10000000 --out "$W/trans"
ls -la "$W/trans/transactions.csv"
for i in 1 2 3; do t "$BIN" generate --data "$W/trans" --period latest --out "$W/out-trans" --format html; done
if [[ -x "$REF" ]]; then
  echo "== 3. Polars alone (the same Rust crate and profile): read and aggregate the same file"
  for i in 1 2 3; do t "$REF" "$W/trans/transactions.csv"; done
fi
if "$PY" -c "import polars" 2>/dev/null; then
  echo "== 3. Polars alone: read and aggregate the same file"
  for i in 1 2 3; do t "$PY" bench/polars_aggregate.py "$W/trans/transactions.csv"; done
fi

echo "== 4. the load stage against Polars reading the same file as text (uppfolj's load lap above)"
if "$PY" -c "import polars" 2>/dev/null; then
  for i in 1 2 3; do
    "$BIN" generate --data "$W/region" --period latest --out "$W/out-html-region" --format html | grep -o "load [0-9.]* s"
    "$PY" bench/polars_load.py "$W/region/ledger.csv" 2>&1 | tail -1
  done
  for i in 1 2 3; do
    "$BIN" generate --data "$W/trans" --period latest --out "$W/out-trans" --format html | grep -o "load [0-9.]* s"
    "$PY" bench/polars_load.py "$W/trans/transactions.csv" "$W/trans/budget.csv" 2>&1 | tail -1
  done
fi
