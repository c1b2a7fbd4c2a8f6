// Small progressive enhancements; pages work without JavaScript.
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
