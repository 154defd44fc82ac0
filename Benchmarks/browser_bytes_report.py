#!/usr/bin/env python3
"""Table of browser_bytes.py results (Tome beside Pagefind) and one combined JSON.
Usage: browser_bytes_report.py OUT.json RESULT.json..."""
import json
import platform
import subprocess
import sys
import time

TARGETS = {"sample": 50 * 1024, "corpus": 120 * 1024}


def kb(n):
    return f"{n / 1024:.1f}"


def main():
    out, files = sys.argv[1], sys.argv[2:]
    results = [json.load(open(f)) for f in files]
    head = ("set", "engine", "prefetch KB/req", "1st query KB/req", "cold KB", "cold KB gz-host",
            "warm KB/q", "warm req/q", "max RT", "paint ms med/p95", "engine ms med/max")
    rows = []
    for r in results:
        s = r["summary"]
        rows.append((s["label"], s["engine"],
                     f"{kb(s['prefetchBytes'])} / {s['prefetchRequests']}",
                     f"{kb(s['firstQueryBytes'])} / {s['firstQueryRequests']}",
                     kb(s["coldBytes"]), kb(s["coldGz"]),
                     f"{s['warmMeanBytes'] / 1024:.2f}", f"{s['warmMeanRequests']:.1f}",
                     str(s["maxRoundTrips"]) if s["maxRoundTrips"] is not None else "n/a*",
                     f"{s['medianPaintMs']:.0f} / {s['p95PaintMs']:.0f}",
                     f"{s['medianComputeMs']:.1f} / {s['maxComputeMs']:.1f}"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))
    print(line(head))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    print("\ncold = focus prefetch + first query (response bodies as served by a plain static server);")
    print("gz-host = what a host that gzips .js/.json would send (index .bin files are gzip already).")
    print("RT = sequential round trips after the prefetch; paint = input event to painted results,")
    print("including the UI's 90 ms debounce; engine ms = the query re-run on the warm engine.")
    print("n/a* = Pagefind 1.x fetches from a Web Worker, which the page's Resource Timing cannot see.")
    for r in results:
        s = r["summary"]
        if s["engine"] == "tome" and s["label"] in TARGETS:
            t = TARGETS[s["label"]]
            print(f"target {s['label']}: cold {kb(s['coldBytes'])} KB (gz-host {kb(s['coldGz'])}) vs <= {kb(t)} KB; "
                  f"warm {s['warmMeanBytes'] / 1024:.2f} KB vs <= 2 KB; round trips {s['maxRoundTrips']} vs <= 2"
                  + (f"; engine max {s['maxComputeMs']:.1f} ms vs <= 16 ms" if s["label"] == "corpus" else ""))
        if s["errors"]:
            print(f"{s['label']} {s['engine']}: {len(s['errors'])} errors, first: {s['errors'][0]}")
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    json.dump({"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": platform.platform(),
               "browser": chromium, "results": results}, open(out, "w"), indent=1)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
