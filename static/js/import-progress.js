// Follow an import job: poll its progress.json and move the bar; reload the page once the job has finished.
(function () {
  "use strict";
  var box = document.querySelector(".import-progress[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var summary = box.querySelector("#import-progress-summary");
  var list = box.querySelector(".import-progress-problems");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function show(state) {
    bar.max = Math.max(state.rows_total, 1);
    bar.value = state.rows_done;
    bar.textContent = state.rows_done;
    summary.textContent = state.summary;
    box.querySelectorAll("[data-progress]").forEach(function (cell) {
      cell.textContent = numbers.format(state[cell.getAttribute("data-progress")]);
    });
    list.replaceChildren.apply(list, state.problems.map(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        show(state);
        if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 500);
}());
