// Measure distance and area in metres (in the municipality's UTM grid); the pointer's coordinates
// in WGS 84 and UTM in the status bar.
import {cfg, fmt, fmtArea, fmtLength, T} from "./config.js";
import {draw} from "./draw.js";
import {area, length, toUtm} from "./geo.js";
import {message} from "./ui.js";

export function installCoordinates(map) {
  const box = document.getElementById("coords");
  const show = (lng, lat) => {
    const [e, n] = toUtm(lng, lat);
    box.textContent = `WGS 84: ${lat.toFixed(6)}°, ${lng.toFixed(6)}° · ${cfg.utm.name}: `
      + `E ${fmt(e, 2)} N ${fmt(n, 2)}`;
    box.dataset.lon = lng; box.dataset.lat = lat; box.dataset.easting = e; box.dataset.northing = n;
  };
  map.on("mousemove", (e) => show(e.lngLat.lng, e.lngLat.lat));
  const c = map.getCenter();
  show(c.lng, c.lat);
}

export async function measure(map, kind) {
  const out = document.getElementById("measure");
  out.textContent = "";
  const report = (pts) => {
    if (kind === "line") {
      out.textContent = pts.length > 1 ? `${T("Distance")}: ${fmtLength(length(pts))}` : "";
    } else {
      out.textContent = pts.length > 2
        ? `${T("Area")}: ${fmtArea(area(pts))} · ${T("Perimeter")}: ${fmtLength(length([...pts, pts[0]]))}` : "";
    }
    out.dataset.metres = kind === "line" ? length(pts) : (pts.length > 2 ? area(pts) : 0);
  };
  message(T("Click to add points; double-click or Enter to finish."));
  const geometry = await draw(map, kind === "line" ? "line" : "polygon", {onChange: report});
  message("");
  return geometry;
}
