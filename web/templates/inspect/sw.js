// The inspection app's service worker (web/inspect/app.py): the app's shell is kept at install; the day's map
// (tiles, style, glyphs) is put in its own cache by the page when the day is downloaded; the API is never cached
// (the day's visits and the results waiting to sync live in IndexedDB, the page's business).
const SHELL = "ardh-inspect-shell-{{ version }}";
const DAY = "ardh-inspect-day";
const SHELL_URLS = {{ shell|safe }};
const APP = "{{ app }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ardh-inspect-shell-") && k !== SHELL)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

async function fromCache(request) {
  const hit = await caches.match(request, {ignoreVary: true});
  if (hit) return hit;
  return fetch(request);
}

async function pageFirst(request) {
  // The page itself: the network's when there is one (a new version, a session ended), else the kept one.
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(SHELL);
      cache.put(APP, response.clone());
    }
    return response;
  } catch (err) {
    const kept = await caches.match(APP, {ignoreSearch: true});
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname === APP) {
    event.respondWith(pageFirst(request));
  } else if (url.pathname.startsWith("/tiles/") || url.pathname.startsWith("/static/")) {
    event.respondWith(fromCache(request));
  }
});
