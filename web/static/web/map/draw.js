// Drawing on the map without a library: points, lines and polygons from clicks.
// Click adds a vertex, double-click or Enter finishes, Escape or Backspace cancels / removes a vertex.
const SOURCE = "ardh-draw";

export function installDrawLayers(map) {
  map.addSource(SOURCE, {type: "geojson", data: {type: "FeatureCollection", features: []}});
  map.addLayer({id: "draw-fill", type: "fill", source: SOURCE, filter: ["==", "$type", "Polygon"],
    paint: {"fill-color": "#ff7f00", "fill-opacity": 0.15}});
  map.addLayer({id: "draw-line", type: "line", source: SOURCE,
    paint: {"line-color": "#ff7f00", "line-width": 2.5, "line-dasharray": [2, 1]}});
  map.addLayer({id: "draw-points", type: "circle", source: SOURCE, filter: ["==", "$type", "Point"],
    paint: {"circle-radius": 4, "circle-color": "#ffffff", "circle-stroke-color": "#ff7f00", "circle-stroke-width": 2}});
}

export function showDrawn(map, geometry) {
  const features = geometry ? [{type: "Feature", geometry, properties: {}}] : [];
  map.getSource(SOURCE).setData({type: "FeatureCollection", features});
}

function shape(kind, pts, hover) {
  const all = hover ? [...pts, hover] : pts;
  const features = all.map((c) => ({type: "Feature", geometry: {type: "Point", coordinates: c}, properties: {}}));
  if (kind === "polygon" && all.length >= 3) {
    features.push({type: "Feature", properties: {}, geometry: {type: "Polygon", coordinates: [[...all, all[0]]]}});
  } else if (all.length >= 2) {
    features.push({type: "Feature", properties: {}, geometry: {type: "LineString", coordinates: all}});
  }
  return {type: "FeatureCollection", features};
}

// Resolve with a GeoJSON geometry, or null if cancelled. ``onChange(vertices)`` follows the drawing.
export function draw(map, kind, {onChange = () => {}} = {}) {
  cancelDrawing?.();
  const pts = [];
  const minimum = {point: 1, any: 1, line: 2, polygon: 3}[kind];
  map.getCanvas().style.cursor = "crosshair";
  map.doubleClickZoom.disable();
  return new Promise((resolve) => {
    const update = (hover) => {
      map.getSource(SOURCE).setData(shape(kind, pts, hover));
      onChange(hover ? [...pts, hover] : pts);
    };
    const finish = (ok) => {
      map.off("click", click); map.off("dblclick", dblclick); map.off("mousemove", move);
      document.removeEventListener("keydown", key);
      map.getCanvas().style.cursor = "";
      setTimeout(() => map.doubleClickZoom.enable(), 0);
      cancelDrawing = null;
      finishDrawing = null;
      if (!ok || pts.length < minimum) { showDrawn(map, null); onChange([]); resolve(null); return; }
      let geometry;
      if (kind === "point") geometry = {type: "Point", coordinates: pts[0]};
      else if (kind === "any" && pts.length === 1) geometry = {type: "Point", coordinates: pts[0]};
      else if (kind === "line" || kind === "any") geometry = {type: "LineString", coordinates: pts};
      else geometry = {type: "Polygon", coordinates: [[...pts, pts[0]]]};
      showDrawn(map, geometry);
      window.ardh.drawn = geometry; // the last finished drawing, as sent to the server
      onChange(pts);
      resolve(geometry);
    };
    const click = (e) => {
      const c = [e.lngLat.lng, e.lngLat.lat];
      const last = pts[pts.length - 1];
      if (last && last[0] === c[0] && last[1] === c[1]) return; // the second click of a double-click
      pts.push(c);
      update();
      if (kind === "point") finish(true);
    };
    const dblclick = (e) => { e.preventDefault(); finish(true); };
    const move = (e) => { if (pts.length) update([e.lngLat.lng, e.lngLat.lat]); };
    const key = (e) => {
      if (e.key === "Enter") finish(true);
      else if (e.key === "Escape") finish(false);
      else if (e.key === "Backspace" && pts.length) { pts.pop(); update(); }
    };
    map.on("click", click); map.on("dblclick", dblclick); map.on("mousemove", move);
    document.addEventListener("keydown", key);
    cancelDrawing = () => finish(false);
    finishDrawing = () => finish(true);
  });
}

export let cancelDrawing = null;
export const isDrawing = () => cancelDrawing !== null;
export let finishDrawing = null;
