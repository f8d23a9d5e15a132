// Background saving for the walkthrough's step forms, and one-click protection.
//
// The page works without this script: every button posts the form and saves.
// With it, a step form marked data-autosave is also posted in the background a
// couple of seconds after the last keystroke (header X-Autosave: 1). Nothing is
// ever kept in the browser's storage: the server is the only place text is saved.
//
// Each save carries an idempotency key (header Idempotency-Key). When no answer
// comes back (the network dropped it, or the server failed), the retry sends the
// very same body with the same key: if the first did arrive, the server answers as
// it did then (the new revision, the ids of the rows it created) and saves nothing
// twice. What was typed since follows in the next save.
//
// Text that could not be sent stays in the page until a save succeeds, and only
// there (never in the browser's storage, which would outlive the logout):
// - while the server cannot save (no answer, or 5xx: the database down, a full
//   disk), saves are retried, and a press of Back, Save or Next waits for one that
//   succeeds, then goes on (the page is not left with the text unsent);
// - a form larger than the server accepts (data-max-bytes, the largest step the
//   limits allow) is not sent at all, and the page says so; a 413 answer says the same.
(function () {
  "use strict";

  var DELAY = 2000;
  var MAX_BACKOFF = 60000;

  // A second click on a submit button while the first post is on its way is ignored.
  function guardDoubleSubmit(form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "1");
      window.setTimeout(function () { form.removeAttribute("data-submitting"); }, 10000);
    });
  }
  document.querySelectorAll("form[data-once], form[data-autosave]").forEach(guardDoubleSubmit);
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
    });
  });

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  if (!status) { return; }

  var timer = null;
  var inFlight = false;
  var again = false;
  var dirty = false;
  var stopped = false;
  var submitting = false;
  var backoff = 0;
  var pending = null;  // {data, key}: the save sent whose answer has not come back
  var failing = false;  // the last save got no answer or a server error
  var waitingSubmit = null;  // {submitter}: a button press waiting for a save that succeeds
  var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10) || 0;
  // The words shown, in the page's language: the status element carries them
  // (data-msg-*, translated by the template); English when it does not.
  function t(name, english) { return status.getAttribute("data-msg-" + name) || english; }
  var TOO_LARGE = t("too-large", "Not saved - this page holds more text than can be sent at once. " +
    "Your text is still in this page: shorten the longest notes (each holds up to 50,000 characters) and save again.");
  var UNAVAILABLE = t("unavailable", "Not saved - the server cannot save just now. Your text is kept in this page " +
    "and will be sent again; do not close the page.");
  var NOT_SAVED = t("not-saved", "Not saved - ");

  function say(text) {
    status.textContent = text;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function edited() {
    if (stopped || submitting) { return; }
    dirty = true;
    schedule(DELAY);
  }

  function stop(message) {
    stopped = true;
    window.clearTimeout(timer);
    say(message);
  }

  function loggedOut(kept) {
    if (kept === false) {  // more than the server keeps across a login: say so
      stop(t("logged-out-too-much", "Not saved - you have been logged out, and this page holds more text than can be kept " +
        "across a login. Copy your text before logging in again.") + " ");
    } else {
      stop(t("logged-out", "Not saved - you have been logged out. Log in again: your text is kept.") + " ");
    }
    // A normal post of this form keeps the text on the server and leads to the login page.
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "nav";
    button.value = "stay";
    button.className = "btn btn-warning";
    button.textContent = t("log-in-again", "Log in again");
    status.appendChild(button);
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function retry(message) {
    failing = true;
    backoff = backoff ? Math.min(backoff * 2, MAX_BACKOFF) : DELAY;
    say((message || t("retrying", "Not saved - retrying")) + (waitingSubmit ? " " + t("moves-on", "The page moves on once it is saved.") : ""));
    schedule(backoff);  // sends `pending` again, unchanged
  }

  // The size of the form as the server counts it (UTF-8 bytes of names and values).
  function utf8Length(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 0x80) { n += 1; } else if (c < 0x800) { n += 2; } else if (c >= 0xd800 && c < 0xdc00) { n += 4; i++; } else { n += 3; }
    }
    return n;
  }

  function tooLarge(data) {
    if (!maxBytes) { return false; }
    var total = 0;
    var result = false;
    data.forEach(function (value, name) {
      total += utf8Length(name) + 2 + (typeof value === "string" ? utf8Length(value) : (value.size || 0));
      if (total > maxBytes) { result = true; }
    });
    return result;
  }

  function firstError(body) {
    var errors = body && body.errors;
    if (!errors) { return t("check", "please check this page."); }
    if (Array.isArray(errors)) { return errors[0] || ""; }
    for (var name in errors) {
      if (Object.prototype.hasOwnProperty.call(errors, name) && errors[name].length) {
        return errors[name][0];
      }
    }
    return t("check", "please check this page.");
  }

  function applySaved(body) {
    var revision = form.querySelector("input[name=revision]");
    if (revision && body.revision !== undefined) { revision.value = String(body.revision); }
    var set = body.set || {};
    Object.keys(set).forEach(function (name) {
      var input = form.querySelector('input[name="' + name + '"]');
      if (input) { input.value = set[name]; }
    });
  }

  function save() {
    if (stopped || submitting) { return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    again = false;
    if (!pending) {  // a new save of what the form holds now; else the same one again
      var data = new FormData(form);
      if (tooLarge(data)) {  // never sent: the text stays here, and the page says so
        inFlight = false;
        say(TOO_LARGE);
        return;
      }
      dirty = false;
      pending = { data: data, key: newKey() };
    }
    say(t("saving", "Saving..."));
    var token = csrfToken();
    pending.data.set("csrfmiddlewaretoken", token);
    var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (tokenInput) { tokenInput.value = token; }

    fetch(form.action, {
      method: "POST",
      body: pending.data,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "X-Autosave": "1", "X-CSRFToken": token, "Accept": "application/json",
        "Idempotency-Key": pending.key
      }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 403) {
        loggedOut();
        return null;
      }
      if (response.status === 401) {
        response.json().then(function (body) { loggedOut(body && body.kept); }, function () { loggedOut(); });
        return null;
      }
      return response.json().then(
        function (body) { return { status: response.status, body: body }; },
        function () { return { status: response.status, body: {} }; }
      );
    }).then(function (result) {
      if (!result) { return; }
      var body = result.body || {};
      if (result.status === 200 && body.saved) {
        pending = null;
        backoff = 0;
        failing = false;
        applySaved(body);
        if (waitingSubmit) {  // a button was pressed while saves failed: go on now
          var submitter = waitingSubmit.submitter;
          waitingSubmit = null;
          say(t("saved", "Saved"));
          if (submitter && form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
          return;
        }
        if (dirty) { again = true; }  // typed while this was on its way: save that too
        say(dirty ? t("saving", "Saving...") : t("saved", "Saved"));
      } else if (result.status === 413) {
        pending = null;
        say(body.message || TOO_LARGE);
      } else if (result.status === 409) {
        pending = null;
        stop(NOT_SAVED + (body.message || t("changed-elsewhere", "this step was changed elsewhere. Press Save to see both versions.")));
      } else if (result.status === 400) {
        pending = null;
        say(NOT_SAVED + firstError(body) + " " + t("see-by-field", "Press Save to see it by the field."));
      } else {
        retry(result.status >= 500 ? (body.message || UNAVAILABLE) : null);
      }
    }).catch(function () {
      retry();  // no answer at all (a dropped connection): the same save again
    }).then(function () {
      inFlight = false;
      if (again && !stopped) { schedule(0); }
    });
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", function (event) {
    if (stopped) {  // logged out or a conflict: the normal post handles it
      submitting = true;
      return;
    }
    if (tooLarge(new FormData(form))) {
      event.preventDefault();
      form.removeAttribute("data-submitting");
      say(TOO_LARGE);
      return;
    }
    if (failing) {
      // Saves are failing: leaving now would lose the text if this post failed too.
      // Keep the page, and go on once a save succeeds.
      event.preventDefault();
      form.removeAttribute("data-submitting");
      waitingSubmit = { submitter: event.submitter || null };
      say(UNAVAILABLE + " The page moves on once it is saved.");
      if (!inFlight) { schedule(0); }
      return;
    }
    submitting = true;
    window.clearTimeout(timer);
  });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (event) {
    if ((dirty || pending) && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
