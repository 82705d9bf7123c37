"""The primary restarted in the middle of a request (issue 23, faults): the shipped server (Granian) on a PostgreSQL
cluster of the test's own — a copy of the test database made with pg_dump — restarted while a write waits on a lock.

Defined outcome: that request is a 503 that says the database is restarting and nothing was saved (with
``Retry-After``), the record is exactly as before (version, status, no audit entry), the same change sent again
succeeds on the same server (its connections are opened anew), and while the database is down every path
(the full stack and the lean OGC path) answers 503 the same way, never a 500.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

from accounts.services import api_key_create
from bench.servers import free_port
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.test_serve import _server

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path("/usr/lib/postgresql/15/bin")


def run(*args, env, check=True) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], env=env, cwd=ROOT, capture_output=True, text=True, check=check,
                          timeout=300)


@pytest.fixture
def city(transactional_db):
    muni = MunicipalityFactory()
    parcel = ParcelFactory(plan=PlanFactory(municipality=muni))
    _, token = api_key_create(municipality=muni, name="restart test", scopes=["read", "write"])
    return {"parcel": parcel, "token": token}


@pytest.fixture
def own_primary(city):
    """A cluster of the test's own (scripts/pg.sh) holding a copy of the test database, committed rows included."""
    base = Path(tempfile.mkdtemp(prefix="ardh-restart-test-"))
    base.chmod(0o755)  # the server runs as 'postgres'
    name = connection.settings_dict["NAME"]
    env = {**os.environ, "ARDH_PG_DATA": str(base / "pg"), "ARDH_PG_RUN": str(base / "run"),
           "ARDH_PG_LOG": str(base / "pg.log"), "ARDH_DB_PORT": str(free_port()), "ARDH_DB_NAME": "ardh",
           "ARDH_BACKUP_DIR": str(base / "backup")}
    s = connection.settings_dict
    dump = base / "test.dump"
    run(PGBIN / "pg_dump", "-Fc", "-h", s["HOST"], "-p", s["PORT"], "-U", s["USER"], "-d", name, "-f", dump, env=env)
    run("bash", "scripts/pg.sh", "start", env=env)
    run(PGBIN / "pg_restore", "--create", "--no-owner", "-h", env["ARDH_PG_RUN"], "-p", env["ARDH_DB_PORT"],
        "-U", "ardh", "-d", "ardh", dump, env=env)
    try:
        yield {"env": env, "data": base / "pg", "name": name,
               "server_env": {"ARDH_DB_HOST": env["ARDH_PG_RUN"], "ARDH_DB_PORT": env["ARDH_DB_PORT"],
                              "ARDH_DB_NAME": name, "ARDH_TILE_CACHE_ENABLED": "false"}}
    finally:
        if (base / "pg" / "postmaster.pid").exists():
            pg_ctl(base / "pg", "stop", "-m", "immediate", env=env, check=False)
        shutil.rmtree(base, ignore_errors=True)


def pg_ctl(data, *args, env, check=True):
    return run("runuser", "-u", "postgres", "--", PGBIN / "pg_ctl", "-D", data, "-w", *args, env=env, check=check)


def session(primary) -> psycopg.Connection:
    e = primary["env"]
    return psycopg.connect(host=e["ARDH_PG_RUN"], port=e["ARDH_DB_PORT"], user="ardh", dbname=primary["name"])


def parcel_row(primary, pk):
    with session(primary) as c:
        return c.execute("SELECT status, version FROM parcels_parcel WHERE id = %s", [pk]).fetchone()


def audit_rows(primary, pk) -> int:
    with session(primary) as c:
        return c.execute("SELECT count(*) FROM audit_changerecord WHERE entity = 'parcels.parcel' AND object_id = %s",
                         [pk]).fetchone()[0]


def wait_for_lock_wait(primary, timeout=30):
    deadline = time.monotonic() + timeout
    with session(primary) as c:
        c.autocommit = True
        while time.monotonic() < deadline:
            if c.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                         "AND query ILIKE '%%parcels_parcel%%'").fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the request never reached the database")


def test_a_write_cut_by_a_primary_restart_is_a_503_and_nothing_is_saved(own_primary, city):
    pk = city["parcel"].pk
    auth = {"Authorization": f"Api-Key {city['token']}", "Accept-Language": "en"}
    url_of = f"/api/v1/parcels/{pk}/"
    before, audited = parcel_row(own_primary, pk), audit_rows(own_primary, pk)
    with _server(**own_primary["server_env"]) as url, requests.Session() as http:
        read = http.get(url + url_of, headers=auth, timeout=30)
        assert read.status_code == 200, read.text
        etag = read.headers["ETag"]

        holder = session(own_primary)  # another session holds the table: the write waits inside the database
        holder.execute("LOCK TABLE parcels_parcel IN ACCESS EXCLUSIVE MODE")
        answer = {}

        def write():
            answer["r"] = requests.patch(url + url_of, json={"status": "built"},
                                         headers={**auth, "If-Match": etag}, timeout=60)

        writer = threading.Thread(target=write)
        writer.start()
        wait_for_lock_wait(own_primary)
        pg_ctl(own_primary["data"], "restart", "-m", "fast", "-l", own_primary["env"]["ARDH_PG_LOG"],
               env=own_primary["env"])  # ends every session
        writer.join(60)
        holder.close()

        r = answer["r"]
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "unavailable" and "nothing of this request was done" in r.json()["detail"]
        assert int(r.headers["Retry-After"]) > 0
        assert parcel_row(own_primary, pk) == before and audit_rows(own_primary, pk) == audited

        again = http.patch(url + url_of, json={"status": "built"}, headers={**auth, "If-Match": etag}, timeout=30)
        assert again.status_code == 200, again.text  # the same version: the cut write changed nothing
        assert parcel_row(own_primary, pk) == ("built", before[1] + 1)
        assert audit_rows(own_primary, pk) == audited + 1


def test_while_the_primary_is_down_every_path_answers_503_then_recovers(own_primary, city):
    auth = {"Authorization": f"Api-Key {city['token']}"}
    paths = [f"/api/v1/parcels/{city['parcel'].pk}/", "/ogc/collections/parcels/items?limit=2"]
    with _server(**own_primary["server_env"]) as url, requests.Session() as http:
        for path in paths:
            assert http.get(url + path, headers=auth, timeout=30).status_code == 200
        pg_ctl(own_primary["data"], "stop", "-m", "fast", env=own_primary["env"])
        for path in paths:
            r = http.get(url + path, headers=auth, timeout=30)  # Arabic first: no Accept-Language
            assert r.status_code == 503, (path, r.status_code, r.text[:300])
            assert r.json()["code"] == "unavailable" and "قاعدة البيانات" in r.json()["detail"], r.text
        pg_ctl(own_primary["data"], "start", "-l", own_primary["env"]["ARDH_PG_LOG"], env=own_primary["env"])
        for path in paths:
            assert http.get(url + path, headers=auth, timeout=30).status_code == 200, path
