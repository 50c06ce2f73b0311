// Share links for the token inspector: /token#token=<jwt> fills the form and submits it. The
// token stays in the fragment (never sent to a server) until it is posted, as if pasted; the
// key is never in a link. Without JavaScript the form works as it is.
(function () {
  "use strict";
  function tokenFromHash() {
    var hash = window.location.hash.replace(/^#/, "");
    var parts = hash.split("&");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf("token=") === 0) {
        try {
          return decodeURIComponent(parts[i].slice("token=".length));
        } catch (e) {
          return null;
        }
      }
    }
    return null;
  }
  function openShared() {
    var form = document.getElementById("inspect-form");
    var field = document.getElementById("field-token");
    var token = tokenFromHash();
    if (!form || !field || !token) return;
    // Drop the fragment first, so going back to this page does not post the token again.
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname);
    }
    field.value = token;
    form.submit();
  }
  document.addEventListener("DOMContentLoaded", openShared);
  // A share link opened from this very page changes only the fragment.
  window.addEventListener("hashchange", openShared);
})();
