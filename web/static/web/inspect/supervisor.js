// The supervisor's map: today's routes of every inspector over the base map, one colour each.
import {createMap} from "../map/base.js";
import {cfg} from "../map/config.js";

const COLOURS = ["#8e44ad", "#2980b9", "#d35400", "#16a085", "#c0392b", "#2c3e50"];

async function main() {
  const R = cfg.routes;
  if (!R || !R.bounds) return;
  const [x0, y0, x1, y1] = R.bounds;
  const {map} = await createMap({container: "map", bounds: [x0, y0, x1, y1]});
  map.on("load", () => {
    const names = [...new Set(R.features.map((f) => f.properties.inspector))];
    map.addSource("routes", {type: "geojson", data: {type: "FeatureCollection", features: R.features}});
    map.addLayer({id: "routes", type: "line", source: "routes", paint: {"line-width": 4, "line-color":
      names.length ? ["match", ["get", "inspector"], ...names.flatMap((n, i) => [n, COLOURS[i % COLOURS.length]]), "#555"] : "#555"}});
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

main().catch((err) => console.error("routes", err));
