"""Orthophoto COG and raster XYZ tiles (orthophoto and painted base map)."""

import io

import numpy as np
import pytest
import rasterio
from django.core.management import CommandError, call_command
from PIL import Image
from rasterio.transform import from_origin

from parcels.layers import LAND_USE_COLOURS
from parcels.models import Parcel
from tiles.grid import lonlat_to_3857, tiles_touching


@pytest.fixture
def ortho(settings, tmp_path, city):
    settings.ARDH_ORTHO_PATH = str(tmp_path / "ortho" / "ortho.tif")
    call_command("make_orthophoto", "--municipality", city.code, "--resolution", "4")
    return tmp_path / "ortho" / "ortho.tif"


def tile_at(point, z):
    return next(iter(tiles_touching((point.x, point.y, point.x, point.y), z, buffer=0)))


def image(response):
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))


def test_demo_orthophoto_is_a_web_mercator_cog(ortho):
    with rasterio.open(ortho) as src:
        assert src.crs.to_epsg() == 3857
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.overviews(1), "a COG without overviews cannot serve low zooms"
        assert src.block_shapes[0] == (256, 256)


def test_ortho_tiles_inside_and_outside_the_city(client, ortho, city):
    inside = tile_at(city.boundary.centroid, 15)
    pixels = image(client.get(f"/tiles/ortho/{inside.z}/{inside.x}/{inside.y}.png"))
    assert pixels.shape == (256, 256, 4) and pixels[:, :, 3].max() == 255
    assert len(np.unique(pixels[:, :, :3].reshape(-1, 3), axis=0)) > 50  # texture, not a flat fill
    assert client.get("/tiles/ortho/15/0/0.png").status_code == 204  # the other side of the world


def test_ingest_reprojects_a_utm_geotiff(tmp_path, settings):
    source = tmp_path / "utm.tif"
    with rasterio.open(source, "w", driver="GTiff", width=64, height=64, count=3, dtype="uint8",
                       crs="EPSG:32638", transform=from_origin(350000, 2860000, 2, 2)) as dst:
        dst.write(np.full((3, 64, 64), 120, np.uint8))
    target = tmp_path / "out.tif"
    call_command("make_orthophoto", "--source", str(source), "--output", str(target))
    with rasterio.open(target) as src:
        assert src.crs.to_epsg() == 3857 and src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"


def test_ingest_refuses_a_raster_without_crs(tmp_path):
    source = tmp_path / "nocrs.tif"
    with rasterio.open(source, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as dst:
        dst.write(np.zeros((1, 8, 8), np.uint8))
    with pytest.raises(CommandError, match="no CRS"):
        call_command("make_orthophoto", "--source", str(source), "--output", str(tmp_path / "o.tif"))


def test_basemap_tile_paints_parcels_in_their_land_use_colour(client, city):
    parcel = Parcel.objects.filter(land_use="park", valid_to__isnull=True).first()
    point = parcel.geom.point_on_surface
    t = tile_at(point, 18)
    pixels = image(client.get(f"/tiles/basemap/{t.z}/{t.x}/{t.y}.png"))
    x0, y0, x1, y1 = t.bounds_3857()
    px, py = lonlat_to_3857(point.x, point.y)
    col, row = int((px - x0) / (x1 - x0) * 256), int((y1 - py) / (y1 - y0) * 256)
    expected = tuple(int(LAND_USE_COLOURS["park"][i : i + 2], 16) for i in (1, 3, 5))
    assert tuple(pixels[row, col, :3]) == expected


def test_bad_raster_requests(client, db):
    assert client.get("/tiles/nothing/1/0/0.png").status_code == 404
    response = client.get("/tiles/ortho/1/2/0.png")
    assert response.status_code == 400 and "x=2" in response.json()["detail"]
    assert client.get("/tiles/ortho/1/0/0.png?x=1").status_code == 400
