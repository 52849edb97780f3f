// The map view: the features of a show_map answer (GeoJSON, from view_data) coloured by one
// column, clustered when there are many points, filtered by a time slider when the rows carry a
// time, a popup with each row. Without tiles (the default) the data is drawn on a plain
// background with a scale bar, and the page makes no request at all.
"use strict";

// Points; beyond this many, single markers make panning and zooming stutter, clusters do not.
const kClusterAbove = 2000;
// Values past the palette (the server sends at most its 12 most frequent), and rows without one.
const kOtherColour = "#9e9e9e";
// Viridis at five stops: rising in lightness, so the order reads without the legend.
const kRamp = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
const kSingleFeatureZoom = 16;
// Street level, as tile servers go; clustering needs a maximum even without tiles.
const kMaxZoom = 19;

const mapConfig = JSON.parse(document.getElementById("fam-config").textContent);
const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25, maxZoom: kMaxZoom }).setView([0, 0], 2);
L.control.scale().addTo(map);
const tileLayer = mapConfig.tiles?.url ? addTiles(mapConfig.tiles) : null;
const shapeGroup = L.featureGroup().addTo(map).on("click", openPopup);
let pointGroup = null;  // clustered or not, chosen for each answer
let legendLabels = [];

new ResizeObserver(() => map.invalidateSize()).observe(document.getElementById("map"));

function addTiles({ url, attribution }) {
  const layer = L.tileLayer(url, { attribution, maxZoom: kMaxZoom }).addTo(map);
  layer.once("tileerror", () => { document.getElementById("tiles-note").hidden = false; });
  return layer;
}

// ---------------------------------------------------------------------------
// Colours and the legend. A scheme gives a row's colour, a cluster's (from its markers' rows: the
// mean of a number, the most frequent category), and the legend.

function colourScheme(column, colour) {
  if (!column || !colour) return { colourOf: () => kPalette[0], clusterColour: () => kPalette[0], legend: () => [] };
  if (colour.type === "numeric") return numericScheme(column, colour);
  return categoryScheme(column, colour.values ?? []);
}

function numericScheme(column, { min, max }) {
  const span = max - min || 1;
  let missing = false;
  const valueOf = (properties) => (properties[column] == null ? NaN : Number(properties[column]));
  const colourOf = (properties) => {
    const value = valueOf(properties);
    if (Number.isFinite(value) && min !== undefined) return ramp((value - min) / span);
    missing = true;
    return kOtherColour;
  };
  const clusterColour = (markers) => {
    const values = markers.map((marker) => valueOf(marker.feature.properties)).filter(Number.isFinite);
    if (values.length === 0 || min === undefined) return kOtherColour;
    return ramp((values.reduce((a, b) => a + b) / values.length - min) / span);
  };
  const legend = () => [
    ...(min === undefined ? [] : [{ label: formatNumber(min) }, { ramp: true }, { label: formatNumber(max) }]),
    ...(missing ? [{ label: "no value", colour: kOtherColour }] : []),
  ];
  return { colourOf, clusterColour, legend };
}

// A category is named as the server names it: a string's own text, else its JSON.
function categoryScheme(column, values) {
  const index = new Map(values.map((value, i) => [value, i]));
  let other = false;
  const colourOf = (properties) => {
    const value = properties[column];
    const i = index.get(typeof value === "string" ? value : JSON.stringify(value ?? null));
    if (i !== undefined && i < kPalette.length) return kPalette[i];
    other = true;
    return kOtherColour;
  };
  const legend = () => [
    ...values.slice(0, kPalette.length).map((label, i) => ({ label, colour: kPalette[i] })),
    ...(other ? [{ label: "other", colour: kOtherColour }] : []),
  ];
  const clusterColour = (markers) => {
    const counts = new Map();
    for (const marker of markers) {
      const colour = marker.options.fillColor;
      counts.set(colour, (counts.get(colour) ?? 0) + 1);
    }
    return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  };
  return { colourOf, clusterColour, legend };
}

function ramp(t) {
  const x = Math.min(Math.max(t, 0), 1) * (kRamp.length - 1);
  const i = Math.min(Math.floor(x), kRamp.length - 2);
  const [a, b] = [kRamp[i], kRamp[i + 1]].map((hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)));
  return `rgb(${a.map((c, k) => Math.round(c + (b[k] - c) * (x - i))).join(",")})`;
}

function formatNumber(value) {
  return new Intl.NumberFormat(hostContext.locale, { maximumSignificantDigits: 4 }).format(value);
}

function showLegend(column, entries) {
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  legend.hidden = entries.length === 0;
  if (legend.hidden) return;
  legend.append(Object.assign(document.createElement("strong"), { textContent: column }));
  for (const entry of entries) {
    const item = document.createElement("span");
    if (entry.ramp) {
      item.className = "ramp";
      item.style.background = `linear-gradient(to right, ${kRamp.join(", ")})`;
    } else if (entry.colour) {
      const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
      swatch.style.background = entry.colour;
      item.append(swatch, entry.label);
    } else {
      item.textContent = entry.label;
    }
    legend.append(item);
  }
  legendLabels = entries.filter((entry) => entry.label !== undefined).map((entry) => entry.label);
}

// ---------------------------------------------------------------------------
// Geometries.

function latLng([lon, lat]) {
  return L.latLng(lat, lon);
}

