"""Who may call the API: keys and sessions, scopes, tenants, throttling."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import api_key_create, hash_secret
from tests.api.conftest import key_client
from tests.factories import grant_scopes

pytestmark = pytest.mark.django_db


def test_anonymous_is_refused_with_401(parcels):
    r = APIClient().get("/api/v1/parcels/")
    assert r.status_code == 401


def test_key_secret_is_stored_only_as_hash(muni):
    key, token = api_key_create(municipality=muni, name="x", scopes=["read"])
    secret = token.split(".", 1)[1]
    row = ApiKey.objects.get(pk=key.pk)
    assert secret not in row.secret_hash
    assert row.secret_hash == hash_secret(secret)


def test_wrong_secret_and_revoked_key_are_refused(muni, parcels):
    key, token = api_key_create(municipality=muni, name="x", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token[:-2]}zz")
    assert client.get("/api/v1/parcels/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/parcels/").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert client.get("/api/v1/parcels/").status_code == 401


def test_key_sees_only_its_municipality(muni, parcels, other_parcel):
    r = key_client(muni).get("/api/v1/parcels/?limit=1000")
    ids = {f["id"] for f in r.json()["features"]}
    assert ids == {p.pk for p in parcels}
    assert other_parcel.pk not in ids


def test_other_tenants_record_is_404_not_403(api, other_parcel):
    for url in (
        f"/api/v1/parcels/{other_parcel.pk}/",
        f"/api/v1/parcels/{other_parcel.pk}/history/",
    ):
        assert api.get(url).status_code == 404
    r = api.patch(f"/api/v1/parcels/{other_parcel.pk}/", {"status": "built"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 404
    r = api.delete(f"/api/v1/parcels/{other_parcel.pk}/", HTTP_IF_MATCH='"1"')
    assert r.status_code == 404
    other_parcel.refresh_from_db()
    assert other_parcel.status == "vacant" and other_parcel.valid_to is None


def test_read_scope_cannot_write(muni, parcels):
    client = key_client(muni, scopes=["read"])
    p = parcels[0]
    r = client.patch(f"/api/v1/parcels/{p.pk}/", {"status": "built"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 403
    assert "write" in r.json()["detail"]


def test_session_person_uses_membership(muni, parcels, editor, other_parcel):
    client = APIClient()
    client.force_login(editor)
    assert client.get("/api/v1/parcels/").status_code == 403  # signed in, but bound to no municipality
    grant_scopes(user=editor, municipality=muni, scopes=["read", "write"])
    r = client.get("/api/v1/parcels/")
    assert r.status_code == 200
    assert other_parcel.pk not in {f["id"] for f in r.json()["features"]}


def test_session_write_needs_csrf(muni, parcels, editor):
    grant_scopes(user=editor, municipality=muni, scopes=["read", "write"])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    r = client.patch(f"/api/v1/parcels/{parcels[0].pk}/", {"status": "built"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 403


def test_throttling_is_per_key(muni, parcels):
    slow = key_client(muni, scopes=["read"], rate_per_minute=3)
    fast = key_client(muni, scopes=["read"])
    codes = [slow.get("/api/v1/districts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert fast.get("/api/v1/districts/").status_code == 200


def test_api_key_create_command(muni):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("api_key_create", municipality=muni.code, name="gis", scopes="read,write", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/parcels/").status_code == 200
    with pytest.raises(CommandError, match="Unknown scopes"):
        call_command("api_key_create", municipality=muni.code, name="x", scopes="admin")
    with pytest.raises(CommandError, match="No municipality"):
        call_command("api_key_create", municipality="nowhere", name="x")


def test_person_signs_in_with_a_session(muni, parcels, django_user_model):
    user = django_user_model.objects.create_user("planner", password="s3cret-pass")
    grant_scopes(user=user, municipality=muni, scopes=["read"])
    client = APIClient()
    assert client.get("/api/auth/login/").status_code == 200
    r = client.post("/api/auth/login/", {"username": "planner", "password": "s3cret-pass", "next": "/api/v1/parcels/"})
    assert r.status_code == 302
    r = client.get("/api/v1/parcels/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200 and len(r.json()["features"]) == 5


def test_browsable_api_renders_for_people(muni, parcels, editor):
    grant_scopes(user=editor, municipality=muni, scopes=["read", "write"])
    client = APIClient()
    client.force_login(editor)
    for url in ("/api/v1/parcels/", f"/api/v1/parcels/{parcels[0].pk}/", "/api/v1/plans/"):
        r = client.get(url, HTTP_ACCEPT="text/html")
        assert r.status_code == 200 and r["Content-Type"].startswith("text/html"), url


def _by_throttle_statement(key, token):
    """The throttle's own statement, for a key already looked up (sessions count this way)."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    from api.access import PerKeyThrottle

    found = ApiKey.objects.get(pk=key.pk)
    return PerKeyThrottle().allow_request(SimpleNamespace(auth=found, user=AnonymousUser(), META={}), None)


