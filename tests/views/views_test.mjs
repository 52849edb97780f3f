// End-to-end test of the MCP Apps views (src/views) in Debian's Chromium, driven by puppeteer-core.
// Run by views_test.sh, which installs puppeteer-core and sets FAM_VIEWS_MODULES.
//
//   node views_test.mjs [--fixtures-only]
//
// Fixtures: each view draws the JSON files of tests/views/fixtures (lines, polygons, categories,
// text and month axes), its view_data answered by this script. Server (unless --fixtures-only):
// the real binary over stdio, as a client that shows views: tools/list, resources/list and /read,
// show_map and show_chart drawn in host.html with view_data proxied to the binary, the counts
// checked against the query tool, a handle that is unknown, and tiles that cannot be reached.
// Every view must make no request (tiles aside) and raise no error; each leaves a screenshot.
//
// Environment:
//   FAM_VIEWS_MODULES       the node_modules directory holding puppeteer-core (views_test.sh)
//   FAM_VIEWS_HTML_DIR      the built map.html and chart.html (CTest: fam_views' build directory)
//   FAM_SERVER_BINARY       the fleet-analytics-mcp binary (not needed with --fixtures-only)
//   FAM_RO_URL, FAM_RO_PASSWORD_FILE   the sandbox database (scripts/pg_sandbox.sh env)
//   FAM_CHROMIUM            the browser (default /usr/lib/chromium/chromium, else /usr/bin/chromium)
//   FAM_VIEWS_ARTIFACTS     where the screenshots go (default: the current directory)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixturesOnly = process.argv.includes("--fixtures-only");
const modules = need("FAM_VIEWS_MODULES");
const puppeteer = createRequire(path.join(modules, "..", "package.json"))("puppeteer-core");
const htmlDir = need("FAM_VIEWS_HTML_DIR");
const artifacts = process.env.FAM_VIEWS_ARTIFACTS || process.cwd();
const chromium = process.env.FAM_CHROMIUM ||
  ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((file) => existsSync(file));

const kUi = "io.modelcontextprotocol/ui";
const kMimeType = "text/html;profile=mcp-app";
const kMapUri = "ui://fleet-analytics/map";
const kChartUri = "ui://fleet-analytics/chart";
const kConfigElement = '<script id="fam-config" type="application/json">{"tiles":null}</script>';
// Port 9 (discard) on the loopback: nothing answers, as when the analyst is offline.
const kDeadTiles = "http://127.0.0.1:9/{z}/{x}/{y}.png";
const kDrawLimitMs = 60_000;  // a view's time to draw; an AddressSanitizer server is slow
const kRequestLimitMs = 120_000;

const kMapSql = "SELECT imei, gps_time, speed_kmh, geom FROM tracksolid.positions ORDER BY gps_time LIMIT 3000";
const kChartSql = "SELECT date_trunc('hour', gps_time) AS hour, imei, avg(speed_kmh) AS avg_speed " +
  "FROM tracksolid.positions GROUP BY 1, 2 ORDER BY 1";
const kChartFacts = "SELECT count(DISTINCT imei) AS series, min(date_trunc('hour', gps_time)) AS first, " +
  "max(date_trunc('hour', gps_time)) AS last FROM tracksolid.positions";

// What the analyst's host says about itself: dark, in Berlin (so that UTC would show).
const hostContext = {
  theme: "dark",
  styles: {
    variables: {
      "--color-background-primary": "light-dark(#ffffff, #1f1e1d)",
      "--color-text-primary": "light-dark(#141413, #f5f4ef)",
      "--color-border-primary": "light-dark(#d9d8d2, #3e3e38)",
      "--font-sans": "DejaVu Sans, sans-serif",
    },
  },
  displayMode: "inline",
  containerDimensions: { width: 800, maxHeight: 520 },
  locale: "en-GB",
  timeZone: "Europe/Berlin",
  platform: "desktop",
};

function need(name) {
  if (!process.env[name]) fatal(`${name} is not set (run through views_test.sh, or see its header)`);
  return process.env[name];
}

