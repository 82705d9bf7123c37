// The what-if map: vacant parcels filled by the change of their buildable area under the draft (the legend's
// stops: lost red, gained green), issued permits that would no longer comply in red over them; a click tells.
import {createMap} from "../map/base.js";
import {cfg, fmt} from "../map/config.js";

const W = cfg.whatif;

function show(kind, p) {
  const s = W.strings;
  const out = document.getElementById("picked");
  if (!out) return;
  out.textContent = kind === "permit"
    ? `${s.permit} ${p.number} · ${s.parcel} ${p.parcel} · ${s.rules}: ${p.rules}`
    : `${s.parcel} ${p.number}: ${s.before} ${fmt(p.before)} · ${s.after} ${fmt(p.after)} · ${s.change} ${fmt(p.change)}`;
}

async function start() {
  const b = W.bounds;
  const {map} = await createMap({container: "map", bounds: b});
  map.on("load", () => {
    map.addSource("whatif-parcels", {type: "geojson", data: W.parcels});
    map.addSource("whatif-permits", {type: "geojson", data: W.permits});
    map.addLayer({id: "whatif-parcels-fill", type: "fill", source: "whatif-parcels",
      paint: {"fill-color": ["interpolate", ["linear"], ["get", "change"], ...W.stops.flat()], "fill-opacity": 0.8}});
    map.addLayer({id: "whatif-parcels-line", type: "line", source: "whatif-parcels",
      paint: {"line-color": "#566573", "line-width": 0.5}});
    map.addLayer({id: "whatif-permits-fill", type: "fill", source: "whatif-permits",
      paint: {"fill-color": "#e60000", "fill-opacity": 0.75}});
    map.addLayer({id: "whatif-permits-line", type: "line", source: "whatif-permits",
      paint: {"line-color": "#7b0000", "line-width": 2}});
    for (const [layer, kind] of [["whatif-parcels-fill", "parcel"], ["whatif-permits-fill", "permit"]]) {
      map.on("click", layer, (e) => { if (e.features[0]) show(kind, e.features[0].properties); });
      map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
    }
    map.once("idle", () => {
      document.body.dataset.permits = String(W.permits.features.length);
      document.body.dataset.parcels = String(W.parcels.features.length);
      document.body.dataset.ready = "true";
    });
  });
}

start().catch((err) => console.error("what-if map", err));
