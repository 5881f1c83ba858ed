// The receiving screen: keep the focus in the code field after every scan (htmx swaps the
// form), and type FNC1 as Ctrl+] like the scan page. No inline scripts (CSP script-src 'self').
(function () {
  "use strict";

  var GS_SYMBOL = "\u241d"; // the server reads it as FNC1

  function focusCode() {
    var input = document.querySelector("[data-receive-code]");
    if (!input) {
      return;
    }
    input.focus();
    input.select();
    input.addEventListener("keydown", function (event) {
      if (event.ctrlKey && (event.key === "]" || event.code === "BracketRight")) {
        event.preventDefault();
        var start = input.selectionStart || input.value.length;
        var end = input.selectionEnd || start;
        input.value = input.value.slice(0, start) + GS_SYMBOL + input.value.slice(end);
        input.setSelectionRange(start + 1, start + 1);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", focusCode);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "receive-live") {
      focusCode();
    }
  });
})();
