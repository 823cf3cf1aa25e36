// Tandem's own script: no inline handlers anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
  // A live check that answered anew replaces the refusal of the last submit: the field is
  // no longer marked invalid.
  document.addEventListener("htmx:afterSwap", function (event) {
    var field = event.target.closest(".field");
    var input = field && field.querySelector("[aria-invalid=true]");
    if (input && event.target.hasAttribute("aria-live")) {
      input.removeAttribute("aria-invalid");
    }
  });
  // A date and time picked beside a phrase field becomes the phrase, so the live preview
  // reads it like anything typed (and says it back in words).
  document.addEventListener("change", function (event) {
    var forId = event.target.getAttribute && event.target.getAttribute("data-phrase-for");
    var phrase = forId && document.getElementById(forId);
    if (phrase && event.target.value) {
      phrase.value = event.target.value.replace("T", " ");
      phrase.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
  // Picking one reading of an ambiguous deadline ("next Friday") fills the phrase field and
  // lets the live preview confirm it: the form is not sent before the rest is written.
  // Without this script the button sends the form with that reading, which resolves as is.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest(".suggestions button[name]");
    var field = pick && pick.closest(".phrase-field");
    var phrase = field && field.querySelector('input[name="' + pick.name + '"]');
    if (!phrase) return;
    event.preventDefault();
    phrase.value = pick.value;
    phrase.dispatchEvent(new Event("input", { bubbles: true }));
    phrase.focus();
  });
  // A fold that is open by default (so it works without this script) closes on a phone,
  // where its content would push the page down: the request list's filters.
  var narrow = window.matchMedia("(max-width: 40rem)");
  function fold() {
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (details) {
      details.open = !narrow.matches;
    });
  }
  fold();
  if (narrow.addEventListener) narrow.addEventListener("change", fold);
  // Forms that do something hard to undo ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
