// The application form's map: a click names the place (the server finds the current parcel under it).
import {createMap} from "../map/base.js";

async function start() {
  if (!document.getElementById("map")) return;
  const {map} = await createMap({container: "map"});
  map.on("load", () => {
    map.addSource("picked", {type: "geojson", data: {type: "FeatureCollection", features: []}});
    map.addLayer({id: "picked", type: "circle", source: "picked",
      paint: {"circle-radius": 7, "circle-color": "#e67e22", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
    map.on("click", (e) => {
      const lon = e.lngLat.lng.toFixed(7), lat = e.lngLat.lat.toFixed(7);
      document.getElementById("lon").value = lon;
      document.getElementById("lat").value = lat;
      document.getElementById("parcel").value = "";
      document.getElementById("picked").textContent = `${lat}, ${lon}`;
      map.getSource("picked").setData({type: "Point", coordinates: [Number(lon), Number(lat)]});
    });
    map.once("idle", () => { document.body.dataset.ready = "true"; });
  });
}

start().catch((err) => console.error("pick map", err));
