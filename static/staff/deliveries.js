/* The delivery-crew app: registers its service worker (littlelemon/staff/views/deliveries.py
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

  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register);
  }
})();