function fatal(message) {
  console.error(`views_test: error: ${message}`);
  process.exit(2);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function same(actual, expected, what) {
  check(JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function textOf(result) {
  return (result.content ?? []).filter((block) => block.type === "text").map((block) => block.text).join("\n");
}

// ---------------------------------------------------------------------------
// The server, as an MCP client over stdio (one JSON-RPC message per line).

class Server {
  constructor(extraArgs = []) {
    const args = ["--database-url", need("FAM_RO_URL"), "--database-password-file", need("FAM_RO_PASSWORD_FILE"),
      ...extraArgs];
    this.process = spawn(need("FAM_SERVER_BINARY"), args, { stdio: ["pipe", "pipe", "pipe"] });
    this.pending = new Map();
    this.nextId = 1;
    this.stderr = "";
    this.process.stderr.on("data", (chunk) => { this.stderr = (this.stderr + chunk).slice(-4000); });
    this.process.on("exit", (code, signal) => {
      for (const { reject } of this.pending.values()) {
        reject(new Error(`the server exited (${signal ?? code}); its last words: ${this.stderr}`));
      }
    });
    readline.createInterface({ input: this.process.stdout }).on("line", (line) => this.receive(line));
  }

  receive(line) {
    const message = JSON.parse(line);
    const pending = this.pending.get(message.id);
    if (message.method !== undefined || !pending) return;  // notifications: logs, progress
    this.pending.delete(message.id);
    if (message.error) pending.reject(new Error(`${message.error.message} (${message.error.code})`));
    else pending.resolve(message.result);
  }

  request(method, params = {}) {
    const id = this.nextId++;
    this.process.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => reject(new Error(`no answer to ${method} within ${kRequestLimitMs} ms`)), kRequestLimitMs);
    });
  }

  // A client that shows views, as the MCP Apps specification has it declare.
  async initialize() {
    const result = await this.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: { extensions: { [kUi]: { mimeTypes: [kMimeType] } } },
      clientInfo: { name: "views_test", version: "1" },
    });
    this.process.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    return result;
  }

  async call(name, args) {
    return this.request("tools/call", { name, arguments: args });
  }

  close() {
    this.process.stdin.end();
    setTimeout(() => this.process.kill(), 2000).unref();
  }
}

// ---------------------------------------------------------------------------
// The browser: host.html in a page that may reach nothing but about:, data: and blob:.

let browser;
let page;
let requestsOut = [];
let pageErrors = [];
let answerViewData;  // (params) -> CallToolResult, for the view shown now

async function openBrowser() {
  check(chromium, "no Chromium: apt-get install chromium, or set FAM_CHROMIUM");
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-gpu", "--no-first-run"],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 840, height: 640 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (/^(about|data|blob):/.test(request.url())) return request.continue();
    requestsOut.push(request.url());
    return request.abort();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
  });
  await page.exposeFunction("famServerCall", async (params) => JSON.stringify(await answerViewData(JSON.parse(params))));
}

// Shows `html` in the test host with `toolResult`, waits until it has drawn (or failed), and
// returns its test hooks, the state, the message shown, and the frame.
async function show(html, toolInput, toolResult, viewData, context = hostContext) {
  requestsOut = [];
  pageErrors = [];
  answerViewData = viewData;
  await page.setContent(readFileSync(path.join(here, "host.html"), "utf8"));
  await page.evaluate((view, setup) => window.famHost.show(view, setup), html,
    { hostContext: context, toolInput, toolResult });
  const frame = (await (await page.waitForSelector("#view")).contentFrame());
  await frame.waitForFunction(() => ["drawn", "error"].includes(document.body?.dataset.state),
    { timeout: kDrawLimitMs });
  await new Promise((resolve) => setTimeout(resolve, 300));  // size-changed, late errors
  const state = await frame.evaluate(() => ({
    state: document.body.dataset.state,
    message: document.getElementById("message").textContent,
    view: window.famView,
  }));
  return { ...state, frame };
}

async function screenshot(name) {
  mkdirSync(artifacts, { recursive: true });
  const file = path.resolve(artifacts, `views-${name}.png`);
  await (await page.$("#view")).screenshot({ path: file });
  console.log(`      screenshot: ${file}`);
}

function checkQuiet({ state, message }) {
  check(state === "drawn", `the view did not draw: state ${state}, message "${message}"`);
  same(pageErrors, [], "errors in the page");
  same(requestsOut, [], "requests that left the page");
}

// A tool result for a fixture: the handle only in the text, as a host that strips the rest gives.
function fixtureResult(name) {
  return { content: [{ type: "text", text: `fixture ${name}\nview handle: v-0123456789abcdef` }] };
}

