#!/usr/bin/env bash
# The restore page (`paperseed restore-page`) in headless Chromium, from
# file://, with the network off: tests/browser/restore-page.test.mjs gives it
# rendered sheets of every sample, a blurred 200 dpi scan, page 1 alone, half
# a sheet then the other half, typed recovery text (a line missing, a typo),
# an encrypted sheet (wrong and right passphrase), two of three share sheets,
# a sheet with invisible characters, a file and an emergency guide, and the
# camera (Chromium's fake capture device playing a video of the sheet), and
# checks what it shows against `paperseed restore --json`; no case may make a
# network request.
#
#   bash scripts/browser-tests.sh [--install]
#
# Needs: chromium (Debian's), node and npm, pdftoppm and pdftotext
# (poppler-utils), zbarimg (zbar-tools), python3. --install installs the Debian
# packages first (as root, as .ci/run does); puppeteer-core comes from npm
# (tests/browser/package-lock.json), never a browser download.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium poppler-utils zbar-tools >/dev/null
    command -v node >/dev/null || apt-get install -y -qq nodejs npm >/dev/null
fi
for tool in chromium node npm pdftoppm pdftotext zbarimg python3; do
    command -v "$tool" >/dev/null || { echo "browser-tests: $tool is missing (run with --install)"; exit 2; }
done

echo "== $(chromium --version 2>/dev/null | head -1), node $(node --version)"
(cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

# The release binary (CI has built it for crosscheck.sh); PAPERSEED_BIN=path uses another.
if [ -n "${PAPERSEED_BIN:-}" ]; then
    bin=$PAPERSEED_BIN
else
    cargo build --release --quiet
    tdir=${CARGO_TARGET_DIR:-target}
    case "$tdir" in /*) ;; *) tdir="$(pwd)/$tdir" ;; esac
    bin="$tdir/release/paperseed"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixtures() { python3 tests/browser/fixtures.py "$@"; }

"$bin" -q restore-page -o "$work/restore.html"
date=(--date 2026-01-02)
for s in exchange bip39 keyfile; do
    "$bin" -q encode "samples/$s.toml" -o "$work/$s.pdf" "${date[@]}"
    pdftoppm -r 300 -gray -png "$work/$s.pdf" "$work/$s"
done
cp samples/exchange-scan.jpg "$work/"
# Two corners of page 1: codes 1-2, then 7-8 (4 of the 8 restore).
pdftoppm -r 300 -gray -f 1 -l 1 "$work/exchange.pdf" "$work/exchange-gray"
fixtures crop "$work/exchange-top.pgm" "$work/exchange-gray-1.pgm" 0,0,1240,1100
fixtures crop "$work/exchange-bottom.pgm" "$work/exchange-gray-1.pgm" 1240,2700,1240,808
pdftotext -layout "$work/exchange.pdf" - | fixtures typed "$work/typed.txt"
printf 'correct horse battery staple\n' > "$work/pass.txt"
"$bin" -q encode samples/exchange.toml -o "$work/locked.pdf" "${date[@]}" \
    --passphrase-file "$work/pass.txt" --scrypt-work-factor 14
pdftoppm -r 300 -gray -png "$work/locked.pdf" "$work/locked"
"$bin" -q encode samples/exchange.toml -o "$work/split.pdf" "${date[@]}" \
    --shares 2/3 --holders "spouse,parents,attorney"
for i in 1 2 3; do pdftoppm -r 300 -gray -png -f 1 -l 1 "$work/split.share$i.pdf" "$work/share$i"; done
"$bin" -q encode tests/browser/unusual.toml -o "$work/unusual.pdf" "${date[@]}"
pdftoppm -r 300 -gray -png -f 1 -l 1 "$work/unusual.pdf" "$work/unusual"
# The camera: page 1 at 150 dpi, held up corner by corner.
pdftoppm -r 150 -gray -f 1 -l 1 "$work/exchange.pdf" "$work/camera"
fixtures y4m "$work/camera.y4m" "$work/camera-1.pgm" 0,150 600,1394

PAGE_FIXTURES="$work" PAPERSEED_BIN="$bin" node --test --test-reporter=spec tests/browser/
