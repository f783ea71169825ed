/* ECharts for Roots pages, and the one formatting path of every chart of the project.

   Every chart (this file's and the apps' own: kpis.js, pipeline.js, daily.js, finance.js,
   inventory_charts.js) is built with window.RootsCharts:
   - RootsCharts.tooltip(...) builds every tooltip. ECharts sets a tooltip's text as innerHTML,
     so each piece of text is escaped here (echarts.format.encodeHTML) and the markup carries
     classes, never a style attribute (the CSP's style-src has no 'unsafe-inline').
   - RootsCharts.text(fn) and RootsCharts.unit(suffix) format canvas text (axis and series
     labels), which ECharts draws on the canvas, never as HTML.
   - RootsCharts.dateAxis(labels) and RootsCharts.trend(...): the x axis and the line of a trend
     chart (first and last dates inside the card; a sparse series is a line with its points).
   - RootsCharts.draw(el, option): init, font, palette, resize, and the height of the element.
   roots/core/tests/test_chart_formatters.py fails when a `formatter` is written outside the
   block marked below, or a tooltip is not built by RootsCharts.tooltip.

   Each <div data-chart="kind" data-source="id"> of a page reads its data from the
   <script type="application/json" id="id"> block the server rendered (labels are already
   translated there), so no inline script is needed under the CSP. */
