#!/usr/bin/env python3
"""Bytes, requests, round trips and time to painted results for search in a real browser.

A byte-counting static server on 127.0.0.1 serves a built site; headless Chromium (Debian's
chromium + chromium-driver, PyPI selenium) focuses the search box (the prefetch), then runs
each query of a list. For every query: response-body bytes and requests seen by the server,
sequential round trips (the page's fetch() calls, wrapped: a request is one round trip after
the latest one whose response the page had when it asked; where the page did not make every
request itself, Resource Timing: a request that starts after an earlier request of the same
query has finished opens a new round trip), time from the input event to painted results
(MutationObserver + two animation frames), main-thread script time (Chrome's
Performance.getMetrics ScriptDuration delta), and the warm engine's time per query (median of
COMPUTE_REPEATS runs with every file in memory).

Engines:
  tome      the theme's own UI (header box of the home page, search-ui.js + tome-search.js)
  pagefind  a harness page using Pagefind's JS API (init() on focus, search(q), data() of
            the first 8 results, rendered as a list), on the same HTML indexed by Pagefind.
Both with the same 90 ms input debounce as Tome's UI (included in the paint time).

Usage: browser_bytes.py --label NAME --engine tome|pagefind --root DIR --queries FILE --out JSON
"""
import argparse
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

DEBOUNCE_MS = 90
RESULTS = 8
COMPUTE_REPEATS = 5  # timed runs per query of the warm engine; the median is reported


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log = None          # list of dicts, shared; set by serve()
    lock = None

    def log_message(self, *args):
        pass

    def send_head(self):
        # A single-range `Range: bytes=a-b` on a file: 206 with just those bytes (what
        # Tome's engine asks of the doc store); anything else as SimpleHTTPRequestHandler.
        self._range = None
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if m and os.path.isfile(path):
            size = os.path.getsize(path)
            a, b = int(m.group(1)), min(int(m.group(2)), size - 1)
            if a <= b:
                self._range = (a, b)
                f = open(path, "rb")
                self.send_response(206)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Range", f"bytes {a}-{b}/{size}")
                self.send_header("Content-Length", str(b - a + 1))
                self.end_headers()
                return f
        return super().send_head()

    def copyfile(self, source, outputfile):
        # the bytes actually sent: the range only, for a 206
        if self._range:
            source.seek(self._range[0])
            body = source.read(self._range[1] - self._range[0] + 1)
        else:
            body = source.read()
        outputfile.write(body)
        # What a host that gzips text (Content-Encoding) would send: the index's .bin
        # files are gzip already; .js/.json/.html/.css compress.
        name = self.path.split("?")[0]
        gz = len(body) if name.endswith((".bin", ".pf_fragment", ".pf_index", ".pf_meta", ".wasm")) or len(body) < 256 \
            else len(gzip.compress(body, 6))
        with self.lock:
            self.log.append({"path": self.path + (" bytes=%d-%d" % self._range if self._range else ""), "bytes": len(body), "gz": gz, "t": time.time()})

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(root):
    log, lock = [], threading.Lock()
    handler = type("H", (CountingHandler,), {"log": log, "lock": lock})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/", log, lock


