#!/usr/bin/env bash
# Build the restore page: paperseed's library compiled to WebAssembly (web/)
# inside one self-contained HTML file, assets/restore.html, which the binary
# carries and `paperseed restore-page -o restore.html` writes.
#
#   bash scripts/build-restore-page.sh           rebuild assets/restore.html
#   bash scripts/build-restore-page.sh --check   rebuild elsewhere and compare with
#                                                the committed page (CI); exit 1 if it differs
#
# Reproducible: the same sources, Cargo.lock and rustc give the same bytes.
# The build is pinned here (profile `restore-page` in Cargo.toml: opt-level s,
# LTO, one codegen unit, no symbols; paths of the checkout, the cargo home and
# the target folder remapped, so where it was built does not leak into the
# file; no timestamps: gzip's is 0). The page records the rustc version it was
# built with; a rebuild with another rustc differs and says so.
#
# Needs: the Rust toolchain with the wasm32-unknown-unknown target
# (`rustup target add wasm32-unknown-unknown`), and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)
page=assets/restore.html
check=0
case "${1:-}" in
    --check) check=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "the wasm32-unknown-unknown target is not installed: rustup target add wasm32-unknown-unknown" >&2
    exit 2
fi

target_dir=${CARGO_TARGET_DIR:-$repo/target}
mkdir -p "$target_dir"
target_dir=$(cd "$target_dir" && pwd -P)
cargo_home=${CARGO_HOME:-$HOME/.cargo}
cargo_home=$(cd "$cargo_home" && pwd -P)
sysroot=$(rustc --print sysroot)
rustc_version=$(rustc --version)

# Flags for the wasm crates only (with --target, build scripts and proc macros
# are built without them). Separated by 0x1f, so paths may hold spaces.
flags=(
    --cfg 'getrandom_backend="custom"'
    "--remap-path-prefix=$cargo_home=/cargo"
    "--remap-path-prefix=$target_dir=/target"
    "--remap-path-prefix=$sysroot=/rust"
    "--remap-path-prefix=$repo=/paperseed"
)
CARGO_ENCODED_RUSTFLAGS=$(IFS=$'\x1f'; echo "${flags[*]}")
export CARGO_ENCODED_RUSTFLAGS
unset RUSTFLAGS

echo "== building web/ for wasm32-unknown-unknown ($rustc_version)" >&2
cargo build --locked -p paperseed-web --lib --target wasm32-unknown-unknown --profile restore-page
wasm="$target_dir/wasm32-unknown-unknown/restore-page/paperseed_web.wasm"

if grep -qaF -e "$repo" -e "$cargo_home" -e "$target_dir" "$wasm"; then
    echo "the WebAssembly still holds a path of this machine; a --remap-path-prefix is missing" >&2
    exit 1
fi

out=$page
if [ "$check" = 1 ]; then
    out=$(mktemp -d)/restore.html
fi
python3 scripts/assemble-restore-page.py "$wasm" "$out" "$rustc_version"

if [ "$check" = 1 ]; then
    python3 scripts/assemble-restore-page.py --compare "$page" "$out"
else
    echo "wrote $page ($(wc -c <"$page") bytes; WebAssembly $(wc -c <"$wasm") bytes)" >&2
fi
