// Editing for GIS editors (the "lineage" scope): split the selected parcel by a drawn line, merge
// selected parcels. Refusals (topology, stale version) are shown as messages; after an edit only
// the tiles the edit touched are fetched again.
import {api} from "./api.js";
import {h, T} from "./config.js";
import {draw, showDrawn} from "./draw.js";
import {bbox, tilesCovering, unionBbox} from "./geo.js";
import {highlight, message, showPanel} from "./ui.js";

export const mergeSelection = new Map(); // id -> {id, version, number, geometry}

// Tiles an edit made stale, per source ("z/x/y"). Map#refreshTiles reloads the tiles in view; tiles of other
// zooms or places may sit in MapLibre's memory cache, so they stay listed here and are reloaded when the
// view comes back to them (see watchStaleTiles).
const stale = new Map();

function key(t) { return `${t.z}/${t.x}/${t.y}`; }

function tileSources(map) {
  return Object.entries(map.getStyle().sources)
    .filter(([id, s]) => s.type === "vector" || (s.type === "raster" && id === "basemap"))
    .map(([id]) => [id, map.getSource(id)]);
}

// The tiles of ``source`` covering the current view (the ones MapLibre shows now).
function inView(map, source) {
  const z = Math.max(source.minzoom ?? 0, Math.min(Math.floor(map.getZoom()), source.maxzoom ?? 22));
  const b = map.getBounds();
  return new Set(tilesCovering([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], z, z).map(key));
}

function reloadStale(map) {
  for (const [id, source] of tileSources(map)) {
    const ids = stale.get(id);
    if (!ids || !ids.size) continue;
    const now = [...inView(map, source)].filter((k) => ids.has(k));
    if (!now.length) continue;
    map.refreshTiles(id, now.map((k) => { const [z, x, y] = k.split("/").map(Number); return {x, y, z}; }));
    now.forEach((k) => ids.delete(k));
  }
}

// Checked when the map is idle: tiles restored from the memory cache are in view (and reloadable) by then.
export function watchStaleTiles(map) {
  map.on("idle", () => reloadStale(map));
}

// After an edit: every tile under ``box`` (all zooms) is stale; those in view are fetched again now.
export function refreshArea(map, box) {
  const refreshed = [];
  for (const [id, source] of tileSources(map)) {
    const ids = tilesCovering(box, source.minzoom ?? 0, Math.min(source.maxzoom ?? 22, 22)).map(key);
    if (!stale.has(id)) stale.set(id, new Set());
    ids.forEach((k) => stale.get(id).add(k));
    refreshed.push(...ids.map((k) => `${id}/${k}`));
  }
  reloadStale(map);
  window.ardh.refreshed = {bbox: box, tiles: refreshed};
  return refreshed;
}

function changed(map, before, features, text) {
  const box = features.reduce((b, f) => unionBbox(b, bbox(f.geometry)), before);
  refreshArea(map, box);
  highlight(map, features);
  showDrawn(map, null);
  message(text, "ok");
}

export async function splitSelected(map, selected) {
  message(T("Draw the cutting line across the parcel; double-click or Enter to finish."));
  const line = await draw(map, "line");
  if (!line) { message(""); return null; }
  try {
    const {data} = await api(`parcels/${selected.id}/split/`, {method: "POST", body: {line},
      headers: {"If-Match": selected.etag || `"${selected.version}"`}});
    const numbers = data.features.map((f) => f.properties.number).join("، ");
    changed(map, bbox(selected.geometry), data.features,
      T("Parcel %(old)s was split into %(n)s parcels: %(numbers)s.", {old: selected.number, n: data.features.length, numbers}));
    window.ardh.lastEdit = {kind: "split", retired: [selected.id], created: data.features.map((f) => f.id)};
    showPanel(T("Split done"), h("ul", {}, data.features.map((f) => h("li", {}, T("Parcel %(number)s", {number: f.properties.number})))));
    return data;
  } catch (err) {
    showDrawn(map, null);
    message(err.message, "error");
    return null;
  }
}

export function toggleMerge(selected) {
  if (mergeSelection.has(selected.id)) mergeSelection.delete(selected.id);
  else mergeSelection.set(selected.id, {...selected});
  renderMergeBox();
}

export function renderMergeBox() {
  const box = document.getElementById("merge-box");
  if (!box) return; // not an editor
  box.hidden = mergeSelection.size === 0;
  box.querySelector(".count").textContent = T("%(n)s parcels selected for merging", {n: mergeSelection.size});
  box.querySelector("button.merge").disabled = mergeSelection.size < 2;
}

export async function mergeSelected(map) {
  const members = [...mergeSelection.values()];
  try {
    const {data} = await api("parcels/merge/", {method: "POST",
      body: {parcels: members.map((m) => ({id: m.id, version: m.version}))}});
    const before = members.reduce((b, m) => unionBbox(b, bbox(m.geometry)), null);
    changed(map, before, data.features, T("Merged into parcel %(number)s.", {number: data.features[0].properties.number}));
    window.ardh.lastEdit = {kind: "merge", retired: members.map((m) => m.id), created: data.features.map((f) => f.id)};
    mergeSelection.clear();
    renderMergeBox();
    return data;
  } catch (err) {
    message(err.message, "error");
    return null;
  }
}

// The buttons on a current parcel's card, for users who may split and merge.
export function editActions(map) {
  return (selected) => h("div", {class: "actions edit"},
    h("button", {type: "button", class: "split", onclick: () => splitSelected(map, selected)}, T("Split by a line")),
    h("button", {type: "button", class: "select-merge", onclick: () => toggleMerge(selected)},
      mergeSelection.has(selected.id) ? T("Remove from merge") : T("Select for merge")));
}
