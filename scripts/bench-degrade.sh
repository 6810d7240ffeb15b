#!/usr/bin/env bash
# Degradation benchmark and restore speed/memory, written to docs/BENCHMARKS.md.
#
#   scripts/bench-degrade.sh [--install] [--reps N] [--no-docs] [BENCH ARGS...]
#
# 1. builds the release binary;
# 2. runs `cargo bench --bench degrade` (benches/degrade/): renders the sample
#    sheets, degrades them into target/degrade/, reads every image with paperseed,
#    zxing-cpp (scripts/zxing_read.py) and zbarimg, and writes the tables;
# 3. times `paperseed restore FILE -q` against `zbarimg -q FILE` on the same files
#    (median of N runs, default 7) and records peak memory with /usr/bin/time;
# 4. puts the tables between the <!-- …:begin/end --> markers of docs/BENCHMARKS.md
#    (unless --no-docs); everything else in that file is left as it is.
#
# --install (Debian, as root) first installs zbar-tools, time, and the PyPI
# packages zxing-cpp and pillow. Missing tools are reported as "not installed".
# Other arguments go to the bench, e.g. --seeds 5, --only photo, --out DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
docs=1
reps=7
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=1 ;;
    --no-docs) docs=0 ;;
    --reps) reps="$2"; shift ;;
    *) bench_args+=("$1") ;;
  esac
  shift
done

if [ "$install" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq zbar-tools time >/dev/null
  python3 -m pip install -q zxing-cpp pillow 2>/dev/null || pip install -q zxing-cpp pillow
fi

out=target/degrade
for ((i = 0; i < ${#bench_args[@]}; i++)); do
  if [ "${bench_args[$i]}" = "--out" ]; then out="${bench_args[$((i + 1))]}"; fi
done

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/paperseed
cargo bench --quiet --bench degrade -- ${bench_args[@]+"${bench_args[@]}"}

# ------------------------------------------------------------------ speed and memory
have_zbar=0; command -v zbarimg >/dev/null && have_zbar=1
have_time=0; [ -x /usr/bin/time ] && have_time=1

# run CMD...: prints "seconds peak_kB exit_status" for one run.
run() {
  local rss=/tmp/bench-degrade-rss.$$ start end rc=0
  start=$EPOCHREALTIME
  if [ "$have_time" = 1 ]; then
    /usr/bin/time -f %M -o "$rss" "$@" >/dev/null 2>&1 || rc=$?
  else
    "$@" >/dev/null 2>&1 || rc=$?
  fi
  end=$EPOCHREALTIME
  local kb=n/a
  if [ "$have_time" = 1 ]; then kb=$(tail -n 1 "$rss"); fi
  rm -f "$rss"
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $kb $rc"
}

# measure N CMD...: prints "median_seconds max_peak_kB exit_status".
measure() {
  local n=$1; shift
  local times=() kbs=() rc=0 t kb r
  for ((r = 0; r < n; r++)); do
    read -r t kb rc < <(run "$@")
    times+=("$t"); kbs+=("$kb")
  done
  local med peak
  med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  peak=$(printf '%s\n' "${kbs[@]}" | sort -g | tail -n 1)
  echo "$med $peak $rc"
}

mb() { [ "$1" = n/a ] && echo n/a || awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

speed=$out/speed.md
verdicts=()
{
  echo "| file | paperseed restore -q: median wall | peak RSS | exit | zbarimg -q: median wall | peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|"
} >"$speed"
declare -A ps_time zb_time
for spec in \
  "dpi-300/exchange-s0-p1.png|A4 300 dpi (2480×3508), 8 codes, level H" \
  "dpi-300/keyfile-s0-p1.png|A4 300 dpi, 12 codes, level M" \
  "dpi-600/exchange-s0-p1.png|A4 600 dpi (4960×7016), 8 codes" \
  "dpi-600/keyfile-s0-p1.png|A4 600 dpi, 12 codes" \
  "photo-12mp/exchange-s0-p1.jpg|phone photo 3024×4032 JPEG" \
  "photo-4mp/exchange-s0-p1.jpg|phone photo 1728×2304 JPEG" \
  "sheets/exchange.pdf|the sheet PDF (2 pages, rendered at 300 dpi)"; do
  file=$out/${spec%%|*}
  what=${spec#*|}
  [ -f "$file" ] || continue
  read -r pt pk prc < <(measure "$reps" "$bin" restore "$file" -q)
  ps_time[$file]=$pt
  if [ "$have_zbar" = 1 ] && [ "${file##*.}" != pdf ]; then
    read -r zt zk _ < <(measure "$reps" zbarimg -q "$file")
    zb_time[$file]=$zt
    zcol="${zt} s | $(mb "$zk")"
  elif [ "$have_zbar" = 1 ]; then
    zcol="– (reads no PDF) | –"
  else
    zcol="not installed | –"
  fi
  echo "| $what (\`${spec%%|*}\`) | ${pt} s | $(mb "$pk") | $prc | $zcol |" >>"$speed"
  echo "speed: $what: paperseed ${pt} s ($(mb "$pk"), exit $prc), zbarimg ${zt:-n/a} s"
  unset zt
done

verdict() { # file limit
  local f=$out/$1 limit=$2
  [ -n "${ps_time[$f]:-}" ] || return 0
  local t=${ps_time[$f]} z=${zb_time[$f]:-}
  local ok_limit ok_zbar=""
  ok_limit=$(awk -v t="$t" -v l="$limit" 'BEGIN { print (t <= l) ? "met" : "**missed**" }')
  if [ -n "$z" ]; then
    ok_zbar=$(awk -v t="$t" -v z="$z" 'BEGIN { print (t <= z) ? "met" : "**missed**" }')
    ok_zbar="; no slower than zbarimg (${z} s): $ok_zbar"
  fi
  verdicts+=("- \`$1\`: ${t} s ≤ ${limit} s: $ok_limit$ok_zbar")
}
verdict dpi-300/exchange-s0-p1.png 0.5
verdict dpi-300/keyfile-s0-p1.png 0.5
verdict dpi-600/exchange-s0-p1.png 1.5
verdict dpi-600/keyfile-s0-p1.png 1.5
{
  echo
  echo "Targets (restore wall time, median of $reps runs):"
  printf '%s\n' "${verdicts[@]}"
} >>"$speed"

machine=$out/machine.md
{
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') — $(nproc) cores; RAM $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
  echo "- $(rustc -V); paperseed $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' + uncommitted changes')"
  echo "- $(zbarimg --version 2>/dev/null | sed 's/^/zbar /' || echo 'zbar not installed'); $(python3 scripts/zxing_read.py --check 2>/dev/null || echo 'zxing-cpp not installed')"
  echo "- Date: $(date -u +%Y-%m-%d)"
} >"$machine"

cat "$out/table.md"
echo
cat "$speed"

# ------------------------------------------------------------------ docs
if [ "$docs" = 1 ]; then
  doc=docs/BENCHMARKS.md
  if [ ! -f "$doc" ]; then
    {
      echo "# Benchmarks"
      for s in machine table details failures summary speed; do
        printf '\n<!-- %s:begin -->\n<!-- %s:end -->\n' "$s" "$s"
      done
    } >"$doc"
  fi
  for s in machine table details failures summary speed; do
    src=$out/$s.md
    [ -f "$src" ] || continue
    awk -v name="$s" -v src="$src" '
      $0 == "<!-- " name ":begin -->" { print; while ((getline line < src) > 0) print line; skip = 1; next }
      $0 == "<!-- " name ":end -->" { skip = 0 }
      !skip { print }
    ' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
  done
  echo "bench-degrade: updated $doc"
fi
