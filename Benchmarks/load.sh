#!/usr/bin/env bash
# Load benchmark for `tome serve --no-watch` (issue 6; a benchmark, not a test).
#
#   Benchmarks/load.sh                        both sites, 30 s per run, table + JSON
#   DURATION=10s Benchmarks/load.sh           shorter runs
#   SITES=sample Benchmarks/load.sh           one site
#   RUNS="search-nocache search-nocache-open" Benchmarks/load.sh   only these runs (names below)
#   TOME=/path/to/tome Benchmarks/load.sh     an already built binary (else: swift build -c release --static-swift-stdlib, as make release)
#   SCRATCH=.build-server Benchmarks/load.sh  the scratch path for that build
#
# Builds tome in release mode, builds (a) the sample site in Content/ and (b) the C++
# documentation corpus in ../shared/data/corpus-cpp-docs/docs, serves each on 127.0.0.1
# only, and runs wrk against
#   search        /api/search, rotating queries (load-queries.txt for the sample,
#                 queries-cpp.txt for the corpus), the answer cache on (the default);
#   static        every page of the site in turn (the first 2,000 for the corpus);
#   static-gzip   the same with Accept-Encoding: gzip;
#   search-nocache  the search run again on a server started with --search-cache 0: the
#                 engine's cost on every request.
#   search-distinct (the corpus only) a new server with --search-cache 0 asked 50,000
#                 different queries (make_queries.py --distinct: the same kinds in the same
#                 proportions, from the whole heading vocabulary), so the engine's own
#                 per-word caches see words repeat as in real use rather than the same 200
#                 queries over and over; the list comes round about every 50,000 requests.
#   search-nocache-open  the search-nocache requests again, but open loop
#                 (Benchmarks/openloop.c, built here with cc): sent at a fixed RATE (5,000/s,
#                 the target) over up to OPEN_CONNECTIONS (64) keep-alive connections, each
#                 request's latency counted from the moment it was due, not from when a
#                 connection was free to send it. wrk's runs keep all 32 connections busy, so
#                 their latency is the queue wrk builds at saturation (32 / throughput); this
#                 run says what a request waits when 5,000 of them arrive each second.
# Each run is preceded by a 3 s warm-up of the same kind. Memory: the server's RSS before
# and after each run and its peak (VmHWM). Machine load: the 1-minute load average before
# each run, and the CPU that other processes used during it (cores, from /proc/stat minus
# the server's and wrk's own CPU) -- a figure taken while others compile is not a result.
#
# Output: a Markdown table on stdout, every wrk report and server log in the work folder,
# and Benchmarks/results/<date>-load.json.
# Targets on a 2-core machine: search >= 5,000 req/s, p99 <= 10 ms, 0 errors, flat memory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
RATE=${RATE:-5000}
OPEN_CONNECTIONS=${OPEN_CONNECTIONS:-64}
PORT=${PORT:-18090}
SCRATCH=${SCRATCH:-.build}
CORPUS=${CORPUS:-../shared/data/corpus-cpp-docs/docs}
SITES=${SITES:-sample cpp}
RUNS=${RUNS:-search static static-gzip search-nocache search-nocache-open search-distinct}
RESULTS=${RESULTS:-Benchmarks/results/$(date -u +%Y-%m-%d)-load.json}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; fi
fi

if [ -z "${TOME:-}" ]; then
  echo "building tome (release)…" >&2
  swift build -c release --static-swift-stdlib --product tome --scratch-path "$SCRATCH" >&2
  TOME="$(swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)/tome"
fi
WORK=${WORK:-$(mktemp -d /tmp/tome-load.XXXXXX)}
mkdir -p "$WORK"
cc -O2 -o "$WORK/openloop" Benchmarks/openloop.c
SERVER=""
cleanup() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi; }
trap cleanup EXIT

declare -A SOURCE=([sample]=Content [cpp]=$CORPUS)
declare -A QUERIES=([sample]=$ROOT/Benchmarks/load-queries.txt [cpp]=$ROOT/Benchmarks/queries-cpp.txt)
built=""
for site in $SITES; do
  if [ ! -d "${SOURCE[$site]}" ]; then echo "no ${SOURCE[$site]}; skipping $site" >&2; continue; fi
  "$TOME" build --content "${SOURCE[$site]}" --output "$WORK/$site" > "$WORK/$site-build.log" 2>&1 \
    || { echo "$site did not build (see $WORK/$site-build.log); skipping it" >&2; continue; }
  tail -1 "$WORK/$site-build.log" >&2
  built="$built $site"
