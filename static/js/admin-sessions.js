/* Sessions are quick to add in the events back office: "Add another session" fills the
   new session with the one above it a week later (same times and room), ready to adjust.
   Without JavaScript the empty form still works. */
(function () {
  "use strict";

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function weekLater(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!m) return "";
    var d = new Date(+m[1], +m[2] - 1, +m[3] + 7, +m[4], +m[5]);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  document.addEventListener("formset:added", function (event) {
    if (!event.detail || event.detail.formsetName !== "sessions") return;
    var row = event.target;
    var rows = Array.prototype.filter.call(
      document.querySelectorAll(".inline-related[id^='sessions-']"),
      function (r) { return r !== row && !/empty/.test(r.id) && field(r, "starts_at"); }
    );
    var above = rows[rows.length - 1];
    if (!above) return;
    ["starts_at", "ends_at"].forEach(function (name) {
      var target = field(row, name);
      if (target && !target.value) target.value = weekLater(field(above, name).value);
    });
    ["location", "location_es"].forEach(function (name) {
      var source = field(above, name), target = field(row, name);
      if (source && target && !target.value) target.value = source.value;
    });
    var first = field(row, "starts_at");
    if (first) first.focus();
  });
})();
