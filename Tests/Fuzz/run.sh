#!/bin/sh
# Runs every fuzz target for FUZZ_SECONDS (default 120) each, from the committed seed
# corpus (Tests/Fuzz/corpus/<target>/) plus what earlier runs found (.build-fuzz/corpus/,
# not committed). Crashes, leaks (ASan), timeouts (-timeout, seconds per input) and
# out-of-memory (-rss_limit_mb) fail the run; the reproducer is left in .build-fuzz/.
# Stops a target early at FUZZ_RUNS executions (default 1,000,000). Prints the number
# of executions per target.
#   Tests/Fuzz/run.sh [target ...]     targets: frontmatter markdown query index
set -eu
cd "$(dirname "$0")/../.."
TARGETS=${*:-frontmatter markdown query index}
Tests/Fuzz/build.sh $TARGETS
SECONDS_EACH=${FUZZ_SECONDS:-120}
RUNS=${FUZZ_RUNS:-1000000}
status=0
for t in $TARGETS; do
  mkdir -p ".build-fuzz/corpus/$t" ".build-fuzz/artifacts/$t"
  log=".build-fuzz/$t.log"
  # Longest input: queries are cut at 1 KB; index files of the small index are a few KB.
  case $t in query) max_len=1100;; index) max_len=16384;; *) max_len=4096;; esac
  echo "fuzz-$t: ${SECONDS_EACH}s"
  if ".build-fuzz/bin/fuzz-$t" ".build-fuzz/corpus/$t" "Tests/Fuzz/corpus/$t" \
      -runs="$RUNS" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
      -artifact_prefix=".build-fuzz/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result=FAILED; status=1
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5
  fi
  runs=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{print $2}')
  echo "fuzz-$t: $result, ${runs:-?} executions ($(grep -c . "$log") log lines in $log)"
done
exit $status
