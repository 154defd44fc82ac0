#!/usr/bin/env bash
# Load benchmark for `tome serve --no-watch` (a benchmark, not a test).
#
#   Benchmarks/load.sh                 both sites, 30 s per run
#   DURATION=10s Benchmarks/load.sh    shorter runs
#
# Builds tome in release mode, builds (a) the sample site in Content/ and (b) the C++
# documentation corpus in ../shared/data/corpus-cpp-docs/docs, serves each on 127.0.0.1
# only, and runs wrk against /api/search (rotating queries from load-queries.txt) and
# against static pages (rotating over every page of the site). Reports requests/s,
# p99 latency, errors, and the server's RSS before and after the runs.
# Targets on a 2-core machine: search >= 5,000 req/s, p99 <= 10 ms, 0 errors, flat memory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18090}
SCRATCH=${SCRATCH:-.build}
CORPUS=${CORPUS:-../shared/data/corpus-cpp-docs/docs}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; fi
fi

echo "building tome (release)…" >&2
swift build -c release --product tome --scratch-path "$SCRATCH" >&2
TOME="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/tome"
WORK=$(mktemp -d /tmp/tome-load.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$TOME" build --content Content --output "$WORK/sample" >&2
sites="sample"
if [ -d "$CORPUS" ]; then
  "$TOME" build --content "$CORPUS" --output "$WORK/cpp" >&2 && sites="sample cpp" || echo "the C++ corpus did not build; skipping it" >&2
fi

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }

printf '| site | run | requests/s | p50 | p99 | errors | RSS before → after (MB) |\n|---|---|---|---|---|---|---|\n'
for site in $sites; do
  dir="$WORK/$site"
  (cd "$dir" && find . -name index.html | sed -e 's|^\.||' -e 's|index\.html$||' | sort | head -2000) > "$WORK/$site-paths.txt"
  "$TOME" serve --no-watch --output "$dir" --host 127.0.0.1 --port "$PORT" --log-level warning 2>"$WORK/$site-server.log" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null || { cat "$WORK/$site-server.log" >&2; exit 1; }
  # warm-up, then measure
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s Benchmarks/load-search.lua "http://127.0.0.1:$PORT" -- "$ROOT/Benchmarks/load-queries.txt" >/dev/null
  before=$(rss "$SERVER")
  for run in search static; do
    if [ $run = search ]; then script=Benchmarks/load-search.lua; list="$ROOT/Benchmarks/load-queries.txt"
    else script=Benchmarks/load-paths.lua; list="$WORK/$site-paths.txt"; fi
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "http://127.0.0.1:$PORT" -- "$list")
    echo "$out" > "$WORK/$site-$run.txt"
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    sock=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
    errors=$(( ${non2xx:-0} + ${sock:-0} ))
    after=$(rss "$SERVER")
    printf '| %s | %s | %s | %s | %s | %s | %s → %s |\n' "$site" "$run" "$rps" "$p50" "$p99" "$errors" "$before" "$after"
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
echo "(wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency on 127.0.0.1; $(nproc) cores shared by wrk and the server)" >&2
