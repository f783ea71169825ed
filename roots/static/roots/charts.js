/* ECharts for Roots pages. Each <div data-chart="kind" data-source="id"> reads its data from
   the <script type="application/json" id="id"> block the server rendered (labels are already
   translated there), so no inline script is needed under the CSP. */
(function () {
  "use strict";

  var FONT = '"Inter", system-ui, -apple-system, "Segoe UI", "PingFang SC", ' +
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var PALETTE = ["#206bc4", "#0ca678", "#f59f00", "#ae3ec9", "#4299e1", "#d63939", "#74b816"];
  var charts = [];

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function pie(data) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { orient: "vertical", right: 8, top: "middle", type: "scroll", icon: "circle" },
      series: [{
        name: data.title,
        type: "pie",
        radius: ["48%", "72%"],
        center: ["32%", "50%"],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: "#fff", borderWidth: 2, borderRadius: 4 },
        label: { show: false },
        data: data.items
      }]
    };
  }

  function bar(data) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: data.items.map(function (i) { return i.name; }),
        axisTick: { show: false }
      },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } } },
      series: [{
        name: data.title,
        type: "bar",
        barMaxWidth: 48,
        itemStyle: { borderRadius: [4, 4, 0, 0] },
        data: data.items.map(function (i) {
          return { value: i.value, itemStyle: i.color ? { color: i.color } : undefined };
        })
      }]
    };
  }

  function provinces(data) {
    var max = 1;
    data.items.forEach(function (i) { max = Math.max(max, i.value); });
    return {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var label = (p.data && p.data.label) || p.name;
          return label + ": " + ((p.data && p.data.value) || 0);
        }
      },
      visualMap: {
        min: 0, max: max, left: 8, bottom: 8, calculable: true, itemHeight: 90,
        text: [data.high, data.low], inRange: { color: ["#e8f0fb", "#7aa7e0", "#1c58a8"] }
      },
      series: [{
        name: data.title,
        type: "map",
        map: "china",
        roam: false,
        layoutCenter: ["50%", "55%"],
        layoutSize: "115%",
        itemStyle: { areaColor: "#f4f6fa", borderColor: "#c8d1dc" },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#f59f00" } },
        select: { disabled: true },
        data: data.items
      }]
    };
  }

  function points(data) {
    var lng = 0, lat = 0, minLng = 180, maxLng = -180, minLat = 90, maxLat = -90;
    data.items.forEach(function (i) {
      lng += i.lng; lat += i.lat;
      minLng = Math.min(minLng, i.lng); maxLng = Math.max(maxLng, i.lng);
      minLat = Math.min(minLat, i.lat); maxLat = Math.max(maxLat, i.lat);
    });
    var n = data.items.length || 1;
    var spread = Math.max(maxLng - minLng, maxLat - minLat, 0);
    var zoom = Math.min(6, Math.max(1.2, 24 / (spread + 2)));
    return {
      tooltip: { trigger: "item", formatter: function (p) { return p.data.label; } },
      geo: {
        map: "china", roam: true, center: [lng / n, lat / n], zoom: zoom,
        itemStyle: { areaColor: "#f4f6fa", borderColor: "#c8d1dc" },
        emphasis: { disabled: true }, select: { disabled: true }
      },
      series: [{
        name: data.title,
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 11,
        itemStyle: { color: "#d63939", borderColor: "#fff", borderWidth: 1.5 },
        data: data.items.map(function (i) {
          return { name: i.name, value: [i.lng, i.lat], label: i.label };
        })
      }]
    };
  }

  var BUILDERS = { pie: pie, bar: bar, provinces: provinces, points: points };

  function init(el) {
    if (el.dataset.chartReady) {
      return;
    }
    el.dataset.chartReady = "1";
    var data = readData(el.dataset.source);
    var build = BUILDERS[el.dataset.chart];
    if (!data || !build || !window.echarts) {
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var option = build(data);
    option.textStyle = { fontFamily: FONT };
    option.color = PALETTE;
    option.animationDuration = 400;
    chart.setOption(option);
    charts.push(chart);
  }

  function resizeAll() {
    charts.forEach(function (c) { c.resize(); });
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(init);
  }

  // Charts inside content that htmx swapped in (a tab fetched on first view).
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelectorAll) {
      root.querySelectorAll("[data-chart]").forEach(init);
    }
  });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("roots:resize", resizeAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
