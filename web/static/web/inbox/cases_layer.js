// The inbox's layers on the shared map: the tenant layer `cases` (its vector tiles, filtered like the list
// where the tiles allow it: type and status) and the page's own cases as numbered dots over it.
import {cfg} from "../map/config.js";

export function statusColour(colours) {
  return ["match", ["get", "status"], ...Object.entries(colours).flat(), "#95a5a6"];
}

export function addCasesLayer(map, index, filter = {}) {
  const layer = index.layers.find((l) => l.name === "cases");
  if (!layer) return;
  const query = new URLSearchParams(filter).toString();
  map.addSource("cases", {type: "vector", tiles: [layer.tiles + (query ? `?${query}` : "")],
    minzoom: layer.minzoom, maxzoom: layer.maxzoom});
  map.addLayer({id: "cases-point", type: "circle", source: "cases", "source-layer": "cases",
    paint: {"circle-color": statusColour(cfg.inbox.colours), "circle-radius": 4, "circle-opacity": 0.6,
      "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}});
}

export function addPageCases(map, collection) {
  map.addSource("page-cases", {type: "geojson", data: collection});
  map.addLayer({id: "page-cases", type: "circle", source: "page-cases",
    paint: {"circle-color": statusColour(cfg.inbox.colours), "circle-radius": 8,
      "circle-stroke-color": "#102030", "circle-stroke-width": 2}});
  map.addLayer({id: "page-cases-label", type: "symbol", source: "page-cases",
    layout: {"text-field": ["get", "number"], "text-font": ["DejaVu Sans"], "text-size": 11, "text-offset": [0, 1.4]},
    paint: {"text-color": "#102030", "text-halo-color": "#ffffff", "text-halo-width": 1}});
}

export function boundsOf(coordinates) {
  if (!coordinates.length) return null;
  const xs = coordinates.map((c) => c[0]), ys = coordinates.map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
