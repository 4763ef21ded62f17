// Draws every Plotly figure whose JSON sits in a json_script element named by data-figure.
// Kept in a static file (no inline script) so the Content-Security-Policy can forbid inline code.
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      var config = { responsive: true, displaylogo: false, toImageButtonOptions: { format: "svg" } };
      window.Plotly.react(el, figure.data, figure.layout, config);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