(function () {
  "use strict";

  var FONT = '"Inter", system-ui, -apple-system, "Segoe UI", "PingFang SC", ' +
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var PALETTE = ["#206bc4", "#0ca678", "#f59f00", "#ae3ec9", "#4299e1", "#d63939", "#74b816"];
  var charts = [];

  // --- BEGIN formatting path: the only place of the project where chart formatters are written.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

  /** Any value as HTML text: `<img src=x>` becomes `&lt;img src=x&gt;`. */
  function escape(value) {
    var text = value === null || value === undefined ? "" : String(value);
    var format = window.echarts && window.echarts.format;
    if (format && typeof format.encodeHTML === "function") {
      return format.encodeHTML(text);
    }
    return text.replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  // A series colour as ECharts hands it over; anything else (a gradient) draws no colour.
  var COLOUR = /^(#[0-9a-f]{3,8}|rgba?\(\s*[0-9.]+%?(\s*,\s*[0-9.]+%?){2,3}\s*\))$/i;

  // The colour dot of a row: an SVG fill is a presentation attribute, not an inline style.
  function marker(color) {
    var fill = typeof color === "string" && COLOUR.test(color) ? color : "currentColor";
    return '<svg class="roots-tt-marker" viewBox="0 0 10 10" aria-hidden="true" focusable="false">' +
      '<circle cx="5" cy="5" r="5" fill="' + fill + '"></circle></svg>';
  }

  function missing(value) {
    return value === null || value === undefined || value === "" || value === "-" ||
      (typeof value === "number" && isNaN(value));
  }

  /** The text of a value: "—" when there is none. */
  function plain(value) {
    return missing(value) ? "—" : value;
  }

  function valueOf(p) {
    var v = p.value;
    return Array.isArray(v) ? v[v.length - 1] : v;
  }

  function named(p) {
    return p.seriesName && String(p.seriesName).indexOf("series\u0000") !== 0;
  }

  // What ECharts shows by default: the axis value (or the series) and a row per value.
  function defaultContent(params, valueFormatter) {
    if (Array.isArray(params)) {
      return {
        title: params.length ? params[0].axisValueLabel : "",
        rows: params.filter(named).map(function (p) {
          return { color: p.color, label: p.seriesName, value: valueFormatter(valueOf(p), p) };
        })
      };
    }
    return {
      title: named(params) ? params.seriesName : "",
      rows: [{ color: params.color, label: params.name, value: valueFormatter(valueOf(params), params) }]
    };
  }

  /** The HTML of a tooltip from plain text: {title, rows: [text | {color, label, value}]}. */
  function render(content) {
    if (!content) {
      return "";
    }
    var html = '<div class="roots-tt">';
    if (!missing(content.title)) {
      html += '<div class="roots-tt-title">' + escape(content.title) + "</div>";
    }
    (content.rows || []).forEach(function (row) {
      if (row === null || row === undefined) {
        return;
      }
      if (typeof row !== "object") {
        row = { label: row };
      }
      html += '<div class="roots-tt-row">' +
        (row.color !== undefined ? marker(row.color) : "") +
        '<span class="roots-tt-label">' + escape(row.label) + "</span>" +
        (row.value !== undefined ? '<span class="roots-tt-value">' + escape(plain(row.value)) + "</span>" : "") +
        "</div>";
    });
    return html + "</div>";
  }

  /** A tooltip option. `options.content(params, valueFormatter)` returns plain text
      ({title, rows}); without it, the rows ECharts would show. Everything is escaped. */
  function tooltip(options) {
    var o = options || {};
    var valueFormatter = o.valueFormatter || plain;
    var option = {
      trigger: o.trigger || "item",
      renderMode: "html",
      className: "roots-tt-box",
      confine: o.confine !== false,
      formatter: function (params) {
        return render(o.content ? o.content(params, valueFormatter) : defaultContent(params, valueFormatter));
      }
    };
    if (o.axisPointer) {
      option.axisPointer = o.axisPointer;
    }
    return option;
  }

  /** A formatter of canvas text (axis labels, series labels, gauge details): always a string. */
  function text(fn) {
    return function () {
      var value = fn.apply(null, arguments);
      return value === null || value === undefined ? "" : String(value);
    };
  }

  /** "{value}%" as a function: a value (or a series label's params) and a unit. */
  function unit(suffix) {
    return text(function (value) {
      var v = value !== null && typeof value === "object" && "value" in value ? value.value : value;
      return missing(v) ? "—" : v + suffix;
    });
  }
  // --- END formatting path.

  /** The x axis of a trend: dates on a category axis, the first and last labels inside the
      chart (aligned to their edge) and always shown. */
  function dateAxis(labels, extra) {
    var axis = {
      type: "category",
      data: labels,
      boundaryGap: false,
      axisTick: { show: false },
      axisLabel: {
        showMinLabel: true, showMaxLabel: true, alignMinLabel: "left", alignMaxLabel: "right",
        hideOverlap: true
      }
    };
    Object.keys(extra || {}).forEach(function (key) { axis[key] = extra[key]; });
    return axis;
  }

  /** A trend line: a gap (no value for a period) is bridged and every value keeps its
      symbol, so a sparse series reads as a line, not as isolated dots. */
  function trend(o) {
    var series = {
      name: o.name, type: "line", data: o.data,
      connectNulls: true, showSymbol: true, showAllSymbol: true,
      symbol: "circle", symbolSize: o.symbolSize || 6, smooth: !!o.smooth,
      lineStyle: { width: o.width || 2 }
    };
    if (o.color) {
      series.itemStyle = { color: o.color };
    }
    if (o.area !== false) {
      series.areaStyle = { opacity: o.area || 0.08 };
    }
    Object.keys(o.extra || {}).forEach(function (key) { series[key] = o.extra[key]; });
    return series;
  }

  /** Draws `option` in `el` (again, if it has a chart): the project's font, palette and
      animation; data-chart-height="N" sets the height (through CSSOM, which the CSP allows). */
  function draw(el, option) {
    if (!window.echarts || !el) {
      return null;
    }
    charts = charts.filter(function (c) {
      if (c.isDisposed() || !document.body.contains(c.getDom())) {
        if (!c.isDisposed()) { c.dispose(); }
        return false;
      }
      return true;
    });
    if (el.dataset.chartHeight) {
      el.style.height = Number(el.dataset.chartHeight) + "px";
    }
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
    if (!option.textStyle) { option.textStyle = { fontFamily: FONT }; }
    if (!option.color) { option.color = PALETTE; }
    if (option.animationDuration === undefined) { option.animationDuration = 400; }
    chart.setOption(option, true);
    if (charts.indexOf(chart) < 0) { charts.push(chart); }
    return chart;
  }

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // --- the charts of data-chart="kind" -------------------------------------------------------
  function pie(data) {
    return {
      tooltip: tooltip({
        content: function (p) {
          return { title: p.seriesName, rows: [{ color: p.color, label: p.name, value: p.value + " (" + p.percent + "%)" }] };
        }
      }),
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
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
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
      tooltip: tooltip({
        content: function (p) {
          var label = (p.data && p.data.label) || p.name;
          return { rows: [{ label: label, value: (p.data && p.data.value) || 0 }] };
        }
      }),
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
      tooltip: tooltip({
        content: function (p) { return { rows: [{ color: "#d63939", label: p.data.label }] }; }
      }),
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

  // Custom-order demand: the region × category heat map.
  function heatmap(d) {
    return {
      tooltip: tooltip({
        content: function (p) {
          return { rows: [{ color: p.color, label: d.y[p.value[1]] + " · " + d.x[p.value[0]], value: p.value[2] }] };
        }
      }),
      grid: { left: 8, right: 16, top: 8, bottom: 44, containLabel: true },
      xAxis: { type: "category", data: d.x, splitArea: { show: true }, axisLabel: { interval: 0, rotate: d.x.length > 5 ? 30 : 0 } },
      yAxis: { type: "category", data: d.y, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: d.max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 140, itemWidth: 12,
                   text: [d.high, d.low], inRange: { color: ["#e8f0fb", "#7aa7e0", "#1c58a8"] } },
      series: [{ name: d.title, type: "heatmap", data: d.cells, label: { show: true, fontSize: 11 },
                 emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,.25)" } } }]
    };
  }

  // Custom-order demand: horizontal bars (the most asked-for features).
  function hbar(d) {
    var items = d.items.slice().reverse();
    return {
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } } },
      yAxis: { type: "category", data: items.map(function (i) { return i.name; }), axisTick: { show: false } },
      series: [{ name: d.title, type: "bar", barMaxWidth: 22, itemStyle: { color: "#0ca678", borderRadius: [0, 4, 4, 0] },
                 data: items.map(function (i) { return i.value; }) }]
    };
  }

  var BUILDERS = { pie: pie, bar: bar, provinces: provinces, points: points, heatmap: heatmap, hbar: hbar };

  function init(el) {
    if (el.dataset.chartReady) {
      return;
    }
    var data = readData(el.dataset.source);
    var build = BUILDERS[el.dataset.chart || el.dataset.customChart];
    if (!data || !build || !window.echarts) {
      return;
    }
    el.dataset.chartReady = "1";
    draw(el, build(data));
  }

  function resizeAll() {
    charts.forEach(function (c) { if (!c.isDisposed()) { c.resize(); } });
  }

  // data-custom-chart: the custom-order demand page's heat map and feature bars.
  var SELECTOR = "[data-chart], [data-custom-chart]";

  function start() {
    document.querySelectorAll(SELECTOR).forEach(init);
  }

  window.RootsCharts = {
    escape: escape, tooltip: tooltip, text: text, unit: unit,
    dateAxis: dateAxis, trend: trend, draw: draw, readData: readData
  };

  // Charts inside content that htmx swapped in (a tab fetched on first view).
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelectorAll) {
      root.querySelectorAll(SELECTOR).forEach(init);
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
