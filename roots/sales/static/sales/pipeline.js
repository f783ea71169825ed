/* The pipeline pages: drag-and-drop on the board (an enhancement of the stage <select>), the
   forecast chart, the priority matrix chart, and the worksheet's live score. A refused move
   (400, 409, 412) answers the board with the reason, which the global htmx handling of the
   base layout (roots/static/roots/htmx-errors.js) swaps in place. Charts are built with the
   shared helper window.RootsCharts (roots/static/roots/charts.js: escaped tooltips). Data
   comes from <script type="application/json"> blocks rendered by the server (labels
   translated there), so no inline script is needed under the CSP. */
(function () {
  "use strict";

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function money(value) {
    return "¥" + Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  }

  // --- the board: drag a card onto a column = choose that stage in the card's <select>.
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".sales-card[draggable='true']");
    if (!card) { return; }
    dragged = card;
    card.classList.add("sales-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.code || "");
  });
  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("sales-dragging"); }
    dragged = null;
    document.querySelectorAll(".sales-drop-target").forEach(function (el) { el.classList.remove("sales-drop-target"); });
  });
  document.addEventListener("dragover", function (event) {
    var zone = dragged && event.target.closest && event.target.closest("[data-drop-stage]");
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.add("sales-drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-drop-stage]");
    if (zone && !zone.contains(event.relatedTarget)) { zone.classList.remove("sales-drop-target"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = dragged && event.target.closest && event.target.closest("[data-drop-stage]");
    if (!zone) { return; }
    event.preventDefault();
    var select = dragged.querySelector("[data-move-form] select[name='stage']");
    var stage = zone.dataset.dropStage;
    if (select && stage && select.value !== stage) {
      select.value = stage;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // --- charts ---------------------------------------------------------------------------------
  function forecast(C, d) {
    return {
      tooltip: C.tooltip({
        trigger: "axis", axisPointer: { type: "shadow" },
        content: function (items) {
          var i = items[0].dataIndex;
          return {
            title: d.labels[i],
            rows: [
              { color: "#206bc4", label: d.names.weighted, value: money(d.weighted[i]) },
              { label: d.names.unweighted, value: money(d.unweighted[i]) },
              { color: "#2fb344", label: d.names.won, value: money(d.won[i]) }
            ]
          };
        }
      }),
      legend: { top: 0, data: [d.names.weighted, d.names.rest, d.names.won] },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.labels, axisTick: { show: false } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } },
               axisLabel: { formatter: C.text(money) } },
      series: [
        { name: d.names.weighted, type: "bar", stack: "pipeline", data: d.weighted, barMaxWidth: 36, itemStyle: { color: "#206bc4" } },
        { name: d.names.rest, type: "bar", stack: "pipeline", data: d.rest, barMaxWidth: 36, itemStyle: { color: "#a6c4ea", borderRadius: [4, 4, 0, 0] } },
        { name: d.names.won, type: "bar", stack: "won", data: d.won, barMaxWidth: 36, itemStyle: { color: "#2fb344", borderRadius: [4, 4, 0, 0] } }
      ]
    };
  }

  function matrix(C, d, mode) {
    var revenue = mode === "revenue";
    var series = d.priorities.map(function (p) {
      return {
        name: p, type: "scatter", itemStyle: { color: d.colours[p], opacity: .85 },
        symbolSize: function (v) { return revenue ? 12 : Math.max(8, Math.min(36, Math.sqrt(v[2] || 0) / 40)); },
        data: d.items.filter(function (i) { return i.priority === p && (revenue || i.share !== null); }).map(function (i) {
          var point = revenue ? [i.current, i.potential, i.potential] : [Math.min(i.share, 150), i.score, i.potential];
          return { value: point, name: i.name, item: i };
        })
      };
    });
    var lines = revenue
      ? [[{ coord: [0, 0] }, { coord: [maxOf(d, "potential") * d.thresholds.share / 100, maxOf(d, "potential")] }]]
      : [[{ xAxis: d.thresholds.share, yAxis: 0 }, { xAxis: d.thresholds.share, yAxis: 100 }],
         [{ xAxis: 0, yAxis: d.thresholds.score }, { xAxis: 150, yAxis: d.thresholds.score }]];
    var quadrants = revenue ? [] : [
      [{ name: "A", xAxis: 0, yAxis: d.thresholds.score }, { xAxis: d.thresholds.share, yAxis: 100 }],
      [{ name: "A+", xAxis: d.thresholds.share, yAxis: d.thresholds.score }, { xAxis: 150, yAxis: 100 }],
      [{ name: "C", xAxis: 0, yAxis: 0 }, { xAxis: d.thresholds.share, yAxis: d.thresholds.score }],
      [{ name: "B", xAxis: d.thresholds.share, yAxis: 0 }, { xAxis: 150, yAxis: d.thresholds.score }]
    ];
    series.push({
      type: "scatter", data: [], silent: true,
      markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#667382" }, label: { show: false }, data: lines },
      markArea: {
        silent: true, itemStyle: { color: "rgba(0, 0, 0, 0)" },
        label: { show: true, position: "insideTopLeft", color: "#9aa0ac", fontSize: 18, fontWeight: "bold" },
        data: quadrants
      }
    });
    return {
      tooltip: C.tooltip({
        content: function (p) {
          var i = p.data && p.data.item;
          if (!i) { return null; }
          var rows = [
            { label: d.labels.score, value: i.score },
            { label: d.labels.current, value: money(i.current) },
            { label: d.labels.potential, value: money(i.potential) }
          ];
          if (i.share !== null) { rows.push({ label: d.labels.share, value: i.share + "%" }); }
          rows.unshift({ color: p.color, label: i.name + " (" + i.code + ") · " + i.priority });
          return { rows: rows };
        }
      }),
      legend: { top: 0, data: d.priorities },
      grid: { left: 24, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: revenue
        ? { type: "value", name: d.labels.current, nameLocation: "middle", nameGap: 28, axisLabel: { formatter: C.text(money) }, splitLine: { lineStyle: { color: "#eef1f5" } } }
        : { type: "value", name: d.labels.share, nameLocation: "middle", nameGap: 28, min: 0, max: 150, splitLine: { lineStyle: { color: "#eef1f5" } } },
      yAxis: revenue
        ? { type: "value", name: d.labels.potential, nameLocation: "middle", nameGap: 72, axisLabel: { formatter: C.text(money) }, splitLine: { lineStyle: { color: "#eef1f5" } } }
        : { type: "value", name: d.labels.score, nameLocation: "middle", nameGap: 36, min: 0, max: 100, splitLine: { lineStyle: { color: "#eef1f5" } } },
      series: series
    };
  }

  function maxOf(d, key) {
    var max = 1;
    d.items.forEach(function (i) { max = Math.max(max, i[key] || 0); });
    return max;
  }

  function initCharts(root) {
    var C = window.RootsCharts;
    if (!window.echarts || !C) { return; }
    root.querySelectorAll("[data-sales-chart]").forEach(function (el) {
      var d = readData(el.dataset.source);
      if (!d) { return; }
      if (el.dataset.salesChart === "forecast") {
        C.draw(el, forecast(C, d));
      } else if (el.dataset.salesChart === "matrix") {
        C.draw(el, matrix(C, d, el.dataset.mode || "matrix"));
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-matrix-mode]");
    if (!button) { return; }
    var el = document.querySelector("[data-sales-chart='matrix']");
    if (!el) { return; }
    el.dataset.mode = button.dataset.matrixMode;
    document.querySelectorAll("[data-matrix-mode]").forEach(function (b) {
      b.classList.toggle("active", b === button);
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    initCharts(el.parentNode);
  });

  // --- the worksheet: score and priority as the criteria are chosen --------------------------
  function worksheet(form) {
    var d = readData("sales-worksheet-data");
    if (!d) { return; }
    function update() {
      var total = 0, complete = true;
      d.fields.forEach(function (name) {
        var checked = form.querySelector("input[name='" + name + "']:checked");
        if (checked) { total += Number(checked.value); } else { complete = false; }
      });
      var score = Math.round(total * 100 / d.max_total);
      var potential = Number((form.querySelector("[name='potential_revenue']") || {}).value || 0);
      var scoreEl = document.querySelector("[data-preview='score']");
      var priorityEl = document.querySelector("[data-preview='priority']");
      if (scoreEl) { scoreEl.textContent = complete ? String(score) : "—"; }
      if (priorityEl) {
        var priority = "—";
        if (complete && potential >= 0) {
          var high = score >= d.threshold_score;
          var current = d.current >= potential * d.threshold_share;
          priority = high ? (current ? "A+" : "A") : (current ? "B" : "C");
        }
        priorityEl.textContent = priority;
      }
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  function start() {
    initCharts(document);
    document.querySelectorAll("[data-sales-worksheet]").forEach(worksheet);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root.querySelectorAll) { initCharts(root); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
