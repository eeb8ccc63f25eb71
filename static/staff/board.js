/* The manager's order board: the columns re-fetch themselves (live stream or poll); this keeps
   such a refresh from wiping out what the manager is typing or choosing on a card. Loaded as an
   external file (no inline script). The board works without it, and without JavaScript. */
(function () {
  "use strict";

  function board() {
    return document.getElementById("board-columns");
  }

  // Focus on a form control inside the columns: the manager is at work on a card.
  function busy() {
    var columns = board();
    var active = document.activeElement;
    return !!(columns && active && columns.contains(active) && active.closest("form"));
  }

  // The ETag of the columns on screen: a refresh that brings the same one changes nothing (a
  // browser answers a revalidated 304 from its cache as a 200 with the same body).
  var shown = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var columns = board();
    if (!columns || event.detail.target !== columns) {
      return;
    }
    var xhr = event.detail.xhr;
    // An answer to an action on a card: always shown (with its message).
    if (event.detail.requestConfig && event.detail.requestConfig.elt !== columns) {
      shown = null;
      return;
    }
    var etag = xhr.getResponseHeader("ETag");
    if (xhr.status === 304 || (etag && etag === shown)) {
      event.detail.shouldSwap = false;
    } else if (busy()) {
      event.detail.shouldSwap = false; // the next refresh after the manager is done brings it
    } else {
      shown = etag;
    }
  });
})();
