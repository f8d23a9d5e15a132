// The topic cards of the "Choose topics" step: the move buttons reorder the cards in place.
//
// The page works without this script: each move button posts the form, which saves
// the new order and comes back with the card moved. With it, the card moves at once,
// the hidden order field follows, the page scrolls with it, focus stays on the button
// pressed (or on the card's other button once it reaches an end), the move is
// announced, and a change event lets autosave.js save the order in the background.
// The step list, the step count and the Next button follow the order and the skips.
(function () {
  "use strict";

  var list = document.querySelector("[data-reorder]");
  if (!list) { return; }
  var form = list.closest("form");
  var field = form && form.querySelector('input[name="' + list.getAttribute("data-order-field") + '"]');
  if (!field) { return; }
  var status = document.querySelector("[data-reorder-status]");
  // The words shown, in the page's language (data-*-label on the list, from the template).
  function words(name, english, values) {
    var text = list.getAttribute("data-" + name + "-label") || english;
    Object.keys(values || {}).forEach(function (k) { text = text.split("%(" + k + ")s").join(String(values[k])); });
    return text;
  }

  function toArray(items) { return Array.prototype.slice.call(items); }
  function cards() { return toArray(list.children).filter(function (c) { return c.hasAttribute("data-topic"); }); }
  function key(card) { return card.getAttribute("data-topic"); }
  function isSkipped(card) {
    var box = card.querySelector('input[type="checkbox"]');
    return Boolean(box && box.checked);
  }

  function say(text) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);  // said again if the same
  }

  // The step list entry of a topic: its button (or link) names the step's key.
  function entryKey(entry) {
    var button = entry.querySelector('button[value^="goto:"]');
    if (button) { return button.value.slice(5); }
    var link = entry.querySelector("a[href]");
    var match = link && link.getAttribute("href").match(/\/step\/([\w-]+)\/$/);
    return match ? match[1] : "";
  }

  function followInSteps(order, skipped) {
    var total = 0;
    document.querySelectorAll(".step-list").forEach(function (steps) {
      var entries = toArray(steps.children);
      var topics = entries.filter(function (e) { return order.indexOf(entryKey(e)) >= 0; });
      if (topics.length !== order.length) { return; }
      var after = topics[topics.length - 1].nextElementSibling;
      order.forEach(function (k) {
        steps.insertBefore(topics.filter(function (e) { return entryKey(e) === k; })[0], after);
      });
      var number = 0;
      toArray(steps.children).forEach(function (entry) {
        var k = entryKey(entry);
        var skip = order.indexOf(k) >= 0 && skipped.indexOf(k) >= 0;
        var shown = entry.querySelector(".step-entry-number");
        if (!skip) { number += 1; }
        if (shown) { shown.textContent = skip ? "\u2013" : String(number); }
        if (order.indexOf(k) < 0) { return; }
        entry.classList.toggle("is-skipped", skip);
        var tag = entry.querySelector(".step-entry-tag");
        if (skip && !tag) {
          tag = document.createElement("span");
          tag.className = "step-entry-tag";
          tag.textContent = words("skipped", "skipped");
          entry.appendChild(tag);
        } else if (!skip && tag) {
          tag.parentNode.removeChild(tag);
        }
      });
      total = number;
    });
    var heading = document.querySelector(".step-title .step-number");
    if (heading && total) {
      heading.textContent = list.hasAttribute("data-step-label")
        ? words("step", "", { total: total }) : heading.textContent.replace(/of \d+/, "of " + total);
    }
    var progress = document.querySelector(".step-progress");
    if (progress && total) { progress.max = total; }
  }

  function followNext(all) {
    var next = form.querySelector('button[name="nav"][value="next"]');
    if (!next) { return; }
    var first = all.filter(function (c) { return !isSkipped(c); })[0];
    next.textContent = words("next", "Next: %(title)s",
      { title: first ? first.getAttribute("data-title") : list.getAttribute("data-after-title") });
  }

  function follow() {
    var all = cards();
    field.value = all.map(key).join(",");
    all.forEach(function (card, i) {
      card.querySelector('[data-move="up"]').disabled = i === 0;
      card.querySelector('[data-move="down"]').disabled = i === all.length - 1;
    });
    followInSteps(all.map(key), all.filter(isSkipped).map(key));
    followNext(all);
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button || !list.contains(button)) { return; }
    event.preventDefault();
    var card = button.closest("[data-topic]");
    var up = button.getAttribute("data-move") === "up";
    var other = up ? card.previousElementSibling : card.nextElementSibling;
    if (!other) { return; }
    var before = button.getBoundingClientRect().top;
    list.insertBefore(card, up ? other : other.nextElementSibling);
    follow();
    // The page scrolls with the card, so the button pressed stays under the pointer
    // (and the finger) and the next press moves the same card again.
    window.scrollBy({ top: button.getBoundingClientRect().top - before, behavior: "instant" });
    var target = button.disabled ? card.querySelector('[data-move="' + (up ? "down" : "up") + '"]') : button;
    target.focus({ preventScroll: true });
    var all = cards();
    say(words(up ? "moved-up" : "moved-down", "%(title)s moved " + (up ? "up" : "down") +
        ": now %(position)s of %(count)s.",
        { title: card.getAttribute("data-title"), position: all.indexOf(card) + 1, count: all.length }));
    field.dispatchEvent(new Event("change", { bubbles: true }));  // autosave.js saves it
  });

  list.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") { follow(); }
  });
})();
