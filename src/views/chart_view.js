// The chart view: the series of a show_chart answer (from view_data) as lines, areas or bars, one
// dataset per series, hover tooltips, and a time axis in the analyst's time zone. Chart.js 3 has
// no time axis without a date adapter, so times are a linear axis of epoch milliseconds whose
// ticks and labels are made here with Intl.DateTimeFormat.
"use strict";

const kSecond = 1000;
const kMinute = 60 * kSecond;
const kHour = 60 * kMinute;
const kDay = 24 * kHour;
// Tick steps of a time axis, shortest first; longer ranges tick at month starts.
const kTimeSteps = [kSecond, 5 * kSecond, 15 * kSecond, 30 * kSecond, kMinute, 5 * kMinute, 15 * kMinute,
                    30 * kMinute, kHour, 3 * kHour, 6 * kHour, 12 * kHour, kDay, 2 * kDay, 7 * kDay, 14 * kDay];
const kMonthSteps = [1, 3, 6, 12, 24, 60, 120];
const kAverageMonth = 30.44 * kDay;
// Pixels per tick label: a date and a time side by side need about this much.
const kTickSpacing = 110;
// Points per series; beyond this the dots hide the line, and only hovering shows them.
const kDotsUpTo = 60;

let chart = null;
let timeStep = kHour;  // of the time axis drawn last

// ---------------------------------------------------------------------------
// The time axis.

// Numeric parts, whatever the analyst's locale writes: for the zone's offset and month starts.
function zoneParts(ms) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: timeZone(), hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric",
  });
  return Object.fromEntries(format.formatToParts(ms).map(({ type, value }) => [type, Number(value)]));
}

// How far the analyst's clock is ahead of UTC at `ms`.
function zoneOffset(ms) {
  const p = zoneParts(ms);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / kSecond) * kSecond;
}

// Round times on the analyst's clock (whole hours, midnights, month starts) within [min, max].
function timeTicks(min, max, count) {
  timeStep = kTimeSteps.find((step) => (max - min) / step <= count);
  if (timeStep === undefined) return monthTicks(min, max, count);
  const offset = zoneOffset(min);
  const ticks = [];
  for (let t = Math.ceil((min + offset) / timeStep) * timeStep - offset; t <= max; t += timeStep) {
    ticks.push({ value: t });
  }
  return ticks;
}

function monthTicks(min, max, count) {
  const months = kMonthSteps.find((m) => (max - min) / (m * kAverageMonth) <= count) ?? kMonthSteps.at(-1);
  timeStep = months * kAverageMonth;
  const start = zoneParts(min);
  const ticks = [];
  for (let i = Math.ceil((start.year * 12 + start.month - 1) / months) * months; ; i += months) {
    const local = Date.UTC(Math.floor(i / 12), i % 12, 1);
    const t = local - zoneOffset(local);
    if (t > max) return ticks;
    if (t >= min) ticks.push({ value: t });
  }
}

// A time tick's label: the time of day, with the date under the first tick of each day.
function timeLabel(value, index, ticks) {
  const day = timeFormat({ day: "numeric", month: "short" });
  if (timeStep >= 27 * kDay) return timeFormat({ month: "short", year: "numeric" }).format(value);
  if (timeStep >= kDay) return day.format(value);
  const clock = timeFormat(timeStep < kMinute ? { timeStyle: "medium" } : { timeStyle: "short" }).format(value);
  const newDay = index === 0 || day.format(ticks[index - 1].value) !== day.format(value);
  return newDay ? [clock, day.format(value)] : clock;
}

// ---------------------------------------------------------------------------
// The chart.

function applyTheme() {
  Chart.defaults.color = themeColour("--color-text-secondary");
  Chart.defaults.borderColor = themeColour("--color-border-primary");
  Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue("--font-sans");
  chart?.update();
}

function dataset(series, index, kind, toX) {
  const colour = kPalette[index % kPalette.length];
  return {
    label: series.name,
    data: series.points.map(([x, y]) => ({ x: toX(x), y })),
    borderColor: colour,
    backgroundColor: kind === "area" ? `${colour}40` : colour,
    fill: kind === "area" ? "origin" : false,
    pointRadius: series.points.length > kDotsUpTo ? 0 : 2.5,
    borderWidth: kind === "bar" ? 0 : 2,
  };
}

function xAxis(data, labels, formatX) {
  const title = { display: true, text: data.x.type === "time" ? `${data.x.column} (${timeZone()})` : data.x.column };
  if (labels) return { type: "category", labels, title };
  const axis = { type: "linear", bounds: "data", offset: data.chart === "bar", title };
  if (data.x.type !== "time") return axis;
  return {
    ...axis,
    afterBuildTicks: (scale) => { scale.ticks = timeTicks(scale.min, scale.max, Math.max(2, scale.width / kTickSpacing)); },
    ticks: { callback: timeLabel, maxRotation: 0, autoSkip: false },
  };
}

function extent(values) {
  return values.reduce(([min, max], v) => [v < min ? v : min, v > max ? v : max], [values[0], values[0]]);
}

function drawChart(data) {
  const time = data.x.type === "time";
  const toX = time ? Date.parse : (x) => x;
  const datasets = data.series.map((series, i) => dataset(series, i, data.chart, toX));
  const xs = datasets.flatMap((set) => set.data.map((point) => point.x));
  const labels = data.x.type === "text" ? [...new Set(xs)] : null;
  const long = timeFormat({ dateStyle: "medium", timeStyle: "medium" });
  const formatX = time ? (x) => long.format(x) : (x) => String(labels ? labels[x] : x);
  const several = datasets.length > 1;
  chart?.destroy();
  chart = new Chart(document.getElementById("chart"), {
    type: data.chart === "bar" ? "bar" : "line",
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: xAxis(data, labels, formatX),
        y: { beginAtZero: data.chart !== "line", title: { display: true, text: data.y_columns.join(", ") } },
      },
      plugins: {
        legend: { display: several },
        tooltip: { callbacks: { title: (items) => formatX(items[0].parsed.x) } },
      },
    },
  });
  const range = xs.length === 0 ? [] : labels ? [labels[0], labels.at(-1)] : extent(xs);
  window.famView = {
    kind: "chart",
    chart: data.chart,
    series: datasets.length,
    points: xs.length,
    legend: several ? datasets.map((set) => set.label) : [],
    xRange: time ? range.map((x) => new Date(x).toISOString()) : range,
    xTicks: chart.scales.x.ticks.map((tick) => tick.label),
  };
}

onHostContextChange(applyTheme);
startView("chart", drawChart);
