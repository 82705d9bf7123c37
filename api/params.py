"""Query parameters from untrusted clients, each checked against an allow-list or a range.

Nothing a client sends reaches SQL as text: SRIDs are integers from ``geo.crs.KNOWN_CRS``,
field names come from the layer registry's allow-lists, numbers are parsed and bounded.
"""

from __future__ import annotations

import math

from django.contrib.gis.geos import Polygon
from django.utils.translation import gettext as _

from api.errors import BadInput
from geo.crs import KNOWN_CRS, storage_srid

MAX_LIMIT = 1000


def srid(params, *, name: str = "srid", default: int = 4326) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value not in KNOWN_CRS:
        raise BadInput(
            _("%(name)s must be one of %(known)s.") % {"name": name, "known": ", ".join(map(str, sorted(KNOWN_CRS)))},
            param=name,
            code="unknown_crs",
        )
    return value


def precision(srid_: int) -> int:
    """Decimals of coordinates: 7 for degrees (≈1 cm), 3 for metres (1 mm)."""
    return 3 if KNOWN_CRS[srid_].projected else 7


def number(params, name: str, *, default=None, low=None, high=None, integer: bool = False):
    raw = params.get(name)
    if raw in (None, ""):
        if default is None:
            raise BadInput(_("%(name)s is required.") % {"name": name}, param=name, code="required")
        return default
    try:
        value = int(raw) if integer else float(raw)
    except (TypeError, ValueError):
        raise BadInput(_("%(name)s must be a number.") % {"name": name}, param=name) from None
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise BadInput(
            _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}, param=name
        )
    return value


def bbox(raw: str | None, *, name: str = "bbox", lat_first: bool = False) -> Polygon | None:
    """minLon,minLat,maxLon,maxLat in the storage CRS (EPSG:4326 longitude/latitude)."""
    if raw in (None, ""):
        return None
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadInput(_("%(name)s must be four numbers: minx,miny,maxx,maxy.") % {"name": name}, param=name)
    if lat_first:
        values = [values[1], values[0], values[3], values[2]]
    x0, y0, x1, y1 = values
    if x0 > x1 or y0 > y1:
        raise BadInput(_("%(name)s has a minimum larger than its maximum.") % {"name": name}, param=name)
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise BadInput(_("%(name)s is outside longitude/latitude range.") % {"name": name}, param=name)
    box = Polygon.from_bbox((x0, y0, x1, y1))
    box.srid = storage_srid()
    return box


def ordering(raw: str | None, *, allowed: tuple[str, ...], default: str = "id") -> list[str]:
    if raw in (None, ""):
        return [default]
    result = []
    for item in raw.split(","):
        field = item.strip()
        descending = field.startswith("-")
        name = field[1:] if descending else field
        if name not in allowed:
            raise BadInput(
                _("Cannot order by “%(f)s”; allowed: %(allowed)s.") % {"f": name[:40], "allowed": ", ".join(allowed)},
                param="ordering",
            )
        result.append(("-" if descending else "") + ("pk" if name == "id" else name))
    return result
