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
      var typed = form.querySelector("input[data-points-for='" + s.id + "']");
      // The field being typed in keeps what the person typed; the others follow their sliders.
      if (typed && typed !== document.activeElement) { typed.value = s.value; typed.removeAttribute("aria-invalid"); }
    });
    var totalOut = form.querySelector("output[data-total]");
    if (totalOut) { totalOut.textContent = String(total); }
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("form[data-weights=direct] input[type=range]")) {
      rebalance(el.form, el);
    }
    // Points typed as a number move their slider (and so rebalance the others), when they are a whole number
    // from 0 to 100; anything else is marked invalid and saves nothing.
    if (el.matches && el.matches("form[data-weights=direct] input[data-points-for]")) {
      var slider = document.getElementById(el.dataset.pointsFor);
      var value = el.value.trim() === "" ? NaN : Number(el.value);
      if (!slider || !isFinite(value) || value < 0 || value > 100 || Math.round(value) !== value) {
        el.setAttribute("aria-invalid", "true");
        event.stopPropagation();  // no save of a value that is not one
        status(el.form, "invalid", text(el.form, "points", "Not saved: type a whole number from 0 to 100."));
        return;
      }
      el.removeAttribute("aria-invalid");
      slider.value = String(value);
      rebalance(el.form, slider);
    }
  }, true);

  // A save sent before a field became invalid may answer after it: its "Saved" would hide that the value now in
  // the field is not saved. While a field of the form is marked invalid, a successful answer leaves the message.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var form = target && target.closest ? target.closest("form.autosave") : null;
    if (form && event.detail.xhr.status < 300 && form.querySelector("[aria-invalid=true]")) {
      event.detail.shouldSwap = false;
    }
  });

  // A field the browser finds invalid (a swing of 150) stops htmx's save: say so beside the form instead of
  // failing silently, and mark the field.
  document.addEventListener("htmx:validation:failed", function (event) {
    var el = event.target;
    var form = el && el.form;
    if (!form || !form.classList.contains("autosave")) { return; }
    el.setAttribute("aria-invalid", "true");
    var label = form.querySelector("label[for='" + el.id + "']");
    var message = el.getAttribute("data-invalid-text") || el.validationMessage;
    status(form, "invalid", (label ? label.textContent.trim() + " — " : "") + message);
  });
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("form.autosave input[aria-invalid]:not([data-points-for])") && el.checkValidity()) {
      el.removeAttribute("aria-invalid");
    }
  });

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
    span.className = state === "unsaved" || state === "invalid" ? "error" : "muted";
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

  // No silent loss: a save waits for a pause in typing, so a page left (reloaded, closed, navigated away) a
  // moment after a keystroke would drop it. Forms typed in since their last save, those whose save is on its
  // way and those whose save failed are sent as the page goes, by requests that outlive it (keepalive).
  var dirty = new Set();
  var edited = new WeakMap();  // form -> when it was last typed in
  var sent = new WeakMap();  // form -> when its last save left
  function touched(event) {
    var form = event.target && event.target.form;
    if (form && form.classList.contains("autosave")) { dirty.add(form); edited.set(form, Date.now()); }
  }
  document.addEventListener("input", touched);
  document.addEventListener("change", touched);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = isAutosave(event);
    if (form) { sent.set(form, Date.now()); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = isAutosave(event);
    // Saved, unless it was typed in again after that save left.
    if (form && event.detail.successful && (edited.get(form) || 0) <= (sent.get(form) || 0)) { dirty.delete(form); }
  });

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function flush() {
    var forms = new Set();
    dirty.forEach(function (form) { forms.add(form); });
    pending.forEach(function (form) { forms.add(form); });
    document.querySelectorAll("form.autosave.htmx-request").forEach(function (form) { forms.add(form); });
    forms.forEach(function (form) {
      var url = form.getAttribute("hx-post");
      if (!url || !document.body.contains(form)) { return; }
      try {
        fetch(url, {
          method: "POST",
          body: new URLSearchParams(new FormData(form)),
          headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
          credentials: "same-origin",
          keepalive: true
        });
      } catch (e) { /* the page is going: nothing more can be done */ }
    });
    dirty.clear();
  }
  window.addEventListener("pagehide", flush);

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

  // Scenario tables start from the baseline: a scenario cell nobody changed follows its baseline cell as it
  // is typed, and a cell that differs from its baseline is marked "changed" at once, without a reload.
  function sameNumber(a, b) {
    var x = parseFloat(String(a).replace(",", ".")), y = parseFloat(String(b).replace(",", "."));
    return (isNaN(x) && isNaN(y)) || x === y;
  }

  function markChanged(input) {
    var base = document.getElementById(input.dataset.baseline);
    var form = input.form;
    if (!base || !form) { return; }
    var changed = input.value.trim() !== "" && !sameNumber(input.value, base.value);
    form.classList.toggle("changed", changed);
    var tag = form.querySelector("[data-changed]");
    if (changed && !tag) {
      tag = document.createElement("span");
      tag.className = "tag";
      tag.setAttribute("data-changed", "");
      tag.textContent = text(form, "changed", "changed");
      input.insertAdjacentElement("afterend", tag);
    } else if (!changed && tag) {
      tag.remove();
    }
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.matches) { return; }
    if (el.matches("input[data-baseline]")) { markChanged(el); return; }
    if (el.matches("form.cell input[name=value]") && el.id) {
      document.querySelectorAll("input[data-baseline='" + el.id + "']").forEach(function (cell) {
        if (!cell.form.classList.contains("changed")) { cell.value = el.value; }
        markChanged(cell);
      });
    }
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
