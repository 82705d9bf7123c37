// The building permit's drawing page: the parcel with its setback strips and buildable envelope; the ground floor
// and a roof annex drawn corner by corner, snapping to the parcel's and the envelope's corners and edges; the
// check against the rules (POST /api/v1/permits/precheck) with each rule explained and its violation in red.
import {createMap} from "../map/base.js";
import {cfg, h} from "../map/config.js";

const P = cfg.permit;
const S = P.strings;
const SNAP_PX = 12;
const state = {mode: null, ring: [], ground: null, annex: null};

const rings = (g) => (g.type === "Polygon" ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]));
const targets = [...rings(P.parcel), ...(P.site.envelope ? rings(P.site.envelope) : [])];

function snap(map, point) {
  let best = null;
  for (const ring of targets) {
    for (const c of ring) {
      const q = map.project(c);
      const d = Math.hypot(q.x - point.x, q.y - point.y);
      if (d < SNAP_PX && (!best || d < best.d)) best = {d, c, vertex: true};
    }
  }
  if (best) return best.c;
  for (const ring of targets) {
    for (let i = 0; i + 1 < ring.length; i += 1) {
      const a = map.project(ring[i]);
      const b = map.project(ring[i + 1]);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const t = Math.max(0, Math.min(1, ((point.x - a.x) * dx + (point.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
      const x = a.x + t * dx;
      const y = a.y + t * dy;
      const d = Math.hypot(x - point.x, y - point.y);
      if (d < SNAP_PX && (!best || d < best.d)) best = {d, c: map.unproject([x, y]).toArray()};
    }
  }
  return best ? best.c : map.unproject(point).toArray();
}

const polygon = (ring) => ({type: "Polygon", coordinates: [[...ring, ring[0]]]});

function proposal() {
  if (!state.ground) return null;
  const uppers = Math.max(0, parseInt(document.getElementById("uppers").value || "0", 10));
  const floors = [{kind: "ground", level: 0, footprint: state.ground}];
  for (let i = 1; i <= uppers; i += 1) floors.push({kind: "upper", level: i, footprint: state.ground});
  if (state.annex) floors.push({kind: "annex", level: uppers + 1, footprint: state.annex});
  return {use: document.getElementById("use").value, units: Number(document.getElementById("units").value || 1),
    parking_spaces: Number(document.getElementById("parking").value || 0),
    height_m: Number(document.getElementById("height").value || 0), floors};
}

function sync(map) {
  const features = [];
  if (state.ground) features.push({type: "Feature", geometry: state.ground, properties: {role: "footprint"}});
  if (state.annex) features.push({type: "Feature", geometry: state.annex, properties: {role: "annex"}});
  if (state.ring.length) {
    features.push({type: "Feature", geometry: {type: "LineString", coordinates: state.ring}, properties: {role: "drawing"}});
    for (const c of state.ring) features.push({type: "Feature", geometry: {type: "Point", coordinates: c}, properties: {role: "corner"}});
  }
  map.getSource("building").setData({type: "FeatureCollection", features});
  const p = proposal();
  document.getElementById("proposal").value = p ? JSON.stringify(p) : "";
}

function start(map, mode) {
  state.mode = mode;
  state.ring = [];
  document.getElementById("draw-hint").textContent = S.drawing;
  map.getCanvas().style.cursor = "crosshair";
}

function click(map, e) {
  if (!state.mode) return;
  const c = snap(map, e.point);
  if (state.ring.length >= 3) {
    const first = map.project(state.ring[0]);
    if (Math.hypot(first.x - e.point.x, first.y - e.point.y) < SNAP_PX) {
      state[state.mode] = polygon(state.ring);
      state.mode = null;
      state.ring = [];
      map.getCanvas().style.cursor = "";
      document.getElementById("draw-hint").textContent = "";
      document.body.dataset.drawn = "true";
      sync(map);
      return;
    }
  }
  state.ring.push(c);
  sync(map);
}

function show(result) {
  const out = document.getElementById("check-result");
  out.replaceChildren();
  const en = cfg.lang === "en";
  out.append(h("p", {class: `check-verdict ${result.passed ? "ok" : "no"}`, "data-test": "permit-verdict"},
    result.passed ? S.passed : S.failed));
  const rows = result.results.map((r) => h("tr", {class: r.passed ? "" : "failing", "data-rule": r.rule},
    h("td", {dir: "ltr"}, r.rule), h("td", {class: r.passed ? "ok" : "no"}, r.passed ? S.pass : S.fail),
    h("td", {}, en ? r.explain_en : r.explain_ar)));
  out.append(h("table", {class: "check-results"},
    h("thead", {}, h("tr", {}, h("th", {}, S.rule), h("th", {}, S.result), h("th", {}, S.explanation))),
    h("tbody", {}, rows)));
}

async function check(map) {
  const p = proposal();
  const out = document.getElementById("check-result");
  if (!p) { out.textContent = S.no_ground; return; }
  out.textContent = S.checking;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const response = await fetch(P.precheck, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": token, "Accept-Language": cfg.lang},
    body: JSON.stringify({parcel: P.parcel_id, proposal: p, on: P.on})});
  const body = await response.json();
  if (!response.ok) {
    out.replaceChildren(h("p", {class: "error", role: "alert"}, `${S.error}: ${body.detail || ""}`));
    document.body.dataset.checked = "error";
    return;
  }
  const red = body.results.filter((r) => r.violation).map((r) => ({type: "Feature", geometry: r.violation,
    properties: {role: "violation", rule: r.rule}}));
  map.getSource("violations").setData({type: "FeatureCollection", features: red});
  show(body);
  window.ardh.lastCheck = body;
  document.body.dataset.checked = body.passed ? "passed" : "failed";
}

async function main() {
  const coords = targets.flat();
  const xs = coords.map((c) => c[0]);
  const ys = coords.map((c) => c[1]);
  const pad = 0.0002;
  const {map} = await createMap({container: "map", bounds: [Math.min(...xs) - pad, Math.min(...ys) - pad,
    Math.max(...xs) + pad, Math.max(...ys) + pad]});
  map.doubleClickZoom.disable();
  window.ardh.drawing = state;  // what is drawn so far (people's scripts and tests read it)
  map.on("load", () => {
    map.addSource("site", {type: "geojson", data: {type: "FeatureCollection", features: [
      ...P.site.setback_strips.features.map((f) => ({...f, properties: {...f.properties, role: "strip"}})),
      ...(P.site.envelope ? [{type: "Feature", geometry: P.site.envelope, properties: {role: "envelope"}}] : []),
      {type: "Feature", geometry: P.parcel, properties: {role: "parcel"}}]}});
    map.addLayer({id: "strips", type: "fill", source: "site", filter: ["==", ["get", "role"], "strip"],
      paint: {"fill-color": "#f5b041", "fill-opacity": 0.35}});
    map.addLayer({id: "envelope", type: "line", source: "site", filter: ["==", ["get", "role"], "envelope"],
      paint: {"line-color": "#1e8449", "line-width": 2, "line-dasharray": [3, 2]}});
    map.addLayer({id: "parcel", type: "line", source: "site", filter: ["==", ["get", "role"], "parcel"],
      paint: {"line-color": "#111", "line-width": 3}});
    map.addSource("building", {type: "geojson", data: {type: "FeatureCollection", features: []}});
    map.addLayer({id: "building-fill", type: "fill", source: "building", filter: ["==", ["geometry-type"], "Polygon"],
      paint: {"fill-color": ["match", ["get", "role"], "annex", "#5dade2", "#1a4f8b"], "fill-opacity": 0.45}});
    map.addLayer({id: "building-line", type: "line", source: "building", filter: ["!=", ["geometry-type"], "Point"],
      paint: {"line-color": "#1a4f8b", "line-width": 2}});
    map.addLayer({id: "building-corners", type: "circle", source: "building", filter: ["==", ["geometry-type"], "Point"],
      paint: {"circle-radius": 5, "circle-color": "#fff", "circle-stroke-color": "#1a4f8b", "circle-stroke-width": 2}});
    map.addSource("violations", {type: "geojson", data: {type: "FeatureCollection", features: []}});
    map.addLayer({id: "violations", type: "fill", source: "violations",
      paint: {"fill-color": "#e30613", "fill-opacity": 0.7}});
    map.on("click", (e) => click(map, e));
    const kept = document.getElementById("proposal").value;
    if (kept) {
      try {
        const p = JSON.parse(kept);
        state.ground = p.floors.find((f) => f.kind === "ground")?.footprint || null;
        state.annex = p.floors.find((f) => f.kind === "annex")?.footprint || null;
        sync(map);
      } catch { /* a drawing that did not parse is drawn again */ }
    }
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
  document.getElementById("draw-ground").addEventListener("click", () => start(map, "ground"));
  document.getElementById("draw-annex").addEventListener("click", () => start(map, "annex"));
  document.getElementById("draw-clear").addEventListener("click", () => {
    Object.assign(state, {mode: null, ring: [], ground: null, annex: null});
    map.getSource("violations").setData({type: "FeatureCollection", features: []});
    sync(map);
  });
  document.getElementById("check").addEventListener("click", () => check(map).catch((e) => console.error(e)));
  for (const id of ["uppers", "use", "units", "parking", "height"]) {
    document.getElementById(id).addEventListener("change", () => sync(map));
  }
}

main().catch((err) => console.error("permit drawing", err));
