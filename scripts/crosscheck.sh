#!/usr/bin/env bash
# Cross-checks paperseed's sheets against tools a stranger would use:
#   pdftoppm (poppler) rasterizes each sample sheet at 300 dpi,
#   zbarimg (zbar) must read every QR code on it,
#   the Python decoder printed in docs/FORMAT.md must rebuild the payload from
#   zbarimg's output and find the fingerprint paperseed reported.
# Needs: poppler-utils, zbar-tools, python3 (+ the blake3 package). With
# --install it installs them first (Debian, as root), as .ci/run does.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq poppler-utils zbar-tools python3 >/dev/null
  python3 -m pip install -q blake3 2>/dev/null || pip install -q blake3
fi
for tool in pdftoppm zbarimg python3; do
  command -v "$tool" >/dev/null || { echo "crosscheck: $tool is missing (run with --install)"; exit 2; }
done
python3 -c 'import blake3' || { echo "crosscheck: the Python blake3 package is missing (pip install blake3)"; exit 2; }

cargo build --release --quiet
bin=target/release/paperseed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The decoder, exactly as printed in the spec.
awk '/<!-- decode.py begin -->/{f=1;next}/<!-- decode.py end -->/{f=0}f' docs/FORMAT.md | sed '1d;$d' > "$work/decode.py"

fail=0
for manifest in samples/*.toml; do
  name=$(basename "$manifest" .toml)
  for paper in a4 letter; do
    pdf="$work/$name-$paper.pdf"
    report=$("$bin" encode "$manifest" -o "$pdf" --paper "$paper" --date 2026-01-01 2>&1)
    fingerprint=$(printf '%s\n' "$report" | sed -n 's/^Fingerprint //p')
    codes=$(printf '%s\n' "$report" | sed -n 's/.*: \([0-9]*\) codes, any.*/\1/p')
    pdftoppm -r 300 -gray -png "$pdf" "$work/$name-$paper"
    zbarimg --raw -q "$work/$name-$paper"-*.png 2>/dev/null | grep '^PAPERSEED1:' | sort -u > "$work/$name-$paper.txt" || true
    read_count=$(wc -l < "$work/$name-$paper.txt")
    decoded_fp=$(python3 "$work/decode.py" < "$work/$name-$paper.txt" 2>&1 >/dev/null | sed -n 's/^fingerprint //p')
    if [ "$read_count" = "$codes" ] && [ "$decoded_fp" = "$fingerprint" ]; then
      echo "ok   $name ($paper): zbarimg read $read_count of $codes codes; decode.py fingerprint $decoded_fp"
    else
      echo "FAIL $name ($paper): zbarimg read $read_count of $codes codes; decode.py fingerprint '$decoded_fp', paperseed '$fingerprint'"
      fail=1
    fi
  done
done
exit $fail
