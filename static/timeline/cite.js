/*
 * "Cite": a button with data-cite-open loads the citations of its event or view into the
 * page's Cite dialog (hx-get → #cite-body, timeline/cite.py) and this opens the dialog;
 * "Copy" buttons (data-copy-target) copy one citation as text. Dashboard and event pages.
 */
(function () {
  "use strict";

  function open(button) {
    var dialog = document.getElementById("cite-dialog");
    var body = document.getElementById("cite-body");
    if (!dialog || !dialog.showModal) return;
    // Until htmx brings the body: say so, rather than show the last one's citations.
    if (body) body.textContent = body.getAttribute("data-loading") || "…";
    dialog.showModal();
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector("[role=status]");
    var say = function (name) { if (status) status.textContent = button.getAttribute(name) || ""; };
    if (!source) return;
    var text = source.innerText.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say("data-copied"); },
        function () { say("data-copy-by-hand"); }
      );
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say(document.execCommand && document.execCommand("copy") ? "data-copied" : "data-copy-by-hand");
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-cite-open], [data-copy-target]");
    if (!target) return;
    if (target.hasAttribute("data-cite-open")) open(target);
    else copy(target);
  });
})();
