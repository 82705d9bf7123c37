// The inbox list's map: the same cases as the table (the page's cases, numbered), over the cases layer.
import {createMap} from "../map/base.js";
import {cfg} from "../map/config.js";
import {addCasesLayer, addPageCases, boundsOf} from "./cases_layer.js";

async function start() {
  const box = document.querySelector(".inbox-layout");
  if (!box || box.classList.contains("view-list")) return; // the map starts only when it is shown
  const page = cfg.inbox.cases;
  const around = boundsOf(page.features.map((f) => f.geometry.coordinates));
  const {map, index} = await createMap({container: "map"});
  map.on("load", () => {
    addCasesLayer(map, index, cfg.inbox.filter);
    addPageCases(map, page);
    if (around) map.fitBounds([[around[0], around[1]], [around[2], around[3]]], {padding: 60, maxZoom: 17, duration: 0});
    map.on("click", "page-cases", (e) => {
      const id = e.features[0]?.properties.id;
      if (id) window.location.assign(`/inbox/cases/${id}/`);
    });
    map.on("mouseenter", "page-cases", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "page-cases", () => { map.getCanvas().style.cursor = ""; });
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

start().catch((err) => console.error("inbox map", err));
