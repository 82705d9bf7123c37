"""The short WSGI path (runtime/lean.py) for tiles and OGC items: the same endpoints, answers and
checks as the full Django stack, called through the real WSGI application object."""

from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection

from accounts.services import api_key_create
from runtime import lean
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory, grant_scopes
from tests.wsgi import call_wsgi, counting_dispatcher
from tiles.grid import tiles_touching


@contextmanager
def in_test_transaction():
    """Django's own test client does this too: closing "old" connections would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def app():
    return counting_dispatcher()


def call(app, path, query="", headers=None):
    with in_test_transaction():
        return call_wsgi(app, path, query, headers)


@pytest.fixture
def place(db):
    muni = MunicipalityFactory()
    parcels = [ParcelFactory(plan=PlanFactory(municipality=muni), deed_number=f"D-{i}") for i in range(3)]
    c = parcels[0].geom.centroid
    t = next(iter(tiles_touching((c.x, c.y, c.x, c.y), 17, buffer=0)))
    return {"muni": muni, "parcels": parcels, "tile": f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt"}


@pytest.mark.parametrize(("path", "lean_path"), [
    ("/tiles/parcels/17/1/2.mvt", True),
    ("/tiles/base/0/0/0.mvt", True),
    ("/ogc/collections/parcels/items", True),
    ("/tiles/parcels/tilejson.json", False),
    ("/tiles/style.json", False),
    ("/ogc/collections/parcels/items/12", False),
    ("/api/v1/parcels/", False),
    ("/admin/tiles/parcels/17/1/2.mvt", False),
])
def test_which_paths_take_the_short_way(path, lean_path):
    # registered by tiles' and ogc's AppConfig.ready(): the runtime itself knows no app
    assert (lean.lean_path(path) is not None) is lean_path


def test_public_tile_without_parameters_takes_the_fastest_path(app, client, place):
    status, headers, body = call(app, place["tile"])
    assert app.lean.calls == 0  # answered by tiles.fast, no Django request at all
    assert status == 200 and headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    full = client.get(place["tile"])
    assert body == full.content and len(body) == int(headers["Content-Length"]) > 0
    for name in ("ETag", "Cache-Control", "Access-Control-Allow-Origin", "X-Content-Type-Options",
                 "Referrer-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy"):
        assert headers[name] == full[name], name  # the same policy and security headers as Django's
    assert headers["X-Tile-Cache"] == "MISS" and full["X-Tile-Cache"] == "HIT"  # one cache for both paths
    status, headers, body = call(app, place["tile"], headers={"HTTP_IF_NONE_MATCH": full["ETag"]})
    assert status == 304 and body == b""
    base = place["tile"].replace("/parcels/", "/base/")
    status, _, body = call(app, base)
    assert status == 200 and body == client.get(base).content
    assert app.lean.calls == 0


@pytest.mark.parametrize("suffix", ["?land_use=residential", "?fields=deed_number"])
def test_tiles_with_parameters_go_through_django(app, place, suffix):
    status, _, _ = call(app, place["tile"], suffix[1:])
    assert status in (200, 401)
    assert app.lean.calls == 1


def test_unknown_layers_go_through_django(app, place):
    status, _, body = call(app, "/tiles/nope/17/1/2.mvt")
    assert status == 404 and b"Unknown layer" in body
    assert app.lean.calls == 1


def test_bad_addresses_keep_their_reasons_in_the_users_language(app, place):
    status, _, body = call(app, "/tiles/parcels/99/0/0.mvt")
    assert status == 400 and b"out of range" in body
    status, _, body = call(app, "/tiles/parcels/99/0/0.mvt", headers={"HTTP_ACCEPT_LANGUAGE": "ar"})
    assert status == 400 and b"out of range" not in body
    assert app.lean.calls == 2  # errors are Django's (translated reasons)


def test_session_cookie_of_the_same_origin_map_works_on_the_short_path(app, client, place, django_user_model):
    user = django_user_model.objects.create_user("mapper", password="x-secret-1")
    grant_scopes(user=user, municipality=place["muni"], scopes=["read"])
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, _ = call(app, place["tile"], "fields=deed_number")
    assert status == 401
    status, headers, body = call(app, place["tile"], "fields=deed_number", headers={"HTTP_COOKIE": cookie})
    assert status == 200 and b"D-0" in body
    assert "Cookie" in headers["Vary"]
    assert app.lean.calls == 2


def test_ogc_items_through_the_short_path(app, place):
    _, token = api_key_create(municipality=place["muni"], name="lean", scopes=["read"])
    status, headers, body = call(app, "/ogc/collections/parcels/items", "limit=2",
                                 headers={"HTTP_AUTHORIZATION": f"Api-Key {token}"})
    assert status == 200 and headers["Content-Type"] == "application/geo+json"
    assert body.count(b'"Feature"') == 2
    assert "Content-Length" not in headers  # streamed as the features come (ogc.sql.page_body)
    assert app.lean.calls == 0  # an API key's JSON page: ogc/fast.py (tests/ogc/test_fast_path.py)
    status, _, _ = call(app, "/ogc/collections/parcels/items", "limit=2&f=html",
                        headers={"HTTP_AUTHORIZATION": f"Api-Key {token}"})
    assert status == 200 and app.lean.calls == 1  # HTML: the lean handler
    status, _, _ = call(app, "/ogc/collections/parcels/items")
    assert status == 401 and app.lean.calls == 2


def test_health_check_is_skipped_only_for_a_recently_used_connection(settings, db):
    connection.ensure_connection()
    assert connection.health_check_enabled
    settings.ARDH_DB_PING_AFTER_S = 5
    lean.note_connections_used()
    connection.health_check_done = False
    lean.skip_recent_health_checks()
    assert connection.health_check_done  # used a moment ago: no SELECT 1
    settings.ARDH_DB_PING_AFTER_S = 0
    connection.health_check_done = False
    lean.skip_recent_health_checks()
    assert not connection.health_check_done  # idle longer than the limit: Django pings before reuse
    settings.ARDH_DB_PING_AFTER_S = 5
    connection.errors_occurred = True
    lean.note_connections_used()  # a connection that saw an error is always checked
    connection.errors_occurred = False
    lean.skip_recent_health_checks()
    assert not connection.health_check_done


def test_https_behind_a_proxy_and_enforced_https_are_left_to_django(place, settings):
    """The shortest paths answer plain HTTP only: a request secure by the proxy's header gets HSTS, and with
    SECURE_SSL_REDIRECT a plain one is redirected, both from Django's security middleware (which reads its
    settings when the handler is built: one application per setting here)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    app = counting_dispatcher()
    _, token = api_key_create(municipality=place["muni"], name="https", scopes=["read"])
    key = {"HTTP_AUTHORIZATION": f"Api-Key {token}"}
    for path, query, headers in ((place["tile"], "", {}), ("/ogc/collections/parcels/items", "limit=1", key)):
        status, response_headers, _ = call(app, path, query, {**headers, "HTTP_X_FORWARDED_PROTO": "https"})
        assert status == 200 and response_headers["Strict-Transport-Security"] == "max-age=3600"
    assert app.lean.calls == 2
    settings.SECURE_SSL_REDIRECT = True
    app = counting_dispatcher()
    for path, query, headers in ((place["tile"], "", {}), ("/ogc/collections/parcels/items", "limit=1", key)):
        status, response_headers, _ = call(app, path, query, headers)
        assert status == 301 and response_headers["Location"].startswith("https://")
    assert app.lean.calls == 2
