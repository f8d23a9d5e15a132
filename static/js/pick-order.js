// The order the patient ticks options in, for the option grid's columns.
//
// Each tick (or untick) updates a hidden field with the ids ticked on this page, in
// the order they were ticked. It is posted with the form (and with the background
// save); the server adds newly chosen options to the grid in that order. Without
// this script the options join in the order they are listed: nothing else changes.
(function () {
  "use strict";
  var field = document.querySelector("[data-pick-order]");
  if (!field) { return; }
  var picked = [];
  document.querySelectorAll("[data-option-id]").forEach(function (wrap) {
    var box = wrap.querySelector("input[type=checkbox]");
    if (!box) { return; }
    var id = wrap.getAttribute("data-option-id");
    box.addEventListener("change", function () {
      picked = picked.filter(function (p) { return p !== id; });
      if (box.checked) { picked.push(id); }
      field.value = picked.join(",");
    });
  });
})();
