"""The request statement timeout (runtime/statement_timeout.py): SQL of a web request that runs too long is
cancelled and answered 503 with the reason, on every path; work outside requests is never cut short.

The database is made slow the way production makes it slow: another session holds a lock on the parcels table,
so any statement reading it waits (statement_timeout counts the wait). No test-only view or URL.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from accounts.services import api_key_create
from parcels.models import Parcel
from runtime import lean, statement_timeout
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.locks import table_locked
from tests.wsgi import call_wsgi
from tiles.grid import tiles_touching

LIMIT_MS = 300
pytestmark = pytest.mark.django_db(transaction=True)  # real autocommit, as a server's connection is


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.ARDH_REQUEST_STATEMENT_TIMEOUT_MS = LIMIT_MS
    settings.ARDH_TILE_CACHE_ENABLED = False  # every tile request reads the table


def parcels_locked(release_after: float | None = None):
    return table_locked(Parcel, release_after)


def server_timeout_ms(conn=connection) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.fixture
def city():
    muni = MunicipalityFactory()
    parcels = [ParcelFactory(plan=PlanFactory(municipality=muni)) for _ in range(3)]
    c = parcels[0].geom.point_on_surface
    t = next(iter(tiles_touching((c.x, c.y, c.x, c.y), 17, buffer=0)))
    _, token = api_key_create(municipality=muni, name="timeout test", scopes=["read"])
    return {"muni": muni, "parcels": parcels, "token": token, "tile": f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt"}


def assert_cancelled(status: int, headers, body: dict, started: float, *, english: bool = True):
    took = time.monotonic() - started
    assert status == 503, body
    assert body["code"] == "timeout"
    if english:
        assert "did not answer in time" in body["detail"] and "0.3 s" in body["detail"]
    assert int(headers["Retry-After"]) > 0
    assert LIMIT_MS / 1000 * 0.9 < took < 10  # cancelled by the limit, not by the lock ending


def test_full_path_view_answers_503_in_the_request_language(django_user_model, city):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw"))
    with parcels_locked():
        started = time.monotonic()
        r = client.get("/admin/parcels/parcel/", HTTP_ACCEPT_LANGUAGE="en")
        assert_cancelled(r.status_code, r, r.json(), started)
        r = client.get("/admin/parcels/parcel/", HTTP_ACCEPT_LANGUAGE="ar")
        assert r.status_code == 503 and "قاعدة البيانات" in r.json()["detail"]  # Arabic by default
    # The same connection serves the next request normally once the database is free.
    assert client.get("/admin/parcels/parcel/").status_code == 200


def test_drf_api_answers_503(city):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {city['token']}", HTTP_ACCEPT_LANGUAGE="en")
    with parcels_locked():
        started = time.monotonic()
        r = client.get("/api/v1/parcels/")
        assert_cancelled(r.status_code, r, r.json(), started)
    r = client.get("/api/v1/parcels/")
    assert r.status_code == 200 and len(r.json()["features"]) == 3


@pytest.mark.parametrize("kind", ["ogc items (no Django request)", "ogc items as HTML (lean handler)",
                                  "public tile (no Django request)"])
def test_lean_paths_answer_503(city, kind):
    import json

    app = lean.Dispatcher(get_wsgi_application())
    if kind.startswith("ogc"):
        path, query, headers = "/ogc/collections/parcels/items", "limit=2", {
            "HTTP_AUTHORIZATION": f"Api-Key {city['token']}"}
        if "HTML" in kind:
            query += "&f=html"
    else:
        path, query, headers = city["tile"], "", {}
    with parcels_locked():
        started = time.monotonic()
        status, response_headers, body = call_wsgi(app, path, query, headers)
        assert_cancelled(status, response_headers, json.loads(body), started)
        if "no Django request" in kind:  # cancelled once: not rendered again by the lean handler after fast.py
            assert time.monotonic() - started < LIMIT_MS / 1000 * 1.8
    status, _, body = call_wsgi(app, path, query, headers)
    assert status == 200 and body


def test_a_cancel_raised_on_the_public_tile_path_is_a_503_at_once(city, monkeypatch):
    """tiles/fast.py hands its failures to the lean handler, which renders the tile again (and waits the limit
    a second time); a cancel it lets through is answered by the Dispatcher itself."""
    import json

    app = lean.Dispatcher(get_wsgi_application())

    def serve_slowly(environ, start_response):
        statement_timeout.on_request_started()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(%s)", [LIMIT_MS * 3 / 1000])
        finally:
            statement_timeout.on_request_finished()

    monkeypatch.setattr(lean, "lean_path", lambda path: serve_slowly)
    started = time.monotonic()
    status, headers, body = call_wsgi(app, city["tile"])
    assert_cancelled(status, headers, json.loads(body), started)
    assert int(headers["Content-Length"]) == len(body)
    status, _, body = call_wsgi(app, city["tile"], headers={"HTTP_ACCEPT_LANGUAGE": "ar"})
    assert status == 503 and "قاعدة البيانات" in json.loads(body)["detail"]


def test_the_limit_is_set_once_per_connection_and_left_outside_requests(city, monkeypatch):
    sets = []
    real_set = statement_timeout._set
    monkeypatch.setattr(statement_timeout, "_set", lambda conn, ms: (sets.append(ms), real_set(conn, ms)))
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {city['token']}")
    assert server_timeout_ms() == "0"
    for _ in range(3):
        assert client.get("/api/v1/parcels/").status_code == 200
        assert connection.ardh_statement_timeout == LIMIT_MS  # the connection keeps it after the request
    assert sets == [LIMIT_MS]  # one SET for three requests on the connection
    assert statement_timeout._guard in connection.execute_wrappers  # between requests: guarded ...
    statement_timeout.on_request_started()
    assert statement_timeout._guard not in connection.execute_wrappers  # ... in a request: nothing per statement
    statement_timeout.on_request_finished()
    # The first statement outside a request (a fixture, a command) resets it and runs without it.
    assert server_timeout_ms() == "0"
    assert sets == [LIMIT_MS, None] and connection.ardh_statement_timeout is None
    # A connection opened during a request gets the limit as it connects.
    connection.close()
    assert client.get("/api/v1/parcels/").status_code == 200
    assert sets == [LIMIT_MS, None, LIMIT_MS]


def test_work_outside_requests_in_the_same_thread_is_not_cancelled(city, tmp_path):
    Client(HTTP_AUTHORIZATION=f"Api-Key {city['token']}").get("/api/v1/parcels/")
    assert connection.ardh_statement_timeout == LIMIT_MS
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [LIMIT_MS * 2 / 1000])
    # A management command reading the locked table waits for the lock, longer than the request limit.
    out = io.StringIO()
    with parcels_locked(release_after=LIMIT_MS * 3 / 1000):
        started = time.monotonic()
        call_command("export_layer", "parcels", "--format", "geojson", "--out", str(tmp_path / "p.geojson"),
                     stdout=out)
        assert time.monotonic() - started > LIMIT_MS * 2 / 1000
    assert out.getvalue().startswith("3 features written")


@pytest.fixture
def worker_env():
    return {"ARDH_REQUEST_STATEMENT_TIMEOUT_MS": str(LIMIT_MS)}


def test_a_job_queued_by_a_request_is_not_cancelled(worker, tmp_path):
    """The queue's worker serves no request: its jobs run without the limit, however long their SQL takes."""
    from runtime.jobs import defer_after_commit
    from tests.worker import wait_for

    out = tmp_path / "probe.json"
    statement_timeout.on_request_started()  # queued from inside a request, which has the limit
    try:
        defer_after_commit("scratch.probe", path=str(out), sleep_s=LIMIT_MS * 2 / 1000)
    finally:
        statement_timeout.on_request_finished()
    wait_for(out.exists, what="the probe job", worker=worker)
    done = json.loads(out.read_text())
    assert done["timeout"] == "0" and done["took"] == pytest.approx(LIMIT_MS * 2 / 1000, abs=5)


def test_handler500_answers_a_statement_cancelled_in_a_middleware_with_503(city):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
        try:
            cursor.execute("SELECT pg_sleep(1)")
        except OperationalError:
            response = statement_timeout.server_error(request)
        finally:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 503 and response["Retry-After"]
    try:
        raise OperationalError("something else")
    except OperationalError:
        assert statement_timeout.server_error(request).status_code == 500


def test_zero_means_no_limit(settings, city):
    settings.ARDH_REQUEST_STATEMENT_TIMEOUT_MS = 0
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {city['token']}")
    with parcels_locked(release_after=LIMIT_MS * 2 / 1000):
        assert client.get("/api/v1/parcels/").status_code == 200