function fixtureData(name) {
  const text = readFileSync(path.join(here, "fixtures", `${name}.json`), "utf8");
  return () => ({ content: [{ type: "text", text }] });
}

// `count` points on a grid around Berlin, coloured by a number, as show_map would send them.
function generatedPoints(count) {
  const features = Array.from({ length: count }, (_, i) => ({
    type: "Feature",
    geometry: { type: "Point", coordinates: [13.2 + (i % 50) * 0.008, 52.4 + Math.floor(i / 50) * 0.004] },
    properties: { n: i },
  }));
  const text = JSON.stringify({ kind: "map", type: "FeatureCollection", features, colour_by: "n",
    colour: { type: "numeric", min: 0, max: count - 1 }, time_column: null, columns: [], notes: [] });
  return () => ({ content: [{ type: "text", text }] });
}

function builtHtml(kind) {
  return readFileSync(path.join(htmlDir, `${kind}.html`), "utf8");
}

// ---------------------------------------------------------------------------
// Steps, each a sentence; a failed step says why and the next one runs.

let passed = 0;
let failed = 0;
async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    passed++;
    console.log(`ok    ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`FAIL  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n      ${error.message}`);
  }
}

async function fixtureSteps() {
  await step("map fixture: polygons, lines and points in category colours, with a time slider", async () => {
    const drawn = await show(builtHtml("map"), {}, fixtureResult("map_mixed"), fixtureData("map_mixed"));
    checkQuiet(drawn);
    same([drawn.view.features, drawn.view.points, drawn.view.lines, drawn.view.polygons], [13, 10, 2, 3],
      "features, points, lines, polygons");
    same(drawn.view.legend, ["stop", "delivery", "geofence", "trip", "charger"], "legend");
    same(drawn.view.clustered, false, "clustered");
    check(await drawn.frame.$eval("#timebar", (bar) => !bar.hidden), "no time slider for time_column 'at'");
    const { log, sizes } = await page.evaluate(() => window.famHost);
    const initialize = log.find((message) => message.method === "ui/initialize")?.params;
    same([initialize?.protocolVersion, initialize?.appCapabilities?.availableDisplayModes], ["2026-01-26", ["inline"]],
      "ui/initialize protocolVersion and availableDisplayModes");
    check(sizes.length > 0 && sizes.at(-1).height > 0, `no ui/notifications/size-changed: ${JSON.stringify(sizes)}`);
    await screenshot("fixture-map-mixed");
    // The slider at its start: the features of the first time, and those without one.
    const early = await drawn.frame.evaluate(async () => {
      const slider = document.getElementById("time");
      slider.value = slider.min;
      slider.dispatchEvent(new Event("input"));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
      return window.famView;
    });
    same([early.features, early.points, early.lines, early.polygons], [5, 3, 1, 3],
      "features, points, lines, polygons at the slider's start");
  });

  await step("map fixture: fourteen categories are twelve colours and 'other'", async () => {
    const drawn = await show(builtHtml("map"), {}, fixtureResult("map_categories"), fixtureData("map_categories"));
    checkQuiet(drawn);
    same(drawn.view.points, 70, "points");
    same(drawn.view.legend.length, 13, "legend entries");
    same(drawn.view.legend.at(-1), "other", "last legend entry");
  });

  await step("map fixture: 2,500 points are clustered, all of them counted", async () => {
    const drawn = await show(builtHtml("map"), {}, fixtureResult("generated"), generatedPoints(2500));
    checkQuiet(drawn);
    same([drawn.view.points, drawn.view.clustered], [2500, true], "points, clustered");
    same(drawn.view.legend, ["0", "2,499"], "legend");
  });

  await step("chart fixture: two time series with a gap, ticks at Berlin's midnight and noon", async () => {
    const drawn = await show(builtHtml("chart"), {}, fixtureResult("chart_time"), fixtureData("chart_time"));
    checkQuiet(drawn);
    same(drawn.view.series, 2, "series");
    same(drawn.view.xRange, ["2026-11-27T21:00:00.000Z", "2026-11-29T20:00:00.000Z"], "x range");
    same(drawn.view.legend, ["862476050000001", "862476050000002"], "legend");
    const clocks = drawn.view.xTicks.map((label) => [label].flat()[0]);
    check(clocks.length >= 3 && clocks.every((clock) => ["00:00", "12:00"].includes(clock)),
      `x ticks are not at Berlin's midnight and noon: ${JSON.stringify(drawn.view.xTicks)}`);
    await screenshot("fixture-chart-time");
  });

  await step("chart fixture: bars over text", async () => {
    const drawn = await show(builtHtml("chart"), {}, fixtureResult("chart_text_bar"), fixtureData("chart_text_bar"));
    checkQuiet(drawn);
    same([drawn.view.chart, drawn.view.series, drawn.view.points], ["bar", 1, 7], "chart, series, points");
    same(drawn.view.xRange, ["862476050000001", "862476050000007"], "x range");
    same(drawn.view.legend, [], "legend of one series");
  });

  await step("chart fixture: a year of days as an area, ticked at month starts", async () => {
    const drawn = await show(builtHtml("chart"), {}, fixtureResult("chart_area_year"), fixtureData("chart_area_year"));
    checkQuiet(drawn);
    check(drawn.view.xTicks.length >= 3 && drawn.view.xTicks.every((label) => /^[A-Z][a-z]{2,3} 20\d\d$/.test(label)),
      `x ticks are not month starts: ${JSON.stringify(drawn.view.xTicks)}`);
    await screenshot("fixture-chart-area");
  });
}

