// Performance tree: open/close every branch, and open them all before printing.
(function () {
  "use strict";
  function setAll(open) {
    document.querySelectorAll(".plan-tree details").forEach(function (d) { d.open = open; });
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) { return; }
    if (t.matches(".plan-tree-toggle")) { setAll(t.getAttribute("data-tree-open") === "1"); }
    if (t.matches(".plan-tree-print")) { setAll(true); window.print(); }
  });
  window.addEventListener("beforeprint", function () { setAll(true); });
})();
