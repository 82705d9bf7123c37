// The page's configuration (rendered by web/views.py as JSON) and the translated strings.
export const cfg = JSON.parse(document.getElementById("ardh-map-config").textContent);

// T(key, {name: value}) -> the translated string with %(name)s replaced.
export function T(key, values = {}) {
  let text = cfg.strings[key];
  if (text === undefined) {
    console.warn("untranslated string key", key);
    text = key;
  }
  return text.replace(/%\((\w+)\)s/g, (_, name) => (name in values ? String(values[name]) : ""));
}

const numberFormat = new Intl.NumberFormat(cfg.lang === "ar" ? "ar-SA-u-nu-latn" : "en-GB", {maximumFractionDigits: 2});
export const fmt = (n, digits = 2) =>
  new Intl.NumberFormat(cfg.lang === "ar" ? "ar-SA-u-nu-latn" : "en-GB", {maximumFractionDigits: digits}).format(n);
export const fmtArea = (m2) => `${numberFormat.format(m2)} ${T("m²")}`;
export const fmtLength = (m) => `${numberFormat.format(m)} ${T("m")}`;

// Small DOM helper: h("div", {class: "x"}, "text", child...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
