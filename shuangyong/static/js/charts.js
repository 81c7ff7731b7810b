// Charts drawn by the vendored ECharts from JSON the element carries in its
// data-chart attribute: no inline script (the CSP forbids it), and htmx swaps
// keep the data (they drop <script> elements, even JSON ones).
(function () {
  function barOption(d) {
    return {
      animation: false,  // printed pages and screenshots show the final figures
      tooltip: { trigger: "axis" },
      legend: { data: [d.labels.available, d.labels.earned] },
      grid: { left: 40, right: 10, top: 40, bottom: 90 },
      xAxis: { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: d.labels.available, type: "bar", data: d.available, itemStyle: { color: "#d9d9d9" } },
        { name: d.labels.earned, type: "bar", data: d.earned, itemStyle: { color: "#b71c1c" } }
      ]
    };
  }
  function lineOption(d) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [d.labels.score, d.labels.target] },
      grid: { left: 40, right: 10, top: 40, bottom: 40 },
      xAxis: { type: "category", data: d.dates },
      yAxis: { type: "value", max: 100 },
      series: [
        { name: d.labels.score, type: "line", data: d.scores, itemStyle: { color: "#b71c1c" } },
        { name: d.labels.target, type: "line", data: d.dates.map(function () { return d.target; }),
          lineStyle: { type: "dashed" }, itemStyle: { color: "#555" }, symbol: "none" }
      ]
    };
  }
  function seriesOption(d) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: d.series.map(function (s) { return s.name; }) },
      grid: { left: 60, right: 10, top: 40, bottom: 90 },
      xAxis: { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, itemStyle: { color: "#b71c1c" } };
      })
    };
  }
  function render() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      var data = JSON.parse(el.getAttribute("data-chart"));
      var kind = el.getAttribute("data-chart-kind") || "bar";
      var option = kind === "line" ? lineOption(data) : kind === "series" ? seriesOption(data) : barOption(data);
      chart.setOption(option, true);
      el.setAttribute("data-rendered", "1");
    });
  }
  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:afterSettle", render);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
