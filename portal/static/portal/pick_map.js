// The portal's application map: a tap names the place (the server finds the current parcel under it).
import {createMap} from "../web/map/base.js";

async function start() {
  const el = document.getElementById("map");
  if (!el) return;
  const {map} = await createMap({container: "map"});
  map.on("load", () => {
    map.addSource("picked", {type: "geojson", data: {type: "FeatureCollection", features: []}});
    map.addLayer({id: "picked", type: "circle", source: "picked",
      paint: {"circle-radius": 8, "circle-color": "#e67e22", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
    map.on("click", (e) => {
      const lon = e.lngLat.lng.toFixed(7), lat = e.lngLat.lat.toFixed(7);
      document.getElementById("lon").value = lon;
      document.getElementById("lat").value = lat;
      for (const r of document.querySelectorAll("input[name=parcel][type=radio]")) r.checked = false;
      const typed = document.getElementById("parcel_text");
      if (typed) typed.value = "";
      document.getElementById("picked").textContent = `${lat}, ${lon}`;
      map.getSource("picked").setData({type: "Point", coordinates: [Number(lon), Number(lat)]});
    });
    // "Use my position" (a button outside the map) puts the pin there too.
    window.addEventListener("ardh:picked", (e) => {
      map.getSource("picked").setData({type: "Point", coordinates: [e.detail.lon, e.detail.lat]});
      map.flyTo({center: [e.detail.lon, e.detail.lat], zoom: Math.max(map.getZoom(), 16)});
    });
    const lon0 = document.getElementById("lon").value, lat0 = document.getElementById("lat").value;
    if (lon0 && lat0) map.getSource("picked").setData({type: "Point", coordinates: [Number(lon0), Number(lat0)]});
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

start().catch((err) => console.error("pick map", err));
