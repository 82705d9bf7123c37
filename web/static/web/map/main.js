// The planners' map: MapLibre GL JS on Ardh's own tiles, style, glyphs and RTL text plugin.
import {analysisTool} from "./analysis.js";
import {api} from "./api.js";
import {cfg, T} from "./config.js";
import {cancelDrawing, installDrawLayers, isDrawing} from "./draw.js";
import {editActions, mergeSelected, refreshArea, renderMergeBox, watchStaleTiles} from "./edit.js";
import {identify} from "./identify.js";
import {buildLayerPanel} from "./layers.js";
import {installCoordinates, measure} from "./measure.js";
import {installSearch} from "./search.js";
import {installHighlight, message} from "./ui.js";

const maplibregl = window.maplibregl;
window.ardh = {cfg, started: performance.now(), api, refreshArea};

const LABEL = cfg.lang === "ar"
  ? ["coalesce", ["get", "name_ar"], ["get", "name_en"], ["get", "number"]]
  : ["coalesce", ["get", "name_en"], ["get", "name_ar"], ["get", "number"]];

// Our style, with the orthophoto under the registers, labels in the page's language,
// and each layer's own opacity remembered (the opacity slider scales it).
function prepare(style, index) {
  const origin = window.location.origin;
  style.sources.ortho = {type: "raster", tiles: [index.rasters.ortho], tileSize: 256, minzoom: 10, maxzoom: 20};
  const background = style.layers.findIndex((l) => l.type === "background");
  // Off at start (its tiles are the heaviest); one tick in the layer panel shows it.
  style.layers.splice(background + 1, 0, {id: "ortho", type: "raster", source: "ortho", layout: {visibility: "none"},
    paint: {"raster-opacity": 1}});
  for (const l of style.layers) {
    if (l.type === "symbol" && l.layout?.["text-field"]) l.layout["text-field"] = LABEL;
    const prop = {fill: "fill-opacity", line: "line-opacity", symbol: "text-opacity", raster: "raster-opacity"}[l.type];
    const base = prop && l.paint?.[prop];
    l.metadata = {...(l.metadata || {}), "ardh:opacity": typeof base === "number" ? base : 1};
  }
  if (!style.glyphs.startsWith("http")) style.glyphs = origin + style.glyphs;
  return style;
}

async function start() {
  const [styleResponse, indexResponse] = await Promise.all([fetch(cfg.urls.style), fetch(cfg.urls.tiles)]);
  const index = await indexResponse.json();
  const style = prepare(await styleResponse.json(), index);
  // Arabic labels need the right-to-left plugin (shaping and bidi); ours, not a CDN's.
  maplibregl.setRTLTextPlugin(style.metadata["ardh:rtl-text-plugin"], false).catch((e) => console.error(e));
  const [x0, y0, x1, y1] = cfg.municipality.bbox;
  const map = new maplibregl.Map({
    container: "map", style, bounds: [[x0, y0], [x1, y1]], fitBoundsOptions: {padding: 20},
    locale: {"NavigationControl.ZoomIn": T("Zoom in"), "NavigationControl.ZoomOut": T("Zoom out")},
    attributionControl: false, hash: "z", maxPitch: 0, dragRotate: false,
  });
  window.ardh.map = map;
  // Resolves when the map has drawn everything it asked for (used by tests and by people's scripts).
  window.ardh.idle = () => new Promise((resolve) => { map.once("idle", () => resolve(true)); map.triggerRepaint(); });
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), cfg.lang === "ar" ? "top-left" : "top-right");
  map.addControl(new maplibregl.ScaleControl({unit: "metric"}), cfg.lang === "ar" ? "bottom-right" : "bottom-left");

  map.on("load", async () => {
    window.ardh.loadedAt = performance.now();
    installHighlight(map);
    installDrawLayers(map);
    installCoordinates(map);
    await buildLayerPanel(map, index);
    installTools(map);
    map.once("idle", () => {
      window.ardh.interactiveAt = performance.now();
      document.body.dataset.ready = "true";
    });
  });
  map.on("error", (e) => console.warn("map error", e.error?.message || e));
}

let tool = "identify";

function setTool(name) {
  cancelDrawing?.();
  tool = name;
  for (const b of document.querySelectorAll("#tools [data-tool]")) b.setAttribute("aria-pressed", String(b.dataset.tool === name));
}

function installTools(map) {
  const actions = cfg.can.lineage ? editActions(map) : null;
  // Clicks while drawing (a cutting line, say) are vertices, not questions.
  map.on("click", (e) => { if (tool === "identify" && !isDrawing()) identify(map, e.lngLat, {actions}); });
  map.on("mousemove", (e) => {
    if (tool !== "identify" || isDrawing()) return;
    const hit = map.queryRenderedFeatures(e.point, {layers: ["parcels-fill"].filter((id) => map.getLayer(id))});
    map.getCanvas().style.cursor = hit.length ? "pointer" : "";
  });
  const run = {
    identify: () => {},
    "measure-line": () => measure(map, "line").then(() => setTool("identify")),
    "measure-area": () => measure(map, "polygon").then(() => setTool("identify")),
    "analyse-polygon": () => analysisTool(map, "polygon").then(() => setTool("identify")),
    "analyse-buffer": () => analysisTool(map, "any").then(() => setTool("identify")),
  };
  for (const b of document.querySelectorAll("#tools [data-tool]")) {
    b.addEventListener("click", () => { setTool(b.dataset.tool); run[b.dataset.tool](); });
  }
  document.querySelector("#merge-box button.merge")?.addEventListener("click", () => mergeSelected(map));
  renderMergeBox();
  watchStaleTiles(map);
  installSearch(map);
  message("");
}

start().catch((err) => message(`${T("The map could not start")}: ${err.message}`, "error"));