// The simple parts of a GeoJSON geometry: ["point", latlng], ["line", latlngs] or
// ["polygon", rings].
function* parts(geometry) {
  const c = geometry?.coordinates;
  switch (geometry?.type) {
    case "Point": if (c.length >= 2) yield ["point", latLng(c)]; break;
    case "MultiPoint": for (const p of c) yield ["point", latLng(p)]; break;
    case "LineString": yield ["line", c.map(latLng)]; break;
    case "MultiLineString": for (const line of c) yield ["line", line.map(latLng)]; break;
    case "Polygon": yield ["polygon", c.map((ring) => ring.map(latLng))]; break;
    case "MultiPolygon": for (const p of c) yield ["polygon", p.map((ring) => ring.map(latLng))]; break;
    case "GeometryCollection": for (const g of geometry.geometries) yield* parts(g); break;
  }
}

function makeLayer(kind, where, colour, outline) {
  if (kind === "point") {
    return L.circleMarker(where, { radius: 5, weight: 1, color: outline, fillColor: colour, fillOpacity: 0.9 });
  }
  if (kind === "line") return L.polyline(where, { color: colour, weight: 3, opacity: 0.9 });
  return L.polygon(where, { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.3 });
}

function openPopup(event) {
  const properties = event.sourceTarget?.feature?.properties;
  if (!properties) return;
  const table = document.createElement("table");
  for (const [name, value] of Object.entries(properties)) {
    const row = table.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = value === null ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  L.popup({ maxWidth: 360 }).setLatLng(event.latlng).setContent(table).openOn(map);
}

// ---------------------------------------------------------------------------
// Drawing.

// items: one per drawn part, {layer, index (of its feature), kind, time (ms, or NaN)}.
function showItems(items) {
  pointGroup.clearLayers();
  shapeGroup.clearLayers();
  const points = items.filter((item) => item.kind === "point").map((item) => item.layer);
  if (pointGroup.addLayers) pointGroup.addLayers(points);
  else for (const layer of points) pointGroup.addLayer(layer);
  for (const item of items) if (item.kind !== "point") shapeGroup.addLayer(item.layer);
  const count = (kind) => items.filter((item) => item.kind === kind).length;
  window.famView = {
    kind: "map",
    features: new Set(items.map((item) => item.index)).size,
    points: points.length,
    lines: count("line"),
    polygons: count("polygon"),
    clustered: Boolean(pointGroup.addLayers),
    legend: legendLabels,
    tiles: Boolean(tileLayer),
  };
}

// A cluster in its rows' colour (not Leaflet.markercluster's colours by count, which would read
// as values of the legend), with its count.
function clusterIcon(cluster, scheme) {
  const disc = document.createElement("div");
  disc.style.background = scheme.clusterColour(cluster.getAllChildMarkers());
  disc.append(Object.assign(document.createElement("span"), { textContent: cluster.getChildCount() }));
  return L.divIcon({ html: disc, className: "marker-cluster", iconSize: L.point(40, 40) });
}

function usePointGroup(clustered, scheme) {
  if (pointGroup) map.removeLayer(pointGroup);
  pointGroup = clustered
    ? L.markerClusterGroup({ showCoverageOnHover: false, iconCreateFunction: (cluster) => clusterIcon(cluster, scheme) })
    : L.featureGroup();
  pointGroup.on("click", openPopup).addTo(map);
}

// The slider shows the features up to its time, or within a window before it; rows without a
// time stay on the map.
function setUpTimeSlider(column, items) {
  const times = items.map((item) => item.time).filter(Number.isFinite);
  const bar = document.getElementById("timebar");
  bar.hidden = !column || times.length === 0;
  if (bar.hidden) return;
  const slider = document.getElementById("time");
  const span = document.getElementById("window");
  const label = document.getElementById("time-label");
  const format = timeFormat({ year: "numeric", month: "short", day: "numeric", hour: "2-digit",
                              minute: "2-digit", timeZoneName: "short" });
  slider.min = times.reduce((a, b) => Math.min(a, b));
  slider.max = times.reduce((a, b) => Math.max(a, b));
  slider.value = slider.max;
  document.getElementById("time-column").textContent = column;
  let scheduled = false;
  const update = () => {
    scheduled = false;
    const to = Number(slider.value);
    const from = Number(span.value) ? to - Number(span.value) : -Infinity;
    label.textContent = format.format(to);
    showItems(items.filter((item) => !Number.isFinite(item.time) || (item.time <= to && item.time > from)));
  };
  const schedule = () => {
    if (!scheduled) requestAnimationFrame(update);
    scheduled = true;
  };
  slider.oninput = schedule;
  span.onchange = schedule;
  label.textContent = format.format(Number(slider.max));
}

function drawMap(data) {
  const scheme = colourScheme(data.colour_by, data.colour);
  const outline = themeColour("--color-background-primary");
  const bounds = L.latLngBounds([]);
  const items = [];
  data.features.forEach((feature, index) => {
    const properties = feature.properties ?? {};
    const colour = scheme.colourOf(properties);
    const time = data.time_column ? Date.parse(properties[data.time_column]) : NaN;
    for (const [kind, where] of parts(feature.geometry)) {
      const layer = makeLayer(kind, where, colour, outline);
      layer.feature = feature;
      items.push({ layer, index, kind, time });
      bounds.extend(kind === "point" ? where : layer.getBounds());
    }
  });
  showLegend(data.colour_by, scheme.legend());
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: kSingleFeatureZoom, animate: false });
  usePointGroup(items.filter((item) => item.kind === "point").length > kClusterAbove, scheme);
  setUpTimeSlider(data.time_column, items);
  showItems(items);
}

startView("map", drawMap);
