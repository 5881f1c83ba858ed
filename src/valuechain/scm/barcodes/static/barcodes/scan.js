// The scan page: keep the focus in the code field, clear it after each scan, type FNC1 as
// Ctrl+] (what keyboard-wedge scanners send for GS), and scan with the camera where the
// browser has the BarcodeDetector API (no library). No inline scripts (CSP script-src 'self').
(function () {
  "use strict";

  var GS_SYMBOL = "\u241d"; // the server reads it as FNC1

  function setUp() {
    var form = document.querySelector("[data-scan-form]");
    var input = document.querySelector("[data-scan-input]");
    if (!form || !input) {
      return;
    }
    input.focus();

    input.addEventListener("keydown", function (event) {
      if (event.ctrlKey && (event.key === "]" || event.code === "BracketRight")) {
        event.preventDefault();
        var start = input.selectionStart || input.value.length;
        var end = input.selectionEnd || start;
        input.value = input.value.slice(0, start) + GS_SYMBOL + input.value.slice(end);
        input.setSelectionRange(start + 1, start + 1);
      }
    });

    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) {
        return;
      }
      input.value = "";
      form.querySelectorAll("[data-scan-clear]").forEach(function (field) {
        field.value = "";
      });
      input.focus();
    });

    setUpCamera(form, input);
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
    }
  }

  function setUpCamera(form, input) {
    var button = form.querySelector("[data-scan-camera]");
    var video = form.querySelector("[data-scan-video]");
    if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
      return; // no camera scanning here: the field and a scanner still work
    }
    button.hidden = false;
    var stream = null;

    function stop() {
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
      stream = null;
      video.hidden = true;
      button.textContent = "Use camera";
    }

    button.addEventListener("click", function () {
      if (stream) {
        stop();
        return;
      }
      window.BarcodeDetector.getSupportedFormats()
        .then(function (formats) {
          var detector = new window.BarcodeDetector({ formats: formats });
          return navigator.mediaDevices
            .getUserMedia({ video: { facingMode: "environment" }, audio: false })
            .then(function (media) {
              stream = media;
              video.srcObject = media;
              video.hidden = false;
              button.textContent = "Stop camera";
              return video.play().then(function () {
                function look() {
                  if (!stream) {
                    return;
                  }
                  detector
                    .detect(video)
                    .then(function (codes) {
                      if (codes.length) {
                        input.value = codes[0].rawValue;
                        stop();
                        submit(form);
                      } else {
                        window.requestAnimationFrame(look);
                      }
                    })
                    .catch(function () {
                      window.requestAnimationFrame(look);
                    });
                }
                look();
              });
            });
        })
        .catch(function () {
          stop();
          button.hidden = true;
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
