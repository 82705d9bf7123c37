"""Items query parameters of OGC API Features (Part 1 core, Part 2 CRS), checked strictly."""

from __future__ import annotations

import datetime as dt
import math
import struct

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from geo.crs import storage_srid
from geo.layers import Layer
from ogc import crs as ogc_crs

# The page size when a client names none, which is what GDAL's OAPIF driver does (and what QGIS is told by the
# OpenAPI definition's default): 5,000 features (about 2 MB of parcels), so reading a whole 1M-parcel layer is
# 200 requests, a third of a default key's budget per minute, where 10 a page made it 100,000 (docs/api.md).
# An HTML page without a limit shows fewer.
DEFAULT_LIMIT = 5_000
DEFAULT_HTML_LIMIT = 100
MAX_LIMIT = 10_000
_KNOWN = {"limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "f"}


class ParamError(ValueError):
    pass


def check_known(query, layer: Layer) -> None:
    unknown = sorted(set(query) - _KNOWN - set(layer.filter_fields))
    if unknown:
        raise ParamError(_("Unknown query parameter: %(p)s") % {"p": unknown[0][:40]})


def is_decimal_digits(raw: str, *, max_len: int) -> bool:
    """ASCII 0-9 only, at most ``max_len`` of them. ``str.isdigit`` also accepts superscript and
    Arabic-Indic digits, which ``int`` then refuses or reads; hundreds of digits never reach ``int``."""
    return 0 < len(raw) <= max_len and raw.isascii() and raw.isdigit()


def integer(query, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = query.get(name)
    if raw in (None, ""):
        return default
    if not is_decimal_digits(raw, max_len=9):
        raise ParamError(_("%(name)s must be a non-negative integer.") % {"name": name})
    value = int(raw)
    if value < low:
        raise ParamError(_("%(name)s must be at least %(low)d.") % {"name": name, "low": low})
    return min(value, high) if high is not None else value


def output_crs(query) -> tuple[int, bool, str]:
    raw = query.get("crs")
    if raw in (None, ""):
        return 4326, False, ogc_crs.CRS84
    try:
        srid, lat_first = ogc_crs.parse(raw)
    except ValueError:
        raise ParamError(_("crs is not one of the supported CRS.")) from None
    return srid, lat_first, raw.strip().strip("[]")


def bbox(query) -> Polygon | None:
    raw = query.get("bbox")
    if raw in (None, ""):
        if query.get("bbox-crs"):
            raise ParamError(_("bbox-crs needs a bbox."))
        return None
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        raise ParamError(_("bbox must be 4 or 6 numbers.")) from None
    if len(values) not in (4, 6) or not all(math.isfinite(v) for v in values):
        raise ParamError(_("bbox must be 4 or 6 numbers."))
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    srid, lat_first = 4326, False
    if query.get("bbox-crs"):
        try:
            srid, lat_first = ogc_crs.parse(query["bbox-crs"])
        except ValueError:
            raise ParamError(_("bbox-crs is not one of the supported CRS.")) from None
    if lat_first:
        values = [values[1], values[0], values[3], values[2]]
    x0, y0, x1, y1 = values
    if y0 > y1 or (x0 > x1 and srid != 4326):
        raise ParamError(_("bbox has a minimum larger than its maximum."))
    if x0 > x1:
        # Crossing the antimeridian: not a case for Saudi municipalities.
        raise ParamError(_("bbox crossing the antimeridian is not supported."))
    if srid == 4326 and not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise ParamError(_("bbox is outside longitude/latitude range."))
    box = rectangle(x0, y0, x1, y1, srid)
    if srid != storage_srid():
        try:
            box = box.transform(storage_srid(), clone=True)
        except Exception:  # GDAL raises several kinds for impossible boxes
            raise ParamError(_("bbox cannot be transformed from bbox-crs.")) from None
    return box


def rectangle(x0: float, y0: float, x1: float, y1: float, srid: int) -> Polygon:
    """The polygon of a bbox, read from its WKB: one GEOS call instead of one per coordinate
    (``Polygon.from_bbox``), a tenth of a millisecond on every bbox request."""
    ring = (x0, y0, x0, y1, x1, y1, x1, y0, x0, y0)
    wkb = struct.pack("<BIII10d", 1, 3, 1, 5, *ring)  # little-endian Polygon, 1 ring of 5 points
    box = GEOSGeometry(memoryview(wkb))
    box.srid = srid
    return box


def _instant(text: str, *, end: bool) -> dt.datetime | None:
    if text in ("..", ""):
        return None
    value = parse_datetime(text)
    if value is None:
        day = parse_date(text)
        if day is None:
            raise ParamError(_("datetime must be RFC 3339 (an instant or an interval a/b)."))
        value = dt.datetime.combine(day, dt.time.max if end else dt.time.min, tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def datetime_interval(query) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    raw = query.get("datetime")
    if raw in (None, ""):
        return None
    try:
        if "/" in raw:
            a, b = raw.split("/", 1)
            start, stop = _instant(a, end=False), _instant(b, end=True)
        else:
            start = stop = _instant(raw, end=False)
    except (ValueError, OverflowError):
        raise ParamError(_("datetime must be RFC 3339 (an instant or an interval a/b).")) from None
    if start and stop and start > stop:
        raise ParamError(_("datetime interval ends before it starts."))
    return start, stop
