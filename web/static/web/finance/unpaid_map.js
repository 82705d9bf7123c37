// The finance map: the tenant layer `unpaid_bills` (parcels with bills awaiting payment or expired unpaid) from
// its vector tiles, filled by the amount outstanding (the legend's stops); a click shows a parcel's figures.
import {createMap} from "../map/base.js";
import {cfg, fmt} from "../map/config.js";

const F = cfg.finance;

function fill() {
  return ["interpolate", ["linear"], ["get", "outstanding"], ...F.stops.flat()];
}

function show(props) {
  const s = F.strings;
  const out = document.getElementById("picked");
  if (!out) return;
  out.textContent = `${s.parcel} ${props.number}: ${props.bills} ${s.bills} (${props.fines} ${s.fines}) · ` +
    `${s.outstanding} ${fmt(props.outstanding)} · ${s.due} ${props.oldest_due}`;
}

async function start() {
  const b = F.bounds;
  const pad = 0.002;
  const {map, index} = await createMap({container: "map",
    bounds: b ? [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad] : null});
  const layer = index.layers.find((l) => l.name === F.layer);
  map.on("load", () => {
    if (!layer) return;
    map.addSource("unpaid", {type: "vector", tiles: [layer.tiles], minzoom: layer.minzoom, maxzoom: layer.maxzoom});
    map.addLayer({id: "unpaid-fill", type: "fill", source: "unpaid", "source-layer": F.layer,
      paint: {"fill-color": fill(), "fill-opacity": 0.75}});
    map.addLayer({id: "unpaid-line", type: "line", source: "unpaid", "source-layer": F.layer,
      paint: {"line-color": "#7b241c", "line-width": 1.5}});
    map.on("click", "unpaid-fill", (e) => { if (e.features[0]) show(e.features[0].properties); });
    map.on("mouseenter", "unpaid-fill", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "unpaid-fill", () => { map.getCanvas().style.cursor = ""; });
    map.once("idle", () => {
      const drawn = new Set(map.queryRenderedFeatures({layers: ["unpaid-fill"]}).map((f) => f.id));
      document.body.dataset.unpaid = String(drawn.size);
      document.body.dataset.ready = "true";
    });
  });
}

start().catch((err) => console.error("finance map", err));
