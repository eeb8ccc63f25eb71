/* Little Lemon customer pages: progressive enhancement only. Every page works without it.
   Loaded as an external file (no inline script), so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  // Styles may rely on it for what only matters with JavaScript (the cart's "Update" buttons).
  document.documentElement.classList.add("js");

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

  // A form marked data-submit-once is sent once: a second click or Enter while the first is on
  // its way does nothing. (The server makes a repeat harmless anyway: checkout's idempotency key.)
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
        return;
      }
      if (form.getAttribute("aria-busy") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("aria-busy", "true");
    },
    true
  );
  // Coming back to a page from the history: its forms may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.removeAttribute("aria-busy");
    });
  });

  // After a refused form submission, put the keyboard on the first field to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });
})();
