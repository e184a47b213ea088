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
    // Filter forms marked data-autosubmit submit when a control changes.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target.matches("select, input[type=checkbox], input[type=radio]")) {
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      });
    });
  });
})();
