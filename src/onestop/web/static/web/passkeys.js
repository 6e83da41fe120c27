// Passkeys (WebAuthn): add one, or sign in with one. The server makes the options and checks
// every answer (web/sign_in.py, accounts/passkeys.py); this file only passes them between the
// page and the browser's navigator.credentials, as JSON with base64url bytes.
(function () {
  "use strict";

  function bytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function text(buffer) {
    let binary = "";
    new Uint8Array(buffer).forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creation(options) {
    options.challenge = bytes(options.challenge);
    options.user.id = bytes(options.user.id);
    (options.excludeCredentials || []).forEach((c) => { c.id = bytes(c.id); });
    return { publicKey: options };
  }

  function request(options) {
    options.challenge = bytes(options.challenge);
    (options.allowCredentials || []).forEach((c) => { c.id = bytes(c.id); });
    return { publicKey: options };
  }

  function answer(credential) {
    const r = credential.response;
    const json = {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: text(r.clientDataJSON) },
    };
    if (r.attestationObject) {
      json.response.attestationObject = text(r.attestationObject);
      json.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      json.response.authenticatorData = text(r.authenticatorData);
      json.response.signature = text(r.signature);
      json.response.userHandle = r.userHandle ? text(r.userHandle) : null;
    }
    return json;
  }

  async function post(url, token, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { ok: response.ok, data: data };
  }

  // The server's refusal in both languages, the page's own first.
  function say(status, errors) {
    const chinese = document.documentElement.lang === "zh-Hans";
    status.textContent = "";
    (errors || []).forEach((e) => {
      const first = document.createElement("span");
      const second = document.createElement("span");
      first.lang = chinese ? "zh-Hans" : "en";
      first.textContent = chinese ? e.message_zh : e.message_en;
      second.lang = chinese ? "en" : "zh-Hans";
      second.className = "other-language";
      second.textContent = chinese ? e.message_en : e.message_zh;
      const line = document.createElement("p");
      line.className = "error";
      line.append(first, " ", second);
      status.append(line);
    });
  }

  document.querySelectorAll("[data-passkey]").forEach((panel) => {
    const button = panel.querySelector("button.passkey-start");
    const status = panel.querySelector(".passkey-status");
    const failed = panel.querySelector(".passkey-failed");
    const token = panel.querySelector("input[name=csrfmiddlewaretoken]").value;
    if (!window.PublicKeyCredential || !navigator.credentials) {
      panel.querySelector(".passkey-unsupported").hidden = false;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      const adding = panel.dataset.passkey === "add";
      button.disabled = true;
      failed.hidden = true;
      status.textContent = "";
      try {
        const options = await post(panel.dataset.optionsUrl, token);
        if (!options.ok) { say(status, options.data.errors); return; }
        let credential;
        try {
          credential = adding
            ? await navigator.credentials.create(creation(options.data))
            : await navigator.credentials.get(request(options.data));
        } catch (e) {
          failed.hidden = false;  // cancelled, timed out, or no passkey here
          return;
        }
        const nameField = panel.querySelector("input[name=name]");
        const body = adding
          ? { credential: answer(credential), name: nameField ? nameField.value : "" }
          : answer(credential);
        const done = await post(panel.dataset.url, token, body);
        if (done.ok && done.data.redirect) { window.location.assign(done.data.redirect); return; }
        say(status, done.data.errors);
      } finally {
        button.disabled = false;
      }
    });
  });
})();
