"""Offline packages open in GDAL with the expected layers and zooms."""

import re
import shutil
import sqlite3
import subprocess

import pytest
import rasterio
from django.core.management import CommandError, call_command

from geo.layers import all_layers
from parcels.models import District

pytestmark = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL command-line tools (gdal-bin) missing")


def ogrinfo(*args):
    done = subprocess.run(["ogrinfo", "-ro", "-so", *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def feature_count(path, layer, zoom):
    return int(re.search(r"Feature Count: (\d+)", ogrinfo("-oo", f"ZOOM_LEVEL={zoom}", str(path), layer))[1])


@pytest.fixture
def package(settings, tmp_path, city):
    settings.ARDH_ORTHO_PATH = str(tmp_path / "ortho.tif")
    call_command("make_orthophoto", "--municipality", city.code, "--resolution", "4")
    district = District.objects.filter(municipality=city).order_by("code").first()
    target = tmp_path / "pkg" / "district.mbtiles"
    call_command("export_offline", "--district", district.code, "--minzoom", "12", "--maxzoom", "16",
                 "--output", str(target), verbosity=0)
    return target


def test_vector_package_has_every_layer_and_the_zoom_range(package):
    listing = ogrinfo("-q", str(package))
    assert "minzoom=12" in listing and "maxzoom=16" in listing
    names = set(re.findall(r"^\d+: (\w+)", listing, flags=re.MULTILINE))
    assert names == {lyr.name for lyr in all_layers() if lyr.is_public}  # the base map: tenant layers never
    # Zoom-aware content: parcels from z15 only, streets from z12.
    assert feature_count(package, "parcels", 16) > 0
    assert feature_count(package, "parcels", 12) == 0
    assert feature_count(package, "streets", 12) > 0
    with sqlite3.connect(package) as db:
        assert db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone() == (12, 16)


def test_ortho_package_is_a_raster_mbtiles(package):
    ortho = package.with_name("district-ortho.mbtiles")
    with rasterio.open(ortho) as src:
        assert src.driver == "MBTiles" and src.crs.to_epsg() == 3857
        assert src.count == 4 and src.overviews(1)
    assert not list(package.parent.glob(".*part"))  # no leftovers


def test_bad_export_requests(city, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="no district"):
        call_command("export_offline", "--district", "NOPE", "--output", str(tmp_path / "x.mbtiles"))
    with pytest.raises(CommandError, match="minzoom"):
        call_command("export_offline", "--district", "D001", "--minzoom", "9", "--maxzoom", "3")
    code = District.objects.filter(municipality=city).first().code
    monkeypatch.setattr("tiles.offline.MAX_TILES", 100)  # a small city's district is far under the real limit
    with pytest.raises(CommandError, match="narrow the zoom range"):
        call_command("export_offline", "--district", code, "--minzoom", "10", "--maxzoom", "18",
                     "--output", str(tmp_path / "x.mbtiles"))
    assert not list(tmp_path.glob("*.mbtiles"))
