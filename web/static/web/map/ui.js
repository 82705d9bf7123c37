// The side panel (answers, results, messages) and the highlight layer.
import {h} from "./config.js";

const HIGHLIGHT = "ardh-highlight";

export function showPanel(title, ...content) {
  const panel = document.getElementById("panel");
  panel.replaceChildren(h("h2", {}, title), ...content);
  panel.hidden = false;
  return panel;
}

export function appendPanel(...content) {
  document.getElementById("panel").append(...content);
}

// A message in the panel's message line: kind is "info", "ok" or "error".
export function message(text, kind = "info") {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

export function table(rows) {
  return h("dl", {class: "facts"}, rows.filter(([, v]) => v !== undefined && v !== null && v !== "")
    .flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

export function installHighlight(map) {
  map.addSource(HIGHLIGHT, {type: "geojson", data: {type: "FeatureCollection", features: []}});
  map.addLayer({id: "highlight-fill", type: "fill", source: HIGHLIGHT,
    paint: {"fill-color": "#00e5ff", "fill-opacity": 0.25}});
  map.addLayer({id: "highlight-line", type: "line", source: HIGHLIGHT,
    paint: {"line-color": "#0050ff", "line-width": 3}});
}

// Highlight features (GeoJSON geometries or features); [] clears.
export function highlight(map, items) {
  const features = items.filter(Boolean).map((g) => (g.type === "Feature" ? g : {type: "Feature", geometry: g, properties: {}}));
  map.getSource(HIGHLIGHT).setData({type: "FeatureCollection", features});
  window.ardh.highlighted = features;
}
