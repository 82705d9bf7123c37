"""Orthophotos: ingest a GeoTIFF as a Cloud-Optimised GeoTIFF and cut XYZ PNG tiles from it.

The COG is written with GDAL's ``GoogleMapsCompatible`` tiling scheme: pixels are
in EPSG:3857 aligned on the web-map grid and each overview is one zoom level, so an
XYZ tile is one aligned block read from the right overview, with no warping at
request time. Any GeoTIFF with a CRS can be ingested (GDAL reprojects once).
"""

from __future__ import annotations

import io
import math
import tempfile
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from django.conf import settings
from PIL import Image
from rasterio.enums import Resampling
from rasterio.transform import from_bounds
from rasterio.windows import from_bounds as window_from_bounds

from tiles.grid import Tile, lonlat_to_3857
from tiles.paint import paint

TILE_PX = 256


class OrthoError(ValueError):
    pass


def ortho_path() -> Path:
    return Path(settings.ARDH_ORTHO_PATH)


def ingest(source: Path, target: Path) -> Path:
    """Convert any georeferenced raster into a web-mercator COG (overviews, deflate, alpha)."""
    try:
        with rasterio.open(source) as src:
            if src.crs is None:
                raise OrthoError(f"{source}: the raster has no CRS; georeference it first.")
    except rasterio.errors.RasterioIOError as exc:
        raise OrthoError(f"{source}: not a readable raster ({exc}).") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    rasterio.shutil.copy(
        source, tmp, driver="COG", TILING_SCHEME="GoogleMapsCompatible", COMPRESS="DEFLATE",
        RESAMPLING="BILINEAR", OVERVIEW_RESAMPLING="AVERAGE", ADD_ALPHA="YES", BLOCKSIZE=TILE_PX,
    )
    tmp.replace(target)  # never a half-written orthophoto in place
    return target


def render_demo(municipality, target: Path, *, metres_per_pixel: float = 1.0) -> Path:
    """Paint the municipality's registers as a photo-like RGB GeoTIFF, then ingest it as a COG."""
    xmin, ymin, xmax, ymax = municipality.boundary.extent
    x0, y0 = lonlat_to_3857(xmin, ymin)
    x1, y1 = lonlat_to_3857(xmax, ymax)
    # A ground metre is 1/cos(latitude) web-mercator units.
    scale = metres_per_pixel / math.cos(math.radians((ymin + ymax) / 2))
    width, height = max(1, round((x1 - x0) / scale)), max(1, round((y1 - y0) / scale))
    rgba = paint((x0, y0, x1, y1), width, height, photo=True, seed=municipality.pk)
    with tempfile.TemporaryDirectory() as tmpdir:
        raw = Path(tmpdir) / "ortho.tif"
        profile = {"driver": "GTiff", "width": width, "height": height, "count": 3, "dtype": "uint8",
                   "crs": "EPSG:3857", "transform": from_bounds(x0, y0, x1, y1, width, height),
                   "tiled": True, "compress": "deflate", "photometric": "RGB"}
        with rasterio.open(raw, "w", **profile) as dst:
            dst.write(np.moveaxis(rgba[:, :, :3], 2, 0))
        return ingest(raw, target)


def read_tile(tile: Tile, path: Path | None = None) -> bytes | None:
    """PNG bytes of one XYZ tile of the orthophoto; None where it has no pixels."""
    path = path or ortho_path()
    if not path.exists():
        return None
    with rasterio.open(path) as src:
        bounds = tile.bounds_3857()
        b = src.bounds
        if bounds[0] >= b.right or bounds[2] <= b.left or bounds[1] >= b.top or bounds[3] <= b.bottom:
            return None
        window = window_from_bounds(*bounds, transform=src.transform)
        shape = (TILE_PX, TILE_PX)
        rgb = src.read([1, 2, 3], window=window, out_shape=(3, *shape), boundless=True, fill_value=0,
                       resampling=Resampling.bilinear)
        alpha = src.read_masks(1, window=window, out_shape=shape, boundless=True, resampling=Resampling.nearest)
    if not alpha.any():
        return None
    data = np.concatenate([rgb, alpha[None].astype(np.uint8)])
    out = io.BytesIO()
    Image.fromarray(np.moveaxis(data[:4], 0, 2), "RGBA").save(out, format="PNG", optimize=False)
    return out.getvalue()


def png(rgba: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, format="PNG")
    return out.getvalue()
