// Editing for GIS editors (the "lineage" scope): split the selected parcel by a drawn line, merge
// selected parcels. Refusals (topology, stale version) are shown as messages; after an edit only
// the tiles the edit touched are fetched again.
import {api} from "./api.js";
import {h, T} from "./config.js";
import {draw, showDrawn} from "./draw.js";
import {bbox, tilesCovering, unionBbox} from "./geo.js";
import {highlight, message, showPanel} from "./ui.js";

export const mergeSelection = new Map(); // id -> {id, version, number, geometry}

// Ask MapLibre for the tiles under ``box`` again, on every vector and painted source (Map#refreshTiles).
export function refreshArea(map, box) {
  const refreshed = [];
  for (const [id, source] of Object.entries(map.getStyle().sources)) {
    if (source.type !== "vector" && !(source.type === "raster" && id === "basemap")) continue;
    const src = map.getSource(id);
    const ids = tilesCovering(box, src.minzoom ?? 0, Math.min(src.maxzoom ?? 22, 22));
    map.refreshTiles(id, ids);
    refreshed.push(...ids.map((t) => `${id}/${t.z}/${t.x}/${t.y}`));
  }
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
