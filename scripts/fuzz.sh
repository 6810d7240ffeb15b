#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 300), one after
# the other, with cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP=1).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# CI runs `scripts/fuzz.sh 20`. A crash stops the script with exit 1; the
# input that crashed is in fuzz/artifacts/TARGET/ (keep it as a regression
# input under fuzz/regressions/TARGET/ once fixed). Corpora grow in
# fuzz/corpus/TARGET/ (not committed); fuzz/seeds/TARGET/ holds a few
# well-formed inputs to start from.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-300}
shift || true
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -O >/dev/null
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  seeds=()
  [ -d "regressions/$t" ] && seeds+=("regressions/$t")
  [ -d "seeds/$t" ] && seeds+=("seeds/$t")
  log=$(mktemp)
  if ! cargo fuzz run -O "$t" "corpus/$t" "${seeds[@]}" -- -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $t FAILED (see fuzz/artifacts/$t/)"
    exit 1
  fi
  echo "fuzz: $t ok, $(grep -E '^#[0-9]+.*DONE' "$log" | tail -n 1 | sed -E 's/^#([0-9]+).*cov: ([0-9]+).*corp: ([0-9]+).*/\1 runs, coverage \2, corpus \3/')"
  rm -f "$log"
done
