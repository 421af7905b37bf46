#!/usr/bin/env bash
# Builds the release archive for the machine it runs on, for servers without Rust:
#
#   uppfolj-<version>-<target>/
#     bin/uppfolj                                     the program
#     share/man/man1/uppfolj*.1                       the manual pages (uppfolj man --out)
#     share/bash-completion/completions/uppfolj       shell completions (uppfolj completions)
#     share/zsh/site-functions/_uppfolj
#     share/fish/vendor_completions.d/uppfolj.fish
#     share/doc/uppfolj/guide/                        the user guide as HTML (mdBook; English in en/)
#     share/doc/uppfolj/licenses.html                 the licence texts of every dependency (cargo-about)
#     share/doc/uppfolj/README.md
#     share/doc/uppfolj/LICENSE                       uppfolj's own licence (MIT)
#     share/uppfolj/systemd/                          the units of the scheduling recipe
#     SHA256SUMS                                      sha256sum -c SHA256SUMS checks the files above
#
# as DIR/uppfolj-<version>-<target>.tar.gz with its checksum beside it (.sha256). The tree
# mirrors /usr/local, so that `cp -r bin share /usr/local/` installs it.
#
#   dist/build.sh [--profile release|dist|debug] [--out DIR]
#
# --profile debug packs the debug build (what CI tests, so that it never pays for a release
# build); dist is Cargo.toml's profile for the binary to hand out (full LTO, slow to link); the
# default is release. DIR defaults to $CARGO_TARGET_DIR/dist. mdBook and cargo-about are installed, pinned, beside the
# build ($CARGO_TARGET_DIR/../mdbook, ../cargo-about) when they are not there yet.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "dist/build.sh: unknown argument $1 (expected --profile release|dist|debug, --out DIR)" >&2; exit 2 ;;
  esac
done
case "$profile" in
  release) build_flags=(--release) ;;
  dist) build_flags=(--profile dist) ;;
  debug) build_flags=() ;;
  *) echo "dist/build.sh: --profile $profile (expected release, dist or debug)" >&2; exit 2 ;;
esac

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/uppfolj/target}"
out="${out:-$CARGO_TARGET_DIR/dist}"
tools="$CARGO_TARGET_DIR/.."

mdbook="$tools/mdbook/bin/mdbook"
if ! "$mdbook" --version 2>/dev/null | grep -qx 'mdbook v0.4.52'; then
  echo "== installing mdbook 0.4.52"
  cargo install mdbook --locked --version 0.4.52 --no-default-features --features search \
    --root "$tools/mdbook"
fi
about="$tools/cargo-about/bin/cargo-about"
if ! "$about" --version 2>/dev/null | grep -qx 'cargo-about 0.9.3'; then
  echo "== installing cargo-about 0.9.3"
  cargo install cargo-about --locked --version 0.9.3 --features cli --root "$tools/cargo-about"
fi

echo "== cargo build ($profile)"
cargo build --locked "${build_flags[@]}"
bin="$CARGO_TARGET_DIR/$profile/uppfolj"

version="$("$bin" --version | awk '{print $2}')"
target="$(rustc -vV | sed -n 's/^host: //p')"
name="uppfolj-$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
  "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d" \
  "$root/share/doc/uppfolj" "$root/share/uppfolj/systemd"

install -m 755 "$bin" "$root/bin/uppfolj"
"$bin" man --out "$root/share/man/man1" >/dev/null
"$bin" completions bash > "$root/share/bash-completion/completions/uppfolj"
"$bin" completions zsh > "$root/share/zsh/site-functions/_uppfolj"
"$bin" completions fish > "$root/share/fish/vendor_completions.d/uppfolj.fish"

echo "== the guide (mdBook)"
"$mdbook" build docs/guide -d "$root/share/doc/uppfolj/guide" >/dev/null
"$mdbook" build docs/guide/en -d "$root/share/doc/uppfolj/guide/en" >/dev/null

echo "== the dependencies' licences (cargo-about)"
# --frozen: the crates' own licence files, already fetched by the build, and no web service;
# --fail: a crate whose licence cannot be read stops the build; --target: the crates built
# for this machine only.
"$about" generate --frozen --fail --target "$target" --config dist/about.toml --output-file \
  "$root/share/doc/uppfolj/licenses.html" dist/about.hbs

install -m 644 README.md LICENSE "$root/share/doc/uppfolj/"
install -m 644 dist/systemd/* "$root/share/uppfolj/systemd/"

(cd "$root" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort \
  | xargs -d '\n' sha256sum > SHA256SUMS)

mkdir -p "$out"
archive="$out/$name.tar.gz"
# The same sources give the same archive: names sorted, owners and times fixed.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -czf "$archive" "$name"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "dist/build.sh: $archive ($profile build)"
