"""Parsing a lon/lat bounding box from text, the one way every endpoint does it."""

from __future__ import annotations

import math

from django.contrib.gis.geos import Polygon
from django.utils.translation import gettext as _

from geo.crs import storage_srid


def parse_bbox(raw: str, *, name: str = "bbox", lat_first: bool = False) -> Polygon:
    """``minLon,minLat,maxLon,maxLat`` → a Polygon in the storage CRS; ValueError says what is wrong."""
    try:
        values = [float(p) for p in raw.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError(_("%(name)s must be four numbers: minx,miny,maxx,maxy.") % {"name": name})
    if lat_first:
        values = [values[1], values[0], values[3], values[2]]
    x0, y0, x1, y1 = values
    if x0 > x1 or y0 > y1:
        raise ValueError(_("%(name)s has a minimum larger than its maximum.") % {"name": name})
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise ValueError(_("%(name)s is outside longitude/latitude range.") % {"name": name})
    box = Polygon.from_bbox((x0, y0, x1, y1))
    box.srid = storage_srid()
    return box
