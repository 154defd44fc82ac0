#!/usr/bin/env bash
# Crash safety of `tome build` (issue 8): kill the build with SIGKILL at random moments
# and check that the output folder is always exactly the previous complete site or the
# new complete site (a manifest of every file's SHA-256 is compared), never a mix and
# never missing, and that the next build succeeds and produces the new site.
#
# Two versions of each corpus (A, and B = A with a page edited, one added and one
# removed) are built alternately over the same output folder, so every trial replaces
# one complete site by a different one. Trials alternate between incremental builds
# (the default, with the build cache beside the output: a torn cache must be detected
# and rebuilt) and `--clean` builds.
#
# Usage: Benchmarks/crash-test.sh [TRIALS]       (default 50 per corpus)
#   TOME=path/to/tome   the binary (default .build/release/tome; `make crash-test` builds it)
#   CORPUS=folder       the larger corpus (default ../shared/data/corpus-cpp-docs/docs)
#   PAGES=N             pages taken from it (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOME=$(realpath "${TOME:-.build/release/tome}")
TRIALS=${1:-50}
CORPUS=${CORPUS:-../shared/data/corpus-cpp-docs/docs}
PAGES=${PAGES:-2000}
[ -x "$TOME" ] || { echo "no tome binary at $TOME (run: make release)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tome-crash.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Manifest: one line per file, "sha256  ./path", sorted. Hidden files inside the
# output (none expected) count too.
manifest() {
  [ -d "$1" ] || { echo "MISSING"; return; }
  (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) | sha256sum | cut -c1-64
}

now_ms() { date +%s%3N; }

# Makes version B of a content folder: one page edited, one added, one removed.
make_variant() { # src dst
  cp -a "$1" "$2"
  local first last
  first=$(cd "$2" && find . -name '*.md' ! -name '_index.md' | sort | sed -n 1p)
  last=$(cd "$2" && find . -name '*.md' ! -name '_index.md' | sort | tail -1)
  printf '\n\nEdited for the crash test.\n' >> "$2/$first"
  rm -f "$2/$last"
  printf -- '---\ntitle: Crash test page\n---\nA page only version B has.\n' > "$2/$(dirname "$first")/crash-test-page.md"
}

failures=0
run_corpus() { # name content-folder
  local name=$1 A=$2 B="$WORK/$1-B" out="$WORK/$1-out" log="$WORK/$1.log"
  make_variant "$A" "$B"
  # Reference sites from clean builds into their own folders.
  "$TOME" build --content "$A" --output "$WORK/$name-refA" --clean >"$log" 2>&1 || { echo "$name: reference build A failed"; cat "$log"; exit 1; }
  "$TOME" build --content "$B" --output "$WORK/$name-refB" --clean >"$log" 2>&1 || { echo "$name: reference build B failed"; cat "$log"; exit 1; }
  local hA hB
  hA=$(manifest "$WORK/$name-refA"); hB=$(manifest "$WORK/$name-refB")
  [ "$hA" != "$hB" ] || { echo "$name: versions A and B build the same site; the test would prove nothing"; exit 1; }

  # Start from a complete site A (incremental, so the cache exists) and time a full build.
  "$TOME" build --content "$A" --output "$out" >"$log" 2>&1
  local t0 t1 span
  t0=$(now_ms); "$TOME" build --content "$B" --output "$out" --clean >"$log" 2>&1; t1=$(now_ms)
  span=$(( (t1 - t0) * 12 / 10 + 1 ))
  "$TOME" build --content "$A" --output "$out" >"$log" 2>&1
  [ "$(manifest "$out")" = "$hA" ] || { echo "$name: an incremental build of A differs from a clean one"; failures=$((failures + 1)); }
  echo "$name: full build takes $((t1 - t0)) ms; killing at random moments within $span ms, $TRIALS trials"

  local cur=A prev_h=$hA killed=0 old=0 new=0 finished=0
  for trial in $(seq 1 "$TRIALS"); do
    local next src next_h mode=""
    if [ $cur = A ]; then next=B; src=$B; next_h=$hB; else next=A; src=$A; next_h=$hA; fi
    [ $((trial % 2)) -eq 0 ] && mode="--clean"
    local delay=$(( (RANDOM * 32768 + RANDOM) % span ))
    "$TOME" build --content "$src" --output "$out" $mode >"$log" 2>&1 &
    local pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
    wait "$pid" 2>/dev/null || true
    local h
    h=$(manifest "$out")
    if [ "$h" = "$prev_h" ]; then old=$((old + 1))
    elif [ "$h" = "$next_h" ]; then new=$((new + 1))
    else
      echo "  trial $trial ($mode killed after ${delay} ms): output is neither the old nor the new site ($h)"
      failures=$((failures + 1))
    fi
    # The next build must succeed and produce exactly the new site.
    if ! "$TOME" build --content "$src" --output "$out" >"$log" 2>&1; then
      echo "  trial $trial: the build after the kill failed:"; sed -n '1,20s/^/    /p' "$log"
      failures=$((failures + 1))
    elif [ "$(manifest "$out")" != "$next_h" ]; then
      echo "  trial $trial: the build after the kill did not produce the new site"
      failures=$((failures + 1))
    fi
    # No staging or old folders left beside the output.
    if [ -n "$(find "$WORK" -maxdepth 1 \( -name ".$name-out.tome-new-*" -o -name ".$name-out.tome-old-*" \) -print -quit)" ]; then
      echo "  trial $trial: leftover staging folders after a successful build"; failures=$((failures + 1))
    fi
    cur=$next; prev_h=$next_h
  done
  echo "$name: $TRIALS trials: $killed killed mid-build ($old left the old site, $new the new site), $finished finished before the kill; failures so far: $failures"
}

# The sample site.
run_corpus sample "$ROOT/Content"

# A larger corpus: the first $PAGES Markdown files of the C++ docs, outside any git tree.
if [ -d "$CORPUS" ]; then
  mkdir -p "$WORK/big"
  # The list goes through a file: `head` closing a pipe early is a SIGPIPE failure
  # under pipefail.
  (cd "$CORPUS" && find . -name '*.md' | sort) > "$WORK/all-pages.txt"
  head -n "$PAGES" "$WORK/all-pages.txt" > "$WORK/pages.txt"
  while read -r f; do
    mkdir -p "$WORK/big/$(dirname "$f")"
    cp -p "$CORPUS/$f" "$WORK/big/$f"
  done < "$WORK/pages.txt"
  run_corpus cpp-docs "$WORK/big"
else
  echo "no corpus at $CORPUS; skipped the larger corpus"
fi

if [ "$failures" -gt 0 ]; then echo "crash test: $failures failures"; exit 1; fi
echo "crash test: passed"
