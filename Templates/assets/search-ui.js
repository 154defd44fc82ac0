// Tome default theme: search. The header box answers as you type (an ARIA combobox
// with a listbox of results grouped by page), the /search/ page adds filters, and a page
// opened from a result highlights the query's words. The engine (search/tome-search.js)
// is loaded on first focus; everything degrades to the plain form without it.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-input");
  if (!form || !input) return;
  var searchBase = new URL(form.getAttribute("action") || "search/", location.href).href;
  if (searchBase.slice(-1) !== "/") searchBase = searchBase.replace(/[^/]*$/, "");
  var fileMode = location.protocol === "file:";
  var pageURL = searchBase + (fileMode ? "index.html" : "");
  form.setAttribute("action", pageURL);
  var homeLink = document.querySelector(".site-title");
  var basePath = (homeLink && homeLink.getAttribute("href")) || "/";
  var enginePromise = null;

  // ---- engine ----
  function engine() {
    if (!enginePromise) {
      enginePromise = new Promise(function (resolve, reject) {
        if (window.TomeSearch) return resolve(window.TomeSearch);
        var s = document.createElement("script");
        s.src = searchBase + "tome-search.js";
        s.onload = function () { window.TomeSearch ? resolve(window.TomeSearch) : reject(new Error(s.src + ": did not load the search engine")); };
        s.onerror = function () { reject(new Error(s.src + ": search engine is missing; rebuild the site with `tome build`")); };
        document.head.appendChild(s);
      }).then(function (T) {
        var e = T.open(searchBase);
        return e.prefetch().then(function () { return e; });
      });
      enginePromise.catch(function (e) { console.error("Tome search:", e.message); enginePromise = null; });
    }
    return enginePromise;
  }

  // Index URLs are site paths ("/docs/faq/#a"); from disk they become files.
  function href(url, query) {
    var hash = "", i = url.indexOf("#");
    if (i >= 0) { hash = url.slice(i); url = url.slice(0, i); }
    if (fileMode) {
      var rel = url.indexOf(basePath) === 0 ? url.slice(basePath.length) : url.replace(/^\//, "");
      url = new URL(rel, new URL("..", searchBase)).href;
      if (url.slice(-1) === "/") url += "index.html";
    }
    return url + (query ? "?q=" + encodeURIComponent(query) : "") + hash;
  }

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") n.textContent = attrs[k]; else if (k === "className") n.className = attrs[k]; else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }

  // Snippet text with <mark>s over the highlight ranges (UTF-16 offsets), as nodes.
  function marked(snippet) {
    var out = document.createDocumentFragment(), at = 0, t = snippet.text;
    snippet.highlights.forEach(function (r) {
      if (r[0] > at) out.appendChild(document.createTextNode(t.slice(at, r[0])));
      out.appendChild(el("mark", { text: t.slice(r[0], r[1]) }));
      at = r[1];
    });
    if (at < t.length) out.appendChild(document.createTextNode(t.slice(at)));
    return out;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // ---- the header combobox ----
  var list = el("div", { id: "search-results", role: "listbox", "aria-label": "Search results", className: "search-results" });
  var status = el("div", { id: "search-status", role: "status", "aria-live": "polite", className: "visually-hidden" });
  list.hidden = true;
  form.appendChild(list);
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "search-results");
  var seq = 0, timer = 0, active = -1, options = [];

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function open() { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
  function setActive(i) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    var o = options[i];
    if (!o) { input.removeAttribute("aria-activedescendant"); return; }
    o.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", o.id);
    o.scrollIntoView({ block: "nearest" });
  }

  function render(q, res) {
    list.textContent = "";
    options = [];
    active = -1;
    var n = 0;
    res.pages.forEach(function (p, pi) {
      var gid = "search-group-" + pi;
      var group = el("div", { role: "group", "aria-labelledby": gid, className: "search-group" }, [
        el("div", { id: gid, className: "search-group-title", text: p.pageTitle })
      ]);
      p.sections.forEach(function (s) {
        var o = el("a", { id: "search-option-" + n++, role: "option", "aria-selected": "false", href: href(s.url, q), className: "search-option", tabindex: "-1" }, [
          el("span", { className: "search-option-title", text: s.heading || s.pageTitle }),
          s.snippet.text ? el("span", { className: "search-option-snippet" }, [marked(s.snippet)]) : null
        ]);
        options.push(o);
        group.appendChild(o);
      });
      list.appendChild(group);
    });
    if (!res.pages.length) list.appendChild(el("div", { className: "search-empty", text: "No results for \u201c" + q + "\u201d" }));
    var all = el("a", { id: "search-option-all", role: "option", "aria-selected": "false", href: pageURL + "?q=" + encodeURIComponent(q), className: "search-option search-all", tabindex: "-1",
      text: res.totalPages ? "See all " + plural(res.totalPages, "page", "pages") + " for \u201c" + q + "\u201d" : "Search tips" });
    options.push(all);
    list.appendChild(all);
    status.textContent = res.totalPages ? plural(res.totalSections, "result", "results") + " on " + plural(res.totalPages, "page", "pages") : "No results";
    open();
  }

  function showError(e) {
    list.textContent = "";
    options = [];
    list.appendChild(el("div", { className: "search-error", role: "alert", text: "Search is unavailable: " + e.message }));
    status.textContent = "Search is unavailable";
    open();
  }

  function update() {
    var q = input.value, mine = ++seq;
    if (!q.trim()) { close(); status.textContent = ""; return; }
    engine().then(function (e) { return e.search(q, { limit: 8 }); }).then(function (res) {
      if (mine === seq) render(q.trim(), res);
    }, function (e) { if (mine === seq) { console.error("Tome search:", e.message); showError(e); } });
  }

  input.addEventListener("focus", function () { engine().catch(function () { }); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 90); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (list.hidden) { if (input.value.trim()) update(); return; }
      ev.preventDefault();
      var n = options.length;
      if (n) setActive(ev.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (ev.key === "Enter" && !list.hidden && options[active]) {
      ev.preventDefault();
      location.href = options[active].href;
    } else if (ev.key === "Escape") {
      if (!list.hidden) { close(); ev.preventDefault(); } else if (input.value) input.value = "";
      else input.blur();
    }
  });
  document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) close(); });
  form.addEventListener("focusout", function (ev) { if (!form.contains(ev.relatedTarget)) close(); });

  // ---- the /search/ page ----
  var page = document.getElementById("search-page");
  var params = new URLSearchParams(location.search);
  if (page) searchPage(page, params);
  else if (params.get("q")) landing(params.get("q"));

  function searchPage(page, params) {
    var box = document.getElementById("search-page-input");
    var results = document.getElementById("search-page-results");
    var pstatus = document.getElementById("search-page-status");
    var dym = document.getElementById("search-did-you-mean");
    var zero = document.getElementById("search-zero");
    var filtersEl = document.getElementById("search-filters");
    var q = params.get("q") || "";
    var chosen = { book: params.getAll("book"), tag: params.getAll("tag"), type: params.getAll("type") };
    box.value = q;
    input.value = q;
    page.querySelector("form").setAttribute("action", pageURL);

    function filterQuery() {
      var parts = [];
      Object.keys(chosen).forEach(function (f) {
        chosen[f].forEach(function (v) { parts.push(f + ":" + (/\s/.test(v) ? '"' + v + '"' : v)); });
      });
      return parts.join(" ");
    }
    function go() {
      var p = new URLSearchParams();
      if (box.value) p.set("q", box.value);
      Object.keys(chosen).forEach(function (f) { chosen[f].forEach(function (v) { p.append(f, v); }); });
      history.replaceState(null, "", "?" + p.toString());
      run();
    }
    function renderFilters(counts) {
      filtersEl.textContent = "";
      [["book", "Book"], ["type", "Type"], ["tag", "Tag"]].forEach(function (f) {
        var values = Object.keys(counts[f[0]] || {}).sort();
        chosen[f[0]].forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
        if (!values.length) return;
        var fs = el("fieldset", { className: "search-facet" }, [el("legend", { text: f[1] })]);
        values.forEach(function (v) {
          var id = "facet-" + f[0] + "-" + v.replace(/[^a-z0-9]+/gi, "-");
          var cb = el("input", { type: "checkbox", id: id, value: v });
          cb.checked = chosen[f[0]].indexOf(v) >= 0;
          cb.addEventListener("change", function () {
            chosen[f[0]] = cb.checked ? chosen[f[0]].concat([v]) : chosen[f[0]].filter(function (x) { return x !== v; });
            go();
          });
          fs.appendChild(el("div", { className: "search-facet-value" }, [cb, el("label", { for: id }, [v + " ", el("span", { className: "count", text: String((counts[f[0]] || {})[v] || 0) })])]));
        });
        filtersEl.appendChild(fs);
      });
    }
    function run() {
      q = box.value;
      var mine = ++seq;
      zero.hidden = true;
      dym.hidden = true;
      if (!q.trim()) { results.textContent = ""; pstatus.textContent = "Type a query to search."; filtersEl.textContent = ""; return; }
      pstatus.textContent = "Searching\u2026";
      engine().then(function (e) {
        return Promise.all([e.search(q + " ", { limit: 50, facetCounts: true }), e.search(q + " " + filterQuery() + " ", { limit: 50 })]);
      }).then(function (both) {
        if (mine !== seq) return;
        var all = both[0], res = both[1];
        renderFilters(all.facets || {});
        results.textContent = "";
        res.pages.forEach(function (p) {
          var li = el("li", { className: "search-hit" }, [el("h2", {}, [el("a", { href: href(p.sections[0].url, q), text: p.pageTitle })])]);
          var ul = el("ul", { className: "search-hit-sections" });
          p.sections.forEach(function (s) {
            ul.appendChild(el("li", {}, [
              el("a", { href: href(s.url, q), className: "search-hit-link", text: s.heading || s.pageTitle }),
              s.book ? el("span", { className: "search-hit-book", text: " \u00b7 " + (s.bookTitle || s.book) }) : null,
              el("p", { className: "search-hit-snippet" }, [marked(s.snippet)])
            ]));
          });
          li.appendChild(ul);
          results.appendChild(li);
        });
        pstatus.textContent = res.totalPages ? plural(res.totalSections, "result", "results") + " on " + plural(res.totalPages, "page", "pages") +
          (res.totalPages > res.pages.length ? " (showing the first " + res.pages.length + ")" : "") : "No results for \u201c" + q.trim() + "\u201d";
        if (res.corrections.length) {
          var fixed = q;
          res.corrections.forEach(function (c) {
            fixed = fixed.replace(new RegExp(c.typed.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"), c.suggestion);
          });
          dym.textContent = "";
          dym.appendChild(document.createTextNode("Did you mean "));
          var a = el("a", { href: pageURL + "?q=" + encodeURIComponent(fixed) }, [el("strong", { text: fixed })]);
          a.addEventListener("click", function (ev) { ev.preventDefault(); box.value = fixed; go(); });
          dym.appendChild(a);
          dym.appendChild(document.createTextNode("? Results include close spellings."));
          dym.hidden = false;
        }
        zero.hidden = res.pages.length > 0;
      }, function (e) {
        if (mine !== seq) return;
        console.error("Tome search:", e.message);
        results.textContent = "";
        pstatus.textContent = "";
        results.appendChild(el("li", { className: "search-error", role: "alert", text: "Search is unavailable: " + e.message }));
      });
    }
    page.querySelector("form").addEventListener("submit", function (ev) { ev.preventDefault(); go(); });
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(go, 200); });
    run();
  }

  // ---- landing highlight: /page/?q=words#section ----
  function landing(q) {
    var main = document.getElementById("main");
    if (!main) return;
    engine().then(function (e) { return e.highlighter(q); }).then(function (match) {
      var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) { return /^(SCRIPT|STYLE|MARK)$/.test(n.parentNode.nodeName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT; }
      });
      var nodes = [], n, count = 0;
      while ((n = walker.nextNode())) nodes.push(n);
      nodes.forEach(function (node) {
        var ranges = match(node.nodeValue);
        for (var i = ranges.length - 1; i >= 0; i--) {
          var tail = node.splitText(ranges[i][0]);
          tail.splitText(ranges[i][1] - ranges[i][0]);
          var m = el("mark", { className: "search-landing" });
          tail.parentNode.replaceChild(m, tail);
          m.appendChild(tail);
          count++;
        }
      });
      if (!count) return;
      var bar = el("div", { className: "search-landing-bar", role: "status" }, [
        "Highlighting \u201c" + q + "\u201d (" + plural(count, "match", "matches") + ") ",
        el("button", { type: "button", className: "search-landing-clear", text: "Remove highlights" })
      ]);
      bar.querySelector("button").addEventListener("click", function () {
        main.querySelectorAll("mark.search-landing").forEach(function (m) { m.replaceWith(document.createTextNode(m.textContent)); });
        main.normalize();
        bar.remove();
        var p = new URLSearchParams(location.search);
        p.delete("q");
        history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : "") + location.hash);
      });
      main.insertBefore(bar, main.firstChild);
      var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }).catch(function (e) { console.error("Tome search:", e.message); });
  }
})();
