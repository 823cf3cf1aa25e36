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
  // Forms that do something hard to undo ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
