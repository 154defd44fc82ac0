#!/usr/bin/env bash
# Ranking quality of `tome eval` (bm25 and default modes) beside PyPI bm25s and
# tantivy on the same collection, in the same run. Usage:
#   Benchmarks/eval-peers.sh [COLLECTION_DIR] [TOME_BINARY]
# Defaults: ../shared/data/cranfield and .build/release/tome (built if missing).
# Queries: dev = odd ids (used for tuning `default`), test = even ids (reported).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="${1:-$root/../shared/data/cranfield}"
tome="${2:-$root/.build/release/tome}"
if [ ! -x "$tome" ]; then (cd "$root" && swift build -c release --static-swift-stdlib --product tome >&2); fi
python3 -m pip install -q bm25s tantivy PyStemmer >&2
out="$(mktemp)"
python3 "$here/eval_peers.py" "$data" > "$out"
for mode in bm25 default; do
  for half in all dev test; do
    "$tome" eval "$data" --mode "$mode" --queries "$half" --json \
      | python3 -c "import json,sys; d=json.load(sys.stdin); d['engine']='tome '+d.pop('mode'); d['queries']='$half'; print(json.dumps(d))" >> "$out"
  done
done
python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"{'engine':<14} {'queries':<6} {'nDCG@10':>8} {'MRR@10':>8} {'R@100':>8} {'MAP':>8}")
for half in ("all", "dev", "test"):
    for r in rows:
        if "error" in r:
            if half == "all": print(f"{r['engine']:<14} error: {r['error']}")
            continue
        if r["queries"] == half:
            print(f"{r['engine']:<14} {half:<6} {r['ndcg@10']:>8.4f} {r['mrr@10']:>8.4f} {r['recall@100']:>8.4f} {r['map']:>8.4f}")
PY
rm -f "$out"
