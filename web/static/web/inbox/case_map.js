// The case page's map: the case's parcels and drawn area highlighted, and what the type's panel adds
// (<script id="case-overlays">: a FeatureCollection whose features say their `role`: register, survey or
// neighbour), each role drawn its own way, with a legend.
import {createMap} from "../map/base.js";
import {cfg} from "../map/config.js";
import {addCasesLayer, boundsOf} from "./cases_layer.js";

const ROLES = {
  case: {fill: "#00e5ff", line: "#0050ff", dash: null},
  area: {fill: "#ffd400", line: "#b38f00", dash: [2, 1]},
  register: {fill: "#27ae60", line: "#1e8449", dash: null},
  survey: {fill: "#e74c3c", line: "#c0392b", dash: [3, 2]},
  neighbour: {fill: "#bdc3c7", line: "#7f8c8d", dash: [1, 1]},
  // A building permit's (permits/panel.py): the parcel, its setback strips and envelope, the building, and red
  // where the building breaks a rule.
  parcel: {fill: "#ffffff", line: "#111111", dash: null, opacity: 0},
  strip: {fill: "#f5b041", line: "#f5b041", dash: null, opacity: 0.35},
  envelope: {fill: "#27ae60", line: "#1e8449", dash: [3, 2], opacity: 0.08},
  footprint: {fill: "#1a4f8b", line: "#1a4f8b", dash: null, opacity: 0.45},
  violation: {fill: "#e30613", line: "#b00020", dash: null, opacity: 0.7},
};

function overlays() {
  const el = document.getElementById("case-overlays");
  if (!el) return [];
  try {
    return JSON.parse(el.textContent).features || [];
  } catch {
    return [];
  }
}

function coordinatesOf(geometry) {
  const out = [];
  (function walk(c) { if (typeof c[0] === "number") out.push(c); else c.forEach(walk); })(geometry.coordinates);
  return out;
}

async function start() {
  const own = cfg.inbox.case;
  const features = [...own.features, ...overlays()];
  const bounds = boundsOf([own.point, ...features.flatMap((f) => coordinatesOf(f.geometry))]);
  const pad = 0.0005;
  const {map, index} = await createMap({container: "map",
    bounds: [bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad]});
  window.ardh.caseFeatures = features;
  for (const role of new Set(features.map((f) => f.properties.role))) {
    const item = document.querySelector(`#legend [data-role="${role}"]`);
    if (item) item.hidden = false;
  }
  map.on("load", () => {
    addCasesLayer(map, index);
    map.addSource("case", {type: "geojson", data: {type: "FeatureCollection", features}});
    for (const [role, look] of Object.entries(ROLES)) {
      const filter = ["==", ["get", "role"], role];
      map.addLayer({id: `case-${role}-fill`, type: "fill", source: "case", filter,
        paint: {"fill-color": look.fill, "fill-opacity": look.opacity ?? 0.25}});
      map.addLayer({id: `case-${role}-line`, type: "line", source: "case", filter,
        paint: {"line-color": look.line, "line-width": 3, ...(look.dash ? {"line-dasharray": look.dash} : {})}});
    }
    map.addSource("case-point", {type: "geojson", data: {type: "Point", coordinates: own.point}});
    map.addLayer({id: "case-point", type: "circle", source: "case-point",
      paint: {"circle-radius": 6, "circle-color": "#0050ff", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

start().catch((err) => console.error("case map", err));
