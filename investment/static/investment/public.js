// The public map of investment opportunities: the house's base map with the opportunities' sites from the public
// API (GeoJSON); a click shows the opportunity's card in the list.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("investment-map").textContent);
  const colours = ["match", ["get", "status"], "published", "#27ae60", "closed", "#f39c12", "opened", "#2980b9",
    "awarded", "#8e44ad", "contracted", "#7f8c8d", "#95a5a6"];

  async function start() {
    if (!window.maplibregl) return;
    // The house's style (the layers this visitor may see), its glyphs made absolute, and the RTL text plugin for
    // Arabic labels — all served by Ardh, no CDN.
    const style = await (await fetch(config.style)).json();
    if (style.glyphs && !style.glyphs.startsWith("http")) style.glyphs = window.location.origin + style.glyphs;
    const rtl = style.metadata && style.metadata["ardh:rtl-text-plugin"];
    if (rtl && maplibregl.getRTLTextPluginStatus() === "unavailable") {
      maplibregl.setRTLTextPlugin(rtl, false).catch((e) => console.error(e));
    }
    const map = new maplibregl.Map({ container: "map", style, center: [46.7, 24.7], zoom: 5 });
    map.addControl(new maplibregl.NavigationControl());
    map.on("load", async () => {
      const response = await fetch(config.data, { headers: { Accept: "application/json" } });
      if (!response.ok) { document.body.dataset.ready = "error"; return; }
      const data = await response.json();
      map.addSource("opportunities", { type: "geojson", data });
      map.addLayer({ id: "opportunities-fill", type: "fill", source: "opportunities",
        paint: { "fill-color": colours, "fill-opacity": 0.45 } });
      map.addLayer({ id: "opportunities-line", type: "line", source: "opportunities",
        paint: { "line-color": colours, "line-width": 2 } });
      const bounds = new maplibregl.LngLatBounds();
      for (const f of data.features) for (const poly of f.geometry.coordinates) for (const p of poly[0]) bounds.extend(p);
      if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 40, maxZoom: 16 });
      window.investmentMap = map;  // the browser tests ask it what it drew
      map.once("idle", () => { document.body.dataset.ready = "true"; });
      map.on("click", "opportunities-fill", (e) => {
        const card = document.getElementById("o-" + e.features[0].id);
        if (card) { card.scrollIntoView({ behavior: "smooth", block: "center" }); card.focus?.(); }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
