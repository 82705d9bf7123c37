// Coordinates and measurements: the municipality's UTM grid (transverse Mercator on its ellipsoid),
// and lengths/areas computed in that grid, as its surveyors do.
import {cfg} from "./config.js";

const RAD = Math.PI / 180;

// Geographic lon/lat (WGS 84) -> UTM easting/northing in the municipality's CRS.
export function toUtm(lon, lat, p = cfg.utm) {
  lon += p.shift[0];
  lat += p.shift[1];
  const a = p.a, f = 1 / p.rf, k0 = p.k0;
  const e2 = f * (2 - f), ep2 = e2 / (1 - e2);
  const phi = lat * RAD, dl = (lon - p.lon0) * RAD;
  const sin = Math.sin(phi), cos = Math.cos(phi), tan = Math.tan(phi);
  const N = a / Math.sqrt(1 - e2 * sin * sin);
  const T = tan * tan, C = ep2 * cos * cos, A = cos * dl;
  const e4 = e2 * e2, e6 = e4 * e2;
  const M = a * ((1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
    - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * Math.sin(2 * phi)
    + (15 * e4 / 256 + 45 * e6 / 1024) * Math.sin(4 * phi)
    - (35 * e6 / 3072) * Math.sin(6 * phi));
  const x = k0 * N * (A + (1 - T + C) * A ** 3 / 6 + (5 - 18 * T + T * T + 72 * C - 58 * ep2) * A ** 5 / 120);
  const y = k0 * (M + N * tan * (A * A / 2 + (5 - T + 9 * C + 4 * C * C) * A ** 4 / 24
    + (61 - 58 * T + T * T + 600 * C - 330 * ep2) * A ** 6 / 720));
  return [x + p.false_easting, y + p.false_northing];
}

// Length in metres of a line of [lon, lat] vertices, in the UTM grid.
export function length(coords) {
  let total = 0;
  for (let i = 1; i < coords.length; i++) {
    const [x0, y0] = toUtm(...coords[i - 1]);
    const [x1, y1] = toUtm(...coords[i]);
    total += Math.hypot(x1 - x0, y1 - y0);
  }
  return total;
}

// Area in m² of a ring of [lon, lat] vertices (closed or not), in the UTM grid (shoelace formula).
export function area(ring) {
  const pts = ring.map(([lon, lat]) => toUtm(lon, lat));
  let twice = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[(i + 1) % pts.length];
    twice += x0 * y1 - x1 * y0;
  }
  return Math.abs(twice) / 2;
}

// Bounding box [minLon, minLat, maxLon, maxLat] of any GeoJSON geometry.
export function bbox(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return box;
}

export function unionBbox(a, b) {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

// The XYZ tiles (every zoom from minzoom to maxzoom) that a bbox touches: the tiles an edit changed.
export function tilesCovering(box, minzoom, maxzoom) {
  const ids = [];
  const tx = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const ty = (lat, z) => {
    const s = Math.sin(lat * RAD);
    return Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 2 ** z);
  };
  for (let z = minzoom; z <= maxzoom; z++) {
    const n = 2 ** z - 1;
    const x0 = Math.max(0, tx(box[0], z)), x1 = Math.min(n, tx(box[2], z));
    const y0 = Math.max(0, ty(box[3], z)), y1 = Math.min(n, ty(box[1], z));
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) ids.push({x, y, z});
  }
  return ids;
}
