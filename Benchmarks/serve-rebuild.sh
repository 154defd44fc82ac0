#!/usr/bin/env bash
# `tome serve` rebuilding after a save (issue 7: serve uses the same machinery as build,
# plus the rendered pages it keeps in memory between rebuilds). Starts tome serve on the
# site, waits for its first build, then appends a sentence to one page RUNS times and
# reads each rebuild's own time from the server's log (`rebuilt ... ms=N rendered=M`):
# from the watcher noticing the save to the new site being served.
#
# Usage: Benchmarks/serve-rebuild.sh TOME CONTENT OUTPUT PAGE RUNS OUT_JSON
set -euo pipefail
tome=$1 content=$2 output=$3 page=$4 runs=$5 out=$6
log=$(mktemp)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tome" serve --content "$content" --output "$output" --port "$port" > "$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

rebuilds() { grep -c ' rebuilt' "$log" || true; }
wait_for() { # until the log has $1 rebuilds (at most 10 minutes)
  for _ in $(seq 6000); do
    [ "$(rebuilds)" -ge "$1" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "tome serve stopped" >&2; return 1; }
    sleep 0.1
  done
  echo "tome serve did not rebuild; its log:" >&2; tail -20 "$log" >&2; return 1
}

wait_for 1
for i in $(seq "$runs"); do
  sleep 1  # the watcher polls every 300 ms: one save, one rebuild
  printf "\nEdited for the serve benchmark at %s.\n" "$(date +%s%N)" >> "$page"
  wait_for $((i + 1))
done

python3 - "$log" "$out" <<'PY'
import json, re, statistics, sys
lines = [l for l in open(sys.argv[1]) if " rebuilt" in l]
saves = lines[1:]
ms = [int(re.search(r"\bms=(\d+)", l).group(1)) for l in saves]
rendered = [int(re.search(r"\brendered=(\d+)", l).group(1)) for l in saves]
first = int(re.search(r"\bms=(\d+)", lines[0]).group(1))
result = {"saves": len(ms), "rebuild_ms": ms, "median_ms": statistics.median(ms),
          "pages_rendered": rendered, "first_build_ms": first}
json.dump(result, open(sys.argv[2], "w"), indent=1)
print(f"tome serve: first build {first} ms; rebuild after a save: median {statistics.median(ms)} ms "
      f"over {len(ms)} saves (each ms: {ms}); pages rendered per save: {rendered}", file=sys.stderr)
PY
