// Behaviour shared by every page, kept out of inline scripts for the Content-Security-Policy.
(function () {
  "use strict";
  // Elements marked data-poll ask the server only while their tab is visible: a projector left on a hidden
  // tab, or a hundred phones in pockets, should not keep the server busy.
  document.addEventListener("htmx:confirm", function (event) {
    if (event.target.hasAttribute("data-poll") && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });

  // A region redrawn by htmx (a polled report status, say) while a keyboard user is inside it gives focus back
  // to the same control in the new content, or to the region itself, rather than dropping it on the page.
  var lost = null;
  function regionSelector(element) {
    if (element.id) return "#" + CSS.escape(element.id);
    if (element.dataset.report) return '[data-report="' + CSS.escape(element.dataset.report) + '"]';
    return null;
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    lost = null;
    if (!target || !active || active === document.body || !target.contains(active)) return;
    var region = regionSelector(target);
    if (region) lost = { region: region, testid: active.getAttribute("data-testid"), text: active.textContent.trim() };
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!lost || (document.activeElement && document.activeElement !== document.body)) return;
    var region = document.querySelector(lost.region);
    var wanted = lost;
    lost = null;
    if (!region) return;
    var controls = region.querySelectorAll("a[href], button, input, select, textarea, [tabindex]");
    for (var i = 0; i < controls.length; i++) {
      var control = controls[i];
      if ((wanted.testid && control.getAttribute("data-testid") === wanted.testid) ||
          (!wanted.testid && control.textContent.trim() === wanted.text)) {
        control.focus();
        return;
      }
    }
    region.setAttribute("tabindex", "-1");
    region.focus();
  });
})();
