{% autoescape off %}/* The delivery-crew app's service worker (littlelemon/staff/views/deliveries.py serves it).
   It keeps the app's shell (styles, scripts, icons, an offline page) so the installed app opens
   without a connection, and answers a page it cannot fetch with the offline page. Pages are
   always fetched from the network first and never stored: they are one driver's deliveries.
   Only GETs of the shell's own files are answered from the cache; POSTs and everything else go
   to the network untouched. */
"use strict";

var CONFIG = {{ config_js }};
var SHELL = new Set(CONFIG.precache);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CONFIG.cache).then(function (cache) {
      return cache.addAll(CONFIG.precache);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("deliveries-") === 0 && name !== CONFIG.cache;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(CONFIG.offline);
      })
    );
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && SHELL.has(url.pathname)) {
    event.respondWith(
      caches.match(request).then(function (cached) {
        return cached || fetch(request);
      })
    );
  }
});
{% endautoescape %}
