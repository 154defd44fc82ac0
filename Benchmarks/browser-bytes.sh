#!/usr/bin/env bash
# Search bytes in a real browser: Tome's UI against Pagefind on the same HTML.
# A byte-counting static server on 127.0.0.1 + headless Chromium (browser_bytes.py) on
#   sample  Content/ built with tome, queries from Benchmarks/queries-sample.txt
#   corpus  ../shared/data/corpus-cpp-docs/docs built with tome (9.7k pages), 15 queries
#           drawn from Benchmarks/queries-cpp.txt (3 of each kind)
# and the same built folders indexed by Pagefind (PyPI pagefind-bin, default settings:
# it indexes <body>). Prints a table and writes Benchmarks/results/browser-bytes.json.
#   TOME=path/to/tome  (default .build/release/tome)   ONLY=sample|corpus   KEEP=1 reuses builds
set -euo pipefail
cd "$(dirname "$0")/.."
TOME="${TOME:-.build/release/tome}"
WORK="Benchmarks/work/browser-bytes"
OUT="Benchmarks/results"
mkdir -p "$WORK" "$OUT"

python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q selenium
python3 -c 'import pagefind_bin' 2>/dev/null || python3 -m pip install -q pagefind-bin
command -v chromedriver >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq chromium chromium-driver >/dev/null; } \
  || { echo "needs: apt-get install chromium chromium-driver" >&2; exit 1; }
PAGEFIND="$(python3 -c 'import pagefind_bin; print(pagefind_bin.get_executable())')"

# Corpus queries: 3 of each kind (single, two, phrase, prefix, typo), spread over the file.
awk -F'\t' '{n[$1]++; if (n[$1] % 10 == 1 && c[$1]++ < 3) print $2}' Benchmarks/queries-cpp.txt > "$WORK/queries-corpus.txt"

build() { # name content
  local dir="$WORK/$1"
  if [ -z "${KEEP:-}" ] || [ ! -f "$dir/search/manifest.json" ]; then
    rm -rf "$dir" "$dir-pf"
    local t0=$SECONDS
    "$TOME" build --content "$2" --output "$dir" > "$WORK/$1-build.log" 2>&1 || { tail "$WORK/$1-build.log" >&2; exit 1; }
    echo "tome build $1: $((SECONDS - t0)) s" >&2
  fi
  if [ -z "${KEEP:-}" ] || [ ! -f "$dir-pf/pagefind/pagefind.js" ]; then
    rm -rf "$dir-pf"; cp -r "$dir" "$dir-pf"; rm -rf "$dir-pf/search"
    local t0=$SECONDS
    "$PAGEFIND" --site "$dir-pf" > "$WORK/$1-pagefind.log" 2>&1 || { tail "$WORK/$1-pagefind.log" >&2; exit 1; }
    echo "pagefind $1: $((SECONDS - t0)) s" >&2
  fi
}

sets=()
[ "${ONLY:-sample}" != corpus ] && { build sample Content; sets+=("sample Benchmarks/queries-sample.txt"); }
[ "${ONLY:-corpus}" != sample ] && { build corpus ../shared/data/corpus-cpp-docs/docs; sets+=("corpus $WORK/queries-corpus.txt"); }

jsons=()
for s in "${sets[@]}"; do
  set -- $s
  python3 Benchmarks/browser_bytes.py --label "$1" --engine tome --root "$WORK/$1" --queries "$2" --out "$WORK/$1-tome.json"
  python3 Benchmarks/browser_bytes.py --label "$1" --engine pagefind --root "$WORK/$1-pf" --queries "$2" --out "$WORK/$1-pagefind.json"
  jsons+=("$WORK/$1-tome.json" "$WORK/$1-pagefind.json")
done
python3 Benchmarks/browser_bytes_report.py "$OUT/browser-bytes.json" "${jsons[@]}"
