#!/usr/bin/env bash
# Cross-checks paperseed's sheets against tools a stranger would use:
#   pdftoppm (poppler, default anti-aliasing) rasterizes each sample sheet at
#   300 and at 200 dpi, and zbarimg (zbar) and zxing-cpp (PyPI zxing-cpp,
#   scripts/zxing_read.py) must each read every QR code of the sheet at both,
#   the Python decoder of the spec (docs/paperseed_decode.py, printed verbatim
#   in docs/FORMAT.md) must find the fingerprint paperseed reported:
#     - from all the codes zbarimg read;
#     - from only k of the codes (the first n-k data codes dropped, so the
#       parity codes must be used);
#     - from the recovery text alone (pdftotext -layout of the PDF);
#     - from the recovery text with its first row (lines 00 and 01, the header
#       line among them) deleted, so line parity must be used;
#   and it must read the format v1 sheets in tests/data/v1 from their codes.
# One ok / FAIL / skip line per check; exits non-zero on any FAIL.
# Needs: poppler-utils, zbar-tools, python3 (+ the blake3, zxing-cpp and
# pillow packages). With --install it installs them first (Debian, as root),
# as .ci/run does.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq poppler-utils zbar-tools python3 >/dev/null
  python3 -m pip install -q blake3 zxing-cpp pillow 2>/dev/null || pip install -q blake3 zxing-cpp pillow
fi
for tool in pdftoppm pdftotext zbarimg python3; do
  command -v "$tool" >/dev/null || { echo "crosscheck: $tool is missing (run with --install)"; exit 2; }
done
python3 -c 'import blake3' || { echo "crosscheck: the Python blake3 package is missing (pip install blake3)"; exit 2; }
python3 scripts/zxing_read.py --check >/dev/null || { echo "crosscheck: zxing-cpp is missing (pip install zxing-cpp pillow)"; exit 2; }

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/paperseed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
decoder=docs/paperseed_decode.py
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# The program printed in the spec must be exactly docs/paperseed_decode.py.
if grep -q '<!-- decode.py begin -->' docs/FORMAT.md; then
  awk '/<!-- decode.py begin -->/{f=1;next}/<!-- decode.py end -->/{f=0}f' docs/FORMAT.md |
    sed '1{/^```/d};${/^```/d}' > "$work/spec_decode.py"
  if cmp -s "$work/spec_decode.py" "$decoder"; then
    ok "docs/FORMAT.md prints $decoder verbatim"
  elif grep -q 'Decode a paperseed v1 sheet from QR code texts' "$work/spec_decode.py"; then
    # Until the v2 rewrite of FORMAT.md lands, it prints paperseed 0.1's decoder.
    echo "skip docs/FORMAT.md still prints the v1-only decoder: paste $decoder between its decode.py markers"
  else
    bad "the program between the decode.py markers of docs/FORMAT.md differs from $decoder (paste the file verbatim):"
    diff "$work/spec_decode.py" "$decoder" | head -20 | sed 's/^/     /'
  fi
else
  echo "skip docs/FORMAT.md has no decode.py markers: nothing to compare with $decoder"
fi