done

status() { awk -v k="$2:" '$1 == k {print int($2/1024)}' "/proc/$1/status"; }
busy() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }       # jiffies, every core
own() { awk '{print $14+$15}' "/proc/$1/stat"; }                      # the server's jiffies
load1() { cut -d' ' -f1 /proc/loadavg; }
HZ=$(getconf CLK_TCK)

start_server() {  # site, extra options
  local site=$1; shift
  "$TOME" serve --no-watch --output "$WORK/$site" --host 127.0.0.1 --port "$PORT" --log-level warning "$@" \
    2>>"$WORK/$site-server.log" &
  SERVER=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null && return; sleep 0.2; done
  cat "$WORK/$site-server.log" >&2
  exit 1
}

stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

ROWS="$WORK/rows.tsv"
: > "$ROWS"
# Around a run: the server's memory and the machine's load before, and afterwards the
# CPU that other processes used during it (cores: every core's busy time, less the
# server's and the load generator's own).
begin_run() { before=$(status "$SERVER" VmRSS); load=$(load1); b0=$(busy); s0=$(own "$SERVER"); t0=$(date +%s.%N); }
end_run() {  # site, run, requests/s, p50, p99, errors, server options, command line
  local b1 s1 t1 after peak others
  b1=$(busy); s1=$(own "$SERVER"); t1=$(date +%s.%N)
  after=$(status "$SERVER" VmRSS); peak=$(status "$SERVER" VmHWM)
  others=$(awk -v b="$((b1 - b0))" -v s="$((s1 - s0))" -v hz="$HZ" -v t0="$t0" -v t1="$t1" -v w="$(cat "$WORK/client-cpu")" \
    'BEGIN { split(w, c, " "); o = (b - s) / hz - c[1] - c[2]; if (o < 0) o = 0; printf "%.2f", o / (t1 - t0) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
    "$before" "$after" "$peak" "$load" "$others" "tome serve --no-watch $7" "$8" >> "$ROWS"
  printf '| %s | %s | %s | %s | %s | %s | %s → %s (peak %s) | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" \
    "$before" "$after" "$peak" "$load" "$others"
}

measure() {  # site, run, script, list, server options (for the record), wrk header (optional)
  local site=$1 run=$2 script=$3 list=$4 options=$5 header=${6:-}
  local hargs=()
  [ -n "$header" ] && hargs=(-H "$header")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${hargs[@]}" -s "$script" "http://127.0.0.1:$PORT" -- "$list" >/dev/null
  begin_run
  local out
  out=$(/usr/bin/time -f "%U %S" -o "$WORK/client-cpu" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${hargs[@]}" \
        -s "$script" "http://127.0.0.1:$PORT" -- "$list")
  echo "$out" > "$WORK/$site-$run.txt"
  local rps p50 p99 non2xx sock
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  sock=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
  end_run "$site" "$run" "$rps" "$p50" "$p99" "$(( ${non2xx:-0} + ${sock:-0} ))" "$options" \
    "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ${header:+-H '$header' }-s $script http://127.0.0.1:$PORT -- $(basename "$list")"
}

# The same rotating queries as `measure`'s search runs, sent open loop at RATE per second
# (the first WARMUP seconds sent but not counted).
measure_open() {  # site, run, query list, server options (for the record)
  local site=$1 run=$2 list=$3 options=$4 seconds warmup
  seconds=${DURATION%s}; warmup=${WARMUP%s}
  python3 -c '
import sys, urllib.parse
for line in open(sys.argv[1]):
    query = line.rstrip("\n").split("\t")[-1]
    if query: print("/api/search?limit=10&q=" + urllib.parse.quote(query, safe="-._~"))' "$list" > "$WORK/$site-$run-paths.txt"
  begin_run
  local out
  out=$(/usr/bin/time -f "%U %S" -o "$WORK/client-cpu" "$WORK/openloop" 127.0.0.1 "$PORT" "$RATE" "$((seconds + warmup))" \
        "$OPEN_CONNECTIONS" "$WORK/$site-$run-paths.txt" "$warmup") || true
  echo "$out" > "$WORK/$site-$run.json"
  local rps p50 p99 errors
  read -r rps p50 p99 errors < <(echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(int(r["achievedRate"]), "%.2fms" % r["p50Ms"], "%.2fms" % r["p99Ms"], r["errors"])')
  end_run "$site" "$run" "$rps" "$p50" "$p99" "$errors" "$options" \
    "openloop 127.0.0.1 $PORT $RATE $((seconds + warmup)) $OPEN_CONNECTIONS <$(basename "$list") as /api/search?limit=10&q=…> $warmup"
}

wanted() { [[ " $RUNS " == *" $1 "* ]]; }

printf '| site | run | requests/s | p50 | p99 | errors | server RSS MB before → after (peak) | load avg before | other CPU during (cores) |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for site in $built; do
  # (awk, not head: head would close the pipe early, and pipefail would end the script)
  (cd "$WORK/$site" && find . -name index.html | sed -e 's|^\.||' -e 's|index\.html$||' | sort | awk 'NR <= 2000') > "$WORK/$site-paths.txt"
  if wanted search || wanted static || wanted static-gzip; then
    start_server "$site"
    if wanted search; then measure "$site" search Benchmarks/load-search.lua "${QUERIES[$site]}" ""; fi
    if wanted static; then measure "$site" static Benchmarks/load-paths.lua "$WORK/$site-paths.txt" ""; fi
    if wanted static-gzip; then
      measure "$site" static-gzip Benchmarks/load-paths.lua "$WORK/$site-paths.txt" "" "Accept-Encoding: gzip"
    fi
    stop_server
  fi
  if wanted search-nocache; then
    start_server "$site" --search-cache 0
    measure "$site" search-nocache Benchmarks/load-search.lua "${QUERIES[$site]}" "--search-cache 0"
    stop_server
  fi
  if wanted search-nocache-open; then
    start_server "$site" --search-cache 0
    measure_open "$site" search-nocache-open "${QUERIES[$site]}" "--search-cache 0"
    stop_server
  fi
  if [ "$site" = cpp ] && wanted search-distinct; then
    python3 Benchmarks/make_queries.py "$CORPUS" --distinct 50000 > "$WORK/cpp-distinct.txt"
    start_server "$site" --search-cache 0
    measure "$site" search-distinct Benchmarks/load-search.lua "$WORK/cpp-distinct.txt" "--search-cache 0"
    stop_server
  fi
done

mkdir -p "$(dirname "$RESULTS")"
python3 - "$ROWS" "$RESULTS" "$(git rev-parse --short HEAD)" "$(nproc)" "$DURATION" "$(git status --porcelain -uno | wc -l)" "$TOME" <<'PY'
import json, sys, datetime
rows_file, out, commit, cores, duration, dirty, tome = sys.argv[1:]
keys = ["site", "run", "requests_per_second", "p50", "p99", "errors", "rss_mb_before", "rss_mb_after", "rss_mb_peak",
        "load_average_before", "other_cpu_cores_during", "server", "client"]
rows = []
for line in open(rows_file):
    values = line.rstrip("\n").split("\t")
    row = dict(zip(keys, values))
    for k in ["requests_per_second", "errors", "rss_mb_before", "rss_mb_after", "rss_mb_peak"]:
        row[k] = int(row[k])
    for k in ["load_average_before", "other_cpu_cores_during"]:
        row[k] = float(row[k])
    rows.append(row)
json.dump({"benchmark": "tome serve --no-watch under wrk (Benchmarks/load.sh)",
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "commit": commit, "uncommitted_files_in_tree": int(dirty), "tome": tome, "cores": int(cores), "duration": duration,
           "note": "wrk and the server share the machine's cores; rows with other_cpu_cores_during >= 0.3 or "
                   "load_average_before >= 1.5 were taken while other work ran",
           "rows": rows}, open(out, "w"), indent=1)
print(f"results: {out}", file=sys.stderr)
PY
echo "(wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency on 127.0.0.1, and openloop at $RATE requests/s over up to $OPEN_CONNECTIONS connections; $(nproc) cores shared by the client and the server; work folder $WORK)" >&2
