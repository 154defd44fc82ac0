// Tome default theme: small conveniences that work without any of them.
// "/" or Ctrl-K focuses the search box.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var input = document.getElementById("search-input");
    if (!input) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if ((event.key === "/" && !typing) || (event.key.toLowerCase() === "k" && (event.ctrlKey || event.metaKey))) {
      event.preventDefault();
      input.focus();
    }
  });
})();

// Training progress: a checkbox per lesson, kept in this browser only (localStorage).
// Without JavaScript the agenda is a plain list and the checkboxes stay hidden.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; store.getItem("x"); } catch (e) { return; }
  function load(key) {
    try { return JSON.parse(store.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(key, done) { try { store.setItem(key, JSON.stringify(done)); } catch (e) { /* full or blocked */ } }
  function refresh() {
    document.querySelectorAll("[data-progress-total]").forEach(function (el) {
      var done = load(el.getAttribute("data-progress-key"));
      var count = el.querySelector(".progress-count");
      if (count) count.textContent = String(done.length);
      el.hidden = false;
    });
  }
  document.querySelectorAll("input.progress-box").forEach(function (box) {
    var key = box.getAttribute("data-progress-key");
    var lesson = box.getAttribute("data-lesson");
    box.checked = load(key).indexOf(lesson) >= 0;
    box.hidden = false;
    var wrapper = box.closest("[hidden]");
    if (wrapper) wrapper.hidden = false;
    box.addEventListener("change", function () {
      var done = load(key).filter(function (url) { return url !== lesson; });
      if (box.checked) done.push(lesson);
      save(key, done);
      refresh();
    });
  });
  refresh();
})();