PAGEFIND_HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body><input id="search-input" type="search" autocomplete="off"><ol id="results"></ol>
<script>
var pf = null, timer = 0, seq = 0;
function engine() { if (!pf) pf = import('/pagefind/pagefind.js').then(function (m) { return m.init().then(function () { return m; }); }); return pf; }
var box = document.getElementById('search-input'), out = document.getElementById('results');
box.addEventListener('focus', function () { engine(); });
box.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, %d); });
function run() {
  var q = box.value, mine = ++seq;
  engine().then(function (m) { return m.search(q); }).then(function (s) {
    return Promise.all(s.results.slice(0, %d).map(function (r) { return r.data(); })).then(function (d) { return [s, d]; });
  }).then(function (sd) {
    if (mine !== seq) return;
    out.textContent = '';
    sd[1].forEach(function (d) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = d.url; a.textContent = (d.meta && d.meta.title) || d.url; li.appendChild(a);
      var p = document.createElement('p'); p.innerHTML = d.excerpt; li.appendChild(p);
      (d.sub_results || []).slice(0, 3).forEach(function (s) { var x = document.createElement('div'); x.textContent = s.title; li.appendChild(x); });
      out.appendChild(li);
    });
    out.dataset.q = q;
  });
}
</script></body></html>""" % (DEBOUNCE_MS, RESULTS)

# Dispatches the query as one input event and resolves when the results for it are painted.
RUN_QUERY = """
var q = arguments[0], engine = arguments[1], done = arguments[arguments.length - 1];
var box = document.getElementById('search-input');
var target = engine === 'tome' ? document.getElementById('search-results') : document.getElementById('results');
function ready() {
  if (engine === 'tome') { var all = document.getElementById('search-option-all'), err = target.querySelector('.search-error');
    return !target.hidden && (err || (all && target.textContent.indexOf('\\u201c' + q.trim() + '\\u201d') >= 0)); }
  return target.dataset.q === q;
}
var t0, finished = false;
var obs = new MutationObserver(check);
function check() {
  if (finished || !ready()) return;
  finished = true; obs.disconnect();
  var t1 = performance.now();
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    var err = target.querySelector('.search-error');
    done({ renderMs: t1 - t0, paintMs: performance.now() - t0, error: err ? err.textContent : null,
           shown: engine === 'tome' ? target.querySelectorAll('.search-group').length : target.children.length });
  }); });
}
obs.observe(target, { childList: true, subtree: true, attributes: true, characterData: true });
performance.clearResourceTimings();
if (window.__fetchWaves) { window.__fetchWaves.reached = 0; window.__fetchWaves.issued = []; }
t0 = performance.now();
box.value = q;
box.dispatchEvent(new Event('input', { bubbles: true }));
"""

COMPUTE = """
var queries = arguments[0], engine = arguments[1], n = arguments[2], REPEATS = arguments[3], done = arguments[arguments.length - 1];
var times = [];
function once(e, q) {
  if (engine === 'tome') return e.search(q, { limit: n });
  return e.search(q).then(function (s) { return Promise.all(s.results.slice(0, n).map(function (r) { return r.data(); })); });
}
var ready = engine === 'tome'
  ? Promise.resolve(window.TomeSearch.open(new URL('search/', location.href).href)).then(function (e) { return e.prefetch().then(function () { return e; }); })
  : import('/pagefind/pagefind.js').then(function (m) { return m.init().then(function () { return m; }); });
