#!/usr/bin/env bash
# Answer identity between two tome binaries (a check for pure speed changes of the query
# engine, not a test):
#
#   Benchmarks/answers.sh OLD_TOME NEW_TOME
#
# Builds the sample (Content/) and the C++ corpus (CORPUS, default
# ../shared/data/corpus-cpp-docs/docs) once with OLD_TOME, then asks both binaries every
# query of load-queries.txt (sample) and queries-cpp.txt (corpus) with `tome search --json`
# at each limit of LIMITS (default "1 3 10 40") and with --explain at limit 5, and compares
# the full answers byte for byte (sections, order, scores, snippets, highlights, totals,
# corrections, explanations). Prints the number of answers that differ per site and run,
# and the first few differences; exits 1 if any differ.
# Both binaries read the same index (written by OLD_TOME): a change to the index writer is
# not covered, unless EACH=1: then each binary builds and reads its own index (for a
# change of the index format; answers may then differ where the index's cuts moved).
# SITES="sample cpp" picks the sites; WORK keeps the sites and answers.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: Benchmarks/answers.sh OLD_TOME NEW_TOME}
NEW=${2:?usage: Benchmarks/answers.sh OLD_TOME NEW_TOME}
CORPUS=${CORPUS:-../shared/data/corpus-cpp-docs/docs}
LIMITS=${LIMITS:-1 3 10 40}
SITES=${SITES:-sample cpp}
WORK=${WORK:-$(mktemp -d /tmp/tome-answers.XXXXXX)}
mkdir -p "$WORK"

declare -A SOURCE=([sample]=Content [cpp]=$CORPUS)
declare -A QUERIES=([sample]=Benchmarks/load-queries.txt [cpp]=Benchmarks/queries-cpp.txt)

# answers BIN SITE QUERYFILE OUT ARGS...: one answer a line, in query order
answers() {
  local bin=$1 site=$2 queries=$3 out=$4
  shift 4
  : > "$out"
  while IFS= read -r line; do
    local q=${line##*$'\t'}
    [ -z "$q" ] && continue
    printf '%s\n' "$("$bin" search --site "$site" --json "$@" -- "$q" 2>&1)" >> "$out"
  done < "$queries"
}

differ=0
for site in $SITES; do
  "$OLD" build --content "${SOURCE[$site]}" --output "$WORK/$site" > "$WORK/$site-build.log" 2>&1
  newsite="$WORK/$site"
  if [ -n "${EACH:-}" ]; then
    newsite="$WORK/$site-new"
    "$NEW" build --content "${SOURCE[$site]}" --output "$newsite" > "$WORK/$site-new-build.log" 2>&1
  fi
  runs=()
  for l in $LIMITS; do runs+=("--limit $l"); done
  runs+=("--limit 5 --explain")
  for run in "${runs[@]}"; do
    tag="$site-${run// /}"
    # shellcheck disable=SC2086
    answers "$OLD" "$WORK/$site" "${QUERIES[$site]}" "$WORK/$tag.old" $run
    # shellcheck disable=SC2086
    answers "$NEW" "$newsite" "${QUERIES[$site]}" "$WORK/$tag.new" $run
    n=$(paste -d '\n' "$WORK/$tag.old" "$WORK/$tag.new" | paste - - -d '\t' | awk -F'\t' '$1 != $2' | wc -l)
    total=$(wc -l < "$WORK/$tag.old")
    echo "$site $run: $n of $total answers differ"
    if [ "$n" -gt 0 ]; then
      differ=1
      { diff "$WORK/$tag.old" "$WORK/$tag.new" | head -4 | cut -c1-300; } || true
    fi
  done
done
echo "(answers in $WORK)"
exit $differ
