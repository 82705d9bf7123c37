"""A new app's layer appears everywhere maps and APIs are served, with no edit outside that app.

``tests/scratch_app`` declares a layer of kiosk sites (its model, its style, at-point, its order) the way a
real app does in ``AppConfig.ready()``. Nothing in tiles/, ogc/, api/, geo/ or web/ names it.
"""

from __future__ import annotations

import json

import mapbox_vector_tile
import pytest

from tests.api.conftest import key_client
from tests.factories import MunicipalityFactory
from tests.scratch_app import layers as scratch_layers
from tests.scratch_app.models import KioskSite
from tests.shapes import lonlat, rect
from tiles.grid import tiles_touching

NAME = scratch_layers.NAME


@pytest.fixture
def kiosk(db):
    scratch_layers.register_all()
    muni = MunicipalityFactory()
    site = KioskSite.objects.create(municipality=muni, number="K-7", name_ar="كشك 7", name_en="Kiosk 7",
                                    geom=rect(100, 100, 130, 120)[0])
    yield site
    scratch_layers.unregister_all()


def test_no_serving_code_names_the_layer():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for app in ("tiles", "ogc", "api", "geo", "web", "runtime", "config"):
        for path in (root / app).rglob("*.py"):
            assert "kiosk" not in path.read_text().lower(), path


def test_it_is_drawn_in_vector_tiles(client, kiosk):
    lon, lat = lonlat(115, 110)
    t = next(iter(tiles_touching((lon, lat, lon, lat), 16, buffer=0)))
    response = client.get(f"/tiles/{NAME}/{t.z}/{t.x}/{t.y}.mvt")
    assert response.status_code == 200
    layers = mapbox_vector_tile.decode(response.content)
    [feature] = layers[NAME]["features"]
    assert feature["properties"]["number"] == "K-7" and feature["properties"]["name_en"] == "Kiosk 7"


def test_it_has_tilejson_and_is_in_the_base_map(client, kiosk):
    doc = client.get(f"/tiles/{NAME}/tilejson.json").json()
    assert [v["id"] for v in doc["vector_layers"]] == [NAME]
    assert doc["minzoom"] == 12
    base = client.get("/tiles/base/tilejson.json").json()
    assert NAME in [v["id"] for v in base["vector_layers"]]
    index = client.get("/tiles/").content.decode()
    assert NAME in index


def test_the_style_draws_it_as_declared_in_its_order(client, kiosk):
    style = client.get("/tiles/style.json").json()
    mine = [lyr for lyr in style["layers"] if lyr.get("source-layer") == NAME]
    fill = next(lyr for lyr in mine if lyr["type"] == "fill")
    assert fill["paint"] == {"fill-color": "#ff00aa", "fill-opacity": 0.5}
    assert fill["minzoom"] == 12
    ids = [lyr["id"] for lyr in style["layers"]]
    # order 65: over the parcels (60), under the streets (70)
    assert ids.index("parcels-fill") < ids.index(f"{NAME}-fill") < ids.index("streets-line")


def test_it_is_an_ogc_collection_with_its_items(kiosk):
    api = key_client(kiosk.municipality, scopes=["read"])
    collections = api.get("/ogc/collections", HTTP_ACCEPT="application/json").json()
    assert NAME in [c["id"] for c in collections["collections"]]
    response = api.get(f"/ogc/collections/{NAME}/items", HTTP_ACCEPT="application/geo+json")
    items = json.loads(b"".join(response.streaming_content))  # pages are streamed (docs/decisions/010)
    assert [f["properties"]["number"] for f in items["features"]] == ["K-7"]


def test_at_point_answers_it(kiosk):
    api = key_client(kiosk.municipality, scopes=["read"])
    lon, lat = lonlat(115, 110)
    body = api.get(f"/api/v1/at-point/?lon={lon}&lat={lat}").json()
    assert [f["properties"]["number"] for f in body[NAME]["features"]] == ["K-7"]
    lon, lat = lonlat(300, 300)  # beside it: nothing
    assert api.get(f"/api/v1/at-point/?lon={lon}&lat={lat}").json()[NAME]["features"] == []


def test_spatial_questions_take_it(kiosk):
    api = key_client(kiosk.municipality, scopes=["read"])
    lon, lat = lonlat(115, 110)
    r = api.get(f"/api/v1/{NAME}/nearest/?lon={lon}&lat={lat}&k=1")
    assert r.status_code == 200 and [f["id"] for f in r.json()["features"]] == [kiosk.pk]
