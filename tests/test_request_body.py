"""A body sent chunked (no Content-Length) is read, over the shipped HTTP server (issue 15, item 7)."""

import json

import pytest
import requests

from parcels.models import Parcel
from tests.shapes import rect
from tests.test_serve import _server, city  # noqa: F401 (the fixture)

LIMIT = 200_000  # the largest body the server accepts (an import upload), small for the test


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    limits = {"ARDH_MAX_BODY_BYTES": str(LIMIT // 2), "ARDH_IMPORT_MAX_UPLOAD_BYTES": str(LIMIT)}
    with django_db_blocker.unblock(), _server(ARDH_DB_CONN_MAX_AGE="0", **limits) as url:
        yield url


def _chunks(data: bytes, size: int = 1000):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_a_chunked_json_body_is_read(served, city):  # noqa: F811
    body = {"plan": city["plan"].pk, "number": "C1", "land_use": "residential",
            "geometry": json.loads(rect(-900, -900, -870, -870).geojson)}
    r = requests.post(served + "/api/v1/parcels/", data=_chunks(json.dumps(body).encode()), timeout=60,
                      headers={"Authorization": f"Api-Key {city['token']}", "Content-Type": "application/json"})
    assert r.request.headers.get("Transfer-Encoding") == "chunked" and "Content-Length" not in r.request.headers
    assert r.status_code == 201, r.text
    assert Parcel.objects.filter(number="C1").exists()


def test_a_chunked_body_over_the_limit_is_413(served, city):  # noqa: F811
    data = b'{"geometry": "' + b"x" * (LIMIT + 1024) + b'"}'
    r = requests.post(served + "/api/v1/parcels/", data=_chunks(data, 1 << 14), timeout=60,
                      headers={"Authorization": f"Api-Key {city['token']}", "Content-Type": "application/json"})
    assert r.status_code == 413 and str(LIMIT) in r.text
