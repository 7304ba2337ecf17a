#!/usr/bin/env bash
# Benchmarks preflight at repository scale and prints a table.
#
#   scripts/bench.sh [RUNS] [SECTION...]   (default 5 runs per figure; medians;
#                                           default every section)
#
# Sections (the whole run takes the better part of an hour on 2 cores):
#   yaml       campaign files: corpora of 1,000, 10,000 and 20,000 files
#              (examples/gen-corpus.rs, seed 1): preflight check --format
#              json, the parse floor and the read-only floor for each, the
#              10,000 with --threads 1, and one typical file start to exit
#              (the pre-commit case);
#   peers      the tools a team would otherwise run on the 10,000 files, where
#              installed: yamllint (style only), spectral (with
#              scripts/spectral-ruleset.yaml, if present) and alex; one run each;
#   templates  10,000 email templates of 5-40 KB (examples/gen-templates.rs:
#              HTML with Liquid or Handlebars tokens, MJML, Liquid, React
#              Email .tsx/.jsx) with the floor (html5gum / oxc_parser only),
#              and one typical template start to exit;
#   exports    1,000 platform-export bundles (examples/gen-exports.rs:
#              Klaviyo, Mailchimp, Meta, Marketing Cloud, Braze) with the
#              floor (the JSON reader only);
#   big        one campaign file of 1, 10 and 100 MB (gen-corpus --one-file)
#              in every output format, with the parse floor, and the
#              10 MB / 1 MB and 100 MB / 10 MB time ratios (linear is 10x);
#              the 100 MB file runs once per format (about two minutes each);
#              BENCH_BIG_SIZES="1 10" leaves it out;
#   lsp        the language server's didChange -> publishDiagnostics round
#              trip: `cargo bench --bench pipeline -- 'server didChange'`
#              (criterion; builds the bench profile).
# `preflight --version`, start to exit, is timed in every run, so the
# one-file rows can be read against the process's own start-up.
#
#   scripts/bench.sh 3 templates      # one section, 3 runs per figure
#   scripts/bench.sh 5 yaml exports   # two sections
#
# Corpora are generated deterministically under bench-corpus/ (git-ignored)
# and kept between runs. The binaries are copied to bench-corpus/.bin/ once
# built, so that a build running beside the benchmark does not change the
# binary under test halfway. Peak RSS comes from /usr/bin/time -v when it is
# there. hyperfine is not needed: each figure is the median of RUNS runs
# timed here.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
sections=()
for a in "$@"; do
  case $a in
    '' | *[!0-9]*) sections+=("$a") ;;
    *) runs=$a ;;
  esac
done
all=(yaml peers templates exports big lsp)
if [ ${#sections[@]} = 0 ] || [ "${sections[*]}" = all ]; then sections=("${all[@]}"); fi
for s in "${sections[@]}"; do
  case " ${all[*]} " in
    *" $s "*) ;;
    *) echo "bench.sh: unknown section '$s' (sections: ${all[*]})" >&2; exit 2 ;;
  esac
done
want() {
  local s
  for s in "${sections[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}
now=2027-01-01
out=bench-corpus
big_sizes=${BENCH_BIG_SIZES:-1 10 100}
formats="pretty compact json sarif github html markdown"

cargo build --release --quiet --bin preflight --example gen-corpus --example parse-floor \
  --example gen-templates --example gen-exports
mkdir -p "$out/.bin"
for b in preflight examples/parse-floor examples/gen-corpus examples/gen-templates examples/gen-exports; do
  cp "target/release/$b" "$out/.bin/"
done
bin=$out/.bin/preflight
floor=$out/.bin/parse-floor

# gen DIR CMD...: generates a corpus into DIR once (a .done marker says it is whole).
gen() {
  local dir=$1
  shift
  if [ ! -e "$dir/.done" ]; then
    rm -rf "${dir:?}"
    "$@" >&2
    mkdir -p "$dir"
    touch "$dir/.done"
  fi
}
if want yaml || want peers; then
  for n in 1000 10000 20000; do
    gen "$out/$n" "$out/.bin/gen-corpus" "$out/$n" "$n" 1
  done
fi
want templates && gen "$out/templates-10000" "$out/.bin/gen-templates" "$out/templates-10000" 10000 1
want exports && gen "$out/exports-1000" "$out/.bin/gen-exports" "$out/exports-1000" 1000 1
if want big; then
  for s in $big_sizes; do
    gen "$out/big-$s" "$out/.bin/gen-corpus" --one-file "$out/big-$s/campaign-${s}mb.yaml" "$((s * 1000000))" 1
  done
fi

have_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then have_time=1; fi

# measure CMD...: runs CMD $runs times; prints "median_seconds peak_rss_kb".
# With runs=1 (the peers, the 100 MB file), there is no warm-up run.
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

# found DIR: "FILES MB" of the files preflight's discovery finds there (the
# floor's own count), without the folders' sizes that du adds.
found() { "$floor" "$1" 0 --read-only | awk '{print $1, $3}'; }

row() { # row LABEL FILES MB "SECONDS RSS"
  local label=$1 files=$2 size=$3 secs rss
  read -r secs rss <<<"$4"
  awk -v l="$label" -v f="$files" -v m="$size" -v s="$secs" -v r="$rss" 'BEGIN {
    printf "| %-44s | %6d | %7.3f s | %9.0f | %7.1f | %s |\n", l, f, s, f / s, m / s, (r > 0 ? sprintf("%.1f MB", r / 1024) : "n/a")
  }'
}

