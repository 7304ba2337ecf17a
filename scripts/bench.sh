#!/usr/bin/env bash
# Benchmarks preflight at repository scale and prints a table.
#
#   scripts/bench.sh [RUNS]        (default 5 runs per figure; medians)
#
# Generates deterministic corpora of 1,000, 10,000 and 20,000 campaign files
# (examples/gen-corpus.rs, seed 1) under bench-corpus/ (git-ignored), then
# times, on every core:
#   - preflight check --format json on each corpus (wall, files/s, MB/s, peak RSS);
#   - the floor under it: the same files found, read and parsed by the same
#     YAML layer and nothing else (examples/parse-floor.rs), and read only;
#   - one typical file, start to exit (the pre-commit case);
#   - the peers a team would otherwise run, where installed: yamllint
#     (style only), spectral (with scripts/spectral-ruleset.yaml, if present)
#     and alex.
# Peak RSS comes from /usr/bin/time -v when it is there. hyperfine is not
# needed: each figure is the median of RUNS runs timed here.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
now=2027-01-01
out=bench-corpus

cargo build --release --quiet --bin preflight --example gen-corpus --example parse-floor
bin=target/release/preflight
floor=target/release/examples/parse-floor

for n in 1000 10000 20000; do
  if [ ! -f "$out/$n/.done" ]; then
    rm -rf "${out:?}/$n"
    target/release/examples/gen-corpus "$out/$n" "$n" 1
    touch "$out/$n/.done"
  fi
done

have_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then have_time=1; fi

# measure CMD...: runs CMD $runs times; prints "median_seconds peak_rss_kb".
# With runs=1 (the peers, which take minutes), there is no warm-up run.
measure() {
  local walls=() rss=0 t0 t1
  [ "$runs" -gt 1 ] && { "$@" >/dev/null 2>&1 || true; } # warm-up: file cache, page cache of the binary
  for _ in $(seq "$runs"); do
    # Wall time without the time wrapper; peak RSS from a separate run under
    # it (or from the one run, for the slow peers).
    t0=$(date +%s.%N)
    if [ "$runs" = 1 ] && [ "$have_time" = 1 ]; then
      /usr/bin/time -v -o /tmp/preflight-bench-time "$@" >/dev/null 2>&1 || true
      rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' /tmp/preflight-bench-time)
    else
      "$@" >/dev/null 2>&1 || true
    fi
    t1=$(date +%s.%N)
    if [ "$have_time" = 1 ] && [ "$rss" = 0 ]; then
      /usr/bin/time -v -o /tmp/preflight-bench-time "$@" >/dev/null 2>&1 || true
      rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' /tmp/preflight-bench-time)
    fi
    walls+=("$(awk -v a="$t1" -v b="$t0" 'BEGIN {print a - b}')")
  done
  printf '%s\n' "${walls[@]}" | sort -g | awk -v rss="$rss" '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f %d\n", m, rss}'
}

mb() { du -sb --exclude=.done "$1" | awk '{printf "%.1f", $1 / 1e6}'; }

row() { # row LABEL FILES MB "SECONDS RSS"
  local label=$1 files=$2 size=$3 secs rss
  read -r secs rss <<<"$4"
  awk -v l="$label" -v f="$files" -v m="$size" -v s="$secs" -v r="$rss" 'BEGIN {
    printf "| %-44s | %6d | %7.3f s | %9.0f | %7.1f | %s |\n", l, f, s, f / s, m / s, (r > 0 ? sprintf("%.1f MB", r / 1024) : "n/a")
  }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "preflight $($bin --version | awk '{print $2}'), medians of $runs runs"
echo
echo "| run                                          |  files |      wall |   files/s |    MB/s | peak RSS |"
echo "|----------------------------------------------|-------:|----------:|----------:|--------:|---------:|"
declare -A lint
for n in 1000 10000 20000; do
  dir="$out/$n"
  size=$(mb "$dir")
  lint[$n]=$(measure "$bin" check "$dir" --now "$now" --format json --output-file /dev/null)
  row "preflight check --format json ($n)" "$n" "$size" "${lint[$n]}"
  floor_all=$(measure "$floor" "$dir")
  row "floor: find + read + parse ($n)" "$n" "$size" "$floor_all"
  row "floor: find + read only ($n)" "$n" "$size" "$(measure "$floor" "$dir" 0 --read-only)"
  if [ "$n" = 10000 ]; then
    floor10=$floor_all
    row "preflight check --threads 1 ($n)" "$n" "$size" "$(measure "$bin" check "$dir" --now "$now" --format json --threads 1 --output-file /dev/null)"
  fi
done
one="$out/1000/team-00/campaign-00000.yaml"
row "one file, start to exit (pre-commit)" 1 "$(mb "$one")" "$(measure "$bin" check "$one" --now "$now" --format json --output-file /dev/null)"

dir="$out/10000"
size=$(mb "$dir")
lint_runs=$runs
runs=1 # the peers take minutes: one run each
if command -v yamllint >/dev/null; then
  row "yamllint $(yamllint --version | awk '{print $2}') (style only) (10000)" 10000 "$size" "$(measure yamllint -f parsable "$dir")"
fi
if command -v spectral >/dev/null && [ -f scripts/spectral-ruleset.yaml ]; then
  row "spectral (scripts/spectral-ruleset.yaml) (10000)" 10000 "$size" "$(measure spectral lint -r scripts/spectral-ruleset.yaml "$dir/**/*.yaml")"
fi
if command -v alex >/dev/null; then
  row "alex (10000)" 10000 "$size" "$(measure timeout 240 alex "$dir")"
fi

runs=$lint_runs

echo
read -r l10 _ <<<"${lint[10000]}"
read -r l20 _ <<<"${lint[20000]}"
read -r f10 _ <<<"$floor10"
awk -v l10="$l10" -v l20="$l20" -v f10="$f10" 'BEGIN {
  printf "whole lint / parse floor (10000): %.2fx\n", l10 / f10
  printf "20000 / 10000 files: %.2fx (linear is 2.00x)\n", l20 / l10
}'
