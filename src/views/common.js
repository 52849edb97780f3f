// What the map and chart views share: the connection to the host (MCP Apps, extension
// io.modelcontextprotocol/ui, revision 2026-01-26: JSON-RPC 2.0 over postMessage), the host's
// theme and size, fetching the view's data, the time zone, and the test hooks.
"use strict";

const kProtocolVersion = "2026-01-26";
const kAppVersion = "0.1.0";
// Tableau 10 and two more: distinct on light and dark backgrounds, and for most colour vision.
const kPalette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                  "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#17becf", "#8c564b"];

let hostContext = {};
let nextRequestId = 1;
const pendingRequests = new Map();  // id -> {resolve, reject}
const notificationHandlers = new Map();
const contextListeners = [];

// The test hooks (tests/views): what was drawn, once document.body.dataset.state is "drawn".
window.famView = {};

window.addEventListener("message", (event) => {
  const message = event.data;
  if (event.source !== window.parent || message?.jsonrpc !== "2.0") return;
  if (message.method === undefined) settleRequest(message);
  else if (message.id !== undefined) answerHostRequest(message);
  else notificationHandlers.get(message.method)?.(message.params ?? {});
});

function post(message) {
  window.parent.postMessage({ jsonrpc: "2.0", ...message }, "*");
}

function request(method, params) {
  const id = nextRequestId++;
  post({ id, method, params });
  return new Promise((resolve, reject) => pendingRequests.set(id, { resolve, reject }));
}

function notify(method, params) {
  post({ method, params });
}

function onNotification(method, handler) {
  notificationHandlers.set(method, handler);
}

function settleRequest(message) {
  const pending = pendingRequests.get(message.id);
  if (!pending) return;
  pendingRequests.delete(message.id);
  if (message.error) pending.reject(new Error(message.error.message ?? JSON.stringify(message.error)));
  else pending.resolve(message.result);
}

// The host may ping, and asks before it tears the view down; there is nothing to save.
function answerHostRequest(message) {
  if (message.method === "ping" || message.method === "ui/resource-teardown") {
    post({ id: message.id, result: {} });
  } else {
    post({ id: message.id, error: { code: -32601, message: `method not found: ${message.method}` } });
  }
}

// ---------------------------------------------------------------------------
// The host's context: theme, style variables, fonts, container size.

function applyHostContext(context) {
  hostContext = { ...hostContext, ...context };
  const root = document.documentElement;
  if (hostContext.theme) root.style.colorScheme = hostContext.theme;
  for (const [name, value] of Object.entries(hostContext.styles?.variables ?? {})) {
    if (value) root.style.setProperty(name, value);
  }
  const fonts = hostContext.styles?.css?.fonts;
  if (fonts) document.getElementById("host-fonts").textContent = fonts;
  applyContainerDimensions(hostContext.containerDimensions ?? {});
  for (const listener of contextListeners) listener();
}

// A fixed dimension fills the container; a maximum caps the view's own size (view.css).
function applyContainerDimensions(dimensions) {
  const style = document.documentElement.style;
  if (dimensions.height) style.setProperty("--view-height", "100vh");
  else if (dimensions.maxHeight) style.setProperty("--view-max-height", `${dimensions.maxHeight}px`);
  if (dimensions.width) style.setProperty("--view-width", "100vw");
  else if (dimensions.maxWidth) style.setProperty("--view-max-width", `${dimensions.maxWidth}px`);
}

function onHostContextChange(listener) {
  contextListeners.push(listener);
}

// A theme variable as a colour the canvas understands (the host may give light-dark(…)).
function themeColour(variable) {
  const probe = document.getElementById("colour-probe");
  probe.style.color = `var(${variable})`;
  return getComputedStyle(probe).color;
}

// The host's size follows ours when its container is flexible.
function reportSize() {
  let last = "";
  new ResizeObserver(() => {
    const box = document.getElementById("view").getBoundingClientRect();
    const size = { width: Math.ceil(box.width), height: Math.ceil(box.height) };
    if (JSON.stringify(size) === last) return;
    last = JSON.stringify(size);
    notify("ui/notifications/size-changed", size);
  }).observe(document.getElementById("view"));
}

// ---------------------------------------------------------------------------
// Times, in the analyst's zone.

function timeZone() {
  return hostContext.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function timeFormat(options) {
  return new Intl.DateTimeFormat(hostContext.locale, { timeZone: timeZone(), ...options });
}

// ---------------------------------------------------------------------------
// The view's data and state.

function textOf(result) {
  return (result?.content ?? []).filter((block) => block.type === "text").map((block) => block.text).join("\n");
}

// Where show_map and show_chart put the handle: structuredContent (which some hosts strip),
// then _meta, then a line of the text.
function viewHandle(result) {
  return result.structuredContent?.view?.handle ??
    result._meta?.["fleet-analytics/view"]?.handle ??
    textOf(result).match(/^view handle: (v-[0-9a-f]+)$/m)?.[1];
}

async function fetchViewData(result, kind) {
  if (result.isError) throw new Error(textOf(result) || "The tool call failed.");
  const handle = viewHandle(result);
  if (!handle) throw new Error("The tool result carries no view handle: nothing to draw.");
  const answer = await request("tools/call", { name: "view_data", arguments: { handle } });
  if (answer.isError) throw new Error(textOf(answer) || "view_data failed.");
  const data = JSON.parse(textOf(answer));
  if (data.kind !== kind) throw new Error(`view_data answered with a ${data.kind}, not a ${kind}.`);
  return data;
}

function showState(state, message = "") {
  document.body.dataset.state = state;
  const element = document.getElementById("message");
  element.textContent = message;
  element.hidden = !message;
}

function showNotes(notes) {
  const element = document.getElementById("notes");
  element.textContent = (notes ?? []).join(" · ");
  element.hidden = !element.textContent;
}

// Connects to the host and draws each tool result with draw(data), which may be async.
async function startView(kind, draw) {
  onNotification("ui/notifications/tool-result", async (result) => {
    showState("loading", "Loading the data…");
    try {
      const data = await fetchViewData(result, kind);
      await draw(data);
      showNotes(data.notes);
      showState("drawn");
    } catch (error) {
      showState("error", error?.message ?? String(error));  // libraries may throw strings
    }
  });
  onNotification("ui/notifications/tool-cancelled", ({ reason }) =>
    showState("error", `The tool call was cancelled${reason ? `: ${reason}` : "."}`));
  onNotification("ui/notifications/host-context-changed", applyHostContext);
  try {
    const result = await request("ui/initialize", {
      appCapabilities: { availableDisplayModes: ["inline"] },
      appInfo: { name: `fleet-analytics-${kind}`, version: kAppVersion },
      protocolVersion: kProtocolVersion,
    });
    applyHostContext(result?.hostContext ?? {});
    notify("ui/notifications/initialized", {});
    reportSize();
  } catch (error) {
    showState("error", `The host refused the view: ${error.message}`);
  }
}
