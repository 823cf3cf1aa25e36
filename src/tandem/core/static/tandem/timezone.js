// The browser's time zone for a new account and practice (sign-up, practice set-up): fills
// each input[data-browser-time-zone] that is still empty, and selects it in each
// select[data-browser-time-zone] that offers it. The server checks the name against the
// zones it knows and falls back to UTC; the owner can change it in Settings.
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
    var offered = Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
    if (offered) select.value = zone;
  });
})();
