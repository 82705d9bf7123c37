// The what-if map: the vacant parcels whose buildable area the draft changes (orange smaller, green larger, by
// how much) and the issued permits that would no longer comply (red).
import {createMap} from "../map/base.js";
import {cfg} from "../map/config.js";

const W = cfg.whatif;

async function main() {
  const [x0, y0, x1, y1] = W.bounds;
  const {map} = await createMap({container: "map", bounds: [x0, y0, x1, y1]});
  map.on("load", () => {
    map.addSource("whatif", {type: "geojson", data: W.features || {type: "FeatureCollection", features: []}});
    map.addLayer({id: "whatif-parcels", type: "fill", source: "whatif", filter: ["==", ["get", "kind"], "parcel"],
      paint: {"fill-color": ["case", ["<", ["get", "delta_m2"], 0], "#d35400", "#27ae60"], "fill-opacity": 0.65}});
    map.addLayer({id: "whatif-permits", type: "fill", source: "whatif", filter: ["==", ["get", "kind"], "permit"],
      paint: {"fill-color": "#e30613", "fill-opacity": 0.8}});
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

main().catch((err) => console.error("what-if", err));
