// Analysis: draw a polygon, or a point/line with a buffer distance -> the parcels inside, with counts
// and areas by land use, exportable as GeoPackage or CSV.
import {api} from "./api.js";
import {cfg, fmt, fmtArea, h, T} from "./config.js";
import {draw} from "./draw.js";
import {message, showPanel} from "./ui.js";

function download(blob, filename) {
  const a = h("a", {href: URL.createObjectURL(blob), download: filename});
  document.body.append(a);
  a.click();
  a.remove();
}

export async function analyse(map, geometry, metres) {
  message(T("Analysing…"));
  const body = {geometry, metres};
  try {
    const {data} = await api("analysis/buffer/", {method: "POST", body});
    message("");
    const rows = data.by_land_use.map((r) => h("tr", {dataset: {landUse: r.land_use}},
      h("td", {}, cfg.land_uses[r.land_use] || r.land_use), h("td", {class: "num"}, fmt(r.count, 0)),
      h("td", {class: "num"}, fmtArea(r.area_m2))));
    const exporter = (output, label) => h("button", {type: "button", dataset: {export: output}, onclick: async () => {
      try {
        const response = await api(`analysis/export/?output=${output}`, {method: "POST", body, raw: true});
        download(await response.blob(), `ardh-analysis.${output}`);
      } catch (err) { message(err.message, "error"); }
    }}, label);
    showPanel(T("Parcels in the area"),
      h("p", {class: "summary"}, T("%(n)s parcels, %(area)s", {n: fmt(data.parcels, 0), area: fmtArea(data.area_m2)}),
        metres ? ` — ${T("within %(m)s m", {m: fmt(metres)})}` : ""),
      h("table", {class: "by-use"},
        h("thead", {}, h("tr", {}, h("th", {}, T("Land use")), h("th", {}, T("Count")), h("th", {}, T("Area")))),
        h("tbody", {}, rows)),
      h("div", {class: "actions"}, exporter("gpkg", T("Export GeoPackage")), exporter("csv", T("Export CSV"))));
    window.ardh.analysis = data;
    return data;
  } catch (err) {
    message(err.message, "error");
    return null;
  }
}

export async function analysisTool(map, kind) {
  const metres = kind === "polygon" ? 0 : Number(document.getElementById("buffer-metres").value || 0);
  message(kind === "polygon" ? T("Click the corners of the area; double-click or Enter to finish.")
    : T("Click a point or a line; double-click or Enter to finish."));
  const geometry = await draw(map, kind);
  if (!geometry) { message(""); return null; }
  return analyse(map, geometry, metres);
}
