"""The planners' map (/map/) in real headless Chromium against a generated demo city in PostGIS.

Each test loads a small demo city (``generate_demo``) and signs in as the demo admin (bound to it
with every scope), so the map, tiles, search, at-point, analysis and lineage APIs are all real.
"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image, ImageStat

from parcels.models import Municipality, Parcel
from tests.factories import grant_scopes

pytestmark = pytest.mark.django_db(transaction=True)

ARABIC = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
TILE = re.compile(r"/tiles/[^/]+/\d+/\d+/\d+\.(mvt|png)$")


def member(municipality, username, scopes, password="pw"):
    """A person bound to the municipality with these API scopes (what the map follows)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username, password=password)
    grant_scopes(user=user, municipality=municipality, scopes=scopes)
    return user


def load_city(parcels: int) -> Municipality:
    """The demo city with ``parcels`` parcels and a planner who may edit it."""
    from tiles import cache

    call_command("generate_demo", parcels=parcels, stdout=io.StringIO())
    muni = Municipality.objects.get(code="al-rass-demo")
    member(muni, "planner", ["read", "write", "lineage"])
    # Test databases reuse tile addresses: drop tiles cached by earlier tests (glyphs are kept).
    shutil.rmtree(cache.root(), ignore_errors=True)
    return muni


@pytest.fixture
def city():
    return load_city(600)


