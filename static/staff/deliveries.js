/* The delivery-crew app: keeps an unchanged list in place, and registers its service worker (littlelemon/staff/views/deliveries.py
   serves it at /staff/deliveries/sw.js), so that the installed app opens without a connection
   and shows an offline page instead of the browser's error. An external file: no inline script,
   so the strict Content-Security-Policy holds. Everything else on the page works without it. */
(function () {
  "use strict";

  function register() {
    var shell = document.querySelector("[data-service-worker]");
    if (!shell || !("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker
      .register(shell.getAttribute("data-service-worker"), {
        scope: shell.getAttribute("data-service-worker-scope"),
      })
      .catch(function () {
        /* No offline shell (a private window, an insecure origin): the app works as a web page. */
      });
  }

  // A list re-fetched while nothing changed comes back as the same bytes (the browser revalidates
  // with If-None-Match and serves its copy on a 304): leave the page alone then, so that a
  // button the driver is about to tap does not move or lose focus under their finger.
  var lastBodies = new WeakMap();
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.hasAttribute("data-keep-when-unchanged")) {
      return;
    }
    var body = event.detail.xhr.responseText;
    if (lastBodies.get(target) === body) {
      event.detail.shouldSwap = false;
    }
    lastBodies.set(target, body);
  });

  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register);
  }
})();
