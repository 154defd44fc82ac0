#!/usr/bin/env bash
# make bench: Tome against Hugo (site) and Pagefind (search index) on the shared
# 9,746-page corpus, all in one run on this machine. See Benchmarks/README.md.
#
# Env (all optional):
#   TOME        tome binary (default .build/release/tome, relative to the repo root)
#   CORPUS      Markdown folder (default ../shared/data/corpus-cpp-docs/docs)
#   SUBSET      space-separated top folders of CORPUS to use instead of all (quick runs)
#   RUNS        timed runs per step (default 5; lowered for a step when the budget
#               below would be exceeded, never below 3; the output says so)
#   BUDGET      seconds the timed part may take (default 960, i.e. ~20 min in all)
#   SEARCH_RUNS runs per query in the search-latency part (default 5)
#   SKIP_SEARCH=1  leave out the search-latency part
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

abspath() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
TOME="$(abspath "${TOME:-.build/release/tome}")"
CORPUS="$(abspath "${CORPUS:-../shared/data/corpus-cpp-docs/docs}")"
RUNS="${RUNS:-5}"
BUDGET="${BUDGET:-960}"
SEARCH_RUNS="${SEARCH_RUNS:-5}"
work="$here/work"
raw="$work/raw"
# The corpus copy lives outside any git work tree (as the shared corpus does), so
# Tome's one `git log` for revision dates finds nothing, as on the original.
ctmp="$(mktemp -d "${TMPDIR:-/tmp}/tome-bench.XXXXXX")"
trap 'rm -rf "$ctmp"' EXIT
docs="$ctmp/docs"
say() { printf '\n== %s\n' "$*" >&2; }

[ -x "$TOME" ] || { echo "no tome binary at $TOME (run: make release)" >&2; exit 1; }
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 1; }

# ---------------------------------------------------------------- 1. peers
say "peers"
need=()
command -v hugo >/dev/null || need+=(hugo)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing: ${need[*]}" >&2
    apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
  else
    echo "Missing: ${need[*]}. Run:  sudo apt-get install -y ${need[*]}" >&2; exit 1
  fi
fi
if ! python3 -c 'import pagefind_bin' 2>/dev/null; then
  echo "Installing PyPI pagefind-bin" >&2
  python3 -m pip install -q pagefind-bin >&2
fi
# pagefind-bin ships the binary inside the package (pagefind_extended or pagefind);
# run it directly rather than through `python3 -m pagefind_bin`, so Python's start-up
# is not counted.
PAGEFIND="$(python3 -c 'import pagefind_bin; print(pagefind_bin.get_executable())')"
HUGO="$(command -v hugo)"
echo "tome $TOME | hugo $HUGO | pagefind $PAGEFIND" >&2

# ---------------------------------------------------------------- 2. layout
say "layout"
runs_dir="$work/runs"
rm -rf "$work/hugo-site" "$work/hugo-public" "$work/hugo-resources" \
       "$work/tome-out" "$work"/.tome-out.tome-* "$raw" "$runs_dir"
mkdir -p "$runs_dir"
mkdir -p "$docs" "$raw" "$here/results"
# A private copy of the corpus: the touch-one-page step must not touch shared data.
if [ -n "${SUBSET:-}" ]; then
  for d in $SUBSET; do cp -a "$CORPUS/$d" "$docs/"; done
else
  cp -a "$CORPUS/." "$docs/"
fi
cp -a "$here/hugo" "$work/hugo-site"
touched="$docs/cpp/lambda-expressions-in-cpp.md"
[ -f "$touched" ] || touched="$(find "$docs" -name '*.md' | sort | head -1)"
md_files=$(find "$docs" -name '*.md' | wc -l)
echo "corpus copy in $docs: $md_files Markdown files; page touched for the rebuild: ${touched#$docs/}" >&2
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

HUGO_CMD="$HUGO -s $work/hugo-site --contentDir $docs --quiet"
PAGEFIND_CMD="$PAGEFIND --site $work/hugo-public"
# Run from $work (no Templates/ there), so Tome uses its built-in theme.
TOME_CMD="$TOME build --content $docs --output $work/tome-out"
cd "$work"

