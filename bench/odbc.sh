#!/usr/bin/env bash
# Transactions from a database against the same rows from a CSV file (docs/performance.md,
# "Transactions from a database"): `uppfolj synth` writes N transaction rows, psql loads them
# into the PostgreSQL server of .ci/odbc-server.sh (started here, stopped at the end), and
# `uppfolj generate` reads them once from transactions.csv and once through ODBC
# (`sources.transactions.odbc`), each under /usr/bin/time for its wall time and peak memory.
# usage: bench/odbc.sh [ROWS] [WORKDIR]   (default 1000000 rows; needs postgresql,
#   odbc-postgresql and a build: UPPFOLJ=path/to/uppfolj, default the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
W="${2:-$(mktemp -d)}"
BIN="${UPPFOLJ:-${CARGO_TARGET_DIR:-target}/release/uppfolj}"
t() { /usr/bin/time -f "%e s wall, %M KB peak" "$@"; }

# shellcheck source=.ci/odbc-server.sh
source .ci/odbc-server.sh
trap odbc_server_stop EXIT
pw="${UPPFOLJ_TEST_ODBC##*PWD=}"

echo "== data: $ROWS transaction rows"
rm -rf "$W/csv" "$W/db"
"$BIN" synth --leaves 200 --accounts 100 --transactions "$ROWS" --out "$W/csv" >/dev/null
mkdir -p "$W/db"
for f in "$W/csv"/*.csv; do
  [ "$(basename "$f")" = transactions.csv ] || cp "$f" "$W/db/"
done
ls -l "$W/csv/transactions.csv"

echo "== loading into PostgreSQL"
PGPASSWORD="$pw" psql -q -h "$ODBC_SERVER_DIR/pg" -U uppfolj uppfolj <<EOF
create table transactions (date text, unit text, account text, amount text, text text);
\copy transactions from '$W/csv/transactions.csv' with (format csv, delimiter ';', header true)
alter table transactions alter column amount type numeric(18,2)
  using replace(replace(replace(amount, ' ', ''), chr(160), ''), ',', '.')::numeric;
EOF

printf 'transactions: { largest: 5 }\n' >"$W/csv.yaml"
cat >"$W/db.yaml" <<EOF
transactions: { largest: 5 }
sources:
  transactions:
    odbc: "DSN=uppfolj_test;UID=uppfolj;PWD=\${DW_PASSWORD}"
    query: "select date, unit, account, amount, text from transactions"
EOF

echo "== from the CSV file"
t "$BIN" generate --data "$W/csv" --config "$W/csv.yaml" --period 2020-09 --format html \
  --out "$W/out-csv" >/dev/null
echo "== from the database over ODBC"
DW_PASSWORD="$pw" t "$BIN" generate --data "$W/db" --config "$W/db.yaml" --period 2020-09 \
  --format html --out "$W/out-db" >/dev/null
cmp "$W/out-csv/2020-09/figures.json" "$W/out-db/2020-09/figures.json" \
  && echo "figures.json: identical"
