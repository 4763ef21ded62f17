// Live workshop screens: sliders that keep 100 points, autosave state that never hides a failed save,
// comment polls that wait while someone types, and the phase timer. No inline scripts (strict CSP).
(function () {
  "use strict";

  // Direct points: moving one slider rebalances the others proportionally so the total stays 100.
  function rebalance(form, changed) {
    var sliders = Array.prototype.slice.call(form.querySelectorAll("input[type=range]"));
    var others = sliders.filter(function (s) { return s !== changed; });
    var target = 100 - Number(changed.value);
    var sum = others.reduce(function (acc, s) { return acc + Number(s.value); }, 0);
    var values = others.map(function (s) {
      return sum > 0 ? Number(s.value) * target / sum : target / Math.max(others.length, 1);
    });
    var rounded = values.map(Math.floor);
    var rest = target - rounded.reduce(function (a, b) { return a + b; }, 0);
    var order = values.map(function (v, i) { return [v - Math.floor(v), i]; }).sort(function (a, b) { return b[0] - a[0]; });
    for (var k = 0; k < rest && k < order.length; k++) { rounded[order[k][1]] += 1; }
    others.forEach(function (s, i) { s.value = String(rounded[i]); });
    showPoints(form);
  }

  function showPoints(form) {
    var total = 0;
    form.querySelectorAll("input[type=range]").forEach(function (s) {
      total += Number(s.value);
      var out = form.querySelector("output[for='" + s.id + "']");
      if (out) { out.textContent = s.value; }
    });
    var totalOut = form.querySelector("output[data-total]");
    if (totalOut) { totalOut.textContent = String(total); }
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("form[data-weights=direct] input[type=range]")) {
      rebalance(el.form, el);
    }
  }, true);

  // A slider moved by the arrow keys fires "change" at every step, and each would be a save racing the
  // next; the debounced "input" save already carries every move, by mouse or keyboard.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("form.autosave input[type=range]")) {
      event.stopPropagation();
    }
  }, true);

  // Autosave: "Saving…", then the server's "Saved" or its error; a dropped connection or a server failure
  // says "Not saved" and the form is sent again (with whatever it holds by then) until it gets through.
  var pending = new Set();

  function status(form, state, text) {
    var box = form.querySelector(".status, .ahp-box");
    if (!box) { return; }
    box.textContent = "";
    var span = document.createElement("span");
    span.className = state === "unsaved" ? "error" : "muted";
    span.dataset.state = state;
    span.textContent = text;
    box.appendChild(span);
  }

  // Translated texts come from the page (data-text-* on the stage), English otherwise.
  function text(form, name, fallback) {
    var holder = form.closest("[data-text-" + name + "]");
    return holder ? holder.getAttribute("data-text-" + name) : fallback;
  }

  function isAutosave(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.classList && elt.classList.contains("autosave") ? elt : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = isAutosave(event);
    if (form) { status(form, "saving", text(form, "saving", "Saving…")); }
  });

  function failed(event) {
    var form = isAutosave(event);
    if (!form) { return; }
    pending.add(form);
    status(form, "unsaved", text(form, "unsaved", "Not saved: connection problem. It will be sent again automatically."));
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:timeout", failed);

  // One save per form at a time: a save cut short in the browser may still reach the server after the one
  // that replaced it and overwrite newer text (a rationale, then a confidence picked at once). A save asked
  // for while another is on its way waits for it, then sends the form as it is by then.
  var queued = new Set();
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.classList && form.classList.contains("autosave") && form.classList.contains("htmx-request")) {
      event.preventDefault();
      queued.add(form);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = isAutosave(event);
    if (form && queued.has(form)) {
      queued.delete(form);
      setTimeout(function () { if (window.htmx) { window.htmx.trigger(form, "change"); } }, 0);
    }
    if (form && event.detail.successful) {
      pending.delete(form);
      retry();
    }
  });

  function retry() {
    pending.forEach(function (form) {
      if (!document.body.contains(form)) { pending.delete(form); return; }
      if (window.htmx) { window.htmx.trigger(form, "change"); }
    });
  }
  setInterval(function () { if (pending.size && navigator.onLine !== false) { retry(); } }, 4000);
  window.addEventListener("online", retry);
  window.addEventListener("beforeunload", function (event) {
    if (pending.size) { event.preventDefault(); event.returnValue = ""; }
  });

  // Polls never replace what someone is typing: the stage waits while a field in it has focus and unsaved
  // text, and the comment threads wait while someone writes a comment.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-poll")) { return; }
    var active = document.activeElement;
    var typing = active && elt.contains(active) && active.tagName === "TEXTAREA" && active.value.trim() !== "";
    var saving = Array.prototype.some.call(elt.querySelectorAll("form.autosave"), function (f) {
      return f.classList.contains("htmx-request");
    });
    if (typing || saving) { event.preventDefault(); }
  });

  // A poll that replaces a region must not drop keyboard users on <body>. Within the same phase htmx puts focus
  // back on the field with the same id; when the phase or round changes, whoever was working in the stage (or
  // nowhere yet) is taken to its phase line, which says where the workshop now stands; any other region that
  // lost the focus gives it to its [data-focus-after-swap] element, or to itself.
  var swapped = null;

  function step(elt) {
    return elt.id === "stage" ? elt.getAttribute("data-phase") + "/" + elt.getAttribute("data-round") : "";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id || !target.hasAttribute("data-poll")) { return; }
    var active = document.activeElement;
    var idle = !active || active === document.body;
    swapped = { id: target.id, step: step(target), held: target.contains(active), idle: idle };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var region = event.target;
    if (!swapped || !region || region.id !== swapped.id) { return; }
    var before = swapped;
    swapped = null;
    var active = document.activeElement;
    var lost = !active || active === document.body;
    var moved = region.id === "stage" && before.step !== step(region) && (before.held || before.idle);
    if (!moved && !(lost && before.held)) { return; }
    var landing = region.querySelector("[data-focus-after-swap]") || region;
    if (!landing.hasAttribute("tabindex")) { landing.setAttribute("tabindex", "-1"); }
    landing.focus({ preventScroll: false });
  });

  // Phase timer.
  function tick() {
    document.querySelectorAll(".timer[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.deadline) - Date.now()) / 1000);
      if (isNaN(left)) { return; }
      if (left <= 0) { el.textContent = el.dataset.overText || "0:00"; return; }
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    });
  }
  setInterval(tick, 1000);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-weights=direct]").forEach(showPoints);
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("form[data-weights=direct]").forEach(showPoints);
  });
})();
