#!/usr/bin/env bash
# Whole-process latency of `tome search` over a realistic query list.
# Usage: Benchmarks/search-latency.sh SITE_DIR [QUERIES_FILE] [OUT_JSON]
#   SITE_DIR      a folder built by `tome build` (it has search/)
#   QUERIES_FILE  "category<TAB>query" lines (default Benchmarks/queries-cpp.txt)
#   OUT_JSON      summary written here (default Benchmarks/work/search-latency.json)
# Env: TOME (default .build/release/tome), RUNS (default 5), WARMUP (default 1).
# Whole processes (start, open the index, parse, search, print): each query runs RUNS
# times under hyperfine (-N, no shell) and its median is kept; the summary gives the
# median, p90, p99 and max of those per-query medians, overall and per category. Then
# the same list in one process (`tome search --bench`, CPU time per query, warm).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
site="$(cd "${1:?usage: search-latency.sh SITE_DIR [QUERIES] [OUT_JSON]}" && pwd)"
queries="${2:-$here/queries-cpp.txt}"
out="${3:-$here/work/search-latency.json}"
tome="${TOME:-$root/.build/release/tome}"
case "$tome" in /*) ;; *) tome="$root/$tome" ;; esac
runs="${RUNS:-5}"
warmup="${WARMUP:-1}"
mkdir -p "$(dirname "$out")"
raw="$(mktemp -d)"
trap 'rm -rf "$raw"' EXIT

# One hyperfine invocation for all queries: -N runs each without a shell; the query is
# single-quoted for hyperfine's own word splitting (queries never contain a ').
cmds=()
while IFS=$'\t' read -r cat q; do
  [ -z "$q" ] && continue
  case "$q" in *"'"*) echo "skipping query with a quote: $q" >&2; continue ;; esac
  cmds+=("'$tome' search '$q' --site '$site' --limit 10")
done < "$queries"
echo "search latency: ${#cmds[@]} queries x $runs runs (+$warmup warmup), whole process" >&2
hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
  --export-json "$raw/hyperfine.json" "${cmds[@]}" > "$raw/log" 2>&1 \
  || { tail -20 "$raw/log" >&2; exit 1; }
# Hits per query (one extra run each, not timed) to show the queries are answered.
while IFS=$'\t' read -r cat q; do
  [ -z "$q" ] && continue
  "$tome" search "$q" --site "$site" --limit 10 --json 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("totalPages", 0))' \
    || echo -1
done < "$queries" > "$raw/hits"
"$tome" search --bench "$queries" --site "$site" --runs "$runs" > "$raw/inprocess.txt" 2>&1 \
  || { tail -20 "$raw/inprocess.txt" >&2; exit 1; }
python3 "$here/bench_report.py" search "$queries" "$raw/hyperfine.json" "$raw/hits" "$site" "$raw/inprocess.txt" > "$out"
python3 "$here/bench_report.py" search-table "$out"
