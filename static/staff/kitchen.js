/* The kitchen display (/staff/kitchen/): age timers, the new-order alert, the screen wake lock
   and the station picker. The board itself is htmx (hx-get + live trigger); bumps are htmx
   POSTs, and plain forms without JavaScript. External file only: a strict CSP holds.

   Test hooks on [data-kitchen]: data-shift ("on" after Start shift), data-alerting ("true"
   while an alert waits for Acknowledge), data-alerts-played (beeps played so far). */
(function () {
  "use strict";

  var BEEP_EVERY_MS = 4000;
  var root, board, ackButton, statusText;
  var seen = null; // ids of the orders whose card this screen has shown
  var pending = []; // new orders waiting to be acknowledged
  var audio = null;
  var beepTimer = null;
  var wakeLock = null;
  var shiftOn = false;

  function cardIds() {
    var ids = [];
    board.querySelectorAll("[data-ticket][data-order-id]").forEach(function (card) {
      ids.push(card.getAttribute("data-order-id"));
    });
    return ids;
  }

  // Age timers: minutes:seconds since the order reached the kitchen, coloured by class at the
  // two thresholds the board carries (KITCHEN_AGE_WARNING_MINUTES, KITCHEN_AGE_LATE_MINUTES).
  function tickAges() {
    var section = board.querySelector("[data-age-warning]");
    if (!section) {
      return;
    }
    var warning = Number(section.getAttribute("data-age-warning")) * 60;
    var late = Number(section.getAttribute("data-age-late")) * 60;
    var now = Date.now();
    board.querySelectorAll("[data-ticket][data-since]").forEach(function (card) {
      var since = Date.parse(card.getAttribute("data-since"));
      if (isNaN(since)) {
        return;
      }
      var seconds = Math.max(0, Math.floor((now - since) / 1000));
      var label = card.querySelector("[data-age]");
      if (label) {
        var minutes = Math.floor(seconds / 60);
        var rest = seconds % 60;
        label.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
      }
      card.classList.toggle("ticket--late", seconds >= late);
      card.classList.toggle("ticket--warning", seconds >= warning && seconds < late);
    });
  }

  function beep() {
    if (!audio) {
      return false;
    }
    if (audio.state === "suspended") {
      audio.resume();
    }
    var start = audio.currentTime;
    [0, 0.25, 0.5].forEach(function (offset) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = "square";
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.18);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    });
    return true;
  }

  function playAlert() {
    if (beep()) {
      root.setAttribute("data-alerts-played", String(Number(root.getAttribute("data-alerts-played")) + 1));
    }
  }

  function markNewCards() {
    board.querySelectorAll("[data-ticket][data-order-id]").forEach(function (card) {
      card.classList.toggle("ticket--new", pending.indexOf(card.getAttribute("data-order-id")) !== -1);
    });
  }

  function showAlert() {
    root.setAttribute("data-alerting", "true");
    ackButton.textContent = "Acknowledge (" + pending.length + " new)";
    ackButton.hidden = false;
    markNewCards();
    if (beepTimer === null) {
      playAlert();
      beepTimer = window.setInterval(playAlert, BEEP_EVERY_MS);
    }
  }

  function acknowledge() {
    pending = [];
    if (beepTimer !== null) {
      window.clearInterval(beepTimer);
      beepTimer = null;
    }
    root.setAttribute("data-alerting", "false");
    ackButton.hidden = true;
    markNewCards();
  }

  function boardSwapped() {
    var ids = cardIds();
    if (seen === null) {
      seen = ids;
      return;
    }
    var fresh = ids.filter(function (id) {
      return seen.indexOf(id) === -1;
    });
    seen = seen.concat(fresh);
    if (fresh.length) {
      pending = pending.concat(fresh);
      showAlert();
    } else {
      markNewCards();
    }
    tickAges();
  }

  function requestWakeLock() {
    if (!shiftOn || !("wakeLock" in navigator) || document.visibilityState !== "visible") {
      return;
    }
    navigator.wakeLock.request("screen").then(
      function (lock) {
        wakeLock = lock;
      },
      function () {
        wakeLock = null; // refused (battery saver, an iframe): the screen may dim, nothing else
      }
    );
  }

  function startShift(event) {
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    if (AudioContext && !audio) {
      audio = new AudioContext();
    }
    if (audio && audio.state === "suspended") {
      audio.resume();
    }
    shiftOn = true;
    root.setAttribute("data-shift", "on");
    event.currentTarget.hidden = true;
    statusText.textContent = audio ? "Shift started: new orders beep." : "Shift started (this browser plays no sound).";
    requestWakeLock();
  }

  function refreshBoard() {
    if (window.htmx) {
      window.htmx.trigger(document.body, "live:refresh");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.querySelector("[data-kitchen]");
    if (!root) {
      return;
    }
    board = root.querySelector("[data-kitchen-board]");
    ackButton = root.querySelector("[data-acknowledge]");
    statusText = root.querySelector("[data-shift-status]");
    seen = cardIds();

    root.querySelector("[data-start-shift]").addEventListener("click", startShift);
    ackButton.addEventListener("click", acknowledge);
    document.addEventListener("visibilitychange", function () {
      if (wakeLock === null || wakeLock.released) {
        requestWakeLock();
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === board) {
        boardSwapped();
      }
    });

    // The station picker applies as soon as a station is chosen.
    var stationForm = root.querySelector("[data-station-form]");
    if (stationForm) {
      stationForm.querySelector("select").addEventListener("change", function () {
        stationForm.submit();
      });
    }

    // What depends on the clock (a scheduled order coming up, a recall running out) is fetched
    // at least every tick, even when no order changes.
    var tick = Number(board.getAttribute("data-tick-seconds")) || 30;
    window.setInterval(refreshBoard, tick * 1000);
    tickAges();
    window.setInterval(tickAges, 1000);
  });
})();
