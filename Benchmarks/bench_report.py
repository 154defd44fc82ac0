#!/usr/bin/env python3
"""Summaries for Benchmarks/run.sh and Benchmarks/search-latency.sh.

  bench_report.py search QUERIES HYPERFINE_JSON HITS SITE   > summary.json
  bench_report.py search-table SUMMARY_JSON                 (prints a table)
  bench_report.py build OUT_JSON    (reads run.sh's environment and Benchmarks/work/raw,
                                     writes OUT_JSON, prints the table)
"""
import json, os, platform, re, statistics, subprocess, sys

MIB = 1024 * 1024


def pct(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


# ----------------------------------------------------------------------------- search
def in_process(path):
    """`tome search --bench` output: the warm CPU-time row (p50, p95, p99, max, mean ms)."""
    for line in open(path, encoding="utf-8"):
        if line.startswith("warm (CPU)"):
            p50, p95, p99, mx, mean = (float(x) for x in line.split()[2:7])
            return {"p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": mx, "mean_ms": mean,
                    "what": "tome search --bench: CPU time per query in one process, warm "
                            "(after one untimed run of each query)"}
    return None


def search(queries_path, hf_path, hits_path, site, inprocess_path=None):
    queries = [l.rstrip("\n").split("\t", 1) for l in open(queries_path, encoding="utf-8")
               if l.strip() and "'" not in l]
    results = json.load(open(hf_path))["results"]
    hits = [int(x) for x in open(hits_path).read().split()]
    assert len(results) == len(queries), (len(results), len(queries))
    rows = []
    for (cat, q), r, h in zip(queries, results, hits):
        rows.append({"category": cat, "query": q, "median_ms": r["median"] * 1000,
                     "min_ms": r["min"] * 1000, "max_ms": r["max"] * 1000, "pages": h})

    def summary(rs):
        ms = sorted(r["median_ms"] for r in rs)
        return {"queries": len(rs), "median_ms": round(pct(ms, 50), 2),
                "p90_ms": round(pct(ms, 90), 2), "p99_ms": round(pct(ms, 99), 2),
                "max_ms": round(ms[-1], 2), "mean_ms": round(statistics.mean(ms), 2),
                "no_hits": sum(1 for r in rs if r["pages"] == 0)}

    cats = []
    for r in rows:
        if r["category"] not in cats:
            cats.append(r["category"])
    out = {
        "what": "whole-process `tome search QUERY --site SITE --limit 10` (start, open "
                "index, search, print), median of the runs of each query; the "
                "percentiles are over those per-query medians",
        "in_process": in_process(inprocess_path) if inprocess_path else None,
        "runs_per_query": len(results[0]["times"]),
        "site": site,
        "overall": summary(rows),
        "by_category": {c: summary([r for r in rows if r["category"] == c]) for c in cats},
        "per_query": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}
                      for r in rows],
    }
    json.dump(out, sys.stdout, indent=1)
    print()


def search_table(path):
    d = json.load(open(path))
    print(f"tome search, whole process, {d['overall']['queries']} queries x "
          f"{d['runs_per_query']} runs (median per query; percentiles over queries)")
    print(f"{'category':<10} {'n':>4} {'median':>9} {'p90':>9} {'p99':>9} {'max':>9} {'no hits':>8}")
    for name, s in list(d["by_category"].items()) + [("all", d["overall"])]:
        print(f"{name:<10} {s['queries']:>4} {s['median_ms']:>7.1f}ms {s['p90_ms']:>7.1f}ms "
              f"{s['p99_ms']:>7.1f}ms {s['max_ms']:>7.1f}ms {s['no_hits']:>8}")
    ip = d.get("in_process")
    if ip:
        print(f"in-process (tome search --bench, warm CPU): p50 {ip['p50_ms']:.3f} ms, "
              f"p99 {ip['p99_ms']:.3f} ms, max {ip['max_ms']:.3f} ms (targets 0.5 / 3 ms)")


# ----------------------------------------------------------------------------- build
def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip()
    except Exception as e:  # noqa: BLE001
        return f"unavailable ({e})"


