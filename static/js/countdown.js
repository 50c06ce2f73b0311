// Progressive enhancement for the token inspector: keeps "expires in …" current.
(function () {
  "use strict";
  function human(seconds) {
    var s = Math.abs(seconds);
    if (s >= 2 * 365 * 86400) return Math.floor(s / (365 * 86400)) + " years";
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
    return Math.floor(s / 86400) + " days";
  }
  function tick() {
    var now = Math.floor(Date.now() / 1000);
    document.querySelectorAll("[data-expires-at]").forEach(function (el) {
      var left = parseInt(el.getAttribute("data-expires-at"), 10) - now;
      el.textContent = left >= 0 ? "expires in " + human(left) : "expired " + human(left) + " ago";
      el.classList.toggle("expired", left < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
