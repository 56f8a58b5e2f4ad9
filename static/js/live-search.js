// Search as you type: refresh the server-rendered results (already escaped) a moment after typing stops.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  var results = document.getElementById("enterprise-results");
  if (!form || !results || !window.fetch) { return; }
  var input = form.querySelector("input[type=search]");
  var timer = null;
  var latest = 0;

  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("page");
    var shown = "?" + params.toString();
    params.set("fragment", "1");
    var ticket = ++latest;
    fetch(form.action + "?" + params.toString(), { headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (ticket !== latest) { return; }  // an older answer arriving late must not overwrite a newer one
        results.innerHTML = html;
        history.replaceState(null, "", form.action + shown);
      })
      .catch(function () { /* the form still works by submitting */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 180);
  });
})();
