/* Little Lemon customer pages: progressive enhancement only. Every page works without it.
   Loaded as an external file (no inline script), so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  // htmx requests that change something (POST, PUT, PATCH, DELETE) carry Django's CSRF token,
  // read from <meta name="csrf-token"> (base.html), in the header Django checks.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb === "get") {
      return;
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // After a refused form submission, put the keyboard on the first field to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });
})();
