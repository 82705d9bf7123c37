"""Screenshots of the planners' map for the README: Arabic (identify) and English (analysis).

Needs a running server with the demo city (``make demo``) and Debian's chromium:
    manage.py webmap_screenshots --url http://127.0.0.1:8000 --out docs/img
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from parcels.models import Parcel

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu"]


class Command(BaseCommand):
    help = "Take the README screenshots of /map/ (Arabic and English) from a running server."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default="docs/img")
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="ardh-demo")

    def handle(self, *args, url, out, username, password, **options):
        from playwright.sync_api import sync_playwright

        muni = Municipality.objects.filter(code="al-rass-demo").first()
        if muni is None:
            raise CommandError("No demo city: run `make demo` first.")
        current = Parcel.objects.filter(municipality=muni, valid_to__isnull=True, block__isnull=False).order_by("pk")
        parcel = current[current.count() // 3]
        point = parcel.geom.point_on_surface
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_context(locale="ar", viewport={"width": 1400, "height": 860}).new_page()
            page.goto(f"{url}/login/?next=/map/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-ready=true]", timeout=60_000)
            self._jump(page, point.x, point.y, 17.6)
            self._click(page, point.x, point.y)
            page.wait_for_selector("#panel section.zone .regulation dl", timeout=20_000)
            page.evaluate("() => ardh.idle()")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out_dir / "webmap-ar.png"))
            # The English switch, then an analysis: parcels within a polygon, by land use.
            page.click("form.lang button")
            page.wait_for_selector("html[lang=en] body[data-ready=true]", timeout=60_000)
            page.check("#layer-ortho")
            d = 0.0012
            self._jump(page, point.x, point.y, 16.4)
            page.click("#tools [data-tool=analyse-polygon]")
            for lon, lat in [(-d, -d), (d, -d * 0.6), (d * 1.1, d), (-d * 0.8, d * 0.9)]:
                self._click(page, point.x + lon, point.y + lat)
                page.wait_for_timeout(80)
            page.keyboard.press("Enter")
            page.wait_for_selector("#panel table.by-use", timeout=20_000)
            page.evaluate("() => ardh.idle()")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out_dir / "webmap-en.png"))
            browser.close()
        self.stdout.write(f"Wrote {out_dir / 'webmap-ar.png'} and {out_dir / 'webmap-en.png'}")

    @staticmethod
    def _jump(page, lon, lat, zoom):
        page.evaluate("([lon, lat, z]) => { ardh.map.jumpTo({center: [lon, lat], zoom: z}); return ardh.idle(); }",
                      [lon, lat, zoom])

    @staticmethod
    def _click(page, lon, lat):
        x, y = page.evaluate("""([lon, lat]) => { const p = ardh.map.project([lon, lat]);
            const r = ardh.map.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
                             [lon, lat])
        page.mouse.click(x, y)