def sign_in(page, live_server, username="planner", password="pw"):
    page.goto(f"{live_server.url}/login/?next=/map/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def open_map(page, live_server, **kwargs):
    page.emulate_media(reduced_motion="reduce")  # MapLibre then jumps instead of flying: faster tests
    sign_in(page, live_server, **kwargs)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def show(page, lon, lat, zoom=17.5):
    page.evaluate("([lon, lat, z]) => { ardh.map.jumpTo({center: [lon, lat], zoom: z}); return ardh.idle(); }",
                  [lon, lat, zoom])


def click_at(page, lon, lat, **kwargs):
    x, y = page.evaluate("""([lon, lat]) => {
        const p = ardh.map.project([lon, lat]); const r = ardh.map.getCanvas().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", [lon, lat])
    page.mouse.click(x, y, **kwargs)


def a_parcel(city, **filters) -> Parcel:
    """A current parcel in the middle of the city (ordering by pk makes it deterministic)."""
    parcels = Parcel.objects.filter(municipality=city, valid_to__isnull=True, **filters).order_by("pk")
    return parcels[parcels.count() // 2]


def inner_point(parcel):
    p = parcel.geom.point_on_surface
    return p.x, p.y


def canvas_stddev(page) -> float:
    shot = Image.open(io.BytesIO(page.locator("#map canvas").screenshot())).convert("L")
    return ImageStat.Stat(shot).stddev[0]


def arabic(text: str) -> str:
    with translation.override("ar"):
        return translation.gettext(text)


# --- load, tiles, Arabic labels -----------------------------------------------------------------


def test_map_loads_our_tiles_and_draws_arabic_labels(page, live_server, city):
    open_map(page, live_server)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert canvas_stddev(page) > 5, "the map canvas is blank"
    urls = page.requests
    assert any(u.endswith(".mvt") for u in urls) and any("/tiles/fonts/" in u for u in urls)
    assert any("/static/vendor/maplibre-gl/maplibre-gl.js" in u for u in urls)
    assert any("/static/vendor/rtl-text/mapbox-gl-rtl-text.js" in u for u in urls)
    foreign = [u for u in urls if not u.startswith((live_server.url, "data:", "blob:"))]
    assert foreign == []
    # Arabic labels: the RTL plugin is loaded and the rendered label features carry Arabic names.
    parcel = a_parcel(city)
    show(page, *inner_point(parcel), zoom=16)
    page.wait_for_function("maplibregl.getRTLTextPluginStatus() === 'loaded'", timeout=10_000)
    labels = page.evaluate("""() => {
        const ids = ardh.map.getStyle().layers.filter(l => l.type === 'symbol').map(l => l.id);
        return ardh.map.queryRenderedFeatures({layers: ids}).map(f => f.properties.name_ar || '').filter(Boolean);
    }""")
    assert any(ARABIC.search(t) for t in labels), labels[:5]
    # The layer panel comes from the registry, in Arabic.
    assert page.locator("#layers li.layer").count() >= 7
    assert "قطع الأراضي" in page.locator("#layers").inner_text()


# --- search -------------------------------------------------------------------------------------


def search(page, text):
    page.fill("#search input[name=q]", text)
    page.click("#search button[type=submit]")
    page.wait_for_function("(t) => ardh.lastSearchHit && document.querySelector('#panel ol.hits')", arg=text,
                           timeout=10_000)
    page.evaluate("() => ardh.idle()")


def test_search_flies_to_and_highlights_districts_plans_parcels_and_deeds(page, live_server, city):
    open_map(page, live_server)
    parcel = a_parcel(city, deed_number__gt="")
    district = parcel.plan.district
    cases = [
        (district.name_ar, "district", district.pk),
        (district.name_en.split()[-2], "district", district.pk),  # a word of the English name
        (f"{parcel.plan.number}/{parcel.number}", "parcel", parcel.pk),
        (parcel.plan.number, "plan", parcel.plan.pk),
        (parcel.deed_number, "deed", parcel.pk),
    ]
    for text, kind, pk in cases:
        page.evaluate("() => { ardh.lastSearchHit = null; }")
        search(page, text)
        hit = page.evaluate("ardh.lastSearchHit")
        assert (hit["kind"], hit["id"]) == (kind, pk), text
        # Highlighted and in view: the map's centre is inside the found feature's bbox.
        assert page.evaluate("ardh.highlighted.length") == 1
        centre = page.evaluate("ardh.map.getCenter().toArray()")
        x0, y0, x1, y1 = hit["bbox"]
        assert x0 <= centre[0] <= x1 and y0 <= centre[1] <= y1, text
    rendered = page.evaluate("ardh.map.queryRenderedFeatures({layers: ['highlight-line']}).length")
    assert rendered >= 1


# --- identify -----------------------------------------------------------------------------------


def test_click_identifies_parcel_plan_block_zone_and_district(page, live_server, city):
    open_map(page, live_server)
    parcel = a_parcel(city, block__isnull=False)
    lon, lat = inner_point(parcel)
    show(page, lon, lat)
    click_at(page, lon, lat)
    page.wait_for_selector("#panel section.parcel", timeout=10_000)
    page.wait_for_selector("#panel section.zone .regulation dl", timeout=10_000)
    text = page.locator("#panel").inner_text()
    assert parcel.number in page.locator("#panel section.parcel h3").inner_text()
    assert arabic(parcel.get_land_use_display()) in text
    assert f"{parcel.area_m2:,.2f}".rstrip("0").rstrip(".")[:5] in text  # the area, formatted
    assert parcel.plan.number in page.locator("#panel section.plan").inner_text()
    assert parcel.block.number in page.locator("#panel section.block").inner_text()
    assert parcel.plan.district.name_ar in page.locator("#panel section.district").inner_text()
    from geo.selectors import at_point

    zone = at_point(layer="zones", lon=lon, lat=lat, municipality=city.pk).select_related("regulation").get()
    assert zone.regulation.name_ar in page.locator("#panel section.zone").inner_text()
    assert page.locator("#panel section.parcel .history").count() == 1  # loaded in bulk: none yet
    assert page.evaluate("ardh.selected.id") == parcel.pk


# --- draw -> intersect, export ------------------------------------------------------------------


def draw(page, points, finish=True):
    for lon, lat in points:
        click_at(page, lon, lat)
        page.wait_for_timeout(60)
    if finish:
        page.keyboard.press("Enter")


def test_drawn_polygon_lists_parcels_by_land_use_and_exports_them(page, live_server, city, tmp_path):
    from django.contrib.gis.geos import Polygon

    from geo.selectors import intersecting
    from parcels.selectors import land_use_summary

    open_map(page, live_server)
    centre = a_parcel(city)
    lon, lat = inner_point(centre)
    d = 0.0006  # about 60 m around the parcel: a few neighbours of several uses
    corners = [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d)]
    show(page, lon, lat, zoom=17)
    page.click("#tools [data-tool=analyse-polygon]")
    draw(page, corners)
    page.wait_for_function("ardh.analysis", timeout=10_000)
    shown = page.evaluate("ardh.analysis")
    # What the browser drew is what PostGIS answers for the clicked polygon (clicks snap to pixels).
    drawn = page.evaluate("ardh.drawn.coordinates[0]")
    polygon = Polygon(drawn, srid=4326)
    expected = intersecting(layer="parcels", geometry=polygon, municipality=city.pk)
    assert shown["parcels"] == expected.count() > 3
    assert shown["by_land_use"] == land_use_summary(Parcel.objects.filter(pk__in=expected.values("pk")))
    rows = page.locator("#panel table.by-use tbody tr")
    assert rows.count() == len(shown["by_land_use"])
    # Exports: the same parcels as CSV and as a GeoPackage.
    with page.expect_download() as info:
        page.click("#panel [data-export=csv]")
    info.value.save_as(tmp_path / "a.csv")
    exported = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
    assert sorted(int(r["id"]) for r in exported) == sorted(expected.values_list("pk", flat=True))
    with page.expect_download() as info:
        page.click("#panel [data-export=gpkg]")
    info.value.save_as(tmp_path / "a.gpkg")
    assert (tmp_path / "a.gpkg").read_bytes()[:15] == b"SQLite format 3"


def test_buffer_around_a_point_counts_parcels_within_the_distance(page, live_server, city):
    from django.contrib.gis.geos import Point

    from geo.selectors import within_distance

    open_map(page, live_server)
    lon, lat = inner_point(a_parcel(city))
    show(page, lon, lat, zoom=17)
    page.fill("#buffer-metres", "40")
    page.click("#tools [data-tool=analyse-buffer]")
    draw(page, [(lon, lat)])
    page.wait_for_function("ardh.analysis", timeout=10_000)
    clicked = page.evaluate("ardh.drawn.coordinates")
    expected = within_distance(layer="parcels", geometry=Point(*clicked, srid=4326), metres=40, municipality=city.pk)
    shown = page.evaluate("ardh.analysis")
    assert shown["metres"] == 40 and shown["parcels"] == expected.count() >= 1


# --- edit: split, merge, conflicts ----------------------------------------------------------------


def cut_line(parcel, reach=0.3):
    """A line across the parcel's long sides, through its middle, reaching a little beyond."""
    import shapely

    ring = shapely.minimum_rotated_rectangle(shapely.from_wkt(parcel.geom.wkt)).exterior.coords[:4]
    sides = [(ring[i], ring[(i + 1) % 4]) for i in range(4)]
    long_a, long_b = sorted(sides, key=lambda s: -((s[0][0] - s[1][0]) ** 2 + (s[0][1] - s[1][1]) ** 2))[:2]
    m1 = [(long_a[0][i] + long_a[1][i]) / 2 for i in range(2)]
    m2 = [(long_b[0][i] + long_b[1][i]) / 2 for i in range(2)]
    return [(m1[0] + (m1[0] - m2[0]) * reach, m1[1] + (m1[1] - m2[1]) * reach),
            (m2[0] + (m2[0] - m1[0]) * reach, m2[1] + (m2[1] - m1[1]) * reach)]


def identify_parcel(page, parcel):
    lon, lat = inner_point(parcel)
    show(page, lon, lat, zoom=18)
    click_at(page, lon, lat)
    page.wait_for_function("(id) => ardh.selected && ardh.selected.id === id", arg=parcel.pk, timeout=10_000)
    page.wait_for_selector("#panel section.parcel button.split", timeout=10_000)


def rendered_parcel_ids(page, parcel):
    """Ids of the parcel features drawn at the parcel's place (MVT feature id = parcel id)."""
    x0, y0, x1, y1 = parcel.geom.extent
    return set(page.evaluate("""([x0, y0, x1, y1]) => {
        const a = ardh.map.project([x0, y1]), b = ardh.map.project([x1, y0]);
        return ardh.map.queryRenderedFeatures([[a.x + 2, a.y + 2], [b.x - 2, b.y - 2]], {layers: ['parcels-fill']})
            .map(f => f.id); }""", [x0, y0, x1, y1]))


def test_split_by_a_drawn_line_shows_two_new_parcels_and_refetches_only_their_tiles(page, live_server, city):
    open_map(page, live_server)
    parcel = a_parcel(city)
    show(page, *inner_point(parcel), zoom=16.2)  # tiles of z16 now in MapLibre's memory
    identify_parcel(page, parcel)
    assert parcel.pk in rendered_parcel_ids(page, parcel)
    before = len(page.requests)
    page.click("#panel section.parcel button.split")
    draw(page, cut_line(parcel))
    page.wait_for_selector("#message.ok", timeout=10_000)
    page.evaluate("() => ardh.idle()")
    parcel.refresh_from_db()
    children = list(parcel.children.order_by("pk"))
    assert parcel.valid_to is not None and len(children) == 2
    # On the map: the two new parcels, not the retired one.
    shown = rendered_parcel_ids(page, parcel)
    assert {c.pk for c in children} <= shown and parcel.pk not in shown
    # Only the tiles under the edit were fetched again, and some were.
    refreshed = {t.split("/", 1)[1] for t in page.evaluate("ardh.refreshed.tiles")}
    fetched = [u for u in page.requests[before:] if u.endswith(".mvt")]
    assert fetched, "no tile was fetched again after the edit"
    assert all(re.search(r"/(\d+/\d+/\d+)\.mvt$", u)[1] in refreshed for u in fetched), fetched
    assert not [u for u in page.requests[before:] if "/api/v1/parcels/?" in u or u.endswith("/api/v1/parcels/")]
    assert not [u for u in page.requests[before:] if "/at-point/" in u]  # the line's clicks asked nothing
    # Back at z16 (tiles MapLibre kept from before the edit): the new parcels, not the old one.
    show(page, *inner_point(parcel), zoom=16.2)
    page.wait_for_timeout(300)
    page.evaluate("() => ardh.idle()")
    shown = rendered_parcel_ids(page, parcel)
    assert {c.pk for c in children} <= shown and parcel.pk not in shown
    # The children's card tells where they came from.
    c = children[0]
    identify_parcel(page, c)
    assert parcel.number in page.locator("#panel section.parcel").inner_text()


def test_stale_edit_and_topology_refusals_are_readable_messages(page, live_server, city):
    from parcels.services import parcel_update

    open_map(page, live_server)
    parcel = a_parcel(city)
    identify_parcel(page, parcel)
    # A line that does not cross the parcel: refused by topology (409), said in Arabic.
    lon, lat = inner_point(parcel)
    page.click("#panel section.parcel button.split")
    draw(page, [(lon, lat), (lon + 0.00002, lat + 0.00001)])
    page.wait_for_selector("#message.error", timeout=10_000)
    assert page.locator("#message").inner_text().startswith(arabic("Topology conflict"))
    # Someone else edits the parcel after it was read: the split is refused as stale (412).
    changed = parcel_update(parcel=parcel, actor=None, status="built" if parcel.status != "built" else "vacant")
    assert changed.version == parcel.version + 1
    page.click("#panel section.parcel button.split")
    draw(page, cut_line(parcel))
    page.wait_for_function("(t) => document.querySelector('#message').textContent.includes(t)",
                           arg=arabic("The record was changed by someone else since you read it. Reload it."),
                           timeout=10_000)
    assert "error" in page.locator("#message").get_attribute("class")
    parcel.refresh_from_db()
    assert parcel.valid_to is None and not parcel.children.exists()


def test_merge_selected_parcels(page, live_server, city):
    open_map(page, live_server)
    a = a_parcel(city)
    b = next(q for q in Parcel.objects.filter(plan=a.plan, valid_to__isnull=True, geom__touches=a.geom)
             if a.geom.intersection(q.geom).length > 0)
    far = Parcel.objects.filter(plan=a.plan, valid_to__isnull=True).exclude(geom__dwithin=(a.geom, 0.0005)).first()
    # Parcels that do not touch: refused with the topology explanation, nothing changes.
    for p in (a, far):
        identify_parcel(page, p)
        page.click("#panel section.parcel button.select-merge")
    page.click("#merge-box button.merge")
    page.wait_for_selector("#message.error", timeout=10_000)
    assert page.locator("#message").inner_text().startswith(arabic("Topology conflict"))
    assert not Parcel.objects.filter(parents=a).exists()
    identify_parcel(page, far)
    page.click("#panel section.parcel button.select-merge")  # out of the selection again
    identify_parcel(page, b)
    page.click("#panel section.parcel button.select-merge")
    page.click("#merge-box button.merge")
    page.wait_for_selector("#message.ok", timeout=10_000)
    merged = Parcel.objects.get(parents=a)
    assert {p.pk for p in merged.parents.all()} == {a.pk, b.pk} and merged.valid_to is None
    page.evaluate("() => ardh.idle()")
    assert merged.pk in rendered_parcel_ids(page, merged)


# --- measure, coordinates -----------------------------------------------------------------------


def test_measure_area_distance_and_utm_coordinates(page, live_server, city):
    import pyproj

    open_map(page, live_server)
    parcel = a_parcel(city)
    ring = parcel.geom[0].exterior_ring.coords[:-1]
    show(page, *inner_point(parcel), zoom=19)
    page.click("#tools [data-tool=measure-area]")
    draw(page, ring)
    clicked = page.evaluate("ardh.drawn.coordinates[0]")
    from django.contrib.gis.geos import Polygon

    truth = Polygon(clicked, srid=4326).transform(city.metric_srid, clone=True).area
    measured = float(page.locator("#measure").get_attribute("data-metres"))
    assert measured == pytest.approx(truth, rel=1e-5)
    assert measured == pytest.approx(parcel.area_m2, rel=0.01)  # the clicks were on its corners
    assert "م²" in page.locator("#measure").inner_text()

    page.click("#tools [data-tool=measure-line]")
    draw(page, ring[:2])
    clicked = page.evaluate("ardh.drawn.coordinates")
    (x0, y0), (x1, y1) = pyproj.Transformer.from_crs(4326, city.metric_srid, always_xy=True).itransform(clicked)
    measured = float(page.locator("#measure").get_attribute("data-metres"))
    assert measured == pytest.approx(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, abs=0.01)

    # The pointer's coordinates in WGS 84 and the municipality's UTM zone (as pyproj computes them).
    lon, lat = inner_point(parcel)
    x, y = page.evaluate("""([lon, lat]) => { const p = ardh.map.project([lon, lat]);
        const r = ardh.map.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""", [lon, lat])
    page.mouse.move(x, y)
    box = page.locator("#coords")
    at = (float(box.get_attribute("data-lon")), float(box.get_attribute("data-lat")))
    e, n = pyproj.Transformer.from_crs(4326, city.metric_srid, always_xy=True).transform(*at)
    assert float(box.get_attribute("data-easting")) == pytest.approx(e, abs=0.01)
    assert float(box.get_attribute("data-northing")) == pytest.approx(n, abs=0.01)
    assert "UTM" in box.inner_text()


# --- role and municipality ------------------------------------------------------------------------


def test_a_reader_can_search_and_identify_but_not_edit(page, live_server, city):
    member(city, "reader", ["read"])
    open_map(page, live_server, username="reader")
    parcel = a_parcel(city)
    lon, lat = inner_point(parcel)
    show(page, lon, lat, zoom=18)
    click_at(page, lon, lat)
    page.wait_for_selector("#panel section.parcel", timeout=10_000)
    assert page.locator("#panel button.split").count() == 0
    assert page.locator("#merge-box").count() == 0
    assert page.locator("#tools [data-tool=analyse-polygon]").count() == 1
