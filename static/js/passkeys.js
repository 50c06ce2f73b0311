// Passkeys: the one browser ceremony Sigil's pages need. Every element marked data-passkey
// stays hidden unless this browser has WebAuthn. A form marked data-passkey-get (sign in, or
// the second step) or data-passkey-create (add a passkey) asks its data-options URL for the
// options, lets the browser use or make a passkey, puts the result (JSON) in the form's hidden
// field, and submits the form: the server answers with a page, as for any other form.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
  }

  // The server's JSON options (binary fields in base64url) as the browser API wants them.
  function creationOptions(json) {
    var o = Object.assign({}, json.publicKey);
    o.challenge = toBytes(o.challenge);
    o.user = Object.assign({}, o.user, { id: toBytes(o.user.id) });
    o.excludeCredentials = withIds(o.excludeCredentials);
    return { publicKey: o };
  }

  function requestOptions(json) {
    var o = Object.assign({}, json.publicKey);
    o.challenge = toBytes(o.challenge);
    o.allowCredentials = withIds(o.allowCredentials);
    return { publicKey: o };
  }

  // The credential as JSON (what PublicKeyCredential.toJSON() gives, where it exists).
  function credentialJSON(c) {
    if (typeof c.toJSON === "function") return c.toJSON();
    var r = c.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      if (r.getTransports) response.transports = r.getTransports();
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: c.id,
      rawId: toBase64url(c.rawId),
      type: c.type,
      response: response,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
    };
  }

  // Options from the JSON API (a JSON body) or from a page route (a form body): both carry
  // the page's CSRF token, which a cookie-authenticated request needs.
  function fetchOptions(form) {
    var url = form.getAttribute("data-options");
    var csrf = form.querySelector("input[name=csrf_token]").value;
    // A redirect (to the login form, say) is not followed: the form itself is sent instead.
    var init = {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRF-Token": csrf },
    };
    if (url.indexOf("/api/") === 0) {
      init.headers["Content-Type"] = "application/json";
      init.body = "{}";
    } else {
      init.headers["Content-Type"] = "application/x-www-form-urlencoded";
      init.body = "csrf_token=" + encodeURIComponent(csrf);
    }
    return fetch(url, init).then(function (response) {
      if (!response.ok) throw { status: response.status || 303 };
      return response.json();
    });
  }

  // Says why no passkey was used: `key` names the box's data-say-* words (in the page's
  // language); no key empties the box.
  function say(form, key, url) {
    var box = form.parentNode.querySelector("[data-passkey-error]");
    if (!box) return;
    var message = key ? (box.getAttribute("data-say-" + key) || "").replace("{url}", url || "") : "";
    box.textContent = message;
    box.hidden = !message;
  }

  function ceremony(form, create) {
    var field = form.querySelector(create ? "input[name=attestation]" : "input[name=assertion]");
    var button = form.querySelector("button[type=submit]");
    // Back from the back/forward cache, or reloaded: a fresh start (an answer is used once).
    window.addEventListener("pageshow", function () {
      field.value = "";
      button.disabled = false;
    });
    // form.submit() below sends the form without this event: only the user's click gets here.
    form.addEventListener("submit", function (event) {
      var name = form.querySelector("input[name=name]");
      // A blank name: the server's page says so, before any passkey is made.
      if (create && name && !name.value.trim()) return;
      event.preventDefault();
      say(form, null);
      button.disabled = true;
      fetchOptions(form)
        .then(function (json) {
          var rpId = create ? json.publicKey.rp.id : json.publicKey.rpId;
          var host = location.hostname;
          if (rpId && host !== rpId && host.slice(-rpId.length - 1) !== "." + rpId) {
            // The browser would refuse with a bare SecurityError: say where passkeys work.
            var port = location.port ? ":" + location.port : "";
            throw { elsewhere: location.protocol + "//" + rpId + port + location.pathname };
          }
          return create
            ? navigator.credentials.create(creationOptions(json))
            : navigator.credentials.get(requestOptions(json));
        })
        .then(function (credential) {
          field.value = JSON.stringify(credentialJSON(credential));
          form.submit();
        })
        .catch(function (error) {
          button.disabled = false;
          if (error && error.elsewhere) {
            say(form, "elsewhere", error.elsewhere);
          } else if (error && error.status) {
            // The server's own page says why (a sign-in that expired, "Confirm it's you"…).
            form.submit();
          } else if (error && error.name === "InvalidStateError") {
            say(form, "exists");
          } else {
            say(form, "cancelled");
          }
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-passkey]").forEach(function (el) {
      el.hidden = false;
    });
    document.querySelectorAll("form[data-passkey-get]").forEach(function (form) {
      ceremony(form, false);
    });
    document.querySelectorAll("form[data-passkey-create]").forEach(function (form) {
      ceremony(form, true);
    });
  });
})();
