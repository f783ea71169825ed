/* Charts of the sell-through rate page. Each <div data-inventory-chart="top|daily"
   data-source="id"> reads its data from the <script type="application/json" id="id"> block
   the server rendered (labels translated there): no inline script under the CSP. The results
   are swapped by htmx when a filter changes, so charts are (re)drawn after every swap. The
   charts are built with the shared helper window.RootsCharts (roots/static/roots/charts.js:
   escaped tooltips). */
(function () {
  "use strict";

  var BLUE = "#206bc4", GREEN = "#0ca678", ORANGE = "#f59f00";

  // Top 20 by units sold: bars of units sold, a line of the sell-through rate (right axis).
  function top(C, d) {
    return {
      tooltip: C.tooltip({
        trigger: "axis",
        axisPointer: { type: "shadow" },
        content: function (items) {
          if (!items.length) { return null; }
          var i = items[0].dataIndex;
          return {
            title: d.labels[i] + " (" + d.names[i] + ")",
            rows: items.map(function (it) {
              return { color: it.color, label: it.seriesName, value: it.value };
            })
          };
        }
      }),
      legend: { top: 0, data: [d.sold_label, d.rate_label] },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: d.names,
        axisTick: { show: false },
        axisLabel: { interval: 0, rotate: d.names.length > 6 ? 40 : 0, fontSize: 11 }
      },
      yAxis: [
        { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } } },
        { type: "value", axisLabel: { formatter: C.unit(" %") }, splitLine: { show: false } }
      ],
      series: [
        { name: d.sold_label, type: "bar", barMaxWidth: 28, data: d.sold,
          itemStyle: { color: BLUE, borderRadius: [4, 4, 0, 0] } },
        { name: d.rate_label, type: "line", yAxisIndex: 1, data: d.rate, symbolSize: 6,
          itemStyle: { color: ORANGE }, connectNulls: false }
      ]
    };
  }

  // Every day of the period: units sold (bars) against the stock reported (line, right axis).
  function daily(C, d) {
    return {
      tooltip: C.tooltip({ trigger: "axis" }),
      legend: { top: 0, data: [d.sold_label, d.stock_label] },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.dates, axisLabel: { fontSize: 11 } },
      yAxis: [
        { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } } },
        { type: "value", minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: d.sold_label, type: "bar", barMaxWidth: 16, data: d.sold, itemStyle: { color: GREEN } },
        { name: d.stock_label, type: "line", yAxisIndex: 1, data: d.stock, showSymbol: false,
          smooth: true, itemStyle: { color: BLUE }, areaStyle: { opacity: 0.08 } }
      ]
    };
  }

  var BUILDERS = { top: top, daily: daily };

  function draw(root) {
    var C = window.RootsCharts;
    if (!window.echarts || !C || !root || !root.querySelectorAll) { return; }
    root.querySelectorAll("[data-inventory-chart]").forEach(function (el) {
      var build = BUILDERS[el.dataset.inventoryChart];
      var data = C.readData(el.dataset.source);
      if (!build || !data) { return; }
      C.draw(el, build(C, data));
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.detail && event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
