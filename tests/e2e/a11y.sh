#!/usr/bin/env bash
# Accessibility checks over the sample region: every HTML page, in Swedish and in English
# (and the sample without its budget column, the change page of a second version, and a
# synthetic region from transactions, with their largest per account),
# through axe-core (WCAG 2.0/2.1 A and AA) and the 320 px reflow check in headless Chromium;
# every PDF (unit reports and board packs) through tests/pdf_check.py (pikepdf).
#
# usage: tests/e2e/a11y.sh PATH/TO/uppfolj [PYTHON]
# Needs chromium, node's axe-core in tests/e2e/node_modules (`npm install` in tests/e2e) and
# a Python with pikepdf (PYTHON, default python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$1"
py="${2:-python3}"
axe=tests/e2e/node_modules/axe-core/axe.min.js
[ -f "$axe" ] || { echo "axe-core missing: run npm install in tests/e2e" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed 's/^language: sv/language: en/' data/sample/uppfolj.yaml > "$tmp/uppfolj-en.yaml"
grep -q '^language: en' "$tmp/uppfolj-en.yaml"

echo "== sample region, Swedish: HTML and PDF"
"$bin" generate --data data/sample --config data/sample/uppfolj.yaml --period latest \
  --out "$tmp/sv" --format html,pdf
echo "== sample region, English: HTML"
"$bin" generate --data data/sample --config "$tmp/uppfolj-en.yaml" --period latest \
  --out "$tmp/en" --format html
echo "== a region without the optional sections: HTML"
"$bin" generate --data tests/fixtures/mini --period latest --out "$tmp/mini" --format html
echo "== the sample region without a budget: HTML and PDF"
mkdir "$tmp/nobudget"
cp -r data/sample/. "$tmp/nobudget/"
cut -d';' -f1-4 data/sample/ledger.csv > "$tmp/nobudget/ledger.csv"
"$bin" generate --data "$tmp/nobudget" --config data/sample/uppfolj.yaml --period latest \
  --out "$tmp/nobudget-out" --format html,pdf

echo "== a second version of the sample with one ledger row changed: HTML with the change page"
"$bin" generate --data data/sample --config data/sample/uppfolj.yaml --period latest \
  --out "$tmp/versions" --format html
mkdir "$tmp/changed"
cp -r data/sample/. "$tmp/changed/"
# The first row gets another outcome (last year's figures of the report change).
sed -i '2 s/^\([^;]*;[^;]*;[^;]*\);[^;]*;/\1;1000,00;/' "$tmp/changed/ledger.csv"
if cmp -s data/sample/ledger.csv "$tmp/changed/ledger.csv"; then
  echo "the ledger row was not changed" >&2
  exit 1
fi
"$bin" generate --data "$tmp/changed" --config data/sample/uppfolj.yaml --period latest \
  --out "$tmp/versions" --format html
ls "$tmp"/versions/*/changes.html
echo "== transactions, each account with its largest: HTML"
"$bin" synth --leaves 3 --accounts 20 --transactions 3000 --out "$tmp/trans"
"$bin" generate --data "$tmp/trans" --period latest --out "$tmp/trans-out" --format html

echo "== axe-core and reflow"
# Each month's folder (YYYY-MM; not `latest`, the link to the newest) and the landing pages.
python3 tests/e2e/axe.py "$axe" "$tmp"/sv/index.html "$tmp"/en/index.html \
  "$tmp"/sv/[0-9]*/*.html "$tmp"/en/[0-9]*/*.html "$tmp"/mini/[0-9]*/*.html \
  "$tmp"/nobudget-out/[0-9]*/*.html "$tmp"/versions/*/changes.html "$tmp"/trans-out/[0-9]*/*.html

echo "== PDF/UA and PDF/A check"
"$py" tests/pdf_check.py "$tmp"/sv/[0-9]*/*.pdf "$tmp"/sv/[0-9]*/pdf/*.pdf \
  "$tmp"/nobudget-out/[0-9]*/*.pdf "$tmp"/nobudget-out/[0-9]*/pdf/*.pdf
