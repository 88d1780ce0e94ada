// Large text and higher contrast ("큰 글씨"), remembered on this device. Runs in
// <head> before the page paints, so a reader who chose it never sees the small
// page first. The toggle itself is wired in site-menu.js.
(function () {
  "use strict";
  try {
    if (window.localStorage.getItem("dongne-display") === "large") {
      document.documentElement.classList.add("large-text");
    }
  } catch (e) {
    /* storage refused: the default display */
  }
})();
