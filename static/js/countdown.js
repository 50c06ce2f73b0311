// Progressive enhancement for the token inspector: keeps "expires in …" current, in the page's
// language (the server puts each phrase in data-in-* / data-ago-* with {n}, {h} and {m} to fill).
(function () {
  "use strict";
  var YEAR = 31557600; // 365.25 days, as the server counts them
  function phrase(el, left) {
    var s = Math.abs(left), key, n = 0, h = 0, m = 0;
    if (s < 60) { key = "s"; n = s; }
    else if (s < 3600) { key = "min"; n = Math.floor(s / 60); }
    else if (s < 86400) { key = "h"; h = Math.floor(s / 3600); m = Math.floor((s % 3600) / 60); }
    else if (s < 63072000) { key = "days"; n = Math.floor(s / 86400); }
    else { key = "years"; n = Math.floor(s / YEAR); }
    var template = el.getAttribute("data-" + (left >= 0 ? "in" : "ago") + "-" + key);
    if (!template) return null;
    return template.replace("{n}", n).replace("{h}", h).replace("{m}", m);
  }
  function tick() {
    var now = Math.floor(Date.now() / 1000);
    document.querySelectorAll("[data-expires-at]").forEach(function (el) {
      var left = parseInt(el.getAttribute("data-expires-at"), 10) - now;
      var text = phrase(el, left);
      if (text !== null) el.textContent = text;
      el.classList.toggle("expired", left < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
