"""Geometry helpers for tests: shapes laid out in metres around Al-Rass, returned in lon/lat."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Polygon
from pyproj import Transformer

ORIGIN = (43.4989, 25.8694)
_TO_UTM = Transformer.from_crs(4326, 9358, always_xy=True)
_TO_LL = Transformer.from_crs(9358, 4326, always_xy=True)
_OX, _OY = _TO_UTM.transform(*ORIGIN)


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres east/north of ORIGIN (in UTM 38N) → lon/lat."""
    lon, lat = _TO_LL.transform(_OX + x, _OY + y)
    return round(lon, 9), round(lat, 9)


def rect(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    ring = [lonlat(x0, y0), lonlat(x1, y0), lonlat(x1, y1), lonlat(x0, y1), lonlat(x0, y0)]
    return MultiPolygon(Polygon(ring), srid=4326)


def line(*points: tuple[float, float]) -> LineString:
    return LineString([lonlat(x, y) for x, y in points], srid=4326)


def bowtie(x0: float = 0, y0: float = 0, size: float = 30) -> MultiPolygon:
    """Self-intersecting 'figure eight': invalid."""
    ring = [lonlat(x0, y0), lonlat(x0 + size, y0 + size), lonlat(x0 + size, y0), lonlat(x0, y0 + size),
            lonlat(x0, y0)]
    return MultiPolygon(Polygon(ring), srid=4326)


def utm_area(geom: GEOSGeometry) -> float:
    """Area in m² computed the surveyor's way: projected to KSA-GRF17 / UTM 38N."""
    return geom.transform(9358, clone=True).area
