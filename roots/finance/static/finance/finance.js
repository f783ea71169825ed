/* The credit gauge of the account overview: <div data-finance-gauge data-source="id"> reads
   its numbers (and translated labels) from the <script type="application/json" id="id">
   block the server rendered, so no inline script is needed under the CSP. Drawn with the
   shared helper window.RootsCharts (roots/static/roots/charts.js: escaped tooltips). */
(function () {
  "use strict";

  function money(value) {
    return "¥" + Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  }

  function gauge(C, data) {
    return {
      series: [{
        type: "gauge",
        startAngle: 200,
        endAngle: -20,
        min: 0,
        max: 100,
        radius: "95%",
        center: ["50%", "58%"],
        progress: { show: true, width: 16, roundCap: true },
        axisLine: {
          roundCap: true,
          lineStyle: {
            width: 16,
            color: [[0.7, "#e6f4ea"], [0.9, "#fff4e5"], [1, "#fde8e8"]]
          }
        },
        itemStyle: {
          color: data.used_percent >= 90 ? "#d63939" : data.used_percent >= 70 ? "#f59f00" : "#2fb344"
        },
        pointer: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        anchor: { show: false },
        title: { show: true, offsetCenter: [0, "32%"], fontSize: 13, color: "#667382" },
        detail: {
          valueAnimation: true,
          offsetCenter: [0, "-4%"],
          fontSize: 30,
          fontWeight: 600,
          formatter: C.unit("%"),
          color: "#182433"
        },
        data: [{ value: data.used_percent, name: data.labels.title }]
      }],
      tooltip: C.tooltip({
        content: function () {
          return {
            rows: [
              { label: data.labels.open_balance, value: money(data.open_balance) },
              { label: data.labels.open_orders, value: money(data.open_orders) },
              { label: data.labels.available, value: money(data.available) }
            ]
          };
        }
      })
    };
  }

  function start() {
    var C = window.RootsCharts;
    if (!C || !window.echarts) {
      return;
    }
    document.querySelectorAll("[data-finance-gauge]").forEach(function (el) {
      var data = C.readData(el.dataset.source);
      if (!data || el.dataset.ready) {
        return;
      }
      el.dataset.ready = "1";
      C.draw(el, gauge(C, data));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
