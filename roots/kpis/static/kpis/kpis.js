/* Charts of the KPI pages (ECharts), built with the shared helper window.RootsCharts
   (roots/static/roots/charts.js: escaped tooltips, the trend axis and line). Each
   <div data-kpi-chart="line|spark|bar" data-source="id"> reads the
   <script type="application/json" id="id"> block that the server rendered (labels already
   translated); no inline script, as the CSP asks. Charts are drawn on load and again when
   htmx swaps a new period or sort order in. */
(function () {
  "use strict";

  var COLOURS = { turnover_days: "#4299e1", margin: "#2fb344", resolution: "#f76707", share: "#ae3ec9" };

  function withUnit(unit) {
    return function (value) {
      return value === null || value === undefined || value === "-" ? "—" : value + unit;
    };
  }

  function line(C, data, el) {
    var series = null;
    data.series.forEach(function (s) { if (s.key === el.dataset.series) { series = s; } });
    if (!series) { return null; }
    return {
      tooltip: C.tooltip({ trigger: "axis", valueFormatter: withUnit(series.unit) }),
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: C.dateAxis(data.labels),
      yAxis: {
        type: "value",
        // Ratios from 0 (unless a margin goes negative); days around their range.
        scale: series.unit === "",
        min: series.unit === "" ? null : function (v) { return Math.min(0, Math.floor(v.min)); },
        axisLabel: { formatter: C.unit(series.unit) },
        splitLine: { lineStyle: { color: "#eef1f5" } }
      },
      series: [C.trend({ name: series.name, data: series.values, color: COLOURS[series.key] })]
    };
  }

  function spark(C, data) {
    return {
      tooltip: C.tooltip({ trigger: "axis", valueFormatter: withUnit(data.unit) }),
      grid: { left: 2, right: 2, top: 4, bottom: 2 },
      xAxis: { type: "category", data: data.labels, show: false, boundaryGap: false },
      yAxis: { type: "value", show: false, scale: true },
      series: [C.trend({ name: data.name, data: data.values, symbolSize: 3, width: 1.5, area: 0.12 })]
    };
  }

  function bar(C, data) {
    var labels = data.labels.slice().reverse();
    var values = data.values.slice().reverse();
    return {
      tooltip: C.tooltip({ trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: withUnit(data.unit) }),
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: {
        type: "value", axisLabel: { formatter: C.unit(data.unit) },
        splitLine: { lineStyle: { color: "#eef1f5" } }
      },
      yAxis: { type: "category", data: labels, axisTick: { show: false } },
      series: [{
        name: data.title, type: "bar", barMaxWidth: 20, data: values,
        itemStyle: { color: "#206bc4", borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: "right", formatter: C.unit(data.unit), fontSize: 11 }
      }]
    };
  }

  var BUILDERS = { line: line, spark: spark, bar: bar };

  function init(el) {
    var C = window.RootsCharts;
    if (el.dataset.chartReady || !window.echarts || !C) { return; }
    var data = C.readData(el.dataset.source);
    var build = BUILDERS[el.dataset.kpiChart];
    if (!data || !build) { return; }
    var option = build(C, data, el);
    if (!option) { return; }
    el.dataset.chartReady = "1";
    option.animationDuration = 300;
    var chart = C.draw(el, option);
    if (chart && el.dataset.kpiChart === "bar" && data.links) {
      // A bar drills into its account manager or branch (the bars are drawn bottom-up).
      chart.on("click", function (params) {
        var link = data.links[data.links.length - 1 - params.dataIndex];
        if (link) { window.location.href = link; }
      });
      el.style.cursor = "pointer";
    }
  }

  function drawIn(root) {
    root.querySelectorAll("[data-kpi-chart]").forEach(init);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelectorAll) { drawIn(root); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawIn(document); });
  } else {
    drawIn(document);
  }
})();
