// Drag and drop in the case editor's lists. A row is dropped among the rows of its own kind and group (a
// driver's states, a group's criteria); its new place is sent to the same move endpoint as the Up and Down
// buttons, which stay the keyboard's way to reorder.
(function () {
  "use strict";
  let dragged = null;

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function peers(row) {
    return Array.from(row.parentNode.querySelectorAll("tr[data-kind]")).filter(
      (other) => other.dataset.kind === row.dataset.kind && other.dataset.group === row.dataset.group,
    );
  }

  document.addEventListener("dragstart", (event) => {
    const handle = event.target.closest ? event.target.closest(".handle") : null;
    if (!handle) return;
    dragged = handle.closest("tr");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });

  document.addEventListener("dragover", (event) => {
    const row = event.target.closest ? event.target.closest("tr[data-kind]") : null;
    if (dragged && row && peers(dragged).includes(row)) event.preventDefault();
  });

  document.addEventListener("drop", (event) => {
    const row = event.target.closest ? event.target.closest("tr[data-kind]") : null;
    if (!dragged || !row || row === dragged || !peers(dragged).includes(row)) return;
    event.preventDefault();
    const list = peers(dragged);
    const position = list.indexOf(row) + 1;
    const body = new URLSearchParams({ position: String(position) });
    fetch(dragged.dataset.moveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body,
      credentials: "same-origin",
    }).then((response) => {
      if (response.ok) window.location.reload();
    });
    dragged = null;
  });
})();

// A group of criteria asks for no direction, scale nor preference function: hide those fields while "group"
// is ticked (the server ignores them for a group either way).
(function () {
  "use strict";
  const box = document.getElementById("id_is_group_choice");
  if (!box) return;
  function update() {
    document.querySelectorAll("[data-scale-field]").forEach((input) => {
      const row = input.closest(".field-row");
      if (row) row.hidden = box.checked;
    });
  }
  box.addEventListener("change", update);
  update();
})();
