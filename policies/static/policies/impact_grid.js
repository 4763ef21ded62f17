// Keyboard entry in the cross-impact grid, like a spreadsheet: the arrow keys move between the cells (skipping
// the blocks within one driver, which have no input), Enter moves down, Escape restores the cell's saved value,
// and focusing a cell selects its content so that typing a number replaces it. Leaving a changed cell fires its
// "change" event, which htmx posts (hx-trigger="change"). Kept in a static file for the Content-Security-Policy.
(function () {
  "use strict";
  var MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Enter: [1, 0] };
  var ALLOWED = /^[0-9+\-\u2212]$/;

  function position(input) {
    return [parseInt(input.dataset.row, 10), parseInt(input.dataset.column, 10)];
  }

  // The nearest input in the direction of the move: along the same row or column, the first one past the
  // current cell (cells within one driver's block have none, so they are stepped over).
  function next(grid, input, move) {
    var here = position(input);
    var best = null;
    var bestDistance = Infinity;
    grid.querySelectorAll("input[data-row]").forEach(function (other) {
      var there = position(other);
      var along = move[0] !== 0 ? there[0] - here[0] : there[1] - here[1];
      var across = move[0] !== 0 ? there[1] - here[1] : there[0] - here[0];
      var sign = move[0] !== 0 ? move[0] : move[1];
      if (across !== 0 || along * sign <= 0) return;
      if (Math.abs(along) < bestDistance) { best = other; bestDistance = Math.abs(along); }
    });
    return best;
  }

  function wire(grid) {
    grid.querySelectorAll("input[data-row]").forEach(function (input) {
      input.dataset.saved = input.value;
    });
    grid.addEventListener("focusin", function (event) {
      if (event.target.matches("input[data-row]")) event.target.select();
    });
    grid.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.matches("input[data-row]") || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Escape") {
        input.value = input.dataset.saved || "";
        input.select();
        event.preventDefault();
        return;
      }
      var move = MOVES[event.key];
      if (move) {
        var target = next(grid, input, move);
        event.preventDefault();
        if (target) {
          target.focus();
        } else if (event.key === "Enter") {
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }
        return;
      }
      if (event.key.length === 1 && !ALLOWED.test(event.key)) event.preventDefault();
    });
    // A saved cell becomes the value Escape goes back to.
    grid.addEventListener("htmx:afterRequest", function (event) {
      var input = event.detail.elt;
      if (input && input.matches && input.matches("input[data-row]") && event.detail.successful) {
        input.dataset.saved = input.value;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-impact-grid]").forEach(wire);
  });
})();
