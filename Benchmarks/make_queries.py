#!/usr/bin/env python3
"""Derive the search-latency query list from the corpus headings (deterministic).

Usage: make_queries.py CORPUS_DOCS_DIR > Benchmarks/queries-cpp.txt
       make_queries.py CORPUS_DOCS_DIR --distinct N > distinct.txt
Output: one query per line, "category<TAB>query", 200 lines:
  single (50)  one heading word            e.g.  allocator
  two    (50)  two adjacent heading words  e.g.  member functions
  prefix (30)  first 4-6 letters of a word e.g.  templ
  typo   (40)  one edit (swap, drop, replace, insert) in a word of 6+ letters
  phrase (30)  "two or three adjacent heading words" in quotes
With --distinct N: N different queries in the same proportions (a quarter single words,
a quarter two words, 15% prefixes, 20% typos, 15% phrases), drawn from the whole heading
vocabulary, frequent words first but the long tail too (weighted sampling without
replacement), shuffled. The load benchmark asks them so that no query is answered from
what an earlier identical query left behind; only words repeat, as they do in real use.
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

def count(root):
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
    return freq, pairs, triples

LETTERS = "abcdefghijklmnopqrstuvwxyz"

def typo(w, rng):
    """One edit inside w (never its first or last letter): swap, drop, replace or insert."""
    i = rng.randint(1, len(w) - 2)
    kind = rng.choice(["swap", "drop", "replace", "insert"])
    if kind == "swap":
        t = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif kind == "drop":
        t = w[:i] + w[i + 1:]
    elif kind == "replace":
        t = w[:i] + rng.choice([c for c in LETTERS if c != w[i]]) + w[i + 1:]
    else:
        t = w[:i] + rng.choice(LETTERS) + w[i:]
    if t == w:
        t = w[:i] + w[i + 1:]
    return t

def alpha(w):
    return w.isalpha()

def main():
    root = sys.argv[1]
    if sys.argv[2:3] == ["--distinct"]:
        return distinct(root, int(sys.argv[3]))
    rng = random.Random(20261127)
    freq, pairs, triples = count(root)
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
    out = []
    out += [("single", w) for w in sample(freq, 50, alpha)]
    out += [("two", f"{a} {b}") for a, b in sample(pairs, 50)]
    out += [("prefix", w[: rng.randint(4, min(6, len(w) - 2))])
            for w in sample(freq, 30, lambda w: alpha(w) and len(w) >= 7)]
    out += [("typo", typo(w, rng)) for w in sample(freq, 40, lambda w: alpha(w) and len(w) >= 6)]
    ph = sample(pairs, 15) + sample(triples, 15)
    out += [("phrase", '"' + " ".join(p) + '"') for p in ph]
    for cat, q in out:
        print(f"{cat}\t{q}")

def distinct(root, n):
    rng = random.Random(20261128)
    freq, pairs, triples = count(root)

    def weighted(counter, key=lambda x: True):
        """Every item once, in a random order that favours frequent ones (Efraimidis-Spirakis)."""
        keyed = [(rng.random() ** (1.0 / c), k) for k, c in sorted(counter.items()) if key(k)]
        return [k for _, k in sorted(keyed, reverse=True)]

    seen = set()
    def take(stream, count):
        chosen = []
        for q in stream:
            if q not in seen:
                seen.add(q)
                chosen.append(q)
                if len(chosen) == count:
                    break
        return chosen

    # Prefixes and typos run over the long words several times (another cut, another
    # edit each time) until they have their share of distinct queries.
    long_words = weighted(freq, lambda w: alpha(w) and len(w) >= 7)
    kinds = [
        ("single", 0.25, (w for w in weighted(freq, alpha))),
        ("two", 0.25, (f"{a} {b}" for a, b in weighted(pairs))),
        ("prefix", 0.15, (w[: rng.randint(4, min(6, len(w) - 2))] for w in long_words * 3)),
        ("typo", 0.20, (typo(w, rng) for w in long_words * 8)),
        ("phrase", 0.15, ('"' + " ".join(p) + '"' for p in weighted(pairs + triples))),
    ]
    out = []
    for kind, share, stream in kinds:
        out += [(kind, q) for q in take(stream, round(n * share))]
    rng.shuffle(out)
    for kind, q in out[:n]:
        print(f"{kind}\t{q}")

if __name__ == "__main__":
    main()
