// Surveys: hide a question until the earlier answer it depends on is given. The server
// applies the same rule, so the page works (and is checked) without this file.
(function () {
  "use strict";
  function answer(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      values.push(input.value);
    });
    return values;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".survey-form");
    if (!form) return;
    var dependents = form.querySelectorAll("[data-show-if]");
    if (!dependents.length) return;
    function update() {
      dependents.forEach(function (block) {
        var name = block.dataset.showIf;
        if (!form.querySelector("[name='" + name + "']")) return; // asked on an earlier page
        var wanted = (block.dataset.showValue || "").toLowerCase();
        var shown = answer(form, name).some(function (v) { return String(v).toLowerCase() === wanted; });
        block.classList.toggle("is-hidden", !shown);
        var note = block.querySelector(".survey-condition");
        if (note) note.hidden = true;
      });
    }
    form.addEventListener("change", update);
    update();
  });
})();
