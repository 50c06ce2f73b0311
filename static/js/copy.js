// Copy buttons: <button data-copy="ID" hidden> copies the text of the element with that id,
// and says so with its data-copied or data-copy-failed words (in the page's language).
// The button stays hidden without JavaScript; the text is selectable in one click anyway
// (user-select: all), so the page works without this script.
(function () {
  "use strict";
  function setUp() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var target = document.getElementById(button.getAttribute("data-copy"));
        var status = document.getElementById(button.getAttribute("data-copy") + "-status");
        if (!target || !navigator.clipboard) return;
        button.hidden = false;
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(target.textContent.trim()).then(
            function () { if (status) status.textContent = button.getAttribute("data-copied"); },
            function () { if (status) status.textContent = button.getAttribute("data-copy-failed"); }
          );
        });
      })(buttons[i]);
    }
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
