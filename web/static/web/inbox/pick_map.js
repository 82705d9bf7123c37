// The application forms' map (the inbox's and the portal's): a tap names the place (the server finds the current
// parcel under it); a typed parcel or a chosen one is cleared. "Use my position" (the portal's complaint form)
// puts the pin there too.
import {createMap} from "../map/base.js";

async function start() {
  if (!document.getElementById("map")) return;
  const {map} = await createMap({container: "map"});
  const pin = (lon, lat) => map.getSource("picked").setData({type: "Point", coordinates: [Number(lon), Number(lat)]});
  map.on("load", () => {
    map.addSource("picked", {type: "geojson", data: {type: "FeatureCollection", features: []}});
    map.addLayer({id: "picked", type: "circle", source: "picked",
      paint: {"circle-radius": 7, "circle-color": "#e67e22", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
    map.on("click", (e) => {
      const lon = e.lngLat.lng.toFixed(7), lat = e.lngLat.lat.toFixed(7);
      document.getElementById("lon").value = lon;
      document.getElementById("lat").value = lat;
      for (const id of ["parcel", "parcel_text"]) {
        const typed = document.getElementById(id);
        if (typed) typed.value = "";
      }
      for (const r of document.querySelectorAll("input[name=parcel][type=radio]")) r.checked = false;
      document.getElementById("picked").textContent = `${lat}, ${lon}`;
      pin(lon, lat);
    });
    window.addEventListener("ardh:picked", (e) => {
      pin(e.detail.lon, e.detail.lat);
      map.flyTo({center: [e.detail.lon, e.detail.lat], zoom: Math.max(map.getZoom(), 16)});
    });
    const lon0 = document.getElementById("lon").value, lat0 = document.getElementById("lat").value;
    if (lon0 && lat0) pin(lon0, lat0);
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

start().catch((err) => console.error("pick map", err));
