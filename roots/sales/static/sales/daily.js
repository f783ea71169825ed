/* The daily board (日清) and its team view. Loaded as a static file (the CSP allows no
   inline script).
   - On the board, htmx swaps the board back also when the server refuses a step (400: the
     carry-over reason is missing, the task has no title; 409: the day is over), so that
     the form shows its error in place.
   - On the team view, the line of the team's daily clearing rate, from the json_script
     block "daily-team-chart" (labels are translated by the server). */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    var status = event.detail.xhr && event.detail.xhr.status;
    if (elt && elt.closest && elt.closest("[data-daily-board]") && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  var FONT = '"Inter", system-ui, -apple-system, "Segoe UI", "PingFang SC", ' +
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  function drawTeamChart(el) {
    var node = document.getElementById(el.dataset.source);
    if (!node || !window.echarts) {
      return null;
    }
    var data = JSON.parse(node.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT },
      animationDuration: 400,
      color: ["#2fb344", "#206bc4"],
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var i = params[0].dataIndex;
          var rate = data.rates[i];
          return data.labels[i] + "<br>" + data.series + ": " + (rate === null ? "—" : rate + "%") +
            "<br>" + data.done_label + ": " + data.done[i] + " / " + data.items_label + ": " + data.items[i];
        }
      },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, boundaryGap: false, axisTick: { show: false } },
      yAxis: {
        type: "value", min: 0, max: 100,
        axisLabel: { formatter: "{value}%" },
        splitLine: { lineStyle: { color: "#eef1f5" } }
      },
      series: [{
        name: data.series,
        type: "line",
        smooth: true,
        connectNulls: false,
        symbolSize: 7,
        areaStyle: { opacity: 0.12 },
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#d63939" },
                    label: { position: "insideEndTop", formatter: "90%" }, data: [{ yAxis: 90 }] },
        data: data.rates
      }]
    });
    return chart;
  }

  function start() {
    var charts = [];
    document.querySelectorAll("[data-daily-chart]").forEach(function (el) {
      var chart = drawTeamChart(el);
      if (chart) {
        charts.push(chart);
      }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
