/* The credit gauge of the account overview: <div data-finance-gauge data-source="id"> reads
   its numbers (and translated labels) from the <script type="application/json" id="id">
   block the server rendered, so no inline script is needed under the CSP. */
(function () {
  "use strict";

  var FONT = '"Inter", system-ui, -apple-system, "Segoe UI", "PingFang SC", ' +
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  function money(value) {
    return "¥" + Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  }

  function gauge(el) {
    var node = document.getElementById(el.dataset.source);
    if (!node || !window.echarts || el.dataset.ready) {
      return;
    }
    el.dataset.ready = "1";
    var data = JSON.parse(node.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT },
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
          formatter: "{value}%",
          color: "#182433"
        },
        data: [{ value: data.used_percent, name: data.labels.title }]
      }],
      tooltip: {
        formatter: function () {
          return data.labels.open_balance + ": " + money(data.open_balance) + "<br>" +
            data.labels.open_orders + ": " + money(data.open_orders) + "<br>" +
            data.labels.available + ": " + money(data.available);
        }
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    document.querySelectorAll("[data-finance-gauge]").forEach(gauge);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
