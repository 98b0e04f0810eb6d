// Statistics page charts (申办系统 → 统计). The numbers come from a JSON data block (not executed, so the CSP
// allows it); the table under each chart shows the same numbers and stays the primary content.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var source = document.getElementById("statistics-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var text = { fontFamily: "Noto Sans CJK SC, sans-serif", color: "#1f2328" };
  var palette = ["#5b6f86", "#0b4f9c", "#146c43", "#997404", "#b02a37"];
  var charts = [];

  function draw(name, option) {
    var box = document.querySelector('[data-chart="' + name + '"]');
    if (!box) { return; }
    box.classList.add("home-chart-ready");
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    option.animation = false;
    option.aria = { enabled: false };
    option.textStyle = text;
    chart.setOption(option);
    charts.push(chart);
  }

  var axis = { axisLabel: { color: "#1f2328" } };
  draw("status", {
    color: palette,
    grid: { left: 48, right: 16, top: 24, bottom: 40 },
    xAxis: { type: "category", data: data.statuses, axisLabel: axis.axisLabel },
    yAxis: { type: "value", minInterval: 1, name: "人次", axisLabel: axis.axisLabel },
    series: [{ type: "bar", data: data.by_status, colorBy: "data", label: { show: true, position: "top" } }]
  });
  if (data.regions.length) {
    draw("region", {
      color: palette,
      legend: { data: data.statuses, textStyle: text },
      grid: { left: 48, right: 16, top: 48, bottom: 64 },
      xAxis: { type: "category", data: data.regions, axisLabel: { color: "#1f2328", interval: 0, rotate: data.regions.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1, name: "人次", axisLabel: axis.axisLabel },
      series: data.statuses.map(function (label, i) {
        return { name: label, type: "bar", stack: "status", data: data.by_region[i] };
      })
    });
  }
  draw("checks", {
    color: ["#0b4f9c"],
    grid: { left: 8, right: 56, top: 16, bottom: 32, containLabel: true },
    xAxis: { type: "value", min: 0, max: 100, name: "%", axisLabel: axis.axisLabel },
    yAxis: { type: "category", inverse: true, data: data.checks, axisLabel: axis.axisLabel },
    series: [{ type: "bar", data: data.pass_rates, label: { show: true, position: "right", formatter: "{c}%" } }]
  });
  draw("backlog", {
    color: ["#997404"],
    grid: { left: 48, right: 16, top: 24, bottom: 40 },
    xAxis: { type: "category", data: data.backlog_labels, axisLabel: axis.axisLabel },
    yAxis: { type: "value", minInterval: 1, name: "人次", axisLabel: axis.axisLabel },
    series: [{ type: "bar", data: data.backlog, label: { show: true, position: "top" } }]
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
