// The app's own script. Pages work without it; it only adds comfort.
//
// Where keyboard focus starts when a page loads. Every step is a new page, and a
// browser starts each page at the top: a keyboard user would Tab through the
// header, the consultation bar and the whole step list before reaching the step.
// So focus goes where the work is, and a screen reader reads it out:
// 1. a problem to deal with first: [data-focus-on-load] (the list of form errors,
//    a conflict, a warning such as "you were logged out"), an error alert, or else
//    the first field marked invalid;
// 2. the target of the address's #fragment (a topic card just moved): its heading;
// 3. the page's heading, where the page asks for it ([data-focus-start]).
// Other pages start at the top, where the skip link is.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main) { return; }
  var target = main.querySelector("[data-focus-on-load]") || main.querySelector(".alert-danger") ||
    main.querySelector("[aria-invalid=true]");
  if (!target && window.location.hash.length > 1) {
    var anchor = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (anchor && main.contains(anchor)) { target = anchor.querySelector("h1, h2, h3") || anchor; }
  }
  target = target || main.querySelector("[data-focus-start]");
  if (!target) { return; }
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
})();
