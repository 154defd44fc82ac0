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
