/* Charts of the sell-through rate page. Each <div data-inventory-chart="top|daily"
   data-source="id"> reads its data from the <script type="application/json" id="id"> block
   the server rendered (labels translated there): no inline script under the CSP. The results
   are swapped by htmx when a filter changes, so charts are (re)drawn after every swap. */
(function () {
  "use strict";

  var FONT = '"Inter", system-ui, -apple-system, "Segoe UI", "PingFang SC", ' +
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var BLUE = "#206bc4", GREEN = "#0ca678", ORANGE = "#f59f00";

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Top 20 by units sold: bars of units sold, a line of the sell-through rate (right axis).
  function top(d) {
    return {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (items) {
          if (!items.length) { return ""; }
          var i = items[0].dataIndex;
          var lines = [d.labels[i] + " (" + d.names[i] + ")"];
          items.forEach(function (it) {
            var v = it.value === null || it.value === undefined ? "—" : it.value;
            lines.push(it.marker + it.seriesName + ": " + v);
          });
          return lines.join("<br>");
        }
      },
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
        { type: "value", axisLabel: { formatter: "{value} %" }, splitLine: { show: false } }
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
  function daily(d) {
    return {
      tooltip: { trigger: "axis" },
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
  var charts = [];

  function draw(root) {
    if (!window.echarts || !root || !root.querySelectorAll) { return; }
    // Forget charts whose element htmx removed.
    charts = charts.filter(function (c) {
      if (!document.body.contains(c.getDom())) { c.dispose(); return false; }
      return true;
    });
    root.querySelectorAll("[data-inventory-chart]").forEach(function (el) {
      var build = BUILDERS[el.dataset.inventoryChart];
      var data = readData(el.dataset.source);
      if (!build || !data) { return; }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      var option = build(data);
      option.textStyle = { fontFamily: FONT };
      option.animationDuration = 400;
      chart.setOption(option, true);
      if (charts.indexOf(chart) < 0) { charts.push(chart); }
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.detail && event.detail.elt);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
