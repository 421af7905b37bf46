#!/usr/bin/env bash
# End-to-end test of `uppfolj watch` in real headless Chromium: open a report once, edit the
# unit's commentary, and see the open page change by itself; a broken config shows the error
# on the page and the page recovers when it is fixed.
# usage: tests/e2e/watch.sh PATH_TO_UPPFOLJ_BINARY
set -euo pipefail
BIN="$(realpath "$1")"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHROMIUM="${CHROMIUM:-chromium}"
command -v "$CHROMIUM" >/dev/null || { echo "chromium is not installed"; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
CHROME_PID=""
cleanup() {
    [[ -n "$CHROME_PID" ]] && kill -- "-$CHROME_PID" 2>/dev/null || true
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cp -r "$ROOT/data/sample" "$WORK/data"
mv "$WORK/data/uppfolj.yaml" "$WORK/uppfolj.yaml"
COMMENT="$WORK/data/comments/2020-09/HSN.md"

"$BIN" watch --data "$WORK/data" --config "$WORK/uppfolj.yaml" --period 2020-09 \
    --out "$WORK/out" --port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
URL=""
for _ in $(seq 100); do
    URL="$(sed -n 's/^serving //p' "$WORK/server.out")"
    [[ -n "$URL" ]] && break
    sleep 0.1
done
[[ -n "$URL" ]] || { echo "the server did not start"; cat "$WORK/server.err"; exit 1; }
echo "server: $URL"

mkdir -p "$WORK/profile"
setsid "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --remote-debugging-port=0 --remote-allow-origins='*' --user-data-dir="$WORK/profile" "${URL}HSN.html" \
    >"$WORK/chromium.log" 2>&1 &
CHROME_PID=$!
PORT=""
for _ in $(seq 200); do
    [[ -s "$WORK/profile/DevToolsActivePort" ]] && PORT="$(head -n1 "$WORK/profile/DevToolsActivePort")" && break
    sleep 0.1
done
[[ -n "$PORT" ]] || { echo "chromium did not start"; cat "$WORK/chromium.log"; exit 1; }

wait_for() { python3 "$HERE/devtools.py" "$PORT" "$WORK/page.json" "$1" "${2:-30}"; }
passed=0
failed=0
check() {
    echo "== $1"
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

check "the report opens with the controller's commentary" wait_for "Hälsocentralen Fjällbyn saknar fast anställda läkare" 60
printf 'Ny kommentar: prognosen har setts över efter septembers utfall.\n' >>"$COMMENT"
check "an edit of the commentary appears in the open page" wait_for "prognosen har setts över efter septembers utfall"
cp "$WORK/uppfolj.yaml" "$WORK/uppfolj.yaml.good"
printf 'languag: sv\n' >>"$WORK/uppfolj.yaml"
check "a broken config shows the error in the page" wait_for "did you mean"
cp "$WORK/uppfolj.yaml.good" "$WORK/uppfolj.yaml"
check "fixing it brings the report back" wait_for "prognosen har setts över"
check "the server is still running" kill -0 "$SERVER_PID"
echo "watch e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
