// The results page's what-if: dragging a criterion's weight ranks the options again at once, in the browser.
//
// The page carries, as JSON (json_script, no inline code under the Content-Security-Policy), the weight-free
// parts of each option's score under the exercise's additive method (the server's analysis.method_parts):
// an option's score for any weights is the weighted sum of its parts. Moving one weight scales the others so
// that they keep their proportions and the weights still add up to 100%, as the server's sensitivity sweep
// does. Ranks follow the server's rule: 1 = best, options whose scores are equal (to 1e-9) share a rank.
(function () {
  "use strict";
  var TIE = 1e-9;

  function data(root) {
    var source = root.parentNode.querySelector("#whatif-data");
    if (!source) { return null; }
    if (!root._whatif) { root._whatif = JSON.parse(source.textContent); }
    return root._whatif;
  }

  function format(value, digits) {
    var language = document.documentElement.lang || "en";
    return new Intl.NumberFormat(language, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  }

  function percent(value) {
    var language = document.documentElement.lang || "en";
    return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 }).format(value);
  }

  function weightsFrom(root) {
    var sliders = root.querySelectorAll("[data-whatif-weight]");
    var values = Array.prototype.map.call(sliders, function (el) { return Number(el.value) / 100; });
    return values;
  }

  // The weights after criterion `moved` was set to `value` (0 to 1): the others share what is left in their
  // current proportions (equally when they were all at 0).
  function rebalance(current, moved, value) {
    var rest = 0;
    current.forEach(function (w, j) { if (j !== moved) { rest += w; } });
    var others = current.length - 1;
    return current.map(function (w, j) {
      if (j === moved) { return value; }
      return rest > 0 ? w * (1 - value) / rest : (1 - value) / others;
    });
  }

  function ranks(scores) {
    return scores.map(function (s) {
      var better = 0;
      scores.forEach(function (t) { if (t - s > TIE) { better += 1; } });
      return better + 1;
    });
  }

  function render(root, weights) {
    var model = data(root);
    if (!model) { return; }
    root._weights = weights;
    var scores = model.parts.map(function (row) {
      return row.reduce(function (sum, part, j) { return sum + part * weights[j]; }, 0);
    });
    var rank = ranks(scores);
    var order = scores.map(function (_s, i) { return i; }).sort(function (a, b) {
      return rank[a] - rank[b] || a - b;
    });
    root.querySelectorAll("[data-whatif-weight]").forEach(function (el) {
      var j = Number(el.dataset.whatifWeight);
      el.value = String(Math.round(weights[j] * 100));
      var out = root.querySelector('[data-whatif-share="' + j + '"]');
      if (out) { out.textContent = percent(weights[j]); }
    });
    var body = root.querySelector(".what-if-ranking tbody");
    var rows = order.map(function (i) {
      var option = model.options[i];
      var tr = document.createElement("tr");
      tr.dataset.whatifOption = option.key;
      var shift = option.rank - rank[i];
      var cells = [String(rank[i]), option.name, format(scores[i], 3),
        shift > 0 ? "▲ " + shift : shift < 0 ? "▼ " + (-shift) : "–"];
      cells.forEach(function (text, k) {
        var cell = document.createElement(k === 1 ? "th" : "td");
        if (k === 1) { cell.scope = "row"; }
        cell.textContent = text;
        tr.appendChild(cell);
      });
      if (shift !== 0) { tr.classList.add("moved"); }
      return tr;
    });
    body.replaceChildren.apply(body, rows);
    var status = root.querySelector("[data-whatif-status]");
    var first = model.options[order[0]];
    var same = model.options.every(function (o, i) { return o.rank === rank[i]; });
    if (status) {
      status.textContent = same ? model.unchanged : model.first.replace("%(option)s", first.name);
    }
  }

  function start(scope) {
    (scope || document).querySelectorAll("[data-whatif]").forEach(function (root) {
      var model = data(root);
      if (!model) { return; }
      root.hidden = false;
      var note = root.parentNode.querySelector("[data-whatif-needs-script]");
      if (note) { note.hidden = true; }
      root._weights = model.weights.slice();
    });
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-whatif-weight]")) { return; }
    var root = el.closest("[data-whatif]");
    var j = Number(el.dataset.whatifWeight);
    var current = root._weights || weightsFrom(root);
    render(root, rebalance(current, j, Math.min(Math.max(Number(el.value) / 100, 0), 1)));
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-whatif-reset]");
    if (!button) { return; }
    var root = button.closest("[data-whatif]");
    render(root, data(root).weights.slice());
  });
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:afterSettle", function (event) { start(event.target); });
})();
