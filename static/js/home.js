// Home page chart: persons registered and confirmed per month. The numbers come from a JSON data block
// (not executed, so the CSP allows it); the table under the chart shows the same numbers without script.
(function () {
  "use strict";
  var box = document.getElementById("placement-chart");
  if (!box || typeof window.echarts === "undefined") { return; }
  var source = document.getElementById(box.getAttribute("data-chart-source"));
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  box.classList.add("home-chart-ready");
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    aria: { enabled: true },
    color: ["#0b4f9c", "#146c43"],
    textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif", color: "#1f2328" },
    legend: { data: ["安置登记", "安置确认"], textStyle: { color: "#1f2328" } },
    grid: { left: 40, right: 16, top: 40, bottom: 40 },
    xAxis: { type: "category", data: data.months, axisLabel: { color: "#1f2328" } },
    yAxis: { type: "value", minInterval: 1, name: "人", axisLabel: { color: "#1f2328" } },
    series: [
      { name: "安置登记", type: "bar", data: data.registered, decal: { symbol: "rect" } },
      { name: "安置确认", type: "bar", data: data.confirmed }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
