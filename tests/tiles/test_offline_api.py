"""The offline package API: request -> background build -> status -> download, scoped to the caller."""

import re
import shutil
import subprocess
import time

import pytest
import rasterio
from django.core.management import call_command
from django.test import Client

from accounts.services import api_key_create
from parcels.models import District
from tests.factories import DistrictFactory, MunicipalityFactory
from tiles.models import OfflinePackage
from tiles.offline_jobs import run_package

pytestmark = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL command-line tools (gdal-bin) missing")
URL = "/api/v1/offline-packages/"


def keyed(municipality, scopes=("read",)) -> Client:
    _, token = api_key_create(municipality=municipality, name="inspector tablet", scopes=list(scopes))
    return Client(headers={"Authorization": f"Api-Key {token}", "Accept-Language": "en"})


@pytest.fixture
def offline(settings, tmp_path):
    settings.ARDH_OFFLINE_DIR = str(tmp_path / "offline")
    # The queue job is written in the test's transaction, which never commits: the test runs the job itself.
    return tmp_path


@pytest.fixture
def with_ortho(settings, tmp_path, city):
    settings.ARDH_ORTHO_PATH = str(tmp_path / "ortho.tif")
    call_command("make_orthophoto", "--municipality", city.code, "--resolution", "4")


def district_of(city):
    return District.objects.filter(municipality=city).order_by("code").first()


