// The planners' map: MapLibre GL JS on Ardh's own tiles, style, glyphs and RTL text plugin.
import {analysisTool} from "./analysis.js";
import {api} from "./api.js";
import {createMap} from "./base.js";
import {cfg, T} from "./config.js";
import {cancelDrawing, installDrawLayers, isDrawing} from "./draw.js";
import {editActions, mergeSelected, refreshArea, renderMergeBox, watchStaleTiles} from "./edit.js";
import {identify} from "./identify.js";
import {buildLayerPanel} from "./layers.js";
import {installCoordinates, measure} from "./measure.js";
import {installSearch} from "./search.js";
import {installHighlight, message} from "./ui.js";

window.ardh = {cfg, started: performance.now(), api, refreshArea};

async function start() {
  const {map, index} = await createMap({container: "map", hash: "z"});

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
