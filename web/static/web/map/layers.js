// The layer panel: one entry per layer of the registry (/tiles/ index) plus the orthophoto,
// each with a toggle, an opacity slider and a legend read from the style itself.
import {cfg, h, T} from "./config.js";

const OPACITY = {fill: "fill-opacity", line: "line-opacity", symbol: "text-opacity", raster: "raster-opacity", circle: "circle-opacity"};

function styleLayersOf(map, name) {
  return map.getStyle().layers.filter((l) => l["source-layer"] === name || (l.source === name && l.type === "raster"));
}

function legend(map, name) {
  const items = [];
  for (const l of styleLayersOf(map, name)) {
    const colour = l.paint?.["fill-color"] ?? l.paint?.["line-color"];
    if (Array.isArray(colour) && colour[0] === "match") {
      for (let i = 2; i < colour.length - 1; i += 2) {
        items.push(h("li", {}, h("span", {class: "swatch", style: `background:${colour[i + 1]}`}), cfg.land_uses[colour[i]] || colour[i]));
      }
    } else if (typeof colour === "string" && l.type !== "symbol" && !items.length) {
      items.push(h("li", {}, h("span", {class: `swatch ${l.type}`, style: `background:${colour}`}), T("outline")));
    }
  }
  return items.length ? h("ul", {class: "legend"}, items) : null;
}

export function setVisible(map, name, visible) {
  for (const l of styleLayersOf(map, name)) map.setLayoutProperty(l.id, "visibility", visible ? "visible" : "none");
}

export function setOpacity(map, name, value) {
  for (const l of styleLayersOf(map, name)) {
    const prop = OPACITY[l.type];
    if (!prop) continue;
    const base = l.metadata?.["ardh:opacity"] ?? 1;
    map.setPaintProperty(l.id, prop, base * value);
  }
}

export async function buildLayerPanel(map, index) {
  const list = document.getElementById("layers");
  const entries = [
    {name: "ortho", title: T("Orthophoto"), visible: false},
    ...index.layers.map((l) => ({name: l.name, title: cfg.lang === "ar" ? l.title_ar : l.title_en, visible: true,
      zoom: `${l.minzoom}–${l.maxzoom}`})),
  ];
  for (const e of entries) {
    if (!styleLayersOf(map, e.name).length) continue;
    const id = `layer-${e.name}`;
    const toggle = h("input", {type: "checkbox", id, checked: e.visible, dataset: {layer: e.name},
      onchange: (ev) => setVisible(map, e.name, ev.target.checked)});
    const slider = h("input", {type: "range", min: 0, max: 100, value: 100, "aria-label": T("Opacity"),
      dataset: {layer: e.name}, oninput: (ev) => setOpacity(map, e.name, ev.target.value / 100)});
    list.append(h("li", {class: "layer"},
      h("label", {for: id}, toggle, " ", e.title),
      h("div", {class: "opacity"}, h("span", {}, T("Opacity")), slider),
      legend(map, e.name)));
  }
}
