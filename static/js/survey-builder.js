// Survey builder: show only the fields the chosen kind of question uses, offer one
// blank choice row at a time, and ask before deleting. The server applies the same
// rules (it ignores fields a kind does not use), so the page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
    var form = document.querySelector(".builder-form");
    if (!form) return;
    var kind = form.querySelector("[name='kind']");
    function update() {
      form.querySelectorAll("[data-kinds]").forEach(function (block) {
        block.hidden = block.dataset.kinds.split(" ").indexOf(kind.value) === -1;
      });
    }
    if (kind) {
      kind.addEventListener("change", update);
      update();
    }
    // Blank choice rows: two at first, then one more on demand.
    var box = form.querySelector(".builder-choices");
    if (!box) return;
    var rows = Array.prototype.slice.call(box.querySelectorAll(".builder-choice"));
    function blank(row) {
      return Array.prototype.every.call(row.querySelectorAll("input[type='text']"), function (input) {
        return !input.value;
      });
    }
    var spare = rows.filter(blank).slice(2);
    if (!spare.length) return;
    spare.forEach(function (row) { row.hidden = true; });
    var more = document.createElement("button");
    more.type = "button";
    more.className = "builder-more";
    more.textContent = box.dataset.addLabel;
    more.addEventListener("click", function () {
      var next = spare.shift();
      if (next) {
        next.hidden = false;
        next.querySelector("input[type='text']").focus();
      }
      if (!spare.length) more.remove();
    });
    box.appendChild(more);
  });
})();
