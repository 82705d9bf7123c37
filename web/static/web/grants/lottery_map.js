// The public land-grants map: the pool's plots and the lottery's plots (public layers grant_pool and
// grant_allocations, from their vector tiles) over Ardh's base map; an inquiry's plot is zoomed to.
import {createMap} from "../map/base.js";
import {cfg} from "../map/config.js";

const COLOURS = ["match", ["get", "status"], "drawn", "#f39c12", "allocated", "#27ae60", "deeded", "#16a085", "#95a5a6"];

async function start() {
  const plot = document.querySelector("[data-test=plot]");
  const bounds = plot ? plot.dataset.bbox.split(",").map(Number) : null;
  const {map, index} = await createMap({container: "map", bounds});
  map.on("load", () => {
    for (const name of cfg.grants.layers) {
      const layer = index.layers.find((l) => l.name === name);
      if (!layer) continue;
      map.addSource(name, {type: "vector", tiles: [layer.tiles], minzoom: layer.minzoom, maxzoom: layer.maxzoom});
      map.addLayer({id: `${name}-fill`, type: "fill", source: name, "source-layer": name,
        paint: {"fill-color": name === "grant_pool" ? "#3498db" : COLOURS, "fill-opacity": 0.6}});
    }
    map.once("idle", () => {
      const drawn = map.getLayer("grant_allocations-fill")
        ? map.queryRenderedFeatures({layers: ["grant_allocations-fill"]}) : [];
      document.body.dataset.drawn = String(new Set(drawn.map((f) => f.id)).size);
      document.body.dataset.ready = "true";
    });
  });
}

start().catch((err) => console.error("grants map", err));
