"""OGC services and GDAL against a live server: WMS 1.3.0 and WMTS 1.0 (MapProxy), MVT (ours).

The server runs on a free loopback port (pytest-django's live_server); MapProxy
fetches our XYZ tiles from that same server.
"""

import io
import json
import shutil
import subprocess

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from tiles import mapproxy_app
from tiles.grid import lonlat_to_3857, tiles_touching

pytestmark = pytest.mark.skipif(shutil.which("gdalinfo") is None, reason="GDAL command-line tools (gdal-bin) missing")


@pytest.fixture
def served(settings, tmp_path, live_server, transactional_db):
    from fixtures.generator import build_city
    from fixtures.loader import load_city

    settings.ARDH_ORTHO_PATH = str(tmp_path / "ortho.tif")
    settings.ARDH_MAPPROXY_DIR = str(tmp_path / "mapproxy")
    settings.ARDH_MAPPROXY_SOURCE_URL = live_server.url
    settings.ARDH_MAPPROXY_DEMO = False
    mapproxy_app.reset()
    city = load_city(build_city(seed=5, parcels=800))
    call_command("make_orthophoto", "--municipality", city.code, "--resolution", "4")
    yield live_server.url, city
    mapproxy_app.reset()


def run(*args):
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "60", "CPL_VSIL_CURL_USE_HEAD": "NO"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_owslib_reads_wms_and_wmts_and_gets_imagery(served):
    from owslib.wms import WebMapService
    from owslib.wmts import WebMapTileService

    url, city = served
    wms = WebMapService(f"{url}/mapproxy/service", version="1.3.0")
    assert {"ortho", "basemap"} <= set(wms.contents)
    assert "EPSG:3857" in wms["ortho"].crsOptions
    x0, y0 = lonlat_to_3857(*city.boundary.centroid.coords)
    img = wms.getmap(layers=["ortho"], srs="EPSG:3857", bbox=(x0 - 300, y0 - 300, x0 + 300, y0 + 300),
                     size=(256, 256), format="image/png", transparent=True)
    pixels = np.asarray(Image.open(io.BytesIO(img.read())).convert("RGBA"))
    assert pixels[:, :, 3].max() == 255 and len(np.unique(pixels[:, :, 0])) > 10  # real imagery, not blank

    wmts = WebMapTileService(f"{url}/mapproxy/wmts/1.0.0/WMTSCapabilities.xml")
    assert {"ortho", "basemap"} <= set(wmts.contents)
    t = next(iter(tiles_touching((*city.boundary.centroid.coords,) * 2, 16, buffer=0)))
    tile = wmts.gettile(layer="basemap", tilematrixset="webmercator", tilematrix="16", row=t.y, column=t.x,
                        format="image/png")
    assert Image.open(io.BytesIO(tile.read())).size == (256, 256)


def test_gdal_reads_our_wms_wmts_and_mvt(served):
    url, city = served
    wms = run("gdalinfo", f"WMS:{url}/mapproxy/service?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
    assert "LAYERS=ortho" in wms and "LAYERS=basemap" in wms
    wmts = run("gdalinfo", "-json", f"WMTS:{url}/mapproxy/wmts/1.0.0/WMTSCapabilities.xml,layer=ortho")
    info = json.loads(wmts)
    assert info["size"][0] > 0 and "Pseudo-Mercator" in info["coordinateSystem"]["wkt"]
    t = next(iter(tiles_touching((*city.boundary.centroid.coords,) * 2, 16, buffer=0)))
    mvt = run("ogrinfo", "-ro", "-al", "-so", f"/vsicurl/{url}/tiles/base/{t.z}/{t.x}/{t.y}.mvt")
    assert "Layer name: parcels" in mvt and "Layer name: streets" in mvt
    assert "land_use: String" in mvt


def test_mapproxy_refuses_traversal_and_has_no_demo_in_production(served, client):
    assert client.get("/mapproxy/demo/").status_code == 404
    for path in ("/mapproxy/wmts/ortho/webmercator/../../../../etc/passwd",
                 "/mapproxy/wmts/ortho/webmercator/16/1/..%2F..%2Fetc%2Fpasswd.png",
                 "/mapproxy/tiles/ortho/webmercator/1/0/0.png/../../../../../etc/passwd"):
        response = client.get(path)
        assert 400 <= response.status_code < 500, (path, response.content[:300])
        assert b"root:" not in response.content
