/*
 * The embed page, inside an iframe, tells its parent how tall it is, whenever that changes
 * (the list opened, a detail shown, a narrower frame). The host page's few lines of the
 * embed code (templates/timeline/embed_code.html) listen for this message and size the
 * iframe. Loaded by the embed page only.
 */
(function () {
  "use strict";

  var HEIGHT_MESSAGE = "diplomacy-timeline:height";
  var lastHeight = 0;

  function isEmbedded() {
    return window.parent !== window && document.body && document.body.hasAttribute("data-embed");
  }

  function reportHeight() {
    var main = document.getElementById("main");
    if (!isEmbedded() || !main) return;
    var height = Math.ceil(main.getBoundingClientRect().bottom + window.scrollY);
    if (height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({type: HEIGHT_MESSAGE, height: height}, "*");
  }

  function watchHeight() {
    if (!isEmbedded()) return;
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.getElementById("main"));
    reportHeight();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchHeight);
  } else {
    watchHeight();
  }
})();
