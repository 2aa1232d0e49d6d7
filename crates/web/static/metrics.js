/* Zhixing metrics pages: draws each chart from its JSON block with ECharts.
 *
 * A chart is an element with data-chart="ID", where ID names a <script type="application/json">
 * block holding {kind: "trend" | "bars", ...} (built by crates/web/src/metrics.rs). Pages without
 * such elements, or a browser without ECharts, are left alone: every chart has a table beside it.
 * No inline script or style is needed, so the pages keep a strict Content-Security-Policy; the
 * tooltip is drawn on the canvas (renderMode "richText") rather than as styled HTML for the same
 * reason.
 */
(function () {
  "use strict";

  var charts = [];

  function readData(id) {
    var block = document.getElementById(id);
    if (!block) return null;
    try {
      return JSON.parse(block.textContent);
    } catch (e) {
      return null;
    }
  }

  function narrow() {
    return window.matchMedia && window.matchMedia("(max-width: 40em)").matches;
  }

  function withUnit(unit) {
    return function (v) {
      return v === null || v === undefined ? "—" : v + (unit || "");
    };
  }

  function base(dark) {
    var size = dark ? 18 : 13;
    return {
      backgroundColor: "transparent",
      textStyle: { fontSize: size },
      tooltip: { trigger: "axis", renderMode: "richText", confine: true },
      legend: { top: 0, textStyle: { fontSize: size } },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true }
    };
  }

  function trendOption(d, dark) {
    var o = base(dark);
    var colours = dark ? ["#5b9bd5", "#70c28a", "#f2b705"] : ["#16365c", "#4f8f5f", "#a61b1b"];
    o.color = colours;
    o.xAxis = {
      type: "category",
      data: d.labels,
      axisLabel: { hideOverlap: true, fontSize: dark ? 16 : 12 }
    };
    o.yAxis = [
      { type: "value", name: d.bar_axis || "", minInterval: 1 },
      { type: "value", name: d.line.unit, axisLabel: { formatter: "{value}" + d.line.unit }, min: 0, max: 100 }
    ];
    o.series = d.bars.map(function (b) {
      return { type: "bar", name: b.name, data: b.data, barMaxWidth: 28 };
    });
    o.series.push({
      type: "line",
      name: d.line.name,
      data: d.line.data,
      yAxisIndex: 1,
      connectNulls: true,
      symbolSize: dark ? 10 : 6,
      lineStyle: { width: dark ? 4 : 2 },
      tooltip: { valueFormatter: withUnit(d.line.unit) }
    });
    return o;
  }

  function barsOption(d, dark) {
    var o = base(dark);
    var s = d.series[0] || { name: "", data: [] };
    // The first row (the best, or the first team) is drawn at the top.
    var labels = d.labels.slice().reverse();
    var data = s.data.slice().reverse();
    o.color = [dark ? "#5b9bd5" : "#16365c"];
    o.legend = { show: false };
    o.grid.top = 8;
    o.tooltip.valueFormatter = withUnit(d.unit);
    o.xAxis = { type: "value", axisLabel: { formatter: "{value}" + (d.unit || "") } };
    o.yAxis = {
      type: "category",
      data: labels,
      axisLabel: { width: narrow() ? 90 : 160, overflow: "truncate", fontSize: dark ? 16 : 12 }
    };
    o.series = [{
      type: "bar",
      name: s.name,
      data: data,
      barMaxWidth: 24,
      label: { show: true, position: "right", formatter: function (p) { return withUnit(d.unit)(p.value); } }
    }];
    return o;
  }

  function draw(el) {
    var d = readData(el.getAttribute("data-chart"));
    if (!d) return;
    var dark = el.hasAttribute("data-dark");
    var option = d.kind === "trend" ? trendOption(d, dark) : d.kind === "bars" ? barsOption(d, dark) : null;
    if (!option) return;
    // A long list of bars (the teams of a whole city) needs room for each label on a page;
    // the wall keeps its fixed height. A height set through the DOM is not an inline style
    // attribute, so the CSP allows it.
    if (!dark && d.kind === "bars" && d.labels.length > 10) {
      el.style.height = (d.labels.length * 26 + 40) + "px";
    }
    var chart = window.echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    chart.setOption(option);
    el.classList.add("is-drawn");
    charts.push(chart);
  }

  function start() {
    var els = document.querySelectorAll("[data-chart]");
    if (!els.length || !window.echarts) return;
    Array.prototype.forEach.call(els, draw);
    var pending = null;
    // Phones turn and windows resize: redraw to the new width, at most every 150 ms.
    window.addEventListener("resize", function () {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (c) { c.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