def du(path, *excludes):
    """(apparent bytes, disk KiB, files) of a folder, via du and a walk."""
    if not os.path.isdir(path):
        return None
    ex = [f"--exclude={e}" for e in excludes]
    apparent = int(run(["du", "-sb", *ex, path]).split()[0])
    disk_kib = int(run(["du", "-sk", *ex, path]).split()[0])
    files = 0
    for d, dirs, fs in os.walk(path):
        dirs[:] = [x for x in dirs if x not in excludes]
        for f in fs:
            if not any(f == e or (e.startswith("*") and f.endswith(e[1:])) for e in excludes):
                files += 1
    return {"bytes": apparent, "disk_kib": disk_kib, "files": files}


def time_v(path):
    txt = open(path).read()
    def grab(label):
        for line in txt.splitlines():
            if line.strip().startswith(label):
                return line.rsplit(": ", 1)[1].strip()
        return None
    el = grab("Elapsed (wall clock) time").split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(el)))
    return {"peak_rss_kib": int(grab("Maximum resident set size")),
            "wall_s": round(wall, 3),
            "cpu_s": round(float(grab("User time")) + float(grab("System time")), 3),
            "exit": int(grab("Exit status"))}


def hyperfine(path):
    r = json.load(open(path))["results"][0]
    out = {"runs": len(r["times"]), "median_s": round(r["median"], 4),
           "mean_s": round(r["mean"], 4), "stddev_s": round(r.get("stddev") or 0, 4),
           "min_s": round(r["min"], 4), "max_s": round(r["max"], 4),
           "times_s": [round(t, 4) for t in r["times"]], "command": r["command"]}
    if isinstance(r.get("user"), list):   # newer hyperfine: per-run figures
        cpu = [u + s for u, s in zip(r["user"], r["system"])]
        out["cpu_median_s"] = round(statistics.median(cpu), 3)
    else:                                   # hyperfine 1.15: means only
        out["cpu_mean_s"] = round(r["user"] + r["system"], 3)
    return out


