// Draws every Plotly figure whose JSON sits in a <script type="application/json"> named by data-figure, and
// wires the PNG/SVG download buttons next to each chart. Kept in a static file (no inline script, no inline
// handler) so the Content-Security-Policy can forbid inline code.
//
// Charts are drawn when they come near the viewport (the results page has fifteen), again whenever htmx
// swaps new ones in, and purged before htmx removes them so that Plotly's listeners do not leak.
(function () {
  "use strict";
  var CONFIG = { responsive: true, displaylogo: false, toImageButtonOptions: { format: "svg" } };
  var observer = null;

  function figureFor(el) {
    var source = document.getElementById(el.dataset.figure);
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(el) {
    if (!window.Plotly || el.dataset.drawn === "true") { return; }
    var figure = figureFor(el);
    if (!figure) { return; }
    el.dataset.drawn = "true";
    window.Plotly.react(el, figure.data, figure.layout, CONFIG);
  }

  function schedule(root) {
    var charts = root.querySelectorAll("[data-figure]");
    if (root.matches && root.matches("[data-figure]")) { charts = [root]; }
    Array.prototype.forEach.call(charts, function (el) {
      if (observer) { observer.observe(el); } else { draw(el); }
    });
    root.querySelectorAll(".chart-downloads[hidden]").forEach(function (el) { el.hidden = false; });
  }

  function purge(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      if (observer) { observer.unobserve(el); }
      if (el.dataset.drawn === "true") { window.Plotly.purge(el); }
    });
  }

  function download(button) {
    var el = document.querySelector('[data-figure="' + button.dataset.figureId + '"]');
    if (!window.Plotly || !el) { return; }
    var figure = figureFor(el);
    if (!figure) { return; }
    var width = Math.max(el.offsetWidth || 0, 900);
    var height = (figure.layout && figure.layout.height) || el.offsetHeight || 500;
    // A chart not drawn yet (still below the fold) is exported from its JSON directly.
    var source = el.dataset.drawn === "true" ? el : { data: figure.data, layout: figure.layout };
    window.Plotly.downloadImage(source, {
      format: button.dataset.download === "svg" ? "svg" : "png",
      filename: button.dataset.filename || "chart",
      width: width,
      height: height,
      scale: button.dataset.download === "svg" ? 1 : 2
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            draw(entry.target);
          }
        });
      }, { rootMargin: "400px 0px" });
    }
    schedule(document);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-download]");
    if (button) { download(button); }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail && event.detail.target) { purge(event.detail.target); }
  });
  document.addEventListener("htmx:afterSettle", function (event) { schedule(event.target); });
})();
