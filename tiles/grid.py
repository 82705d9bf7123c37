"""The web-map tile grid (EPSG:3857, 256 px tiles, XYZ scheme with y down from the north).

Pure arithmetic, no database: parse tile addresses from URLs and find which tiles a
lon/lat box touches at each zoom (cache invalidation, offline packages).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_ZOOM = 22  # the deepest zoom any layer may declare
EXTENT = 4096  # MVT tile coordinate extent
BUFFER = 64  # MVT buffer in tile units: features this close to a tile edge are drawn in both tiles
WORLD = 20037508.342789244  # half the width of the 3857 world, metres
MAX_LAT = 85.0511287798066


class TileError(ValueError):
    """A tile address that does not exist; the message says which part and why."""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def bounds_3857(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        size = 2 * WORLD / (1 << self.z)
        pad = size * margin
        x0 = -WORLD + self.x * size
        y1 = WORLD - self.y * size
        return x0 - pad, y1 - size - pad, x0 + size + pad, y1 + pad


def _integer(value: str, what: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 8:
        raise TileError(_("%(what)s must be a non-negative integer, got %(value)r.") % {"what": what, "value": value})
    return int(value)


def parse_tile(z: str, x: str, y: str, *, max_zoom: int = MAX_ZOOM) -> Tile:
    """Parse z/x/y from a URL; TileError names the part that is out of range."""
    zi = _integer(z, "z")
    if zi > max_zoom:
        raise TileError(_("Zoom %(z)d is out of range (0-%(max)d).") % {"z": zi, "max": max_zoom})
    xi, yi = _integer(x, "x"), _integer(y, "y")
    last = (1 << zi) - 1
    if xi > last:
        raise TileError(_("x=%(x)d is out of range at zoom %(z)d (0-%(last)d).") % {"x": xi, "z": zi, "last": last})
    if yi > last:
        raise TileError(_("y=%(y)d is out of range at zoom %(z)d (0-%(last)d).") % {"y": yi, "z": zi, "last": last})
    return Tile(zi, xi, yi)


def lonlat_to_3857(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = lon * WORLD / 180.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * WORLD / math.pi
    return x, y


def tile_range(bbox: tuple[float, float, float, float], z: int, *, buffer: float = BUFFER / EXTENT):
    """(xmin, xmax, ymin, ymax) of the tiles at zoom z whose buffered extent touches a lon/lat bbox.

    The buffer matters: a tile also carries features lying within ``BUFFER`` units
    outside its edge, so an edit there changes it too.
    """
    xmin, ymin = lonlat_to_3857(bbox[0], bbox[1])
    xmax, ymax = lonlat_to_3857(bbox[2], bbox[3])
    n = 1 << z
    size = 2 * WORLD / n
    pad = size * buffer

    def col(v: float) -> int:
        return min(n - 1, max(0, math.floor((v + WORLD) / size)))

    def row(v: float) -> int:
        return min(n - 1, max(0, math.floor((WORLD - v) / size)))

    return col(xmin - pad), col(xmax + pad), row(ymax + pad), row(ymin - pad)


def tiles_touching(bbox: tuple[float, float, float, float], z: int, *, buffer: float = BUFFER / EXTENT
                   ) -> Iterator[Tile]:
    """Every tile at zoom z whose buffered extent touches a lon/lat bbox (xmin, ymin, xmax, ymax)."""
    x0, x1, y0, y1 = tile_range(bbox, z, buffer=buffer)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield Tile(z, x, y)