def build(out_path):
    env = os.environ
    raw, work = env["RAW"], env["WORK"]
    tome, hugo, pagefind = env["TOME"], env["HUGO"], env["PAGEFIND"]
    meminfo = open("/proc/meminfo").read()
    cpu = re.search(r"model name\s*:\s*(.+)", open("/proc/cpuinfo").read())
    machine = {"nproc": os.cpu_count(),
               "memory_kib": int(re.search(r"MemTotal:\s*(\d+)", meminfo).group(1)),
               "cpu_model": cpu.group(1).strip() if cpu else platform.processor(),
               "kernel": platform.release(),
               "loadavg_1_5_15_before": env.get("LOAD_BEFORE"),
               "loadavg_1_5_15_after": env.get("LOAD_AFTER")}
    versions = {"tome": run([tome, "--version"]), "hugo": run([hugo, "version"]),
                "pagefind": run([pagefind, "--version"]),
                "swift": run(["swift", "--version"]).splitlines()[0],
                "hyperfine": run(["hyperfine", "--version"])}

    names = ["hugo", "pagefind", "tome-full", "tome-touch", "tome-resave", "tome-edit", "tome-noop"]
    steps = {}
    for n in names:
        steps[n] = hyperfine(f"{raw}/hf-{n}.json")
        steps[n]["memory_run"] = time_v(f"{raw}/mem-{n}.txt")

    hugo_pub = f"{work}/hugo-public"
    sizes = {"hugo_site": du(hugo_pub, "pagefind"),
             "pagefind": du(f"{hugo_pub}/pagefind"),
             "tome_site_with_index": du(f"{work}/tome-out"),
             "tome_search_all": du(f"{work}/tome-out/search"),
             "tome_search_without_js_twins": du(f"{work}/tome-out/search", "*.js")}
    sizes["hugo_site"]["html_files"] = sum(
        1 for d, _, fs in os.walk(hugo_pub) if "pagefind" not in d for f in fs if f.endswith(".html"))
    sizes["tome_site_with_index"]["html_files"] = sum(
        1 for _, _, fs in os.walk(f"{work}/tome-out") for f in fs if f.endswith(".html"))

    # Hugo: warnings, page count, and the `{{` pages rendered as text (not templates).
    hlog = open(f"{raw}/hugo-check.log").read()
    m = re.search(r"Pages\s*\|\s*(\d+)", hlog)
    corpus_docs = env["DOCS"]
    brace_md, brace_ok = [], 0
    for d, _, fs in os.walk(corpus_docs):
        for f in fs:
            if f.endswith(".md"):
                p = os.path.join(d, f)
                if "{{" in open(p, encoding="utf-8").read():
                    rel = os.path.relpath(p, corpus_docs)[:-3].lower()
                    brace_md.append(rel)
                    html = os.path.join(hugo_pub, rel, "index.html")
                    if os.path.exists(html) and "{{" in open(html, encoding="utf-8").read():
                        brace_ok += 1
    hugo_check = {
        "pages": int(m.group(1)) if m else None,
        "warnings": [l for l in hlog.splitlines() if "WARN" in l],
        "errors": [l for l in hlog.splitlines() if "ERROR" in l],
        "pages_with_double_brace": len(brace_md),
        "of_which_rendered_with_braces_as_text": brace_ok,
        "setup": "Benchmarks/hugo (copied to Benchmarks/work/hugo-site): baseof/single/list, "
                 "nav partial cached per folder, render-link hook rewriting .md links, "
                 "goldmark unsafe=true (raw HTML kept), code highlighting off (Tome does "
                 "none), taxonomy/term/RSS kinds disabled; no shortcode syntax ({{< or {{%) "
                 "in the corpus, so `{{` in code is plain text for Hugo",
    }
    plog = open(f"{raw}/pagefind-check.log").read()
    pagefind_check = {k: int(v) for v, k in re.findall(
        r"Indexed (\d+) (pages?|words?|filters?|sorts?)", plog)}
    tlog = open(f"{raw}/tome-check.log").read()
    timings = {k: float(v) for k, v in re.findall(r"^\s+([a-z]+)\s+([0-9.]+) s$", tlog, re.M)}
    built = re.search(r"^Built .*$", tlog, re.M)

    H = steps["hugo"]["median_s"]; P = steps["pagefind"]["median_s"]
    Hm = steps["hugo"]["memory_run"]["peak_rss_kib"]
    Pm = steps["pagefind"]["memory_run"]["peak_rss_kib"]
    ratios, targets = {}, {}
    for n in ["tome-full", "tome-touch", "tome-resave", "tome-edit", "tome-noop"]:
        t = steps[n]["median_s"]; tm = steps[n]["memory_run"]["peak_rss_kib"]
        ratios[n] = {"wall_vs_hugo": round(t / H, 3), "wall_vs_hugo_plus_pagefind": round(t / (H + P), 3),
                     "peak_vs_hugo": round(tm / Hm, 3), "peak_vs_max_hugo_pagefind": round(tm / max(Hm, Pm), 3)}
    targets = {
        "full_build_wall_le_0.35x_hugo": ratios["tome-full"]["wall_vs_hugo"] <= 0.35,
        "peak_memory_le_0.5x_hugo": ratios["tome-full"]["peak_vs_hugo"] <= 0.5,
        "touch_rebuild_le_100ms": steps["tome-touch"]["median_s"] <= 0.100,
        "resave_rebuild_le_100ms": steps["tome-resave"]["median_s"] <= 0.100,
        "edit_rebuild_le_100ms": steps["tome-edit"]["median_s"] <= 0.100,
        "noop_rebuild_le_50ms": steps["tome-noop"]["median_s"] <= 0.050,
    }
    search_lat = None
    if os.path.exists(f"{raw}/search-latency.json"):
        search_lat = json.load(open(f"{raw}/search-latency.json"))
        search_lat.pop("per_query", None)
        search_lat["per_query_file"] = "Benchmarks/work/raw/search-latency.json (not kept)"

    serve = None
    if os.path.exists(f"{raw}/serve-rebuild.json"):
        serve = json.load(open(f"{raw}/serve-rebuild.json"))

    result = {
        "date_utc": run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"]),
        "machine": machine, "versions": versions,
        "corpus": {"path": env["CORPUS"], "subset": env.get("SUBSET") or None,
                   "markdown_files": int(env["MD_FILES"]), "touched_page": env["TOUCHED"]},
        "method": "hyperfine --warmup 1 --runs N (full builds of all three tools write into a new "
                  "folder each run, named by mktemp -u, deleted after the timed part; "
                  "`touch -d` the page into a new minute for the touched rebuild (its date changes) and within "
                  "the minute it has for the re-saved one (same bytes, same date), append a sentence to it for the edited one, "
                  "nothing for the no-op); medians. "
                  "Peak memory: /usr/bin/time -v, one separate run each. Tome builds incrementally: "
                  "rebuilds write only changed files into the spare tree and swap it in, the no-op is skipped. Pipeline peak = "
                  "max(Hugo, Pagefind) since they run one after the other.",
        "steps": steps, "ratios": ratios, "targets_met": targets, "sizes": sizes,
        "hugo_check": hugo_check, "pagefind_check": pagefind_check,
        "tome_check": {"timings_s": timings, "summary": built.group(0) if built else None,
                       "warnings": int(re.search(r"(\d+) warnings", built.group(0)).group(1))
                       if built and re.search(r"(\d+) warnings", built.group(0)) else None},
        "search_latency": search_lat,
        "serve_rebuild": serve,
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print_table(result)


def print_table(r):
    s = r["steps"]; z = r["sizes"]
    def mib(kib): return f"{kib / 1024:,.0f} MiB"
    def mb(b): return f"{b / 1e6:,.1f} MB"
    def cpu(x): return f"{x.get('cpu_median_s', x.get('cpu_mean_s')):.1f}s"
    print()
    print(f"Machine: {r['machine']['nproc']} cores, {r['machine']['cpu_model']}, "
          f"{r['machine']['memory_kib'] / 1024 / 1024:.1f} GiB | {r['versions']['tome']} | "
          f"{r['versions']['hugo'].split(' ')[0]} {r['versions']['hugo'].split(' ')[1]} | "
          f"{r['versions']['pagefind']} | load avg before/after: "
          f"{r['machine']['loadavg_1_5_15_before']} / {r['machine']['loadavg_1_5_15_after']}")
    print(f"Corpus: {r['corpus']['markdown_files']} Markdown files"
          + (f" (subset: {r['corpus']['subset']})" if r['corpus']['subset'] else ""))
    print()
    rows = [("Hugo full build (site only)", "hugo", z["hugo_site"]),
            ("Pagefind indexing Hugo's output", "pagefind", z["pagefind"]),
            ("Tome full build (site + index)", "tome-full", z["tome_site_with_index"]),
            ("Tome rebuild, 1 page touched*", "tome-touch", None),
            ("Tome rebuild, 1 page re-saved*", "tome-resave", None),
            ("Tome rebuild, 1 page edited*", "tome-edit", None),
            ("Tome no-op rebuild*", "tome-noop", None)]
    print(f"{'step':<33} {'runs':>4} {'wall med':>9} {'cpu':>7} {'peak RSS':>10}  output")
    for label, n, size in rows:
        x = s[n]
        out = f"{mb(size['bytes'])} in {size['files']:,} files" if size else ""
        print(f"{label:<33} {x['runs']:>4} {x['median_s']:>8.2f}s {cpu(x):>7} "
              f"{mib(x['memory_run']['peak_rss_kib']):>10}  {out}")
    hp = s["hugo"]["median_s"] + s["pagefind"]["median_s"]
    hpm = max(s["hugo"]["memory_run"]["peak_rss_kib"], s["pagefind"]["memory_run"]["peak_rss_kib"])
    print(f"{'Hugo + Pagefind (sum; peak=max)':<33} {'':>4} {hp:>8.2f}s {'':>7} {mib(hpm):>10}")
    print("* Tome rebuilds: touched (new mtime in a new minute, so the page's date changes), re-saved (same bytes,"
          " new mtime in the same minute: nothing shown changes) and edited (a sentence appended): pages, twins"
          " and the index whose inputs did not change are kept, not made again; no-op = fingerprint check only")
    if r.get("serve_rebuild"):
        s = r["serve_rebuild"]
        print(f"  tome serve, rebuild after a save (in process, from its log): median {s['median_ms'] / 1000:.2f}s"
              f" over {s['saves']} saves, pages rendered per save {s['pages_rendered']}")
    print()
    print(f"{'ratio':<22} {'wall/Hugo':>10} {'wall/(H+P)':>11} {'peak/Hugo':>10} {'peak/max(H,P)':>14}")
    for n, label in [("tome-full", "Tome full"), ("tome-touch", "Tome touched rebuild"), ("tome-resave", "Tome re-saved rebuild"),
                     ("tome-edit", "Tome edited rebuild"), ("tome-noop", "Tome no-op rebuild")]:
        q = r["ratios"][n]
        print(f"{label:<22} {q['wall_vs_hugo']:>9.3f}x {q['wall_vs_hugo_plus_pagefind']:>10.3f}x "
              f"{q['peak_vs_hugo']:>9.3f}x {q['peak_vs_max_hugo_pagefind']:>13.3f}x")
    print()
    t = r["targets_met"]
    print("targets (issue 7): full ≤0.35x Hugo wall: " + ("met" if t["full_build_wall_le_0.35x_hugo"] else "MISSED")
          + " | peak ≤0.5x Hugo: " + ("met" if t["peak_memory_le_0.5x_hugo"] else "MISSED")
          + " | touched ≤100 ms: " + ("met" if t["touch_rebuild_le_100ms"] else "MISSED")
          + " | re-saved ≤100 ms: " + ("met" if t["resave_rebuild_le_100ms"] else "MISSED")
          + " | edited ≤100 ms: " + ("met" if t["edit_rebuild_le_100ms"] else "MISSED")
          + " | no-op ≤50 ms: " + ("met" if t["noop_rebuild_le_50ms"] else "MISSED"))
    print()
    a, b, pf = z["tome_search_all"], z["tome_search_without_js_twins"], z["pagefind"]
    print(f"{'search index':<34} {'bytes':>10} {'files':>7}")
    print(f"{'Tome search/ (without .js twins)':<34} {mb(b['bytes']):>10} {b['files']:>7,}")
    print(f"{'Tome search/ (with .js twins)':<34} {mb(a['bytes']):>10} {a['files']:>7,}")
    print(f"{'Pagefind pagefind/':<34} {mb(pf['bytes']):>10} {pf['files']:>7,}")
    print("targets (issue 4): index ≤13 MB in ≤300 files")
    hc = r["hugo_check"]
    print()
    print(f"Hugo: {hc['pages']} pages, {len(hc['warnings'])} warnings, {len(hc['errors'])} errors; "
          f"pages with '{{{{' in their Markdown: {hc['pages_with_double_brace']}, "
          f"rendered with the braces as text: {hc['of_which_rendered_with_braces_as_text']}")
    tc = r["tome_check"]
    print(f"Tome: {tc['summary']}")
    print("Tome --timings (check build): " + ", ".join(f"{k} {v:.2f}s" for k, v in tc["timings_s"].items()))
    sl = r.get("search_latency")
    if sl:
        o = sl["overall"]
        print()
        print(f"tome search (whole process, {o['queries']} queries x {sl['runs_per_query']} runs): "
              f"median {o['median_ms']:.1f} ms, p90 {o['p90_ms']:.1f} ms, p99 {o['p99_ms']:.1f} ms, "
              f"max {o['max_ms']:.1f} ms (target ≤40 ms whole process)")
        ip = sl.get("in_process")
        if ip:
            print(f"tome search in-process (--bench, warm CPU): p50 {ip['p50_ms']:.3f} ms, "
                  f"p99 {ip['p99_ms']:.3f} ms (targets 0.5 / 3 ms)")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "search":
        search(*sys.argv[2:7])
    elif cmd == "search-table":
        search_table(sys.argv[2])
    elif cmd == "build":
        build(sys.argv[2])
    else:
        sys.exit(__doc__)
