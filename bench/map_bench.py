
"""`make bench-map`: how soon the planners' map is interactive, in real headless Chromium.

The demo city (the `make demo` database) served as `make demo` serves it (runtime/serve.py); the demo admin
signs in once and every measured load opens /map/ in a fresh browser context (empty HTTP cache, the
session cookie kept), so each load fetches the page, scripts, style, glyphs and tiles again.

"Interactive" is MapLibre's first `idle` after the page's layers, panel and tools are installed
(``ardh.interactiveAt``, milliseconds since navigation start). The floor, measured in the same run, is
a bare page loading only MapLibre with our style (`/tiles/style.json`) and waiting for its first `idle`:
the cost of drawing our tiles without the application around them.

Also printed: what panning at z16 fetches (tiles only is the goal: never layers as GeoJSON).
Goal (issue 6): interactive within 2 s of page load.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import free_port, start_ardh, stop  # noqa: E402

HOST = "127.0.0.1"
LOADS = int(os.environ.get("BENCH_MAP_LOADS", "9"))
GOAL_MS = 2000.0
USER, PASSWORD = "admin", "ardh-demo"  # ensure_demo_admin
TILE = re.compile(r"/tiles/[a-z]+/\d+/\d+/\d+\.(mvt|png)$")
GLYPHS = re.compile(r"/tiles/fonts/")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

FLOOR_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/vendor/maplibre-gl/maplibre-gl.css">
<style>html,body,#m{margin:0;height:100%}</style></head><body><div id="m"></div>
<script src="/static/vendor/maplibre-gl/maplibre-gl.js"></script>
<script>
maplibregl.setRTLTextPlugin("/static/vendor/rtl-text/mapbox-gl-rtl-text.js", false);
const map = new maplibregl.Map({container: "m", style: "/tiles/style.json", bounds: BOUNDS});
map.once("idle", () => { window.floorAt = performance.now(); document.body.dataset.ready = "true"; });
</script></body></html>"""


def city_bounds() -> list[list[float]]:
    import django

    django.setup()
    from accounts.models import Municipality

    muni = Municipality.objects.get(code="al-rass-demo")
    x0, y0, x1, y1 = muni.boundary.extent
    return [[x0, y0], [x1, y1]]


def _stats(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
    return f"median {statistics.median(values):6.0f} ms  p90 {p90:6.0f} ms  min {values[0]:6.0f} ms"


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tiles import cache

    bounds = city_bounds()
    port = free_port()
    base = f"http://{HOST}:{port}"
    shutil.rmtree(cache.root(), ignore_errors=True)  # the first load renders its tiles
    server = start_ardh(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            ctx = browser.new_context(viewport={"width": 1400, "height": 860})
            page = ctx.new_page()
            page.goto(f"{base}/login/?next=/map/")
            page.fill("#id_username", USER)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-ready=true]", timeout=120_000)
            first = page.evaluate("ardh.interactiveAt")
            state = ctx.storage_state()
            ctx.close()

            def fresh_load(url: str, ready_expr: str) -> tuple[float, list[str]]:
                c = browser.new_context(viewport={"width": 1400, "height": 860}, storage_state=state)
                p = c.new_page()
                urls: list[str] = []
                p.on("request", lambda r: urls.append(r.url))
                if url.endswith("/__floor__"):
                    html = FLOOR_PAGE.replace("BOUNDS", str(bounds))
                    p.route("**/__floor__", lambda route: route.fulfill(body=html, content_type="text/html"))
                p.goto(url)
                p.wait_for_selector("body[data-ready=true]", timeout=60_000)
                ms = p.evaluate(ready_expr)
                c.close()
                return ms, urls

            ours, floor, page_requests = [], [], []
            for _ in range(LOADS):  # interleaved, so both see the same machine load
                ms, urls = fresh_load(f"{base}/map/", "ardh.interactiveAt")
                ours.append(ms)
                page_requests.append(len(urls))
                floor.append(fresh_load(f"{base}/__floor__", "floorAt")[0])

            # Panning at z16 in one page: what is fetched.
            c = browser.new_context(viewport={"width": 1400, "height": 860}, storage_state=state)
            p = c.new_page()
            p.goto(f"{base}/map/")
            p.wait_for_selector("body[data-ready=true]", timeout=60_000)
            cx, cy = (bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2
            p.evaluate("([x, y]) => { ardh.map.jumpTo({center: [x, y], zoom: 16}); return ardh.idle(); }", [cx, cy])
            panned: list[str] = []
            p.on("request", lambda r: panned.append(r.url))
            t0 = time.perf_counter()
            for dx, dy in [(500, 0), (0, 400), (-500, 0), (-500, 0), (0, -400)] * 2:
                p.evaluate("([dx, dy]) => { ardh.map.panBy([dx, dy], {duration: 0}); return ardh.idle(); }",
                           [dx, dy])
            pan_s = time.perf_counter() - t0
            c.close()
            browser.close()
    finally:
        stop(server)

    tiles = [u for u in panned if TILE.search(u)]
    others = [u for u in panned if not TILE.search(u) and not GLYPHS.search(u)]
    ratio = statistics.median(floor) / statistics.median(ours)
    print(f"\nbench-map: demo city, {LOADS} loads each in a fresh browser context, served as `make demo`")
    print(f"  first load (server tile cache cold)   {first:6.0f} ms")
    print(f"  Ardh /map/ interactive               {_stats(ours)}  ({statistics.median(page_requests):.0f} requests)")
    print(f"  floor: bare MapLibre + our style      {_stats(floor)}")
    p90 = sorted(ours)[min(len(ours) - 1, round(0.9 * (len(ours) - 1)))]
    print(f"  ratio floor/ours {ratio:.2f}   goal: interactive <= {GOAL_MS:.0f} ms at p90 "
          f"-> {'met' if p90 <= GOAL_MS else 'NOT met'} (worst {max(ours):.0f} ms)")
    print(f"  panning at z16, 10 pans in {pan_s:.1f} s: {len(panned)} requests, {len(tiles)} tiles, "
          f"other: {others or 'none'}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    main()
