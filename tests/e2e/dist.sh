#!/usr/bin/env bash
# The release archive, as a server without Rust gets it:
#
#   tests/e2e/dist.sh "$CARGO_TARGET_DIR/debug"
#
# dist/build.sh packs the debug build of that target folder (so that CI never pays for a release
# build), the archive is checked against its .sha256 and its listing (owner 0, one mtime),
# unpacked into a fresh folder, its SHA256SUMS checked, every piece looked for (manual pages
# that `man` opens, completions, the guide, the licences naming known crates, the systemd
# units), and the sample region made (`init --sample`) and reported (`generate`) with the
# unpacked binary alone, outside the source tree and with a bare PATH that has no Rust on it.
# Anything missing fails the test; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "dist.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || fail "usage: tests/e2e/dist.sh TARGET_DIR/debug"
profile_dir="$(cd "$1" && pwd)"
[ "$(basename "$profile_dir")" = debug ] || fail "$1 is not a debug build folder"
CARGO_TARGET_DIR="$(dirname "$profile_dir")"
export CARGO_TARGET_DIR

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dist/build.sh --profile debug --out "$work/dist"
archive="$(ls "$work"/dist/uppfolj-*.tar.gz)"
(cd "$work/dist" && sha256sum --check --quiet ./*.tar.gz.sha256)

# Deterministic as far as tar allows: every entry owned by 0/0 and dated alike.
listing="$(tar -tvzf "$archive")"
owners="$(awk '{print $2}' <<<"$listing" | sort -u)"
[ "$owners" = "0/0" ] || fail "entries not owned by 0/0: $owners"
[ "$(awk '{print $4, $5}' <<<"$listing" | sort -u | wc -l)" -eq 1 ] \
  || fail "entries with different times"

mkdir "$work/server"
tar -xzf "$archive" -C "$work/server"
root="$(ls -d "$work"/server/uppfolj-*)"
(cd "$root" && sha256sum --check --quiet SHA256SUMS)

for f in bin/uppfolj share/man/man1/uppfolj.1 share/man/man1/uppfolj-generate.1 \
  share/bash-completion/completions/uppfolj share/zsh/site-functions/_uppfolj \
  share/fish/vendor_completions.d/uppfolj.fish share/doc/uppfolj/guide/index.html \
  share/doc/uppfolj/guide/installera.html share/doc/uppfolj/guide/schemalagga.html \
  share/doc/uppfolj/guide/en/index.html share/doc/uppfolj/licenses.html \
  share/doc/uppfolj/README.md share/uppfolj/systemd/uppfolj.service \
  share/uppfolj/systemd/uppfolj.timer share/uppfolj/systemd/uppfolj-alert@.service; do
  [ -s "$root/$f" ] || fail "the archive has no $f"
done
[ -x "$root/bin/uppfolj" ] || fail "bin/uppfolj is not executable"
grep -q '^MIT License$' "$root/share/doc/uppfolj/LICENSE" || fail "the archive has no LICENSE (MIT)"

# The manual pages open; without man(1), they are at least roff with a title.
for page in uppfolj.1 uppfolj-generate.1; do
  if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$root/share/man/man1/$page" 2>/dev/null | grep -q "uppfolj" \
      || fail "man -l does not open $page"
  else
    head -n 5 "$root/share/man/man1/$page" | grep -q '^\.TH' || fail "$page is not roff"
  fi
done
grep -q '^\.SH "EXIT STATUS"' "$root/share/man/man1/uppfolj-generate.1" \
  || fail "uppfolj-generate.1 has no EXIT STATUS"
grep -q 'generate' "$root/share/bash-completion/completions/uppfolj" \
  || fail "the bash completion does not know generate"

# The licences name the crates the program is built from (a few by name, with a version).
for crate in serde polars typst rust_xlsxwriter tera clap; do
  grep -q "<li>$crate [0-9]" "$root/share/doc/uppfolj/licenses.html" \
    || fail "licenses.html does not name $crate"
done

# The sample, from the archive alone: no Rust on the PATH, outside the source tree.
bare=(env -i PATH=/usr/bin:/bin HOME="$work/server")
if "${bare[@]}" sh -c 'command -v cargo || command -v rustc' >/dev/null; then
  fail "cargo or rustc is on PATH=/usr/bin:/bin, so the run would not show it needs no Rust"
fi
cd "$work/server"
"${bare[@]}" "$root/bin/uppfolj" init --sample region
(cd region && "${bare[@]}" "$root/bin/uppfolj" generate --data data --out out)
[ -s region/out/2020-09/index.html ] || fail "no report for 2020-09"
[ -s region/out/2020-09/figures.json ] || fail "no figures.json for 2020-09"
ls region/out/2020-09/*.pdf >/dev/null || fail "no PDFs"
ls region/out/2020-09/*.xlsx >/dev/null || fail "no workbooks"
[ -e region/out/latest ] || fail "no OUT/latest"

# A file changed after packing is caught by the checksums.
echo changed >> "$root/share/doc/uppfolj/README.md"
if (cd "$root" && sha256sum --check --quiet SHA256SUMS >/dev/null 2>&1); then
  fail "SHA256SUMS does not catch a changed file"
fi
echo "dist.sh: the archive unpacks, checks and runs the sample"
