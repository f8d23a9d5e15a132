// Background saving for the walkthrough's step forms, and one-click protection.
//
// The page works without this script: every button posts the form and saves.
// With it, a step form marked data-autosave is also posted in the background a
// couple of seconds after the last keystroke (header X-Autosave: 1). Nothing is
// ever kept in the browser's storage: the server is the only place text is saved.
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

  function loggedOut() {
    stop("Not saved - you have been logged out. Log in again: your text is kept. ");
    // A normal post of this form keeps the text on the server and leads to the login page.
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "nav";
    button.value = "stay";
    button.className = "btn btn-warning";
    button.textContent = "Log in again";
    status.appendChild(button);
  }

  function retry() {
    backoff = backoff ? Math.min(backoff * 2, MAX_BACKOFF) : DELAY;
    dirty = true;
    say("Not saved - retrying");
    schedule(backoff);
  }

  function firstError(body) {
    var errors = body && body.errors;
    if (!errors) { return "please check this page."; }
    if (Array.isArray(errors)) { return errors[0] || ""; }
    for (var name in errors) {
      if (Object.prototype.hasOwnProperty.call(errors, name) && errors[name].length) {
        return errors[name][0];
      }
    }
    return "please check this page.";
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
    dirty = false;
    say("Saving...");
    var token = csrfToken();
    var data = new FormData(form);
    data.set("csrfmiddlewaretoken", token);
    var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (tokenInput) { tokenInput.value = token; }

    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Autosave": "1", "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        loggedOut();
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
        backoff = 0;
        applySaved(body);
        say(dirty ? "Saving..." : "Saved");
      } else if (result.status === 409) {
        stop("Not saved - " + (body.message || "this step was changed elsewhere. Press Save to see both versions."));
      } else if (result.status === 400) {
        say("Not saved - " + firstError(body) + " Press Save to see it by the field.");
      } else {
        retry();
      }
    }).catch(function () {
      retry();
    }).then(function () {
      inFlight = false;
      if (again && !stopped) { schedule(0); }
    });
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(timer);
  });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
