#!/usr/bin/env python3
"""Derive the search-latency query list from the corpus headings (deterministic).

Usage: make_queries.py CORPUS_DOCS_DIR > Benchmarks/queries-cpp.txt
Output: one query per line, "category<TAB>query", 200 lines:
  single (50)  one heading word            e.g.  allocator
  two    (50)  two adjacent heading words  e.g.  member functions
  prefix (30)  first 4-6 letters of a word e.g.  templ
  typo   (40)  one edit (swap, drop, replace, insert) in a word of 6+ letters
  phrase (30)  "two or three adjacent heading words" in quotes
"""
import collections, os, random, re, sys

STOP = set("""a an and are as at be by for from how in into is it of on or the to with
without you your this that use using when what which not can do does new vs via its
about all any more than then they their there these those we our other""".split())

def headings(root):
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if not f.endswith(".md"):
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                in_code = False
                for line in fh:
                    if line.startswith("```"):
                        in_code = not in_code
                    elif not in_code and re.match(r"#{1,6} ", line):
                        text = re.sub(r"<[^>]+>|[`*_\[\]()]", " ", line.lstrip("#"))
                        yield text.strip()

def words_of(h):
    return [w for w in re.findall(r"[a-z][a-z0-9]+", h.lower())]

def main():
    root = sys.argv[1]
    rng = random.Random(20261127)
    freq = collections.Counter()
    pairs = collections.Counter()
    triples = collections.Counter()
    for h in headings(root):
        ws = words_of(h)
        for w in ws:
            if w not in STOP and len(w) >= 3:
                freq[w] += 1
        for a, b in zip(ws, ws[1:]):
            if a not in STOP and b not in STOP and len(a) > 2 and len(b) > 2:
                pairs[(a, b)] += 1
        for a, b, c in zip(ws, ws[1:], ws[2:]):
            if a not in STOP and c not in STOP:
                triples[(a, b, c)] += 1
    # Sample from the 2,000 most frequent items, weighted towards (but not only) the head.
    def sample(counter, n, key=lambda x: True):
        items = [k for k, _ in counter.most_common(3000) if key(k)]
        items = items[:2000]
        chosen = []
        while len(chosen) < n:
            i = min(int(rng.paretovariate(0.6)) - 1, len(items) - 1)
            if items[i] not in chosen:
                chosen.append(items[i])
        return chosen
    alpha = lambda w: w.isalpha()
    out = []
    out += [("single", w) for w in sample(freq, 50, alpha)]
    out += [("two", f"{a} {b}") for a, b in sample(pairs, 50)]
    out += [("prefix", w[: rng.randint(4, min(6, len(w) - 2))])
            for w in sample(freq, 30, lambda w: alpha(w) and len(w) >= 7)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    typos = []
    for w in sample(freq, 40, lambda w: alpha(w) and len(w) >= 6):
        i = rng.randint(1, len(w) - 2)
        kind = rng.choice(["swap", "drop", "replace", "insert"])
        if kind == "swap":
            t = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif kind == "drop":
            t = w[:i] + w[i + 1:]
        elif kind == "replace":
            t = w[:i] + rng.choice([c for c in letters if c != w[i]]) + w[i + 1:]
        else:
            t = w[:i] + rng.choice(letters) + w[i:]
        if t == w:
            t = w[:i] + w[i + 1:]
        typos.append(("typo", t))
    out += typos
    ph = sample(pairs, 15) + sample(triples, 15)
    out += [("phrase", '"' + " ".join(p) + '"') for p in ph]
    for cat, q in out:
        print(f"{cat}\t{q}")

if __name__ == "__main__":
    main()
