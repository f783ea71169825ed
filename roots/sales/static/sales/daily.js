/* The daily board (日清) and its team view. Loaded as a static file (the CSP allows no
   inline script).
   - On the board, a refused step (400: the carry-over reason is missing, the task has no
     title; 409: the day is over) answers the board with the error, which the global htmx
     handling of the base layout (roots/static/roots/htmx-errors.js) swaps in place.
   - On the team view, the line of the team's daily clearing rate, from the json_script
     block "daily-team-chart" (labels are translated by the server), drawn with the shared
     helper window.RootsCharts (roots/static/roots/charts.js: escaped tooltips). */
(function () {
  "use strict";

  function teamChart(C, data) {
    var target = data.target || 90;
    return {
      color: ["#2fb344", "#206bc4"],
      tooltip: C.tooltip({
        trigger: "axis",
        content: function (params) {
          var i = params[0].dataIndex;
          var rate = data.rates[i];
          return {
            title: data.labels[i],
            rows: [
              { color: "#2fb344", label: data.series, value: rate === null ? "—" : rate + "%" },
              { label: data.done_label + " / " + data.items_label, value: data.done[i] + " / " + data.items[i] }
            ]
          };
        }
      }),
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: C.dateAxis(data.labels),
      yAxis: {
        type: "value", min: 0, max: 100,
        axisLabel: { formatter: C.unit("%") },
        splitLine: { lineStyle: { color: "#eef1f5" } }
      },
      series: [C.trend({
        name: data.series, data: data.rates, smooth: true, symbolSize: 7, area: 0.12,
        extra: {
          markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#d63939" },
                      label: { position: "insideEndTop", formatter: C.text(function () { return target + "%"; }) },
                      data: [{ yAxis: target }] }
        }
      })]
    };
  }

  // The bulk bar of the board: "select all" and the count of selected items. Delegated
  // from the document, as htmx swaps the board after each step.
  function bulkCount() {
    var label = document.querySelector("[data-bulk-count]");
    if (!label) {
      return;
    }
    var boxes = document.querySelectorAll("[data-bulk-item]");
    var n = 0;
    boxes.forEach(function (box) { if (box.checked) { n += 1; } });
    label.textContent = n ? label.dataset.template.replace("%(n)s", String(n)) : "";
    var all = document.querySelector("[data-bulk-all]");
    if (all) {
      all.checked = boxes.length > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-bulk-all]")) {
      document.querySelectorAll("[data-bulk-item]").forEach(function (box) { box.checked = target.checked; });
      bulkCount();
    } else if (target.matches && target.matches("[data-bulk-item]")) {
      bulkCount();
    }
  });
  document.addEventListener("htmx:afterSwap", bulkCount);

  function start() {
    var C = window.RootsCharts;
    if (!C || !window.echarts) {
      return;
    }
    document.querySelectorAll("[data-daily-chart]").forEach(function (el) {
      var data = C.readData(el.dataset.source);
      if (data) {
        C.draw(el, teamChart(C, data));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