# The fingerprint the decoder reports for its stdin ('' if none).
fingerprint_of() { python3 "$decoder" 2>&1 >/dev/null | sed -n 's/^fingerprint //p' | head -1 || true; }
# Frames on stdin by shard index (byte 3 of the frame): "index text" lines.
indexed() { python3 -c 'import sys
for t in sys.stdin: print((int(t[11:28]) >> 24) & 255, t.strip())' | sort -n; }
# The recovery text alone (pdftotext -layout of the PDF), then without its
# first row (lines 00 and 01, the header line among them): args label, pdf, fingerprint.
text_checks() {
  local txt="$work/text.txt" got
  pdftotext -layout "$2" "$txt"
  got=$(fingerprint_of < "$txt")
  check "$1 text" "$3" "$got" "recovery text alone (pdftotext -layout, $(grep -cE '^ *[0-9A-Y]{2} +[0-9A-Z]{6} ' "$txt") rows)"
  sed -E '/^ *00 +[0-9A-Z]{6} /d' "$txt" > "$work/cut.txt"
  if cmp -s "$txt" "$work/cut.txt"; then
    bad "$1 text, lines lost: no row starting with line 00 found in pdftotext's output"
    return
  fi
  got=$(fingerprint_of < "$work/cut.txt")
  check "$1 text, lines lost" "$3" "$got" "recovery text without lines 00 and 01"
}
check() { # name, expected fingerprint, got fingerprint, what
  if [ -n "$3" ] && [ "$3" = "$2" ]; then ok "$1: $4; fingerprint $3"; else bad "$1: $4; decoder '$3', expected '$2'"; fi
}

for manifest in samples/*.toml; do
  name=$(basename "$manifest" .toml)
  for paper in a4 letter; do
    pdf="$work/$name-$paper.pdf"
    report=$("$bin" encode "$manifest" -o "$pdf" --paper "$paper" --date 2026-01-01 2>&1) ||
      { bad "$name ($paper): paperseed encode failed: $report"; continue; }
    fingerprint=$(printf '%s\n' "$report" | sed -n 's/^Fingerprint //p')
    counts=$(printf '%s\n' "$report" | grep -oE '[0-9]+ codes, any [0-9]+ restore' | head -1 || true)
    n=$(printf '%s' "$counts" | sed -E 's/^([0-9]+) codes.*/\1/')
    k=$(printf '%s' "$counts" | sed -E 's/.*any ([0-9]+) restore/\1/')
    if [ -z "$fingerprint" ] || [ -z "$counts" ]; then
      bad "$name ($paper): cannot parse paperseed's summary: $report"
      continue
    fi
    # Every code, by both readers, at 300 and 200 dpi (pdftoppm's defaults).
    for dpi in 300 200; do
      pdftoppm -r "$dpi" -gray -png "$pdf" "$work/$name-$paper-$dpi" 2>/dev/null
      for reader in zbarimg zxing-cpp; do
        if [ "$reader" = zbarimg ]; then
          # One zbarimg per page: in one process, zbar 0.23 carries state from
          # one image to the next and can miss a code it reads alone (code 8 of
          # the A4 accounts sheet at 200 dpi, after page 1).
          for png in "$work/$name-$paper-$dpi"-*.png; do
            zbarimg --raw -q "$png" 2>/dev/null || true
          done | grep '^PAPERSEED2:' | sort -u > "$work/read.txt" || true
        else
          python3 scripts/zxing_read.py "$work/$name-$paper-$dpi"-*.png 2>/dev/null | grep '^PAPERSEED2:' | sort -u > "$work/read.txt" || true
        fi
        read_count=$(wc -l < "$work/read.txt")
        got=$(fingerprint_of < "$work/read.txt")
        if [ "$read_count" = "$n" ]; then
          check "$name ($paper) codes, $reader, $dpi dpi" "$fingerprint" "$got" "read $read_count of $n codes"
        else
          missing=$(seq 0 $((n - 1)) | awk 'NR==FNR{have[$1]=1;next} !($1 in have){printf " %d", $1+1}' <(indexed < "$work/read.txt") -)
          bad "$name ($paper) codes, $reader, $dpi dpi: read $read_count of $n codes, not code(s)$missing; decoder fingerprint '$got'"
        fi
        if [ "$reader" = zbarimg ] && [ "$dpi" = 300 ]; then
          cp "$work/read.txt" "$work/$name-$paper.txt"
        fi
      done
    done
    indexed < "$work/$name-$paper.txt" > "$work/$name-$paper.idx"
    # The k codes of highest index: the first n-k data codes are left out, so parity must be used.
    tail -n "$k" "$work/$name-$paper.idx" > "$work/$name-$paper-k.idx"
    got=$(cut -d' ' -f2 "$work/$name-$paper-k.idx" | fingerprint_of)
    used=$(awk '{printf "%s%d", (NR > 1 ? "," : ""), $1 + 1}' "$work/$name-$paper-k.idx")
    check "$name ($paper) k codes" "$fingerprint" "$got" "only codes $used ($(wc -l < "$work/$name-$paper-k.idx") of $n, any $k restore)"
    if printf '%s\n' "$report" | grep -q 'no recovery text'; then
      echo "skip $name ($paper) text: the sheet has no recovery text"
      continue
    fi
    text_checks "$name ($paper)" "$pdf" "$fingerprint"
  done
done

# A recovery text of more than 200 data lines: two stripes of line parity.
pdf="$work/keyfile-text.pdf"
if report=$("$bin" encode samples/keyfile.toml -o "$pdf" --paper a4 --date 2026-01-01 --recovery-text on 2>&1); then
  text_checks "keyfile (a4, --recovery-text on)" "$pdf" "$(printf '%s\n' "$report" | sed -n 's/^Fingerprint //p')"
else
  bad "keyfile (a4, --recovery-text on): paperseed encode failed: $report"
fi

# Sheets of format v1 (paperseed 0.1), read from their codes.
for entry in exchange-v1:S541-S01T-F4H7 bip39-v1:VJJN-6YEX-D0RN; do
  name=${entry%%:*}
  pdf=tests/data/v1/$name.pdf
  if [ ! -f "$pdf" ]; then
    bad "$name (v1): $pdf is missing (note: .gitignore ignores *.pdf; add it with git add -f)"
    continue
  fi
  pdftoppm -r 300 -gray -png "$pdf" "$work/$name" 2>/dev/null
  zbarimg --raw -q "$work/$name"-*.png 2>/dev/null | grep '^PAPERSEED1:' | sort -u > "$work/$name.txt" || true
  got=$(fingerprint_of < "$work/$name.txt")
  check "$name (v1) codes" "${entry#*:}" "$got" "zbarimg read $(wc -l < "$work/$name.txt") codes"
done
exit $fail
