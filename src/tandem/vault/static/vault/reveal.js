// A revealed secret stays on the page for a limited time: a box [data-hide-after="<seconds>"]
// counts down in its [data-countdown] and then removes every [data-secret] element inside
// it (the values go from the page, not only from view) and shows its [data-hidden-note].
// Copy buttons [data-copy-secret="<input id>"] copy that input's value.
(function () {
  "use strict";
  document.querySelectorAll("[data-hide-after]").forEach(function (box) {
    var left = parseInt(box.getAttribute("data-hide-after"), 10) || 60;
    var clock = box.querySelector("[data-countdown]");
    var show = function () { if (clock) clock.textContent = "Hidden again in " + left + " seconds."; };
    show();
    var timer = window.setInterval(function () {
      left -= 1;
      if (left > 0) { show(); return; }
      window.clearInterval(timer);
      box.querySelectorAll("[data-secret]").forEach(function (element) { element.remove(); });
      if (clock) clock.textContent = "";
      var note = box.querySelector("[data-hidden-note]");
      if (note) note.hidden = false;
    }, 1000);
  });
  document.querySelectorAll("button[data-copy-secret]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-secret"));
    var status = button.parentElement && button.parentElement.querySelector("[data-copy-status]");
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var say = function (text) { if (status) status.textContent = text; };
      var byHand = function () {
        input.focus();
        input.select();
        try { say(document.execCommand("copy") ? "Copied." : "Select it and copy it."); }
        catch (error) { say("Select it and copy it."); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { say("Copied."); }, byHand);
      } else {
        byHand();
      }
    });
  });
})();