def _by_key_lookup(key, token):
    """The key's lookup counts the request in the same statement; the throttle reads those counts."""
    from types import SimpleNamespace

    from api.access import ApiKeyAuthentication, PerKeyThrottle

    header = {"authorization": f"Api-Key {token}".encode()}
    user, found = ApiKeyAuthentication().authenticate(SimpleNamespace(headers=header))
    return PerKeyThrottle().allow_request(SimpleNamespace(auth=found, user=user, META={}), None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", [_by_throttle_statement, _by_key_lookup])
def test_throttle_budget_is_shared_by_every_worker(attempt):
    """Workers are processes with their own database sessions: 4 threads, 4 connections, one budget."""
    import threading
    import time
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from api.access import PerKeyThrottle
    from tests.factories import MunicipalityFactory

    key, token = api_key_create(municipality=MunicipalityFactory(), name="busy", scopes=["read"], rate_per_minute=20)
    allowed, lock = [], threading.Lock()

    def worker():
        mine = [attempt(key, token) for _ in range(10)]
        connection.close()
        with lock:
            allowed.extend(mine)

    started = time.time()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 40
    if started // 60 == time.time() // 60:
        assert sum(allowed) == 20  # exactly the budget: no count lost between connections
    else:  # the run straddled a minute: the previous minute's count still weighs, so never more
        assert sum(allowed) <= 20
    throttle = PerKeyThrottle()
    request = SimpleNamespace(auth=ApiKey.objects.get(pk=key.pk), user=AnonymousUser(), META={})
    assert not throttle.allow_request(request, None)
    assert 0 < throttle.wait() <= 60


def _hits(key) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(hits), 0) FROM api_throttle_window WHERE key = %s", [f"key:{key.pk}"])
        return cursor.fetchone()[0]


def test_a_key_request_is_authenticated_and_counted_by_one_statement(muni, parcels):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key, token = api_key_create(municipality=muni, name="one trip", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/districts/").status_code == 200  # the first use also records last_used_at
    for path in ("/ogc/collections/parcels/items?limit=2", "/api/v1/districts/"):
        before = _hits(key)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        touching = [q["sql"] for q in queries if "api_throttle_window" in q["sql"] or "api_apikey" in q["sql"]]
        assert len(touching) == 1, touching
        assert "api_throttle_window" in touching[0] and "api_apikey" in touching[0]
        assert _hits(key) == before + 1


def test_a_wrong_secret_is_refused_and_not_counted_against_the_key(muni, parcels):
    key, token = api_key_create(municipality=muni, name="guarded", scopes=["read"], rate_per_minute=2)
    bad, good = APIClient(), APIClient()
    bad.credentials(HTTP_AUTHORIZATION=f"Api-Key {token[:-3]}xyz")
    good.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    for _ in range(5):
        assert bad.get("/ogc/collections/parcels/items?limit=1").status_code == 401
        assert bad.get("/api/v1/districts/").status_code == 401
    assert _hits(key) == 0
    assert [good.get("/api/v1/districts/").status_code for _ in range(3)] == [200, 200, 429]


def test_tiles_fetched_with_a_key_are_not_counted(muni, parcels):
    from tiles.grid import tiles_touching

    key, token = api_key_create(municipality=muni, name="tiles", scopes=["read"], rate_per_minute=1)
    c = parcels[0].geom.point_on_surface
    tile = next(iter(tiles_touching((c.x, c.y, c.x, c.y), 16, buffer=0)))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    for _ in range(3):
        r = client.get(f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt?fields=deed_number")
        assert r.status_code == 200, r.content[:200]
    assert _hits(key) == 0


def test_the_key_lookup_is_planned_once_per_connection(muni, parcels):
    from django.db import connection

    _, token = api_key_create(municipality=muni, name="prepared", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    for _ in range(3):
        assert client.get("/ogc/collections/parcels/items?limit=1").status_code == 200
        assert client.get("/api/v1/districts/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements"
                       " WHERE statement LIKE %s AND statement LIKE %s", ["%api_apikey%", "%api_throttle_window%"])
        executions = [row[0] for row in cursor.fetchall()]
    # Two prepared statements, each planned once and run by its three requests: the REST API's lookup (the key's
    # model and its municipality) and OGC's (a KeyGrant's few columns).
    assert executions == [3, 3]
