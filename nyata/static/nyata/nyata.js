// Small progressive enhancements; pages work without JavaScript.
// Loaded in <head> without defer: this line runs before the first paint, so CSS can fold the
// phone menu behind its button only when the button will work (no JavaScript: menu stays open).
document.documentElement.classList.add("js");

function setMenu(btn, open) {
  var menu = document.getElementById(btn.getAttribute("aria-controls"));
  if (!menu) return;
  btn.setAttribute("aria-expanded", open ? "true" : "false");
  menu.classList.toggle("open", open);
}
document.addEventListener("click", function (event) {
  var btn = event.target.closest && event.target.closest("[data-menu]");
  if (btn) setMenu(btn, btn.getAttribute("aria-expanded") !== "true");
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var btn = document.querySelector('[data-menu][aria-expanded="true"]');
  if (!btn) return;
  setMenu(btn, false);
  btn.focus();
});
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("select[data-autosubmit]")) {
    el.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var btn = event.target.closest && event.target.closest("[data-toggle]");
  if (!btn) return;
  var target = document.getElementById(btn.getAttribute("data-toggle"));
  if (!target) return;
  var open = btn.getAttribute("aria-expanded") === "true";
  btn.setAttribute("aria-expanded", open ? "false" : "true");
  target.hidden = open;
});

// A table or chart wider than its wrapper scrolls inside it; keyboard users reach that scroll by
// focusing the wrapper (WCAG 2.1.1), so a wrapper that overflows joins the tab order, and leaves it
// again when the screen is wide enough.
function markScrollers() {
  document.querySelectorAll(".table-wrap, .chart-wrap").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) {
      el.setAttribute("tabindex", "0");
    } else if (el.getAttribute("tabindex") === "0") {
      el.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollers);
window.addEventListener("resize", markScrollers);
document.addEventListener("htmx:afterSettle", markScrollers);
// A database outage (503) answers with a sentence that replaces the page's content
// (nyata.core.outage sets HX-Retarget): let HTMX swap it instead of failing silently.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 503) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
