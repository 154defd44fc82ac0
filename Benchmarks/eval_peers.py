#!/usr/bin/env python3
"""BM25 of peer engines (bm25s, tantivy) on a Cranfield-format collection.

Prints one JSON line per (engine, query half): nDCG@10, MRR@10, Recall@100, MAP,
computed the way `tome eval` computes them (gain = 5 - rel for rel 1..4; relevant =
rel > 0; MAP over the top 100). Usage: eval_peers.py DIR
"""
import json, math, re, sys, os, tempfile

def load(d):
    docs = [json.loads(l) for l in open(os.path.join(d, "docs.jsonl")) if l.strip()]
    queries = [json.loads(l) for l in open(os.path.join(d, "queries.jsonl")) if l.strip()]
    qrels = {}
    for i, l in enumerate(open(os.path.join(d, "qrels.tsv"))):
        if i == 0 or not l.strip():
            continue
        q, doc, rel = l.rstrip("\n").split("\t")
        qrels.setdefault(q, {})[doc] = int(rel)
    return docs, queries, qrels

def metrics(ranked, judged):
    gains = {d: 5 - r for d, r in judged.items() if 1 <= r <= 4}
    rel = {d for d, r in judged.items() if r > 0}
    dcg = sum(gains.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(gains.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    rr = next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in rel), 0.0)
    rec = len([d for d in ranked[:100] if d in rel]) / len(rel) if rel else 0
    hits, s = 0, 0.0
    for i, d in enumerate(ranked[:100]):
        if d in rel:
            hits += 1
            s += hits / (i + 1)
    ap = s / len(rel) if rel else 0
    return (dcg / idcg if idcg else 0, rr, rec, ap)

def report(engine, runs, queries, qrels):
    for half, keep in (("all", lambda i: True), ("dev", lambda i: i % 2 == 1), ("test", lambda i: i % 2 == 0)):
        ms = [metrics(runs[q["id"]], qrels.get(q["id"], {})) for q in queries if keep(int(q["id"]))]
        n = len(ms)
        avg = [sum(m[k] for m in ms) / n for k in range(4)]
        print(json.dumps({"engine": engine, "queries": half, "ndcg@10": round(avg[0], 4), "mrr@10": round(avg[1], 4),
                          "recall@100": round(avg[2], 4), "map": round(avg[3], 4)}))

def run_bm25s(docs, queries):
    import bm25s, Stemmer
    stemmer = Stemmer.Stemmer("english")
    corpus = [d["title"] + " " + d["text"] for d in docs]
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    qt = bm25s.tokenize([q["text"] for q in queries], stopwords="en", stemmer=stemmer, show_progress=False)
    res, _ = retriever.retrieve(qt, k=100, show_progress=False)
    return {q["id"]: [docs[i]["id"] for i in res[n]] for n, q in enumerate(queries)}

def run_tantivy(docs, queries):
    import tantivy
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema = sb.build()
    index = tantivy.Index(schema, path=tempfile.mkdtemp())
    w = index.writer()
    for d in docs:
        w.add_document(tantivy.Document(id=d["id"], body=d["title"] + " " + d["text"]))
    w.commit()
    index.reload()
    searcher = index.searcher()
    out = {}
    for q in queries:
        text = " ".join(re.findall(r"[A-Za-z0-9]+", q["text"]))
        query = index.parse_query(text, ["body"])
        hits = searcher.search(query, 100).hits
        out[q["id"]] = [searcher.doc(addr)["id"][0] for _, addr in hits]
    return out

if __name__ == "__main__":
    docs, queries, qrels = load(sys.argv[1])
    for name, fn in (("bm25s", run_bm25s), ("tantivy", run_tantivy)):
        try:
            report(name, fn(docs, queries), queries, qrels)
        except Exception as e:  # report and go on with the other peer
            print(json.dumps({"engine": name, "error": repr(e)}))
