"""HTTP Basic with the API key as the password, for reads (issue 15, item 9): what QGIS 3.22 can send to an OGC API
source. It goes through the same key lookup and throttle as ``Api-Key``; writes are refused; no link carries it."""

import base64

import mapbox_vector_tile
import pytest
from django.db import connection
from django.test import Client

from accounts.services import api_key_create
from config.wsgi import application
from tests.factories import ParcelFactory
from tests.tiles.test_permissions import two_cities  # noqa: F401 (fixture)
from tests.wsgi import call_wsgi

pytestmark = pytest.mark.django_db(transaction=True)


def basic(token: str, user: str = "qgis") -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


@pytest.fixture
def keyed(plan):
    parcels = [ParcelFactory(plan=plan) for _ in range(3)]
    key, token = api_key_create(municipality=plan.municipality, name="qgis desk", scopes=["read", "write"])
    return {"key": key, "token": token, "parcels": parcels}


def _hits(key) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(hits), 0) FROM api_throttle_window WHERE key = %s", [f"key:{key.pk}"])
        return cursor.fetchone()[0]


def test_rest_reads_take_basic_and_are_counted_like_api_key(keyed):
    client = Client(headers={"Authorization": basic(keyed["token"]), "Accept-Language": "en"})
    r = client.get("/api/v1/parcels/")
    assert r.status_code == 200 and len(r.json()["features"]) == 3
    assert _hits(keyed["key"]) == 1


def test_writes_with_basic_are_refused(keyed):
    client = Client(headers={"Authorization": basic(keyed["token"]), "Accept-Language": "en"})
    r = client.post("/api/v1/parcels/", {"number": "x"}, content_type="application/json")
    assert r.status_code == 401 and "reading only" in r.json()["detail"]


def test_a_wrong_or_malformed_basic_login_is_401(keyed):
    for header in (basic(keyed["token"][:-2] + "xx"), "Basic !!!", basic("not-a-key"),
                   "Basic " + base64.b64encode(b"no-colon").decode()):
        r = Client(headers={"Authorization": header}).get("/api/v1/parcels/")
        assert r.status_code == 401, header


def test_ogc_items_with_basic_on_the_shortest_path_and_no_credentials_in_links(keyed):
    status, _, body = call_wsgi(application, "/ogc/collections/parcels/items", "limit=2",
                                headers={"HTTP_AUTHORIZATION": basic(keyed["token"])})
    assert status == 200, body
    assert b'"numberReturned": 2' in body and b'"numberMatched": 3' in body
    assert keyed["token"].split(".")[0].encode() not in body and b"Basic" not in body
    assert _hits(keyed["key"]) == 1
    landing = Client(headers={"Authorization": basic(keyed["token"])}).get("/ogc/collections")
    assert landing.status_code == 200


def test_restricted_tile_fields_with_basic(two_cities):  # noqa: F811
    _, token = api_key_create(municipality=two_cities["a"], name="qgis tiles", scopes=["read"])
    r = Client(headers={"Authorization": basic(token)}).get(two_cities["url"] + "?fields=deed_number")
    assert r.status_code == 200
    layer = mapbox_vector_tile.decode(r.content)["parcels"]
    assert all("deed_number" in f["properties"] for f in layer["features"])
