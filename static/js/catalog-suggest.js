// Catalog search: suggestions as you type (topics, providers, titles), in a native
// <datalist>, so choosing one works with a keyboard and screen readers announce it.
// Without this file the search box is a plain text field and the form works the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[data-suggest-url]");
    if (!input || !window.fetch) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) {
          return;
        }
        asked = text;
        var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { suggestions: [] };
          })
          .then(function (data) {
            if (text !== asked) {
              return; // a later keystroke asked for something else
            }
            list.replaceChildren();
            data.suggestions.forEach(function (suggestion) {
              var option = document.createElement("option");
              option.value = suggestion.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 120);
    });
  });
})();
