/* Simpul pages: charts (Chart.js, served locally) and sortable tables. Data come from
   json_script elements or from the table itself; no text is inserted as HTML. */
(function () {
  "use strict";

  function json(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function statusChart(canvasId, statuses) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !statuses || !window.Chart) return null;
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: statuses.map(function (s) { return s.label; }),
        datasets: [{
          data: statuses.map(function (s) { return s.count; }),
          backgroundColor: statuses.map(function (s) { return s.color; }),
        }],
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  window.SimpulPages = {
    /** Coverage over stored runs and hotspots by status, on the kelurahan page. */
    areaCharts: function () {
      var labels = json("simpul-chart-labels");
      var history = json("area-history") || [];
      var canvas = document.getElementById("area-history-chart");
      if (canvas && window.Chart) {
        new Chart(canvas, {
          type: "line",
          data: {
            labels: history.map(function (r) { return r.as_of; }),
            datasets: [
              { label: labels.coverage, data: history.map(function (r) { return r.covered_pct; }),
                borderColor: "#31a354", backgroundColor: "#31a354", yAxisID: "pct" },
              { label: labels.population, data: history.map(function (r) { return r.covered_population_pct; }),
                borderColor: "#3182bd", backgroundColor: "#3182bd", yAxisID: "pct" },
              { label: labels.active, data: history.map(function (r) { return r.hotspots_active; }),
                borderColor: "#f28e2b", backgroundColor: "#f28e2b", yAxisID: "count", type: "bar" },
            ],
          },
          options: {
            maintainAspectRatio: false, animation: false,
            scales: {
              pct: { position: "left", beginAtZero: true, suggestedMax: 100 },
              count: { position: "right", beginAtZero: true, ticks: { precision: 0 },
                       grid: { drawOnChartArea: false } },
            },
          },
        });
      }
      statusChart("area-status-chart", json("area-statuses"));
    },

    /** Coverage per kelurahan (from the table) and hotspots by status, on the dashboard. */
    dashboardCharts: function () {
      var labels = json("simpul-chart-labels");
      var rows = Array.prototype.slice.call(document.querySelectorAll("#kelurahan-table tbody tr"));
      rows.sort(function (a, b) { return a.dataset.code < b.dataset.code ? -1 : 1; });
      var canvas = document.getElementById("dashboard-coverage-chart");
      if (canvas && window.Chart) {
        new Chart(canvas, {
          type: "bar",
          data: {
            labels: rows.map(function (r) { return r.cells[1].textContent.trim(); }),
            datasets: [
              { label: labels.coverage, backgroundColor: "#31a354",
                data: rows.map(function (r) { return Number(r.cells[3].dataset.value); }) },
              { label: labels.population, backgroundColor: "#3182bd",
                data: rows.map(function (r) { var v = Number(r.cells[5].dataset.value); return v < 0 ? null : v; }) },
            ],
          },
          options: { maintainAspectRatio: false, animation: false,
                     scales: { y: { beginAtZero: true } } },
        });
      }
      statusChart("dashboard-status-chart", json("dashboard-statuses"));
    },

    /** Make `table.simpul-sortable` sortable by clicking a `th[data-sort]`. */
    sortableTables: function () {
      document.querySelectorAll("table.simpul-sortable").forEach(function (table) {
        var headers = table.querySelectorAll("th[data-sort]");
        headers.forEach(function (th, index) {
          th.tabIndex = 0;
          var sort = function () {
            var ascending = th.getAttribute("aria-sort") !== "ascending";
            headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            var numeric = th.dataset.sort === "number";
            rows.sort(function (a, b) {
              var x = a.cells[index], y = b.cells[index];
              var result = numeric
                ? Number(x.dataset.value) - Number(y.dataset.value)
                : x.textContent.trim().localeCompare(y.textContent.trim());
              return ascending ? result : -result;
            });
            rows.forEach(function (row) { body.appendChild(row); });
          };
          th.addEventListener("click", sort);
          th.addEventListener("keydown", function (event) {
            if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
          });
        });
      });
    },
  };
})();

// Print buttons (no inline handlers: the Content-Security-Policy forbids them).
document.querySelectorAll("[data-simpul-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
