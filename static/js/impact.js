// Impact dashboard: while a recompute runs, poll its progress and reload when it is
// done. Without JavaScript the page says "reload to see progress" and works the same.
(function () {
  "use strict";
  var panel = document.querySelector(".impact-status[data-status-url]");
  var bar = document.getElementById("impact-progress");
  if (!panel || !bar || !window.fetch) { return; }
  var text = panel.querySelector(".impact-progress-text");
  var status = panel.querySelector(".impact-status-text");
  var hint = panel.querySelector(".impact-reload");
  if (hint) { hint.textContent = hint.getAttribute("data-live-text"); }
  function poll() {
    fetch(panel.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        if (text) { text.textContent = data.progress + "%"; }
        if (status) { status.textContent = data.status_text; }
        if (data.busy) { window.setTimeout(poll, 1500); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
