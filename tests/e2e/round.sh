#!/usr/bin/env bash
# End-to-end test of the month's round (`uppfolj serve`) in real headless Chromium: starts
# the server on the sample region with built-in accounts on a free port, walks the round
# (tests/e2e/round.py: two reporters and a controller write, preview, save, mark done, send
# back, approve; a stale save, another unit's page), checks every round page with axe-core,
# runs `uppfolj generate` with the approved round and checks its HTML, PDF and workbook, and
# stops the server.
# usage: tests/e2e/round.sh PATH_TO_UPPFOLJ_BINARY
# Needs chromium and node's axe-core in tests/e2e/node_modules (`npm install` in tests/e2e).
set -euo pipefail
BIN="$(realpath "$1")"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
AXE="$HERE/node_modules/axe-core/axe.min.js"
[[ -f "$AXE" ]] || { echo "axe-core missing: run npm install in tests/e2e" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
DB="$WORK/round.db"

echo "== accounts"
echo anna-pw | "$BIN" round user add anna --role reporter --unit 2110 --db "$DB"
echo bertil-pw | "$BIN" round user add bertil --role reporter --unit 2120 --db "$DB"
echo karin-pw | "$BIN" round user add karin --role controller --db "$DB"

"$BIN" serve --data "$ROOT/data/sample" --config "$ROOT/data/sample/uppfolj.yaml" \
    --period 2020-09 --db "$DB" --auth password --insecure-cookies --listen 127.0.0.1:0 \
    >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
URL=""
for _ in $(seq 300); do
    URL="$(sed -n 's/^serving //p' "$WORK/server.out")"
    [[ -n "$URL" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
[[ -n "$URL" ]] || { echo "the server did not start"; cat "$WORK/server.err"; exit 1; }
echo "server: $URL"

status=0
python3 "$HERE/round.py" "$AXE" "$URL" || status=$?
if [[ $status -ne 0 ]]; then
    echo "-- the server's log:"
    cat "$WORK/server.err"
fi
kill -0 "$SERVER_PID" || { echo "the server stopped during the walk"; exit 1; }
[[ $status -eq 0 ]] || exit "$status"

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