# ---------------------------------------------------------------- 3. check builds
# One untimed build of each, keeping the logs: Hugo's warnings, Tome's per-step times.
# They also serve as a first estimate for the run budget.
say "check builds (logs kept in Benchmarks/work/raw)"
t0=$(date +%s.%N)
"$HUGO" -s "$work/hugo-site" --contentDir "$docs" --printPathWarnings > "$raw/hugo-check.log" 2>&1 \
  || { cat "$raw/hugo-check.log" >&2; echo "Hugo build failed" >&2; exit 1; }
t1=$(date +%s.%N)
"$PAGEFIND" --site "$work/hugo-public" > "$raw/pagefind-check.log" 2>&1 \
  || { tail -20 "$raw/pagefind-check.log" >&2; echo "Pagefind failed" >&2; exit 1; }
t2=$(date +%s.%N)
$TOME_CMD --timings > "$raw/tome-check.log" 2>&1 \
  || { tail -20 "$raw/tome-check.log" >&2; echo "Tome build failed" >&2; exit 1; }
t3=$(date +%s.%N)
grep -E 'WARN|ERROR' "$raw/hugo-check.log" >&2 || echo "Hugo: no warnings or errors" >&2
grep -E '^\s+[a-z]+\s+[0-9.]+ s$|^Built' "$raw/tome-check.log" >&2 || true
est=$(python3 -c "
h,p,t=$t1-$t0,$t2-$t1,$t3-$t2
print(round(h),round(p),round(t))")
read -r est_h est_p est_t <<<"$est"
echo "one build: hugo ${est_h}s, pagefind ${est_p}s, tome ${est_t}s" >&2

# Runs per step within the budget: each step costs (runs + 1 warmup) builds, plus one
# /usr/bin/time run; Tome has five steps (full, touched, saved again, edited, no-op).
read -r runs_peer runs_tome <<<"$(python3 - "$RUNS" "$BUDGET" "$est_h" "$est_p" "$est_t" <<'PY'
import sys
runs, budget, h, p, t = (float(x) for x in sys.argv[1:])
runs = int(runs)
def cost(rp, rt): return (rp + 2) * (h + p) + 5 * (rt + 2) * t
rp = rt = runs
while cost(rp, rt) > budget and (rp > 3 or rt > 3):
    if rp > 3 and (rp >= rt or rt <= 3): rp -= 1
    else: rt -= 1
print(rp, rt)
PY
)"
if [ "$runs_peer" != "$RUNS" ] || [ "$runs_tome" != "$RUNS" ]; then
  echo "NOTE: fewer runs to stay within ${BUDGET}s: peers $runs_peer, tome $runs_tome (asked $RUNS)" >&2
fi

# ---------------------------------------------------------------- 4. timed runs
hf() { # name runs [hyperfine options...] command
  local name=$1 runs=$2; shift 2
  say "$name: hyperfine --warmup 1 --runs $runs"
  hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$raw/hf-$name.json" "$@" >&2
}
# Every timed full build (Hugo's, Pagefind's, Tome's) writes into a folder that has never
# existed: `$(mktemp -u …)` names a new one per run, and they are all deleted at the end.
# Deleting the previous run's 10-20,000 files just before a run would charge that run
# for the file system, not for the tool: on this ext4 (no journal), creating files soon
# after many were deleted made Hugo's and Tome's system time 15-20 s (make bench at
# 07:12 on 2026-11-27), against under 1 s in a fresh folder.
fresh() { echo "\$(mktemp -u -d $runs_dir/$1.XXXXXX)"; }
hf hugo "$runs_peer" --prepare "rm -rf $work/hugo-resources" \
  "$HUGO -s $work/hugo-site --contentDir $docs --destination $(fresh hugo) --quiet"
