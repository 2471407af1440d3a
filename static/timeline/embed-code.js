/*
 * "Embed this view": the dialog that gives the embed code of the current filters at the
 * size the editor chooses. The server renders the code (timeline/embed.py embed_code, the
 * one home of the embed code) with {width} and {height} in place of the size, in the
 * dialog's data-embed-template; this fills them in and copies the result. Dashboard only.
 */
(function () {
  "use strict";

  // A size left empty or not a number: the field's size as served (embed.DEFAULT_WIDTH…).
  function size(dialog, name) {
    var field = dialog.querySelector("[name=" + name + "]");
    return parseInt(field.value, 10) || parseInt(field.defaultValue, 10);
  }

  function embedCode(dialog) {
    var width = size(dialog, "embed-width");
    var height = size(dialog, "embed-height");
    return dialog.getAttribute("data-embed-template")
      .split("{width}").join(String(width))
      .split("{height}").join(String(height));
  }

  function refreshEmbedCode(dialog) {
    var code = dialog.querySelector(".embed-code");
    if (code && dialog.hasAttribute("data-embed-template")) code.value = embedCode(dialog);
  }

  function copy(copier) {
    var field = document.getElementById(copier.getAttribute("data-embed-copy"));
    var status = copier.parentNode.querySelector(".embed-copied");
    // The messages come translated from the page (data-copied, data-copy-by-hand).
    var say = function (name, fallback) { if (status) status.textContent = copier.getAttribute(name) || fallback; };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { say("data-copied", "Copied."); },
        function () { say("data-copy-by-hand", "Press Ctrl+C (⌘C) to copy."); }
      );
    } else if (document.execCommand && document.execCommand("copy")) {
      say("data-copied", "Copied.");
    }
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-embed-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-embed-open"));
      if (dialog && dialog.showModal) {
        refreshEmbedCode(dialog);
        dialog.showModal();
      }
      return;
    }
    var copier = event.target.closest("[data-embed-copy]");
    if (copier) copy(copier);
  });

  document.addEventListener("input", function (event) {
    var dialog = event.target.closest && event.target.closest(".embed-dialog");
    if (dialog && /^embed-(width|height)$/.test(event.target.name)) refreshEmbedCode(dialog);
  });
})();
