#!/usr/bin/env bash
# The restore page (`paperseed restore-page`) in headless Chromium, from
# file://, with the network off: tests/browser/restore-page.test.mjs gives it
# rendered sheets of every sample, a blurred 200 dpi scan, page 1 alone, half
# a sheet then the other half, typed recovery text (a line missing, a typo),
# an encrypted sheet (wrong and right passphrase), two of three share sheets,
# a sheet with invisible characters, a file and an emergency guide, and the
# camera (Chromium's fake capture device playing a video of the sheet), and
# checks what it shows against `paperseed restore --json`; no case may make a
# network request. tests/browser/engines.test.mjs opens it in Firefox
# (firefox-esr) and WebKit (WebKitGTK's MiniBrowser, Safari's engine) too.
#
#   bash scripts/browser-tests.sh [--install] [--bench]
#
# --bench runs tests/browser/bench.mjs instead: restore times in the page
# (a 300 dpi A4 PNG and JPEG, a 200 dpi scan, the PDF, encrypted sheets),
# RUNS=5 tries each, and the page's start time.
#
# Needs: chromium, firefox-esr, webkit2gtk-driver and xvfb (Debian's), node
# and npm, pdftoppm and pdftotext (poppler-utils), zbarimg (zbar-tools),
# python3. --install installs the Debian packages first (as root, as .ci/run
# does); puppeteer-core comes from npm (tests/browser/package-lock.json),
# never a browser download.
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
bench=0
for arg in "$@"; do
    case "$arg" in
        --install) install=1 ;;
        --bench) bench=1 ;;
        *) echo "usage: $0 [--install] [--bench]" >&2; exit 2 ;;
    esac
done
if [ "$install" = 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium firefox-esr webkit2gtk-driver xvfb xauth poppler-utils zbar-tools >/dev/null
    command -v node >/dev/null || apt-get install -y -qq nodejs npm >/dev/null
fi
for tool in chromium firefox-esr WebKitWebDriver xvfb-run node npm pdftoppm pdftotext zbarimg python3; do
    command -v "$tool" >/dev/null || { echo "browser-tests: $tool is missing (run with --install)"; exit 2; }
done

echo "== $(chromium --version 2>/dev/null | head -1); $(firefox-esr --version 2>/dev/null); WebKitGTK $(dpkg-query -W -f '${Version}' webkit2gtk-driver 2>/dev/null); node $(node --version)"
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
# Page 1 in two parts, each with fewer codes than restore (the first codes,
# then the last ones), and the same two parts held up to the camera in turn.
k=$("$bin" verify "$work/exchange-1.png" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["sets"][0]["k"])')
pdftoppm -r 300 -gray -f 1 -l 1 "$work/exchange.pdf" "$work/exchange-gray"
fixtures parts "$work/exchange-gray-1.pgm" "$k" "$work/exchange-top.pgm" "$work/exchange-bottom.pgm"
pdftoppm -r 150 -gray -f 1 -l 1 "$work/exchange.pdf" "$work/camera"
fixtures y4m "$work/camera.y4m" "$work/camera-1.pgm" "$k"
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

if [ "$bench" = 1 ]; then
    pdftoppm -r 300 -gray -jpeg -f 1 -l 1 "$work/exchange.pdf" "$work/exchange-300"
    mv "$work/exchange-300-1.jpg" "$work/exchange-300.jpg"
    "$bin" -q encode samples/exchange.toml -o "$work/locked-default.pdf" "${date[@]}" --passphrase-file "$work/pass.txt"
    pdftoppm -r 300 -gray -png -f 1 -l 1 "$work/locked-default.pdf" "$work/locked-default"
    PAGE_FIXTURES="$work" node tests/browser/bench.mjs
    exit
fi
# (xvfb-run for WebKitGTK, which has no headless mode; Chromium and Firefox run headless.)
PAGE_FIXTURES="$work" PAPERSEED_BIN="$bin" xvfb-run -a node --test --test-reporter=spec tests/browser/
