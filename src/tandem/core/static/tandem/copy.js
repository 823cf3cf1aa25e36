// Copy buttons: a button[data-copy="<input id>"] copies that input's value and says so in
// the [data-copy-status] region beside it. Buttons start hidden: without JavaScript the
// input is still there to select and copy by hand. Inputs with [data-select-on-focus]
// select their whole value when focused, so copying by hand is one keystroke.
(function () {
  "use strict";
  function say(button, text) {
    var status = button.parentElement && button.parentElement.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }
  function copyByHand(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { say(button, "Copied. Paste it into your calendar app."); };
      var failed = function () {
        say(button, copyByHand(input) ? "Copied. Paste it into your calendar app." : "Select the address and copy it.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, failed);
      } else {
        failed();
      }
    });
  });
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
