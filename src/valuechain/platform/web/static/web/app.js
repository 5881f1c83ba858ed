// valuechain shell behaviour: the mobile menu toggle, closing popovers (user menu, search
// dropdown) on Escape or an outside click, and dismissing flash messages.
// Loaded with `defer` from web/base.html; no inline scripts anywhere (CSP script-src 'self').
(function () {
  "use strict";

  function setUpNavToggle() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var sidebar = document.getElementById("sidebar");
    if (!toggle || !sidebar) {
      return;
    }
    toggle.addEventListener("click", function () {
      var open = sidebar.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function closeSearchDropdown() {
    var dropdown = document.getElementById("search-dropdown");
    if (dropdown) {
      dropdown.innerHTML = "";
    }
  }

  function closeUserMenus(except) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  function setUpPopovers() {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closeSearchDropdown();
        closeUserMenus(null);
      }
    });
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (!(target instanceof Element)) {
        return;
      }
      if (!target.closest(".global-search")) {
        closeSearchDropdown();
      }
      closeUserMenus(target.closest("details.user-menu"));
    });
  }

  function setUpFlashDismiss() {
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (target instanceof Element && target.matches("[data-dismiss]")) {
        var flash = target.closest(".flash");
        if (flash) {
          flash.remove();
        }
      }
    });
  }

  // Any form with data-confirm="question?" asks before it submits (destructive actions).
  function setUpConfirmations() {
    document.addEventListener(
      "submit",
      function (event) {
        var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
        if (question && !window.confirm(question)) {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      },
      true
    );
  }

  // A button with data-copy-target="element-id" copies that element's text (secrets, tokens).
  function setUpCopyButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-copy-target]");
      var source = button && document.getElementById(button.getAttribute("data-copy-target"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          button.textContent = "Copied";
        });
      }
    });
  }

  function start() {
    setUpNavToggle();
    setUpPopovers();
    setUpFlashDismiss();
    setUpConfirmations();
    setUpCopyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
