// The public map of open reports: the public layer complaints_open (vector tiles), a dot per report.
import {createMap} from "../web/map/base.js";
import {cfg} from "../web/map/config.js";

async function start() {
  const {map, index} = await createMap({container: "map"});
  map.on("load", () => {
    const layer = index.layers.find((l) => l.name === cfg.complaints.layer);
    if (layer) {
      map.addSource("reports", {type: "vector", tiles: [layer.tiles], minzoom: layer.minzoom, maxzoom: layer.maxzoom});
      map.addLayer({id: "reports", type: "circle", source: "reports", "source-layer": layer.name,
        paint: {"circle-radius": 6, "circle-color": "#c0392b", "circle-stroke-color": "#fff", "circle-stroke-width": 1}});
    }
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

start().catch((err) => console.error("reports map", err));
