// Copy buttons: <button data-copy="ID" hidden> copies the text of the element with that id.
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
            function () { if (status) status.textContent = "Copied."; },
            function () { if (status) status.textContent = "Copying failed: select the key and copy it."; }
          );
        });
      })(buttons[i]);
    }
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
