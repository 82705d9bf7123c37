// The inspection app (web/inspect/app.py, docs/inspections.md): download the day while online, record visits
// without a network (answers, photos, a signature) into IndexedDB, sync when back. Every result carries the
// device's key (a UUID), so a sync repeated after a dropped answer is never applied twice; a result the server
// holds (the premises changed at the office, the visit answered elsewhere) is shown, never overwritten.
"use strict";
(function () {
  const CFG = window.ARDH_INSPECT;
  const S = JSON.parse(document.getElementById("inspect-strings").textContent);
  const $ = (sel) => document.querySelector(sel);
  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, k) => (values[k] ?? ""));
  let dbp = null;

  function db() {
    if (!dbp) {
      dbp = new Promise((resolve, reject) => {
        const open = indexedDB.open("ardh-inspect-" + CFG.user, 1);
        open.onupgradeneeded = () => {
          const d = open.result;
          d.createObjectStore("kv");
          d.createObjectStore("outbox", {keyPath: "uuid"});
          d.createObjectStore("results", {keyPath: "visit"});
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbp;
  }

  async function tx(store, mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction(store, mode);
      const req = fn(t.objectStore(store));
      t.oncomplete = () => resolve(req && req.result);
      t.onerror = () => reject(t.error);
    });
  }
  const get = (store, key) => tx(store, "readonly", (s) => s.get(key));
  const all = (store) => tx(store, "readonly", (s) => s.getAll());
  const put = (store, value, key) => tx(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  const del = (store, key) => tx(store, "readwrite", (s) => s.delete(key));

  function csrf() {
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function setNet(online) {
    const el = $("#net");
    el.textContent = online ? S.online : S.offline;
    el.classList.toggle("off", !online);
    document.body.dataset.online = online ? "true" : "false";
  }

  // --- the day --------------------------------------------------------------------------------------------

  async function download() {
    $("#day-status").textContent = "…";
    let day;
    try {
      const r = await fetch(CFG.day, {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (r.status === 403 || r.redirected) { $("#day-status").textContent = S.signin; return; }
      day = await r.json();
      setNet(true);
    } catch (err) {
      setNet(false);
      $("#day-status").textContent = S.sync_failed;
      return;
    }
    await put("kv", day, "day");
    let tiles = 0;
    if (day.map) {
      await caches.delete("ardh-inspect-day");
      const cache = await caches.open("ardh-inspect-day");
      const urls = [...day.map.assets, ...day.map.tiles];
      for (let i = 0; i < urls.length; i += 8) {
        await Promise.all(urls.slice(i, i + 8).map(async (u) => {
          try { const res = await fetch(u, {credentials: "same-origin"}); if (res.ok) { await cache.put(u, res); tiles++; } }
          catch (e) { /* a tile missing offline is a blank square, not a failure */ }
        }));
      }
    }
    const visits = (day.parts["licensing.visits"] || {}).visits || [];
    $("#day-status").textContent = fmt(S.downloaded, {n: visits.length, t: tiles});
    document.body.dataset.day = day.day;
    await render();
  }

  // --- recording ------------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "dataset") Object.assign(e.dataset, v);
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  const label = (obj, base) => (CFG.lang === "en" ? obj[base + "_en"] : obj[base + "_ar"]) || obj[base + "_ar"];

  async function photoData(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.8);
  }

  function signaturePad(canvas) {
    const ctx = canvas.getContext("2d");
    let drawing = false, drawn = false;
    const pos = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
    canvas.addEventListener("pointerdown", (e) => { drawing = true; ctx.beginPath(); ctx.moveTo(...pos(e)); });
    canvas.addEventListener("pointermove", (e) => { if (drawing) { ctx.lineTo(...pos(e)); ctx.stroke(); drawn = true; } });
    window.addEventListener("pointerup", () => { drawing = false; });
    return () => (drawn ? canvas.toDataURL("image/png") : null);
  }

  async function save(visit, form, signature, card) {
    const items = form.querySelectorAll("fieldset[data-code]");
    const answers = {};
    for (const f of items) {
      const checked = f.querySelector("input:checked");
      if (!checked) { card.querySelector(".state").textContent = S.answer_all; return; }
      answers[f.dataset.code] = checked.value === "yes";
    }
    const files = form.querySelector("input[type=file]").files;
    const photos = [];
    for (const f of files) {
      try { photos.push(await photoData(f)); } catch (e) { photos.push("not-an-image:" + f.name); }
    }
    const result = {uuid: crypto.randomUUID(), visit: visit.id, premises_version: visit.premises.version, answers,
      notes: form.querySelector("textarea").value, recorded_at: new Date().toISOString(), photos,
      signature: signature()};
    for (const old of await all("outbox")) if (old.visit === visit.id) await del("outbox", old.uuid);  // corrected
    await put("outbox", result);
    await put("results", {visit: visit.id, status: "saved", message: S.saved});
    await render();
  }

  function card(visit, checklist, outcome) {
    const p = visit.premises, lic = visit.license || {};
    const state = outcome ? outcome.status : "planned";
    const stateText = outcome ? [S[outcome.status] || outcome.status, outcome.message,
      outcome.fine ? fmt(S.fine, {a: outcome.fine.amount, n: outcome.fine.account_number}) : ""].filter(Boolean).join(" — ") : "";
    const li = el("li", {class: `visit ${state}`, dataset: {visit: visit.id, test: "visit"}},
      el("h3", {}, `${S.order} ${visit.order}: ${p.name}`),
      el("p", {class: "meta"}, `${lic.activity || ""} ${label(lic, "activity") || ""} · ${visit.kind_label}`,
        visit.overdue ? el("span", {class: "overdue"}, ` · ${visit.due_on}`) : null,
        p.opens ? ` · ${S.hours} ${p.opens}–${p.closes}` : "", visit.arrive ? ` · ${visit.arrive}` : ""),
      el("p", {class: "meta"}, `${p.establishment} · CR ${p.cr_number}`),
      el("ul", {class: "meta"}, visit.health_certificates.map((c) =>
        el("li", {class: c.expired ? "cert expired" : "cert"}, `${c.holder} ${c.number} ${c.expires_on}${c.expired ? " · " + S.expired : ""}`))),
      el("p", {class: "state", dataset: {test: "state"}}, stateText));
    if (state !== "planned" && state !== "invalid") return li;
    const form = el("form", {onsubmit: (e) => e.preventDefault()});
    for (const q of checklist) {
      const name = `q-${visit.id}-${q.code}`;
      form.append(el("fieldset", {class: `answers severity-${q.severity}`, dataset: {code: q.code}},
        el("legend", {}, label(q, "question")),
        el("label", {}, el("input", {type: "radio", name, value: "yes"}), S.yes),
        el("label", {}, el("input", {type: "radio", name, value: "no"}), S.no)));
    }
    const canvas = el("canvas", {class: "signature", width: 600, height: 200, "aria-label": "signature"});
    form.append(el("textarea", {"aria-label": "notes"}),
      el("input", {type: "file", accept: "image/*", capture: "environment", multiple: true, "aria-label": "photos"}),
      canvas);
    const signature = signaturePad(canvas);
    form.append(el("button", {type: "button", dataset: {test: "save"}, onclick: () => save(visit, form, signature, li)},
      S.save));
    li.append(form);
    return li;
  }

  let map = null;
  function drawMap(day, visits) {
    if (!window.maplibregl || map) return;
    try {
      const bbox = day.map ? day.map.bbox : null;
      if (!bbox) return;
      map = new maplibregl.Map({container: "map", style: "/tiles/style.json", bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]], attributionControl: false});
      map.on("load", () => {
        const part = day.parts["licensing.visits"] || {};
        if (part.route) {
          map.addSource("route", {type: "geojson", data: {type: "Feature", geometry: part.route, properties: {}}});
          map.addLayer({id: "route", type: "line", source: "route", paint: {"line-color": "#8e44ad", "line-width": 4}});
        }
        map.addSource("stops", {type: "geojson", data: {type: "FeatureCollection", features: visits.map((v) => ({
          type: "Feature", geometry: {type: "Point", coordinates: [v.premises.lon, v.premises.lat]}, properties: {order: String(v.order)}}))}});
        map.addLayer({id: "stops", type: "circle", source: "stops", paint: {"circle-radius": 9, "circle-color": "#0b6e4f", "circle-stroke-color": "#fff", "circle-stroke-width": 2}});
        map.addLayer({id: "stop-numbers", type: "symbol", source: "stops", layout: {"text-field": ["get", "order"], "text-font": ["DejaVu Sans"], "text-size": 11}, paint: {"text-color": "#fff"}});
        document.body.dataset.map = "ready";
      });
    } catch (err) { console.warn("map", err); }
  }

  async function render() {
    const day = await get("kv", "day");
    const list = $("#visits");
    list.replaceChildren();
    if (!day) { $("#day-status").textContent = S.no_day; document.body.dataset.ready = "true"; return; }
    const part = day.parts["licensing.visits"] || {visits: [], checklists: {}};
    const outcomes = Object.fromEntries((await all("results")).map((r) => [r.visit, r]));
    for (const v of part.visits) {
      list.append(card(v, part.checklists[(v.license || {}).activity_id] || [], outcomes[v.id]));
    }
    if (!part.visits.length) list.append(el("li", {}, S.nothing));
    const pending = (await all("outbox")).length;
    $("#sync-status").textContent = pending ? fmt(S.pending, {n: pending}) : "";
    document.body.dataset.pending = String(pending);
    const held = Object.values(outcomes).filter((o) => ["conflict", "refused"].includes(o.status));
    $("#held").hidden = !held.length;
    $("#held-list").replaceChildren(...held.map((o) => el("li", {dataset: {test: "held-item"}}, `#${o.visit}: ${o.message}`)));
    drawMap(day, part.visits);
    document.body.dataset.ready = "true";
  }

  // --- sync -----------------------------------------------------------------------------------------------

  let syncing = false;
  const BATCH_BYTES = 20 * 1024 * 1024;  // the server takes 50 MB a request: photos make batches heavy

  function batches(outbox) {
    const out = [[]];
    let size = 0;
    for (const item of outbox) {
      const n = JSON.stringify(item).length;
      if (out[out.length - 1].length && size + n > BATCH_BYTES) { out.push([]); size = 0; }
      out[out.length - 1].push(item);
      size += n;
    }
    return out;
  }

  async function send(items) {
    let r;
    try {
      r = await fetch(CFG.sync, {method: "POST", credentials: "same-origin", headers: {
        "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf()},
        body: JSON.stringify({device: navigator.userAgent.slice(0, 60), results: items})});
    } catch (err) {
      setNet(false);
      $("#sync-status").textContent = S.sync_failed;
      return false;
    }
    setNet(true);
    if (r.status === 401 || r.status === 403) { $("#sync-status").textContent = S.signin; return false; }
    if (!r.ok) { $("#sync-status").textContent = `${r.status}`; return false; }
    const body = await r.json();
    for (const answer of body.results) {
      const sent = items.find((o) => o.uuid === answer.uuid);
      if (!sent) continue;
      if (answer.status === "invalid") {  // kept on the device, with why
        await put("results", {visit: sent.visit, status: "invalid", message: answer.message});
        continue;
      }
      await put("results", {visit: sent.visit, ...answer});
      await del("outbox", sent.uuid);
    }
    return true;
  }

  async function sync() {
    if (syncing) return;
    const outbox = await all("outbox");
    if (!outbox.length) { await render(); return; }
    syncing = true;
    try {
      for (const items of batches(outbox)) {
        if (!(await send(items))) break;
      }
      document.body.dataset.synced = String((document.body.dataset.synced | 0) + 1);
    } finally {
      syncing = false;
      await render();
    }
  }

  // --- start ----------------------------------------------------------------------------------------------

  window.addEventListener("online", () => { setNet(true); sync(); });
  window.addEventListener("offline", () => setNet(false));
  document.addEventListener("DOMContentLoaded", async () => {
    setNet(navigator.onLine);
    $("#download").addEventListener("click", download);
    $("#sync").addEventListener("click", sync);
    if (window.maplibregl && maplibregl.getRTLTextPluginStatus && maplibregl.getRTLTextPluginStatus() === "unavailable") {
      try { maplibregl.setRTLTextPlugin(CFG.rtl, true); } catch (e) { /* labels left to right */ }
    }
    if ("serviceWorker" in navigator) {
      try { await navigator.serviceWorker.register(CFG.sw, {scope: CFG.scope}); } catch (err) { console.warn("sw", err); }
    }
    await render();
  });
})();