def ogrinfo(*args):
    done = subprocess.run(["ogrinfo", "-ro", "-so", *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_request_build_status_download(offline, with_ortho, city, tmp_path):
    api = keyed(city)
    district = district_of(city)
    r = api.post(URL, {"district": district.code, "minzoom": 14, "maxzoom": 16}, content_type="application/json")
    assert r.status_code == 202, r.content
    doc = r.json()
    assert r["Location"] == doc["links"]["self"]
    assert doc["status"] == "queued" and doc["tiles_total"] > 0 and "download" not in doc["links"]
    assert api.get(f"{URL}{doc['id']}/download/").status_code == 409  # not built yet

    run_package(doc["id"])

    status = api.get(f"{URL}{doc['id']}/").json()
    assert status["status"] == "ready", status
    assert status["tiles_done"] == status["tiles_total"] == doc["tiles_total"]
    assert [p["id"] for p in api.get(URL).json()] == [doc["id"]]
    download = api.get(status["links"]["download"])
    assert download.status_code == 200
    assert f"{district.code}.mbtiles" in download["Content-Disposition"]
    vector = tmp_path / "got.mbtiles"
    vector.write_bytes(b"".join(download.streaming_content))
    ortho = tmp_path / "got-ortho.mbtiles"
    ortho.write_bytes(b"".join(api.get(status["links"]["download_ortho"]).streaming_content))
    # Size reported = what was downloaded.
    assert status["size_bytes"] == vector.stat().st_size + ortho.stat().st_size
    # GDAL opens both, with the layers and zooms asked for.
    listing = ogrinfo("-q", str(vector))
    assert "minzoom=14" in listing and "maxzoom=16" in listing
    assert {"parcels", "streets", "blocks"} <= set(re.findall(r"^\d+: (\w+)", listing, flags=re.MULTILINE))
    parcels = ogrinfo("-oo", "ZOOM_LEVEL=16", str(vector), "parcels")
    assert int(re.search(r"Feature Count: (\d+)", parcels)[1]) > 0
    assert "deed_number" not in parcels  # the public fields only
    with rasterio.open(ortho) as src:
        assert src.driver == "MBTiles" and src.crs.to_epsg() == 3857


def test_another_municipality_sees_nothing(offline, city):
    api = keyed(city)
    r = api.post(URL, {"district": district_of(city).code, "minzoom": 14, "maxzoom": 14},
                 content_type="application/json")
    pk = r.json()["id"]
    stranger = keyed(MunicipalityFactory())
    assert stranger.get(f"{URL}{pk}/").status_code == 404
    assert stranger.get(f"{URL}{pk}/download/").status_code == 404
    assert stranger.get(URL).json() == []
    # Its own district code space: the city's district code is unknown there (404, not 403).
    r = stranger.post(URL, {"district": district_of(city).code}, content_type="application/json")
    assert r.status_code == 404


def test_callers_need_a_key_or_session_with_read(offline, city):
    anonymous = Client(headers={"Accept-Language": "en"})
    assert anonymous.get(URL).status_code == 401
    assert anonymous.post(URL, {"district": "D001"}, content_type="application/json").status_code == 401
    assert keyed(city, scopes=("write",)).get(URL).status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"district": "D001", "minzoom": 16, "maxzoom": 12}, "minzoom"),
    ({"district": "D001", "minzoom": 12, "maxzoom": 40}, "maxzoom"),
    ({"district": "D001", "minzoom": -1}, "minzoom"),
    ({"minzoom": 12}, "district"),
    ({"district": "x" * 100}, "district"),
    ({"district": "D001", "minzoom": "twelve"}, "minzoom"),
])
def test_bad_requests_say_what_is_wrong(offline, city, body, field):
    r = keyed(city).post(URL, body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert field in r.content.decode()
    assert not OfflinePackage.objects.exists()


def test_too_many_tiles_and_too_many_at_once(offline, city, monkeypatch):
    api = keyed(city)
    code = district_of(city).code
    monkeypatch.setattr("tiles.offline.MAX_TILES", 50)  # a small city's district is far under the real limit
    r = api.post(URL, {"district": code, "minzoom": 10, "maxzoom": 18}, content_type="application/json")
    assert r.status_code == 400 and "narrow" in r.json()["detail"]
    monkeypatch.undo()
    for _ in range(3):
        assert api.post(URL, {"district": code, "minzoom": 12, "maxzoom": 12},
                        content_type="application/json").status_code == 202
    r = api.post(URL, {"district": code, "minzoom": 12, "maxzoom": 12}, content_type="application/json")
    assert r.status_code == 429 and "wait" in r.json()["detail"]
    assert OfflinePackage.objects.count() == 3


def test_bad_download_part(offline, city):
    api = keyed(city)
    pk = api.post(URL, {"district": district_of(city).code, "minzoom": 12, "maxzoom": 12},
                  content_type="application/json").json()["id"]
    run_package(pk)
    assert api.get(f"{URL}{pk}/download/", {"part": "../../etc/passwd"}).status_code == 400
    assert api.get(f"{URL}{pk}/download/", {"part": "ortho"}).status_code == 404  # no orthophoto in this test


def test_a_package_whose_builder_died_is_built_again(offline, city):
    """"Running" with its builder's lock held: left alone. The builder's connection ends (its process was
    killed): the lock goes with it, and the next worker builds the package."""
    from django.db import connections

    from tiles.offline_jobs import LOCKS, run_pending

    api = keyed(city)
    pk = api.post(URL, {"district": district_of(city).code, "minzoom": 12, "maxzoom": 12},
                  content_type="application/json").json()["id"]
    OfflinePackage.objects.filter(pk=pk).update(status=OfflinePackage.Status.RUNNING, tiles_done=7)
    builder = connections.create_connection("default")  # the builder's own session
    try:
        with builder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCKS, pk])
            assert cursor.fetchone()[0]
        assert run_pending() == 0  # alive: nobody else touches it
        assert OfflinePackage.objects.get(pk=pk).status == OfflinePackage.Status.RUNNING
    finally:
        builder.close()  # the process dies: PostgreSQL releases its session locks
    assert run_pending() == 1
    package = OfflinePackage.objects.get(pk=pk)
    assert package.status == OfflinePackage.Status.READY and package.size_bytes > 0
    assert api.get(f"{URL}{pk}/download/").status_code == 200
    assert run_pending() == 0


@pytest.fixture
def worker_env(tmp_path):
    return {"ARDH_OFFLINE_DIR": str(tmp_path / "offline")}  # the worker's own settings: where it builds


def test_the_worker_builds_it_in_the_background(worker, settings, tmp_path):
    settings.ARDH_OFFLINE_DIR = str(tmp_path / "offline")
    district = DistrictFactory()
    api = keyed(district.municipality)
    r = api.post(URL, {"district": district.code, "minzoom": 12, "maxzoom": 13}, content_type="application/json")
    assert r.status_code == 202
    deadline = time.monotonic() + 60
    while (doc := api.get(r["Location"]).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.2)
    assert doc["status"] == "ready", doc
    assert doc["size_bytes"] > 0
    assert OfflinePackage.objects.get().vector_path.startswith(str(tmp_path / "offline"))
