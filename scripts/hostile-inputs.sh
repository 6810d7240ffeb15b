#!/usr/bin/env bash
# Time and peak memory of `paperseed restore` on the hostile inputs of issue 11.
#   scripts/hostile-inputs.sh [BINARY] [INPUT_DIR]
# Generates the inputs (examples/hostile_inputs.rs) unless INPUT_DIR exists,
# then runs BINARY (default: the release build) on each, printing
# input, exit status, wall seconds, peak RSS (MB) and the last line of stderr.
set -u
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${1:-$TARGET/release/paperseed}
DIR=${2:-$TARGET/hostile-inputs}
if [ ! -d "$DIR" ]; then
  cargo run --release -q --example hostile_inputs -- "$DIR" || exit 2
fi
[ -x "$BIN" ] || cargo build --release -q --bin paperseed || exit 2
TIMEOUT=${TIMEOUT:-300}
printf '%-24s %4s %8s %8s  %s\n' input exit seconds peak_MB message
run() {
  local name=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log.time" timeout "$TIMEOUT" "$BIN" restore --quiet "$@" >/dev/null 2>"$log"
  local rc=$?
  read -r secs kb < <(tail -1 "$log.time")
  local msg; msg=$(grep -v '^\s*$' "$log" | grep -v 'Command exited' | tail -1 | cut -c1-150)
  printf '%-24s %4s %8s %8s  %s\n' "$name" "$rc" "$secs" "$((kb / 1024))" "$msg"
  rm -f "$log" "$log.time"
}
for f in jpeg-11000.jpg jpeg-10000.jpg png16-12000x9000.png png16-12000x10000.png jpeg-12000x10000.jpg \
         truncated.jpg many-codes.png \
         pdf-jpeg-65000.pdf pdf-jpx-60000.pdf pdf-flate-twice.pdf pdf-fanout.pdf pdf-huge-page.pdf \
         pdf-lzw-flate.pdf pdf-type3-fanout.pdf; do
  run "$f" "$DIR/$f"
done
# Three large images in one run: the budget holds per run.
mkdir -p "$DIR/three"
for i in 1 2 3; do cp "$DIR/png16-12000x9000.png" "$DIR/three/$i.png"; done
run "three 16-bit PNGs" "$DIR/three"
