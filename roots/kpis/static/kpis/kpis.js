/* Charts of the KPI pages (ECharts). Each <div data-kpi-chart="line|spark|bar"
   data-source="id"> reads the <script type="application/json" id="id"> block that the
   server rendered (labels already translated); no inline script, as the CSP asks. Charts
   are drawn on load and again when htmx swaps a new period or sort order in. */
(function () {
  "use strict";

  var FONT = '"Inter", system-ui, -apple-system, "Segoe UI", "PingFang SC", ' +
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var COLOURS = { turnover_days: "#4299e1", margin: "#2fb344", resolution: "#f76707", share: "#ae3ec9" };
  var charts = [];

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function withUnit(unit) {
    return function (value) {
      return value === null || value === undefined ? "—" : value + unit;
    };
  }

  function line(data, el) {
    var series = null;
    data.series.forEach(function (s) { if (s.key === el.dataset.series) { series = s; } });
    if (!series) { return null; }
    return {
      tooltip: { trigger: "axis", valueFormatter: withUnit(series.unit) },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, boundaryGap: false, axisTick: { show: false } },
      yAxis: {
        type: "value",
        // Ratios from 0 (unless a margin goes negative); days around their range.
        scale: series.unit === "",
        min: series.unit === "" ? null : function (v) { return Math.min(0, Math.floor(v.min)); },
        axisLabel: { formatter: "{value}" + series.unit },
        splitLine: { lineStyle: { color: "#eef1f5" } }
      },
      series: [{
        name: series.name, type: "line", data: series.values, connectNulls: false,
        symbolSize: 6, smooth: false,
        itemStyle: { color: COLOURS[series.key] }, lineStyle: { width: 2 },
        areaStyle: { opacity: 0.08 }
      }]
    };
  }

  function spark(data) {
    return {
      tooltip: { trigger: "axis", valueFormatter: withUnit(data.unit), confine: true },
      grid: { left: 2, right: 2, top: 4, bottom: 2 },
      xAxis: { type: "category", data: data.labels, show: false, boundaryGap: false },
      yAxis: { type: "value", show: false, scale: true },
      series: [{
        name: data.name, type: "line", data: data.values, connectNulls: true,
        symbol: "circle", symbolSize: 3, lineStyle: { width: 1.5 }, areaStyle: { opacity: 0.12 }
      }]
    };
  }

  function bar(data) {
    var labels = data.labels.slice().reverse();
    var values = data.values.slice().reverse();
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: withUnit(data.unit) },
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: {
        type: "value", axisLabel: { formatter: "{value}" + data.unit },
        splitLine: { lineStyle: { color: "#eef1f5" } }
      },
      yAxis: { type: "category", data: labels, axisTick: { show: false } },
      series: [{
        name: data.title, type: "bar", barMaxWidth: 20, data: values,
        itemStyle: { color: "#206bc4", borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: "right", formatter: "{c}" + data.unit, fontSize: 11 }
      }]
    };
  }

  var BUILDERS = { line: line, spark: spark, bar: bar };

  function init(el) {
    if (el.dataset.chartReady || !window.echarts) { return; }
    var data = readData(el.dataset.source);
    var build = BUILDERS[el.dataset.kpiChart];
    if (!data || !build) { return; }
    var option = build(data, el);
    if (!option) { return; }
    el.dataset.chartReady = "1";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT };
    option.animationDuration = 300;
    chart.setOption(option);
    if (el.dataset.kpiChart === "bar" && data.links) {
      // A bar drills into its account manager or branch (the bars are drawn bottom-up).
      chart.on("click", function (params) {
        var link = data.links[data.links.length - 1 - params.dataIndex];
        if (link) { window.location.href = link; }
      });
      el.style.cursor = "pointer";
    }
    charts.push(chart);
  }

  function drawIn(root) {
    // Forget the charts whose element htmx removed.
    charts = charts.filter(function (c) {
      var alive = document.body.contains(c.getDom());
      if (!alive) { c.dispose(); }
      return alive;
    });
    root.querySelectorAll("[data-kpi-chart]").forEach(init);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelectorAll) { drawIn(root); }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("roots:resize", function () { charts.forEach(function (c) { c.resize(); }); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawIn(document); });
  } else {
    drawIn(document);
  }
})();
