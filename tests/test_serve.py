"""The HTTP server we ship (``python -m runtime.serve``, Granian) serves the application as Django's own server does.

The other HTTP tests use pytest-django's live server; these start the real server process against the test
database, as `make demo`, the Docker image and the benchmarks run it.
"""

import http.client
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import mapbox_vector_tile
import pytest
import requests
from django.db import connection

from accounts.services import api_key_create
from parcels.models import Parcel
from runtime.netutil import free_port, wait_until_up
from runtime.serve import command
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.locks import table_locked
from tiles.grid import tiles_touching

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "ardh-serve-test"


@contextmanager
def _server(application: str | None = None, ready_path: str = "/healthz", **extra_env):
    """The shipped server on a free port, on the test database (``application``: another WSGI app on it)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ARDH_DB_NAME": connection.settings_dict["NAME"],
        "PGAPPNAME": APP_NAME,
        "ARDH_WORKERS": "1",
        "ARDH_THREADS": "2",
        **extra_env,
    }
    argv = command(host="127.0.0.1", port=port, **({"application": application} if application else {}))
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(port, ready_path, proc, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    """Without persistent connections: each request closes its connection (shows the server ends requests)."""
    with django_db_blocker.unblock(), _server(ARDH_DB_CONN_MAX_AGE="0") as url:
        yield url


@pytest.fixture
def city(transactional_db):
    muni = MunicipalityFactory()
    plan = PlanFactory(municipality=muni)
    parcels = [ParcelFactory(plan=plan) for _ in range(5)]
    _, token = api_key_create(municipality=muni, name="serve test", scopes=["read", "write"])
    return {"muni": muni, "plan": plan, "parcels": parcels, "token": token}


def test_command_is_granian_with_the_wsgi_application():
    argv = command(host="127.0.0.1", port=8123)
    assert Path(argv[0]).name == "granian" and Path(argv[0]).parent == Path(sys.executable).parent
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--port") + 1] == "8123"
    assert argv[-1] == "config.wsgi:application"


def test_tiles_and_items_equal_djangos_own_server(served, live_server, city):
    centre = city["parcels"][0].geom.point_on_surface
    tile = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), 16, buffer=0)))
    path = f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt"
    ours, django_s = requests.get(served + path, timeout=30), requests.get(live_server.url + path, timeout=30)
    assert ours.status_code == django_s.status_code == 200
    assert ours.content == django_s.content
    numbers = {f["properties"]["number"] for f in mapbox_vector_tile.decode(ours.content)["parcels"]["features"]}
    assert city["parcels"][0].number in numbers
    assert ours.headers["ETag"] == django_s.headers["ETag"]

    auth = {"Authorization": f"Api-Key {city['token']}"}
    items = "/ogc/collections/parcels/items?limit=10"
    ours = requests.get(served + items, headers=auth, timeout=30)
    theirs = requests.get(live_server.url + items, headers=auth, timeout=30)
    assert ours.status_code == theirs.status_code == 200
    assert ours.json()["features"] == theirs.json()["features"]
    assert len(ours.json()["features"]) == len(city["parcels"])


def test_keep_alive_serves_many_requests_on_one_connection(served, city):
    host, port = served.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    sock = conn.sock
    for _ in range(5):
        conn.request("GET", "/tiles/")
        response = conn.getresponse()
        assert response.status == 200 and b"parcels" in response.read()
        assert conn.sock is sock, "the server closed a keep-alive connection"
    conn.close()


def test_a_body_over_the_limit_is_413_not_a_server_error(served, city, settings):
    body = b'{"geometry": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024) + b'"}'
    r = requests.post(served + "/api/v1/parcels/", data=body, timeout=60,
                      headers={"Authorization": f"Api-Key {city['token']}", "Content-Type": "application/json"})
    assert r.status_code == 413
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in r.text


def test_every_request_is_finished_so_database_connections_are_released(served, city):
    """Django closes a request's connection in request_finished, which runs only if the server closes the
    response (PEP 3333). With CONN_MAX_AGE=0 nothing of the server may stay connected after its requests."""
    auth = {"Authorization": f"Api-Key {city['token']}"}
    for _ in range(6):
        assert requests.get(served + "/ogc/collections/parcels/items?limit=2", headers=auth, timeout=30).ok

    def open_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
            return cursor.fetchone()[0]

    deadline = time.monotonic() + 5
    while open_connections() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert open_connections() == 0


def test_a_statement_over_the_request_limit_is_a_503_on_every_path(django_db_blocker, city):
    """The limit is wired into the shipped server (persistent connections, as in production): the full path
    (a DRF register), the lean path (OGC items) and the public tile path each answer 503 while the parcels
    table is locked by another session, and answer normally on the same connections once it is free."""
    centre = city["parcels"][0].geom.point_on_surface
    tile = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), 17, buffer=0)))
    paths = ["/api/v1/parcels/", "/ogc/collections/parcels/items?limit=2",
             f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt"]
    auth = {"Authorization": f"Api-Key {city['token']}", "Accept-Language": "en"}
    with _server(ARDH_REQUEST_STATEMENT_TIMEOUT_MS="500", ARDH_TILE_CACHE_ENABLED="false") as url:
        with requests.Session() as http:
            for path in paths:
                assert http.get(url + path, headers=auth, timeout=30).status_code == 200
            with table_locked(Parcel):
                for path in paths:
                    r = http.get(url + path, headers=auth, timeout=30)
                    assert r.status_code == 503, (path, r.text)
                    assert "limit 0.5 s" in r.json()["detail"] and r.headers["Retry-After"]
            for path in paths:
                assert http.get(url + path, headers=auth, timeout=30).status_code == 200
