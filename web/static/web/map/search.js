// Search by parcel number (or "plan/parcel"), plan number, district name (Arabic or English), deed number:
// the answer lists the matches; choosing one flies there and highlights it.
import {api} from "./api.js";
import {h, T} from "./config.js";
import {highlight, message, showPanel} from "./ui.js";

export function goTo(map, hit) {
  highlight(map, [hit.geometry]);
  const [x0, y0, x1, y1] = hit.bbox;
  map.fitBounds([[x0, y0], [x1, y1]], {padding: 80, maxZoom: 18, duration: 600});
  window.ardh.lastSearchHit = hit;
}

export function installSearch(map, onPick) {
  const form = document.getElementById("search");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = form.elements.q.value.trim();
    if (!q) return;
    message(T("Searching…"));
    try {
      const {data} = await api(`search/?q=${encodeURIComponent(q)}`);
      message("");
      if (!data.results.length) {
        showPanel(T("Search"), h("p", {class: "empty"}, T("Nothing found for “%(q)s”.", {q})));
        return;
      }
      const items = data.results.map((hit) => h("li", {},
        h("button", {type: "button", class: "hit", dataset: {kind: hit.kind, id: hit.id},
          onclick: () => { goTo(map, hit); onPick?.(hit); }}, hit.label)));
      showPanel(T("Search results"), h("ol", {class: "hits"}, items));
      goTo(map, data.results[0]);
      onPick?.(data.results[0]);
    } catch (err) {
      message(err.message, "error");
    }
  });
}