secs() { echo "${1%% *}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "preflight $($bin --version | awk '{print $2}'), medians of $runs runs; sections: ${sections[*]}"
echo
echo "| run                                          |  files |      wall |   files/s |    MB/s | peak RSS |"
echo "|----------------------------------------------|-------:|----------:|----------:|--------:|---------:|"
notes=()
version=$(measure "$bin" --version)
row "preflight --version, start to exit" 1 0 "$version"

if want yaml; then
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
  one_yaml=$(measure "$bin" check "$one" --now "$now" --format json --output-file /dev/null)
  row "one file, start to exit (pre-commit)" 1 "$(mb "$one")" "$one_yaml"
  notes+=("whole lint / parse floor (10000): $(ratio "$(secs "${lint[10000]}")" "$(secs "$floor10")")x")
  notes+=("20000 / 10000 files: $(ratio "$(secs "${lint[20000]}")" "$(secs "${lint[10000]}")")x (linear is 2.00x)")
  notes+=("one campaign file / --version (start-up): $(ratio "$(secs "$one_yaml")" "$(secs "$version")")x")
fi

if want peers; then
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
fi

# corpus_rows LABEL DIR: the lint, the floor and the read-only floor of one
# corpus, and the ratio of the lint to the floor.
corpus_rows() {
  local label=$1 dir=$2 files size l f
  read -r files size <<<"$(found "$dir")"
  l=$(measure "$bin" check "$dir" --now "$now" --format json --output-file /dev/null)
  row "preflight check --format json ($label)" "$files" "$size" "$l"
  f=$(measure "$floor" "$dir")
  row "floor: find + read + parse ($label)" "$files" "$size" "$f"
  row "floor: find + read only ($label)" "$files" "$size" "$(measure "$floor" "$dir" 0 --read-only)"
  notes+=("whole lint / parse floor ($label): $(ratio "$(secs "$l")" "$(secs "$f")")x")
}

if want templates; then
  dir="$out/templates-10000"
  corpus_rows templates "$dir"
  # A typical template: the first HTML email of 12-20 KB, by name.
  one=$(find "$dir/brand-00/emails/html" -name '*.html' -size +12k -size -20k | sort | head -1)
  one_template=$(measure "$bin" check "$one" --now "$now" --format json --output-file /dev/null)
  row "one template, start to exit ($(($(stat -c %s "$one") / 1000)) KB)" 1 "$(mb "$one")" "$one_template"
  notes+=("one template / --version (start-up): $(ratio "$(secs "$one_template")" "$(secs "$version")")x")
fi

if want exports; then
  corpus_rows exports "$out/exports-1000"
fi

if want big; then
  declare -A big
  for s in $big_sizes; do
    f="$out/big-$s/campaign-${s}mb.yaml"
    size=$(mb "$f")
    big_runs=$runs
    [ "$s" -ge 100 ] && runs=1 # about two minutes a run
    row "floor: read + parse ($s MB)" 1 "$size" "$(measure "$floor" "$f")"
    for fmt in $formats; do
      big[$fmt,$s]=$(measure "$bin" check "$f" --now "$now" --format "$fmt" --max-file-size 200MB --output-file /dev/null)
      row "preflight check --format $fmt ($s MB)" 1 "$size" "${big[$fmt,$s]}"
    done
    runs=$big_runs
  done
  for fmt in $formats; do
    line="--format $fmt:"
    prev=
    for s in $big_sizes; do
      if [ -n "$prev" ]; then
        r=$(ratio "$(secs "${big[$fmt,$s]}")" "$(secs "${big[$fmt,$prev]}")")
        flag=$(awk -v r="$r" -v k="$((s / prev))" 'BEGIN {if (r > 1.1 * k) print " (superlinear)"}')
        line="$line $s MB / $prev MB = ${r}x$flag;"
      fi
      prev=$s
    done
    notes+=("$line (linear is 10x)")
  done
fi

echo
printf '%s\n' "${notes[@]}"

if want lsp; then
  echo
  echo "language server (cargo bench --bench pipeline -- 'server didChange'; criterion, [low median high]):"
  cargo bench --quiet --bench pipeline -- 'server didChange' 2>/dev/null |
    awk '/server didChange/ {name = $0} /time:/ {sub(/^ +/, ""); print "  " name ": " $0}'
fi
