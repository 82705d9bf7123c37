"""GDAL's OAPIF driver as an outside client of /ogc/ (ogrinfo in a subprocess, against a live server)."""

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _ogrinfo(token: str, *args: str) -> str:
    cmd = [
        "ogrinfo", "-ro", "--config", "GDAL_HTTP_HEADERS", f"Authorization: Api-Key {token}",
        "--config", "CPL_DEBUG", "ON", *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.fixture
def ogrinfo_path():
    path = shutil.which("ogrinfo")
    assert path, "ogrinfo (gdal-bin) is a system dependency: scripts/system-deps.sh installs it"
    return path


def test_ogrinfo_lists_collections(ogrinfo_path, live_server, city):
    out = _ogrinfo(city["token"], f"OAPIF:{live_server.url}/ogc")
    for name in ("municipalities", "districts", "plans", "blocks", "parcels", "streets", "zones"):
        assert re.search(rf"^\d+: {name}\b", out, re.M), out


def test_ogrinfo_pages_through_parcels_with_bbox(ogrinfo_path, live_server, city):
    parcels = city["parcels"]
    # A box around the first five parcels (one row of the factory grid) only.
    xs = [p.geom.extent for p in parcels[:5]]
    x0, y0 = min(e[0] for e in xs), min(e[1] for e in xs)
    x1, y1 = max(e[2] for e in xs), max(e[3] for e in xs)
    out = _ogrinfo(
        city["token"], "-oo", "PAGE_SIZE=2", "-spat", str(x0), str(y0), str(x1), str(y1),
        f"OAPIF:{live_server.url}/ogc", "parcels",
    )
    ids = sorted(int(m) for m in re.findall(r"^OGRFeature\(parcels\):(\d+)", out, re.M))
    expected = sorted(p.pk for p in parcels if p.geom.intersects(_box(x0, y0, x1, y1)))
    assert ids == expected and len(ids) >= 5
    # Paged: GDAL followed "next" links, several items requests with bbox were made.
    pages = re.findall(r"collections/parcels/items\?[^\s]*bbox=", out)
    assert len(pages) >= 3, out[-3000:]


def _box(x0, y0, x1, y1):
    from django.contrib.gis.geos import Polygon

    box = Polygon.from_bbox((x0, y0, x1, y1))
    box.srid = 4326
    return box
