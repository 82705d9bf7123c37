"""Reads from a real streaming replica (scripts/replica.sh, runtime/replica.py, decision 038), with the replica's
replay paused to make it visibly behind: read-only requests read from it (the ORM and the raw-SQL shortest path
alike), a writer reads from the primary for a while after writing (a browser and an API key), a lagging or
stopped replica is skipped, and a replica that fails under a request does not fail the request."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from accounts.services import api_key_create
from runtime import replica
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.wsgi import call_wsgi, counting_dispatcher

pytestmark = [pytest.mark.django_db(transaction=True, databases=["default", "replica"])]
ROOT = Path(__file__).resolve().parent.parent


def on_replica(sql: str):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0] if cursor.description else None


def caught_up(timeout: float = 30) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while not on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@pytest.fixture
def reads(settings):
    if "replica" not in settings.DATABASES:
        pytest.fail("no replica configured: `make test` starts one (make replica)")
    settings.ARDH_REPLICA_READS = True
    settings.ARDH_REPLICA_MAX_LAG_S = 30.0
    settings.ARDH_REPLICA_CHECK_S = 0.0  # ask the replica on every request
    replica._set(False, "not checked", None, 0.0)
    yield settings
    on_replica("SELECT pg_wal_replay_resume()") if replica_running() else None
    replica._set(False, "not checked", None, 0.0)


def replica_running() -> bool:
    try:
        on_replica("SELECT 1")
        return True
    except Exception:
        connections["replica"].close()
        return False


@pytest.fixture
def city(reads):
    muni = MunicipalityFactory()
    plan = PlanFactory(municipality=muni)
    for _ in range(3):
        ParcelFactory(plan=plan)
    _, token = api_key_create(municipality=muni, name="replica test", scopes=["read", "write"])
    caught_up()
    return {"muni": muni, "plan": plan, "token": token}


def healthz(client) -> dict:
    return json.loads(client.get("/healthz").content)["reads"]


def items(app, city) -> int:
    x0, y0, x1, y1 = city["muni"].boundary.extent
    status, _headers, body = call_wsgi(app, "/ogc/collections/parcels/items", f"limit=100&bbox={x0},{y0},{x1},{y1}",
                                       {"HTTP_AUTHORIZATION": f"Api-Key {city['token']}"})
    assert status == 200, body[:300]
    return len(json.loads(body)["features"])


def test_read_only_requests_read_from_the_replica_and_a_writer_from_the_primary(city, client):
    app = counting_dispatcher()
    assert healthz(client) == {"from": "replica", "replica": "in use", "replica_lag_s": 0.0}
    assert items(app, city) == 3 and app.lean.calls == 0  # the shortest path answered

    on_replica("SELECT pg_wal_replay_pause()")
    ParcelFactory(plan=city["plan"])  # committed on the primary; the replica does not replay it
    assert items(app, city) == 3  # read from the replica: behind, as it was told to be
    assert healthz(client)["from"] == "replica"

    # A browser that writes reads its own writes: the response marks it, and its next reads go to the primary.
    written = client.post("/i18n/setlang/", {"language": "en"})
    assert written.status_code == 302 and replica.WROTE_COOKIE in written.cookies
    assert healthz(client)["from"] == "default"
    assert healthz(Client())["from"] == "replica"  # someone else still reads from the replica

    # An API key that writes reads its own writes too (no cookie: the primary remembers it).
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {city['token']}"}
    assert Client().post("/i18n/setlang/", {"language": "en"}, **headers).status_code == 302
    assert items(app, city) == 4  # from the primary now
    on_replica("SELECT pg_wal_replay_resume()")
    caught_up()


def test_a_lagging_replica_is_skipped_until_it_catches_up(city, client, reads):
    reads.ARDH_REPLICA_MAX_LAG_S = 0.3
    on_replica("SELECT pg_wal_replay_pause()")
    ParcelFactory(plan=city["plan"])
    time.sleep(0.6)
    state = healthz(client)
    assert state["from"] == "default" and state["replica"] == "lagging" and state["replica_lag_s"] > 0.3
    assert items(counting_dispatcher(), city) == 4  # from the primary: nothing stale
    on_replica("SELECT pg_wal_replay_resume()")
    caught_up()
    assert healthz(client) == {"from": "replica", "replica": "in use", "replica_lag_s": 0.0}


def replica_ctl(action: str) -> None:
    env = {**os.environ}
    subprocess.run(["bash", "scripts/replica.sh", action], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=120)


def test_a_replica_that_is_down_is_skipped_and_a_request_it_fails_is_answered_from_the_primary(city, client, reads):
    app = counting_dispatcher()
    assert items(app, city) == 3 and healthz(client)["from"] == "replica"
    reads.ARDH_REPLICA_CHECK_S = 3600.0  # the replica was found well: no check until much later
    replica._set(True, "in use", 0.0, time.monotonic())
    replica_ctl("stop")
    try:
        # The shortest path and a Django page both find the replica gone under them: answered from the primary.
        assert items(app, city) == 3
        assert replica.health().state == "down"
        replica._set(True, "in use", 0.0, time.monotonic())
        response = Client(raise_request_exception=False).get("/portal/")  # the ORM reads the municipality
        assert response.status_code == 200 and replica.health().state == "down"
        reads.ARDH_REPLICA_CHECK_S = 0.0
        assert healthz(client) == {"from": "default", "replica": "down", "replica_lag_s": None}
    finally:
        replica_ctl("start")
    deadline = time.monotonic() + 60
    while healthz(client)["from"] != "replica":
        assert time.monotonic() < deadline, "the replica was not used again after it came back"
        time.sleep(0.2)
