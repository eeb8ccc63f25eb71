/* Live updates (littlelemon/live): keeps a page's live fragments current, and says when it cannot.

   The page's element with {% live_connect %} says the mode (data-live="stream" or "poll"); elements
   with {% live_trigger "orders" %} re-fetch themselves when htmx says so: on `sse:orders` (stream)
   or every few seconds (poll), and in both modes on `live:refresh` dispatched on <body>, which this
   file sends whenever the page may have missed something:
   - the stream opened (the first time: what changed between the page's render and the stream's
     start; and after any break: the server restarted, the network dropped, htmx's SSE extension
     made a new EventSource, which carries no Last-Event-ID);
   - the server said `event: refresh` (the events since the page's last one were purged, or the
     stream fell behind).
   Fragments are always fetched whole and swapped in place, so a refresh never duplicates anything.

   The indicator [data-live-status] (the staff header) says "Live", or "Offline" (data-state=
   "offline") while the stream is down, or while polls fail. A stream that ends normally (every
   LIVE_STREAM_MAX_SECONDS) reconnects within seconds: "Offline" shows only if it stays down.

   A polled fragment whose HTML did not change is not swapped again (the browser's cache answers a
   304 with the same body): focus, scroll and running timers inside it stay as they are.
   No inline script anywhere: a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  var OFFLINE_AFTER_MS = 3000;
  var offlineTimer = null;
  var broken = false; // the stream (or a poll) failed since it was last open
  var sources = new WeakSet(); // the EventSources seen open (and given a `refresh` listener)
  var lastBodies = new Map(); // a live fragment's URL -> the last HTML received for it

  function statusElements() {
    return document.querySelectorAll("[data-live-status]");
  }

  function show(state) {
    statusElements().forEach(function (element) {
      var text = element.querySelector("[data-live-status-text]") || element;
      element.setAttribute("data-state", state);
      text.textContent = state === "offline" ? "Offline" : "Live";
    });
  }

  function online() {
    if (offlineTimer !== null) {
      window.clearTimeout(offlineTimer);
      offlineTimer = null;
    }
    show("live");
  }

  function offline(now) {
    if (now) {
      show("offline");
      return;
    }
    if (offlineTimer === null) {
      offlineTimer = window.setTimeout(function () {
        offlineTimer = null;
        show("offline");
      }, OFFLINE_AFTER_MS);
    }
  }

  function refresh() {
    document.body.dispatchEvent(new CustomEvent("live:refresh", { bubbles: true }));
  }

  function isLive(element) {
    var trigger = element && element.getAttribute && element.getAttribute("hx-trigger");
    return Boolean(trigger && trigger.indexOf("live:refresh") !== -1);
  }

  // --- stream mode (htmx's SSE extension) ----------------------------------------------------

  document.addEventListener("htmx:sseOpen", function (event) {
    var source = event.detail && event.detail.source;
    var fresh = source && !sources.has(source);
    if (fresh) {
      sources.add(source);
      source.addEventListener("refresh", refresh);
    }
    online();
    if (fresh || broken) {
      refresh();
    }
    broken = false;
  });

  // The EventSource is CONNECTING (the browser reconnects by itself: the normal end of a stream,
  // or a server that went away) or CLOSED (the extension makes a new one, after a back-off).
  document.addEventListener("htmx:sseError", function () {
    broken = true;
    offline(false);
  });

  // --- poll mode (and any live fragment's request) -------------------------------------------

  function failed(event) {
    if (isLive(event.detail && event.detail.elt)) {
      broken = true;
      offline(true);
    }
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    if (!isLive(detail.elt) || !detail.successful) {
      return;
    }
    var mode = document.querySelector("[data-live]");
    if (mode && mode.getAttribute("data-live") === "poll" && broken) {
      broken = false;
      online();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail || {};
    if (!isLive(detail.elt) || !detail.xhr || detail.xhr.status !== 200) {
      return;
    }
    var url = detail.requestConfig && detail.requestConfig.path;
    if (!url) {
      return;
    }
    var body = detail.xhr.responseText;
    if (lastBodies.get(url) === body) {
      detail.shouldSwap = false;
    }
    lastBodies.set(url, body);
  });

  // Stream mode: "Live" once the stream is open, not before.
  document.addEventListener("DOMContentLoaded", function () {
    var mode = document.querySelector("[data-live]");
    if (mode && mode.getAttribute("data-live") === "stream") {
      offline(false);
    }
  });
})();
