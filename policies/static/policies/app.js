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
})();
