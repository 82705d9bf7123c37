// Identify: what is at a clicked point (parcel, block, plan, zone with its regulation, district),
// and the parcel card (area, land use, lineage, history) with the edit actions the role allows.
import {api} from "./api.js";
import {cfg, fmt, fmtArea, h, T} from "./config.js";
import {highlight, message, showPanel, table} from "./ui.js";

const first = (fc) => (fc && fc.features.length ? fc.features[0] : null);
const name = (p) => (cfg.lang === "ar" ? p.name_ar || p.name_en : p.name_en || p.name_ar);
const date = (iso) => (iso ? new Date(iso).toLocaleString(cfg.lang === "ar" ? "ar-SA-u-nu-latn-ca-gregory" : "en-GB") : "");

function section(title, cls, ...content) {
  return h("section", {class: `card ${cls}`}, h("h3", {}, title), ...content);
}

async function regulation(zone) {
  const box = h("div", {class: "regulation"}, T("Loading…"));
  api(`regulations/${zone.properties.regulation_id}/`).then(({data: r}) => {
    box.replaceChildren(table([
      [T("Regulation"), `${r.code} — ${name(r)}`],
      [T("Max. coverage"), `${fmt(r.max_coverage_pct)} %`],
      [T("Max. floors"), fmt(r.max_floors, 0)],
      [T("Floor area ratio"), fmt(r.far)],
      [T("Setbacks (front/side/rear)"), `${fmt(r.front_setback_m)} / ${fmt(r.side_setback_m)} / ${fmt(r.rear_setback_m)} ${T("m")}`],
      [T("Allowed uses"), r.allowed_uses.map((u) => cfg.land_uses[u] || u).join("، ")],
    ]));
  }).catch((err) => box.replaceChildren(err.message));
  return box;
}

// The parcel card: read the record (its ETag is what an edit must send), lineage and history.
export async function parcelCard(map, id, {actions} = {}) {
  const [{data: parcel, etag}, {data: lineage}, {data: history}] = await Promise.all([
    api(`parcels/${id}/`), api(`parcels/${id}/lineage/`), api(`parcels/${id}/history/`),
  ]);
  const p = parcel.properties;
  window.ardh.selected = {id, version: p.version, etag, geometry: parcel.geometry, number: p.number};
  const link = (q) => h("button", {type: "button", class: "link", dataset: {parcel: q.id},
    onclick: () => parcelCard(map, q.id, {actions}).then((card) => showPanel(T("Parcel"), card))}, q.number);
  const card = section(T("Parcel %(number)s", {number: p.number}), "parcel",
    table([
      [T("Area"), fmtArea(p.area_m2)],
      [T("Land use"), cfg.land_uses[p.land_use] || p.land_use],
      [T("Status"), cfg.statuses[p.status] || p.status],
      [T("Deed number"), p.deed_number],
      [T("Valid from"), date(lineage.valid_from)],
      [T("Retired on"), date(lineage.valid_to)],
      [T("Version"), p.version],
    ]),
    h("h4", {}, T("Lineage")),
    lineage.parents.length || lineage.children.length
      ? table([
        [T("Came from"), lineage.parents.length ? h("span", {}, lineage.parents.map(link)) : ""],
        [T("Became"), lineage.children.length ? h("span", {}, lineage.children.map(link)) : ""],
      ])
      : h("p", {class: "empty"}, T("No split or merge.")),
    h("h4", {}, T("History")),
    history.length
      ? h("ol", {class: "history"}, history.slice(0, 10).map((c) => h("li", {},
        h("time", {}, date(c.at)), " ", cfg.actions[c.action] || c.action, " — ", c.by, c.note ? ` (${c.note})` : "")))
      : h("p", {class: "empty history"}, T("No change recorded since it was loaded.")),
    lineage.current && actions ? actions(window.ardh.selected) : null,
  );
  highlight(map, [parcel.geometry]);
  return card;
}

export async function identify(map, lngLat, {actions} = {}) {
  message(T("Loading…"));
  try {
    const {data} = await api(`at-point/?lon=${lngLat.lng.toFixed(7)}&lat=${lngLat.lat.toFixed(7)}`);
    message("");
    const parcel = first(data.parcels), block = first(data.blocks), plan = first(data.plans);
    const zone = first(data.zones), district = first(data.districts);
    const parts = [];
    if (parcel) parts.push(await parcelCard(map, parcel.id, {actions}));
    if (block) parts.push(section(T("Block"), "block", table([[T("Block number"), block.properties.number]])));
    if (plan) {
      parts.push(section(T("Subdivision plan"), "plan", table([
        [T("Plan number"), plan.properties.number], [T("Name"), name(plan.properties)],
        [T("Status"), cfg.plan_statuses[plan.properties.status] || plan.properties.status], [T("Approval date"), plan.properties.approval_date],
      ])));
    }
    if (zone) parts.push(section(T("Zoning"), "zone", table([[T("Zone"), name(zone.properties)]]), await regulation(zone)));
    if (district) parts.push(section(T("District"), "district", table([[T("Name"), name(district.properties)], [T("Code"), district.properties.code]])));
    if (!parcel) highlight(map, [plan?.geometry || district?.geometry].filter(Boolean));
    if (!parts.length) parts.push(h("p", {class: "empty"}, T("Nothing here.")));
    showPanel(T("What is here"), ...parts);
    window.ardh.identified = data;
  } catch (err) {
    message(err.message, "error");
  }
}
