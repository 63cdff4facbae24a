/* The dashboard's two charts, drawn from the numbers the page already prints (json_script
   "dashboard-data"). No animation (old laptops), large type (projectors), and every line told
   apart by its dash and point shape as well as its colour. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
  var DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 0], [6, 2]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded"];

  var number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });

  var narrow = window.matchMedia("(max-width: 575.98px)").matches;

  function setDefaults() {
    Chart.defaults.font.size = narrow ? 12 : 16;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#212529";
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.position = "bottom";
    Chart.defaults.plugins.legend.labels.usePointStyle = true;
    Chart.defaults.plugins.legend.labels.boxWidth = narrow ? 10 : 14;
    Chart.defaults.plugins.legend.labels.padding = narrow ? 6 : 10;
    Chart.defaults.elements.point.radius = narrow ? 4 : 6;
    Chart.defaults.plugins.tooltip.bodyFont = { size: 15 };
    Chart.defaults.plugins.tooltip.titleFont = { size: 15 };
  }

  function trendChart(canvas, data) {
    var datasets = data.trend.map(function (line, i) {
      return {
        label: line.label,
        data: line.values,
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        borderWidth: narrow ? 2 : 3,
        spanGaps: false,
      };
    });
    return new Chart(canvas, {
      type: "line",
      data: { labels: data.years.map(String), datasets: datasets },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0 } },
          y: {
            min: 0, suggestedMax: 100,
            title: { display: !narrow, text: data.percent_axis },
            ticks: { callback: function (v) { return number.format(v) + "%"; } },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + (ctx.parsed.y === null ? "-" : number.format(ctx.parsed.y) + "%");
              },
            },
          },
        },
      },
    });
  }

  function povertyChart(canvas, data) {
    var p = data.poverty;
    return new Chart(canvas, {
      data: {
        labels: p.years.map(String),
        datasets: [
          { type: "bar", label: p.labels.poor, data: p.poor, backgroundColor: "#D55E00", stack: "h", yAxisID: "y",
            order: 2 },
          { type: "bar", label: p.labels.near_poor, data: p.near_poor, backgroundColor: "#E69F00", stack: "h",
            yAxisID: "y", order: 2, borderColor: "#7a5200", borderWidth: 1 },
          { type: "line", label: p.labels.rate, data: p.rate, borderColor: "#0072B2", backgroundColor: "#0072B2",
            borderWidth: 3, pointStyle: "rectRot", yAxisID: "y1", order: 1 },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, title: { display: !narrow, text: data.count_axis },
               ticks: { precision: 0, callback: function (v) { return number.format(v); } } },
          y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                title: { display: !narrow, text: data.percent_axis },
                ticks: { callback: function (v) { return number.format(v) + "%"; } } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed.y;
                if (v === null) return ctx.dataset.label + ": -";
                return ctx.dataset.label + ": " + number.format(v) + (ctx.dataset.yAxisID === "y1" ? "%" : "");
              },
            },
          },
        },
      },
    });
  }

  ready(function () {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    setDefaults();
    var trend = document.getElementById("trend-chart");
    if (trend && data.trend.length) trendChart(trend, data);
    else if (trend) trend.closest(".vl-chart").hidden = true;
    var poverty = document.getElementById("poverty-chart");
    var hasPoverty = data.poverty.poor.some(function (v) { return v !== null; });
    if (poverty && hasPoverty) povertyChart(poverty, data);
    else if (poverty) poverty.closest(".vl-chart").hidden = true;
  });
})();
