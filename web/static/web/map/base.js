// The map every page shares: Ardh's style and tiles, the orthophoto (off), labels in the page's language,
// the RTL text plugin, zoom and scale controls. The planners' map (main.js) and the inbox's maps start here.
import {cfg, T} from "./config.js";

const maplibregl = window.maplibregl;

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

// A map in `container` over the municipality; resolves to {map, index} (index: the /tiles/ layer list).
export async function createMap({container = "map", hash = false, bounds = null} = {}) {
  const [styleResponse, indexResponse] = await Promise.all([fetch(cfg.urls.style), fetch(cfg.urls.tiles)]);
  const index = await indexResponse.json();
  const style = prepare(await styleResponse.json(), index);
  // Arabic labels need the right-to-left plugin (shaping and bidi); ours, not a CDN's.
  if (maplibregl.getRTLTextPluginStatus() === "unavailable") {
    maplibregl.setRTLTextPlugin(style.metadata["ardh:rtl-text-plugin"], false).catch((e) => console.error(e));
  }
  const [x0, y0, x1, y1] = bounds || cfg.municipality.bbox;
  const map = new maplibregl.Map({
    container, style, bounds: [[x0, y0], [x1, y1]], fitBoundsOptions: {padding: 20, maxZoom: 18},
    locale: {"NavigationControl.ZoomIn": T("Zoom in"), "NavigationControl.ZoomOut": T("Zoom out")},
    attributionControl: false, hash, maxPitch: 0, dragRotate: false,
  });
  window.ardh = window.ardh || {cfg};
  window.ardh.map = map;
  // Resolves when the map has drawn everything it asked for (used by tests and by people's scripts).
  window.ardh.idle = () => new Promise((resolve) => { map.once("idle", () => resolve(true)); map.triggerRepaint(); });
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), cfg.lang === "ar" ? "top-left" : "top-right");
  map.addControl(new maplibregl.ScaleControl({unit: "metric"}), cfg.lang === "ar" ? "bottom-right" : "bottom-left");
  return {map, index};
}
