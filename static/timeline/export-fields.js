// The export screen's "Select all" toggle (django-import-export), bound here rather than by
// an inline onchange attribute, which the site's Content Security Policy refuses.
document.addEventListener("change", function (event) {
  if (event.target.matches("input.select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event);
  }
});