ready.then(function (e) {
  var i = 0;
  function next() {
    if (i >= queries.length) return done(times);
    var q = queries[i++];
    // One untimed run (fetches, first compilation), then REPEATS timed ones: the median.
    var runs = [];
    function timed() {
      if (runs.length === REPEATS) { runs.sort(function (a, b) { return a - b; }); times.push(runs[REPEATS >> 1]); return next(); }
      var t0 = performance.now();
      once(e, q).then(function () { runs.push(performance.now() - t0); timed(); }, function () { times.push(-1); next(); });
    }
    once(e, q).then(timed, function (err) { times.push(-1); next(); });
  }
  next();
});
"""

# Round trips as the page's own code sees them: fetch() is wrapped before any page script
# runs, and a request is one round trip later than the latest round trip whose response had
# reached the page when the request was made (a request can only depend on data the page
# already had). The count is conservative: a response counts as reached when its headers
# arrive, before its body. Reset before each query; requests made in a Web Worker are not
# seen (Pagefind's), and for those the Resource Timing estimate below stands.
FETCH_WAVES = """
(function () {
  var f = window.fetch;
  if (!f) return;
  var w = window.__fetchWaves = { reached: 0, issued: [] };
  window.fetch = function () {
    var wave = w.reached + 1;
    w.issued.push(wave);
    return f.apply(this, arguments).then(function (res) { if (wave > w.reached) w.reached = wave; return res; });
  };
})();
"""

RESOURCE_TIMING = """
return performance.getEntriesByType('resource').map(function (e) {
  return { name: e.name, start: e.startTime, end: e.responseEnd, size: e.encodedBodySize };
});"""


def round_trips(entries):
    """Sequential waves: a request that starts after some request of the current wave has
    finished depends (possibly) on it and opens a new wave."""
    waves, wave_min_end = 0, None
    for e in sorted(entries, key=lambda e: e["start"]):
        if wave_min_end is None or e["start"] >= wave_min_end:
            waves += 1
            wave_min_end = e["end"]
        else:
            wave_min_end = min(wave_min_end, e["end"])
    return waves


def settle(log, lock, quiet=0.15, timeout=10):
    """Wait until the server saw no new response for `quiet` seconds."""
    end = time.time() + timeout
    while time.time() < end:
        with lock:
            n, last = len(log), (log[-1]["t"] if log else 0)
        if time.time() - last >= quiet:
            time.sleep(0.02)
            with lock:
                if len(log) == n:
                    return
        time.sleep(0.03)


def take(log, lock, since):
    with lock:
        part = log[since:]
        return part, len(log)


def script_seconds(driver):
    m = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return {x["name"]: x["value"] for x in m}.get("ScriptDuration", 0.0)


def make_driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1280,900", "--disable-extensions", "--no-first-run"):
        opts.add_argument(a)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    d = webdriver.Chrome(options=opts, service=service)
    d.set_script_timeout(60)
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    d.execute_cdp_cmd("Performance.enable", {})
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FETCH_WAVES})
    return d


def run(label, engine, root, queries):
    root = Path(root)
    if engine == "pagefind":
        (root / "pagefind-bench.html").write_text(PAGEFIND_HARNESS)
    httpd, base, log, lock = serve(root)
    driver = make_driver()
    try:
        driver.get(base + ("pagefind-bench.html" if engine == "pagefind" else ""))
        driver.execute_script("performance.setResourceTimingBufferSize(10000);")
        settle(log, lock)
        _, mark = take(log, lock, 0)
        # Focus: the prefetch.
        driver.find_element(By.ID, "search-input").click()
        time.sleep(0.05)
        settle(log, lock, quiet=0.4)
        pre, mark = take(log, lock, mark)
        prefetch = {"bytes": sum(r["bytes"] for r in pre), "gz": sum(r["gz"] for r in pre), "requests": len(pre), "files": [r["path"] for r in pre]}
        rows = []
        for q in queries:
            s0 = script_seconds(driver)
            res = driver.execute_async_script(RUN_QUERY, q, engine)
            settle(log, lock)
            s1 = script_seconds(driver)
            got, mark = take(log, lock, mark)
            rt = driver.execute_script(RESOURCE_TIMING)
            waves = driver.execute_script("return window.__fetchWaves ? window.__fetchWaves.issued : [];")
            rows.append({"query": q, "bytes": sum(r["bytes"] for r in got), "gz": sum(r["gz"] for r in got), "requests": len(got),
                         "files": [r["path"] for r in got], "roundTrips": max(waves) if waves and len(waves) >= len(got) else round_trips(rt) if rt else (None if got else 0),  # None: fetched in a Web Worker, invisible to the page
                         "roundTripsTiming": round_trips(rt) if rt else None,
                         "paintMs": round(res["paintMs"], 2), "renderMs": round(res["renderMs"], 2),
                         "scriptMs": round((s1 - s0) * 1000, 2), "shown": res["shown"], "error": res["error"]})
        # Script time: each query again on the now warm engine (every file it needs is in
        # memory, so the wall time is the engine's own work: matching, ranking, snippets).
        compute = driver.execute_async_script(COMPUTE, queries, engine, RESULTS, COMPUTE_REPEATS)
        for r, ms in zip(rows, compute):
            r["computeMs"] = round(ms, 3)
        warm = rows[1:]
        summary = {
            "label": label, "engine": engine, "queries": len(rows),
            "prefetchBytes": prefetch["bytes"], "prefetchRequests": prefetch["requests"],
            "firstQueryBytes": rows[0]["bytes"], "firstQueryRequests": rows[0]["requests"],
            "prefetchGz": prefetch["gz"], "firstQueryGz": rows[0]["gz"], "coldGz": prefetch["gz"] + rows[0]["gz"],
            "warmMeanGz": statistics.mean(r["gz"] for r in warm) if warm else 0,
            "medianComputeMs": statistics.median(r["computeMs"] for r in rows),
            "maxComputeMs": max(r["computeMs"] for r in rows),
            "coldBytes": prefetch["bytes"] + rows[0]["bytes"], "coldRequests": prefetch["requests"] + rows[0]["requests"],
            "warmMeanBytes": statistics.mean(r["bytes"] for r in warm) if warm else 0,
            "warmMeanRequests": statistics.mean(r["requests"] for r in warm) if warm else 0,
            "maxRoundTrips": max((r["roundTrips"] for r in rows if r["roundTrips"] is not None), default=None) if any(r["roundTrips"] is not None and r["requests"] for r in rows) else None,
            "medianPaintMs": statistics.median(r["paintMs"] for r in rows),
            "p95PaintMs": sorted(r["paintMs"] for r in rows)[max(0, int(len(rows) * 0.95) - 1)],
            "medianScriptMs": statistics.median(r["scriptMs"] for r in rows),
            "maxScriptMs": max(r["scriptMs"] for r in rows),
            "errors": [r["error"] for r in rows if r["error"]],
        }
        return {"summary": summary, "prefetch": prefetch, "perQuery": rows}
    finally:
        driver.quit()
        httpd.shutdown()
        httpd.server_close()
        if engine == "pagefind":
            (root / "pagefind-bench.html").unlink(missing_ok=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--engine", choices=["tome", "pagefind"], required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--queries", required=True, help="one query per line (a TSV's last column)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    queries = [l.rstrip("\n").split("\t")[-1] for l in open(a.queries) if l.strip() and not l.startswith("#")]
    result = run(a.label, a.engine, a.root, queries)
    Path(a.out).write_text(json.dumps(result, indent=1))
    s = result["summary"]
    print(f"{a.label:10} {a.engine:9} cold {s['coldBytes'] / 1024:.1f} KB, warm {s['warmMeanBytes'] / 1024:.2f} KB, "
          f"round trips {s['maxRoundTrips']}, paint {s['medianPaintMs']:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
