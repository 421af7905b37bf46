#!/usr/bin/env bash
# End-to-end test of the month's round (`uppfolj serve`) in real headless Chromium: starts
# the server on the sample region with built-in accounts on a free port, walks the round
# (tests/e2e/round.py: two reporters and a controller write, preview, save, mark done, send
# back, approve; a stale save, another unit's page), checks every round page with axe-core,
# runs `uppfolj generate` with the approved round and checks its HTML, PDF and workbook, and
# stops the server. The server is started and stopped by tests/e2e/serve_round.py.
# usage: tests/e2e/round.sh PATH_TO_UPPFOLJ_BINARY
# Needs chromium and node's axe-core in tests/e2e/node_modules (`npm install` in tests/e2e).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
AXE="$HERE/node_modules/axe-core/axe.min.js"

if [[ "${1:-}" != "--walk" ]]; then
    BIN="$(realpath "$1")"
    [[ -f "$AXE" ]] || { echo "axe-core missing: run npm install in tests/e2e" >&2; exit 1; }
    command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }
    # The store, the accounts and the server (tests/e2e/serve_round.py, shared with the load
    # benchmark), then this script again with --walk while the server runs.
    echo "== accounts and the server"
    exec python3 "$HERE/serve_round.py" "$BIN" --period 2020-09 \
        --user anna:reporter:2110:anna-pw --user bertil:reporter:2120:bertil-pw \
        --user karin:controller::karin-pw -- bash "$HERE/round.sh" --walk "$BIN"
fi

# --walk: the server runs at $ROUND_URL with its store $ROUND_DB in $ROUND_WORK.
BIN="$2"
WORK="$ROUND_WORK"
DB="$ROUND_DB"
python3 "$HERE/round.py" "$AXE" "$ROUND_URL"
kill -0 "$ROUND_PID" || { echo "the server stopped during the walk"; exit 1; }

# `generate` with the round, while the server still runs (the store read as a WAL reader): a
# copy of the sample whose config names the store, without the commentary file and forecast
# rows of 2110 and 2120 for 2020-09 (the round gives those now).
echo "== generate with the approved round"
cp -r "$ROOT/data/sample" "$WORK/sample"
rm -f "$WORK/sample/comments/2020-09/2110.md" "$WORK/sample/comments/2020-09/2120.md"
grep -v '^2020-09;21[12]0;' "$ROOT/data/sample/forecast.csv" > "$WORK/sample/forecast.csv"
printf '\nround:\n  db: %s\n' "$DB" >> "$WORK/sample/uppfolj.yaml"
"$BIN" generate --data "$WORK/sample" --config "$WORK/sample/uppfolj.yaml" --period 2020-09 \
    --out "$WORK/out" 2>"$WORK/generate.err" || { cat "$WORK/generate.err"; exit 1; }
python3 "$HERE/round_generated.py" "$WORK/out/2020-09" "$WORK/generate.err"