// ---------------------------------------------------------------------------

async function serverSteps() {
  const server = new Server();
  const tiled = new Server(["--map-tiles", kDeadTiles, "--map-tiles-attribution", "test tiles"]);
  try {
    await serverStepsWith(server, tiled);
  } finally {
    server.close();
    tiled.close();
  }
}

async function serverStepsWith(server, tiled) {
  await step("initialize declares the UI extension; the server names it among its capabilities", async () => {
    const result = await server.initialize();
    check(result.capabilities?.extensions?.[kUi], `no ${kUi} in ${JSON.stringify(result.capabilities)}`);
    await tiled.initialize();
  });

  await step("tools/list: show_map and show_chart name their views, view_data is for the app only", async () => {
    const { tools } = await server.request("tools/list");
    const tool = (name) => tools.find((t) => t.name === name) ?? {};
    for (const [name, uri] of [["show_map", kMapUri], ["show_chart", kChartUri]]) {
      same(tool(name)._meta?.ui?.resourceUri, uri, `${name} _meta.ui.resourceUri`);
      same(tool(name)._meta?.["ui/resourceUri"], uri, `${name} _meta["ui/resourceUri"]`);
    }
    same(tool("view_data")._meta?.ui?.visibility, ["app"], "view_data _meta.ui.visibility");
  });

  const served = {};
  await step("resources/list and resources/read serve both views, as built", async () => {
    const { resources } = await server.request("resources/list");
    for (const [kind, uri] of [["map", kMapUri], ["chart", kChartUri]]) {
      same(resources.find((r) => r.uri === uri)?.mimeType, kMimeType, `resources/list ${uri} mimeType`);
      const { contents } = await server.request("resources/read", { uri });
      same([contents[0].uri, contents[0].mimeType], [uri, kMimeType], `resources/read ${uri}`);
      served[kind] = contents[0].text;
      check(served[kind] === builtHtml(kind), `resources/read ${uri} differs from ${htmlDir}/${kind}.html`);
    }
    check(served.map.split(kConfigElement).length === 2, `the map does not hold ${kConfigElement} once`);
  });

  await step("show_map: 3,000 positions drawn, clustered, coloured by speed, no request", async () => {
    const args = { sql: kMapSql, colour_by: "speed_kmh" };
    const result = await server.call("show_map", args);
    check(!result.isError, `show_map failed: ${textOf(result)}`);
    const summary = result.structuredContent;
    const handle = summary?.view?.handle;
    check(/^v-[0-9a-f]+$/.test(handle ?? ""), `no view handle in ${JSON.stringify(summary)}`);
    const light = { ...hostContext, theme: "light", styles: undefined };
    const drawn = await show(served.map, args, result, (params) => server.request("tools/call", params), light);
    checkQuiet(drawn);
    same([drawn.view.features, drawn.view.points], [summary.drawn, summary.drawn], "features and points (the server's drawn)");
    same(drawn.view.points, 3000, "points (the query's LIMIT)");
    same([drawn.view.clustered, drawn.view.tiles], [true, false], "clustered, tiles");
    check(drawn.view.legend.length >= 2, `no legend: ${JSON.stringify(drawn.view.legend)}`);
    await screenshot("map");
    // Where else a view finds its handle, for hosts that strip structuredContent.
    same(result._meta?.["fleet-analytics/view"], { handle, kind: "map" }, '_meta["fleet-analytics/view"]');
    check(textOf(result).split("\n").includes(`view handle: ${handle}`), "no 'view handle:' line in the text");
  });

  await step("show_map without structuredContent (a host that strips it): the handle from _meta", async () => {
    const args = { sql: kMapSql.replace("3000", "50"), colour_by: "imei" };
    const { structuredContent, content, ...rest } = await server.call("show_map", args);
    // The text without its handle line, so that only _meta can give it.
    const text = textOf({ content }).replace(/^view handle: .*$/m, "");
    const result = { ...rest, content: [{ type: "text", text }] };
    const drawn = await show(served.map, args, result, (params) => server.request("tools/call", params));
    checkQuiet(drawn);
    same(drawn.view.points, structuredContent.drawn, "points");
    check(drawn.view.legend.length >= 1, "no legend of imeis");
  });

  await step("show_chart: a series per device, its hours as the query tool counts them", async () => {
    const facts = await server.call("query", { sql: kChartFacts });
    check(!facts.isError, `query failed: ${textOf(facts)}`);
    const [series, first, last] = facts.structuredContent.rows[0];
    const args = { sql: kChartSql, series: "imei" };
    const full = await server.call("show_chart", args);
    check(!full.isError, `show_chart failed: ${textOf(full)}`);
    // The handle from the text alone: a host that passes nothing else.
    const result = { content: full.content };
    const drawn = await show(served.chart, args, result, (params) => server.request("tools/call", params));
    checkQuiet(drawn);
    same(drawn.view.series, Number(series), "series (count(DISTINCT imei))");
    same(drawn.view.xRange.map(Date.parse), [Date.parse(first), Date.parse(last)], "x range (first and last hour)");
    same(drawn.view.legend.length, Number(series), "legend entries");
    await screenshot("chart");
  });

  await step("an unknown handle: the view shows view_data's message", async () => {
    const result = { content: [{ type: "text", text: "view handle: v-00000000000000ff" }] };
    let said = "";
    const drawn = await show(served.map, {}, result, async (params) => {
      const answer = await server.request("tools/call", params);
      said = textOf(answer);
      return answer;
    });
    same(drawn.state, "error", "state");
    check(said && drawn.message === said, `the view says "${drawn.message}", view_data said "${said}"`);
  });

  await step("--map-tiles unreachable: the data is drawn without them; only the tile host was asked", async () => {
    const { contents } = await tiled.request("resources/read", { uri: kMapUri });
    const html = contents[0].text;
    check(html.includes(JSON.stringify(kDeadTiles)), "the served map does not name the tile URL");
    const domains = contents[0]._meta?.ui?.csp?.resourceDomains ?? [];
    check(domains.includes("http://127.0.0.1:9"),
      `resources/read _meta.ui.csp.resourceDomains ${JSON.stringify(domains)} lacks the tile host: hosts will block the tiles`);
    const args = { sql: kMapSql.replace("3000", "200") };
    const result = await tiled.call("show_map", args);
    const drawn = await show(html, args, result, (params) => tiled.request("tools/call", params));
    check(drawn.state === "drawn", `the view did not draw: ${drawn.message}`);
    same(drawn.view.tiles, true, "tiles");
    same(drawn.view.points, 200, "points");
    check(requestsOut.length > 0 && requestsOut.every((url) => url.startsWith("http://127.0.0.1:9/")),
      `requests: ${JSON.stringify(requestsOut.slice(0, 5))}`);
    check(await drawn.frame.$eval("#tiles-note", (note) => !note.hidden), "no note that the tiles failed");
    await screenshot("map-tiles-offline");
  });
}

// ---------------------------------------------------------------------------

try {
  await openBrowser();
  const { version } = JSON.parse(readFileSync(path.join(modules, "puppeteer-core", "package.json"), "utf8"));
  console.log(`      ${await browser.version()} (${chromium}), puppeteer-core ${version}`);
  await fixtureSteps();
  if (!fixturesOnly) await serverSteps();
} catch (error) {
  failed++;
  console.log(`FAIL  ${error.stack}`);
} finally {
  await browser?.close();
}
console.log(`views_test: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
