"""The benchmarks' reference peer (bench/bare_server.py) serves what the floors run: the same tile bytes as Ardh's
renderer and the same page of features, from the real server on the test database. If it served something
else (another statement, an empty tile), the benchmarks' "bare" column would measure nothing. And the items
floor (bench/api_bench.py), one statement, builds the very document Ardh streams."""

import http.client
import json

import pytest
from django.db import connection
from django.db.models import Q

from bench.servers import free_port, start_bare, stop
from geo.layers import get_layer
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tiles.grid import tiles_touching
from tiles.sql import render
from tiles.views import base_layers

pytestmark = pytest.mark.django_db(transaction=True)  # the server is another process: it sees committed rows


@pytest.fixture
def bare():
    muni = MunicipalityFactory()
    parcels = [ParcelFactory(plan=PlanFactory(municipality=muni)) for _ in range(5)]
    ParcelFactory(plan=PlanFactory(municipality=MunicipalityFactory()))  # another tenant's, never served
    port = free_port()
    proc = start_bare(port, {"ARDH_DB_NAME": connection.settings_dict["NAME"], "BARE_MUNICIPALITY": str(muni.pk),
                             "ARDH_WORKERS": "1", "ARDH_THREADS": "1"})
    try:
        yield port, muni, parcels
    finally:
        stop(proc)


def get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]
        if path.startswith("/items"):  # streamed, as Ardh streams a page
            assert response.headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in response.headers
        else:
            assert int(response.headers["Content-Length"]) == len(body)
        return body
    finally:
        conn.close()


def test_tiles_are_the_renderers_bytes(bare):
    port, _muni, parcels = bare
    c = parcels[0].geom.point_on_surface
    for z in (15, 17):
        t = next(iter(tiles_touching((c.x, c.y, c.x, c.y), z, buffer=0)))
        parcels_tile = get(port, f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt")
        # the layers spelled out here (not tiles.views.public_selection, which the server uses): an oracle of its own
        assert parcels_tile and parcels_tile == render([(get_layer("parcels"), Q())], t)
        base_tile = get(port, f"/tiles/base/{t.z}/{t.x}/{t.y}.mvt")
        assert base_tile and base_tile == render([(lyr, Q()) for lyr in base_layers(t.z)], t)


def test_items_are_the_floors_page(bare):
    port, muni, parcels = bare
    x0, y0, x1, y1 = muni.boundary.extent
    doc = json.loads(get(port, f"/items?bbox={x0},{y0},{x1},{y1}&limit=3"))
    assert doc["type"] == "FeatureCollection" and doc["numberReturned"] == 3
    assert [f["id"] for f in doc["features"]] == sorted(p.pk for p in parcels)[:3]
    doc = json.loads(get(port, f"/items?bbox={x0},{y0},{x1},{y1}&limit=100"))
    assert sorted(f["id"] for f in doc["features"]) == sorted(p.pk for p in parcels)  # this tenant's only


def test_the_items_floor_builds_the_document_ardh_streams(db):
    from bench.api_bench import collection_statement
    from ogc.sql import items_sql, page_body, run

    muni = MunicipalityFactory()
    plan = PlanFactory(municipality=muni)
    for _ in range(5):
        ParcelFactory(plan=plan)
    links = [{"href": "http://h/next", "rel": "next"}, {"href": "http://h/self", "rel": "self"}]
    last = links[1:]
    for limit, offset in ((2, 0), (2, 4), (10, 0), (2, 50)):  # full, last, all, past the end
        rows = items_sql(get_layer("parcels"), municipality_id=muni.pk, filters={}, box=None, srid=4326,
                         lat_first=False, limit=limit, offset=offset)
        streamed = json.loads(b"".join(page_body(*rows, limit=limit, offset=offset, links=links, last_links=last)))
        floor = json.loads(run(*collection_statement(*rows, limit=limit, offset=offset, links=links,
                                                     last_links=last)))
        assert floor == streamed
        assert streamed["numberReturned"] == len(streamed["features"]) == min(limit, max(0, 5 - offset))
