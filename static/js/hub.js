// TREC Hub: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Move focus to the first error summary so screen-reader and keyboard users hear it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".form-errors[role='alert']");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
    // Filter forms marked data-autosubmit submit when a list, checkbox or radio changes;
    // after the reload, focus goes back to that control so keyboard users keep their place.
    var FOCUS_KEY = "trec-autosubmit-focus";
    try {
      var focusId = window.sessionStorage.getItem(FOCUS_KEY);
      window.sessionStorage.removeItem(FOCUS_KEY);
      var control = focusId && document.getElementById(focusId);
      if (control && !summary) {
        var drawer = control.closest("details");
        if (drawer) {
          drawer.open = true;  // the filter drawer the choice was made in stays open
        }
        control.focus();
      }
    } catch (error) { /* storage disabled: focus simply starts at the top */ }
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target.matches("select, input[type=checkbox], input[type=radio]")) {
          try { window.sessionStorage.setItem(FOCUS_KEY, event.target.id); } catch (error) { /* ignore */ }
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      });
    });
    // "Copy link" buttons (hidden without JavaScript) copy their link and say so.
    document.querySelectorAll("button[data-copy-link]").forEach(function (button) {
      if (!navigator.clipboard) {
        return;
      }
      var status = button.closest("section").querySelector("[role='status']");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy-link")).then(
          function () { status.textContent = button.getAttribute("data-copied"); },
          function () { status.textContent = button.getAttribute("data-copy-failed"); }
        );
      });
    });
    // Disclosures marked data-open-from="<width>" (header menu, catalog filters) are
    // always open at and above that width, and close again when the window narrows.
    document.querySelectorAll("details[data-open-from]").forEach(function (details) {
      var wide = window.matchMedia("(min-width: " + details.getAttribute("data-open-from") + ")");
      if (wide.matches) {
        details.open = true;
      }
      wide.addEventListener("change", function () {
        details.open = wide.matches;
      });
    });
  });
})();
