/* The content admin's part pages: small accessibility fixes to Django's own
   reference chooser (SelectFilter2), which names its search icon with aria-label
   on a plain <span>: give it the role that label needs. Loaded with defer; the
   chooser is built on window "load" and for each inline row added. */
(function () {
  'use strict';
  function nameIcons() {
    document.querySelectorAll('.search-label-icon[aria-label]:not([role])').forEach(function (icon) {
      icon.setAttribute('role', 'img');
    });
  }
  window.addEventListener('load', function () { setTimeout(nameIcons, 0); });
  document.addEventListener('formset:added', function () { setTimeout(nameIcons, 0); });
})();
