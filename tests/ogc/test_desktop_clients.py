"""Desktop GIS as the municipal GIS desk runs it, against a live server (issue 15, item 9).

- GDAL's OAPIF driver (Debian's 3.6): ``ogrinfo -so`` learns the size of the parcels layer from the first page's
  numberMatched (it paged through the whole layer ten features at a time before), and ``ogr2ogr`` of the whole
  layer with a key of the default budget follows "next" links whose pages grow, in a few requests.
- QGIS (Debian's python3-qgis 3.22, under the system Python, offscreen): logs in with HTTP Basic, the key as the
  password, opens the OGC API layer, counts and reads its features, opens the vector tiles, the WMS and the WMTS,
  and renders each to a PNG (tests/clients/qgis_client.py).
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.services import api_key_create
from parcels.models import Parcel
from tiles import mapproxy_app

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent.parent
QGIS_CLIENT = ROOT / "tests" / "clients" / "qgis_client.py"


@pytest.fixture
def desk(settings, tmp_path, live_server, transactional_db):
    from fixtures.generator import build_city
    from fixtures.loader import load_city

    settings.ARDH_ORTHO_PATH = str(tmp_path / "ortho.tif")
    settings.ARDH_MAPPROXY_DIR = str(tmp_path / "mapproxy")
    settings.ARDH_MAPPROXY_SOURCE_URL = live_server.url
    settings.ARDH_MAPPROXY_DEMO = False
    mapproxy_app.reset()
    city = load_city(build_city(seed=7, parcels=800))
    call_command("make_orthophoto", "--municipality", city.code, "--resolution", "4")
    _, token = api_key_create(municipality=city, name="GIS desk", scopes=["read"])  # the default budget
    parcels = Parcel.objects.filter(municipality=city, valid_to__isnull=True).count()
    yield {"url": live_server.url, "token": token, "parcels": parcels, "tmp": tmp_path}
    mapproxy_app.reset()


def _gdal(*args: str, token: str) -> tuple[str, list[str]]:
    """Run a GDAL program with the key; (its output, the URLs it fetched)."""
    cmd = [args[0], "--config", "GDAL_HTTP_HEADERS", f"Authorization: Api-Key {token}", "--config", "CPL_DEBUG", "ON",
           *args[1:]]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr, re.findall(r"HTTP: Fetch\((\S+)\)", done.stderr)


def test_ogrinfo_so_then_ogr2ogr_of_the_whole_layer_with_a_default_key(desk):
    assert shutil.which("ogrinfo") and shutil.which("ogr2ogr"), "gdal-bin is installed by scripts/system-deps.sh"
    source = f"OAPIF:{desk['url']}/ogc"
    out, fetched = _gdal("ogrinfo", "-ro", "-so", source, "parcels", token=desk["token"])
    assert f"Feature Count: {desk['parcels']}" in out
    assert len([u for u in fetched if "/items" in u]) == 1, fetched  # the count came with the first page
    gpkg = desk["tmp"] / "parcels.gpkg"
    out, fetched = _gdal("ogr2ogr", "-f", "GPKG", str(gpkg), source, "parcels", token=desk["token"])
    pages = [u for u in fetched if "/items" in u]
    # GDAL 3.6 asks for 10 a page; the pages double along the "next" links: 10, 20, ..., 320, then the rest.
    assert len(pages) <= 8, pages
    copied = subprocess.run(["ogrinfo", "-so", str(gpkg), "parcels"], capture_output=True, text=True, check=True)
    assert f"Feature Count: {desk['parcels']}" in copied.stdout


def test_qgis_opens_the_ogc_api_with_basic_and_the_tiles_wms_and_wmts(desk):
    python = "/usr/bin/python3"
    probe = subprocess.run([python, "-c", "import qgis.core"], capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, "python3-qgis (Debian) is installed by scripts/system-deps.sh: " + probe.stderr
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_AUTH_DB_DIR_PATH": str(desk["tmp"] / "qgis-auth"),
           "HOME": str(desk["tmp"]), "XDG_RUNTIME_DIR": str(desk["tmp"])}
    (desk["tmp"] / "qgis-auth").mkdir()
    argv = [python, "-X", "faulthandler", str(QGIS_CLIENT), desk["url"], desk["token"], str(desk["tmp"])]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["qgis"].startswith("3.")
    assert found["oapif_valid"], found
    assert found["oapif_count"] == found["oapif_read"] == desk["parcels"], found
    assert found["tiles_valid"] and found["wms_valid"] and found["wmts_valid"], found
    for png in ("oapif", "tiles", "wms", "wmts"):
        assert found[f"{png}_png"] > 0, (png, found)
        assert (desk["tmp"] / f"{png}.png").stat().st_size > 0
