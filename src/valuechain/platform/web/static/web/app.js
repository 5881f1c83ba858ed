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

  function start() {
    setUpNavToggle();
    setUpPopovers();
    setUpFlashDismiss();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