hf pagefind "$runs_peer" "$PAGEFIND --site $work/hugo-public --output-path $(fresh pagefind)"
# A full build starts with nothing: no output, no cache, no spare tree beside it.
clean_tome="rm -rf $work/tome-out $work/.tome-out.tome-*"
# A one-page edit: a new sentence at the end of the page (unique each run).
edit_page='printf "\nEdited for the benchmark at %s.\n" "$(date +%s%N)" >> '"$touched"
hf tome-full "$runs_tome" "$TOME build --content $docs --output $(fresh tome)"
# Two kinds of touch (same bytes, new modification time). The corpus copy is outside git, so
# a page's date is its file's time to the minute: touched into a new minute each run, the
# page is re-dated (it and the listings showing its date are rendered again); saved again
# within the minute it had, nothing the site shows changes and the build finds that from
# the file's bytes. Times are set from a counter so every run is one or the other.
touch_to() { # touch_to SECONDS_FROM_BASE
  echo "touch -d @\$(( 1767225600 + $1 )) $touched"
}
rm -f "$work/touch-count"
count="n=\$(( \$(cat $work/touch-count 2>/dev/null || echo 0) + 1 )); echo \$n > $work/touch-count"
hf tome-touch "$runs_tome" --prepare "$count; $(touch_to '60 * n')" "$TOME_CMD"
# The minute 1767225600 + 60 * 1000 .. + 59: the warm-up run moves the page into it.
hf tome-resave "$runs_tome" --prepare "$count; $(touch_to '60 * 1000 + n % 60')" "$TOME_CMD"
hf tome-edit "$runs_tome" --prepare "$edit_page" "$TOME_CMD"
hf tome-noop "$runs_tome" "$TOME_CMD"

say "peak memory: /usr/bin/time -v, one separate run each"
mem() { # name command...
  local name=$1; shift
  /usr/bin/time -v -o "$raw/mem-$name.txt" "$@" > "$raw/mem-$name.log" 2>&1 \
    || { tail -5 "$raw/mem-$name.log" >&2; echo "$name failed" >&2; exit 1; }
  grep -E 'Maximum resident|Elapsed' "$raw/mem-$name.txt" | sed "s/^\s*/$name: /" >&2
}
rm -rf "$work/hugo-public" "$work/hugo-resources"; mem hugo $HUGO_CMD
mem pagefind $PAGEFIND_CMD
eval "$clean_tome"; mem tome-full $TOME_CMD
touch -d @$(( 1767225600 + 60 * 2000 )) "$touched"; mem tome-touch $TOME_CMD
touch -d @$(( 1767225600 + 60 * 2000 + 30 )) "$touched"; mem tome-resave $TOME_CMD
eval "$edit_page"; mem tome-edit $TOME_CMD
mem tome-noop $TOME_CMD

say "tome serve: rebuild after a save"
"$here/serve-rebuild.sh" "$TOME" "$docs" "$work/tome-out" "$touched" "$runs_tome" "$raw/serve-rebuild.json" >&2

# ---------------------------------------------------------------- 5. search latency
if [ "${SKIP_SEARCH:-}" != "1" ]; then
  say "search latency (whole process)"
  TOME="$TOME" RUNS="$SEARCH_RUNS" "$here/search-latency.sh" "$work/tome-out" \
    "$here/queries-cpp.txt" "$raw/search-latency.json" >&2
fi

# ---------------------------------------------------------------- 6. report
say "report"
export TOME PAGEFIND HUGO RAW="$raw" WORK="$work" CORPUS SUBSET="${SUBSET:-}" DOCS="$docs" \
  TOUCHED="${touched#$docs/}" LOAD_BEFORE="$load_before" LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)" RUNS_PEER="$runs_peer" RUNS_TOME="$runs_tome" \
  MD_FILES="$md_files"
out="$here/results/$(date -u +%Y-%m-%d)-build.json"
[ -n "${SUBSET:-}" ] && out="$work/subset-build.json"   # subsets are not results
python3 "$here/bench_report.py" build "$out"
rm -rf "$runs_dir"
echo "" >&2
echo "figures written to ${out#$root/}" >&2
