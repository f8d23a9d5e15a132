// "Back" buttons on the pages that say a post was not saved: the browser's Back,
// which returns to the page with the typed text still in it. Without this script
// the page says to press the browser's Back button.
(function () {
  "use strict";
  document.querySelectorAll("[data-history-back]").forEach(function (button) {
    button.addEventListener("click", function () { window.history.back(); });
  });
})();
