#!/usr/bin/env bash
# The HTML pages of a 400-leaf region (471 units) with two builds of uppfolj, run in turn
# (A, B, A, B, …) so that both see the same machine: each run's summary line (its laps: load,
# compute, present, render, write), then whether the two wrote the same bytes (sha256 of
# every file of the last run of each, under SOURCE_DATE_EPOCH).
# usage: bench/pages.sh BIN_A BIN_B [RUNS] [WORKDIR]
#   e.g. bench/pages.sh /tmp/uppfolj-before target/release/uppfolj 3
#   (release builds: debug timings say nothing about a release build)
set -euo pipefail
A="$(realpath "$1")"
B="$(realpath "$2")"
RUNS="${3:-3}"
W="${4:-$(mktemp -d)}"
mkdir -p "$W"
export SOURCE_DATE_EPOCH=1700000000

[[ -f "$W/region/ledger.csv" ]] || "$A" synth --leaves 400 --accounts 300 --out "$W/region" >/dev/null

for i in $(seq 1 "$RUNS"); do
  for which in A B; do
    bin="$A"
    [[ "$which" == B ]] && bin="$B"
    rm -rf "$W/out-$which"
    line="$("$bin" generate --data "$W/region" --period latest --out "$W/out-$which" \
      --format html 2>&1 | grep '^uppfolj:' || true)"
    echo "$which run $i: ${line#* in }"
  done
done

sums() { (cd "$W/out-$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
if diff <(sums A) <(sums B) >/dev/null; then
  echo "same bytes: $(sums A | wc -l) files"
else
  echo "DIFFERENT bytes:"
  diff <(sums A) <(sums B) | head -20
  exit 1
fi
