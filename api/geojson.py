"""Reading GeoJSON geometry from untrusted input, before GDAL/GEOS ever see it.

The structure is checked in Python first (type, nesting, numbers, finiteness, vertex
count), so a malformed or hostile body gets a 400 that says what is wrong, and a huge
geometry is refused before it is built. Then ``geo.validation.validate_geometry``
does the spatial checks (validity, type, inside the municipality).
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _

from geo.validation import GeometryError

# Nesting depth of "coordinates" for each type.
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _max_vertices() -> int:
    return getattr(settings, "ARDH_MAX_VERTICES", 100_000)


def _check_position(pos) -> int:
    if not isinstance(pos, list) or not 2 <= len(pos) <= 3:
        raise GeometryError(_("A position must be a list of 2 or 3 numbers."), code="invalid_geojson")
    for v in pos:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise GeometryError(_("Coordinates must be numbers."), code="invalid_geojson")
        if not math.isfinite(v):
            raise GeometryError(_("The geometry has NaN or infinite coordinates."), code="not_finite")
    return 1


def _count(coords, depth: int, budget: list[int]) -> int:
    if depth == 0:
        budget[0] -= 1
        if budget[0] < 0:
            raise GeometryError(
                _("The geometry has more than %(max)d vertices.") % {"max": _max_vertices()}, code="too_many_vertices"
            )
        return _check_position(coords)
    if not isinstance(coords, list):
        raise GeometryError(_("“coordinates” is not nested as its type requires."), code="invalid_geojson")
    return sum(_count(c, depth - 1, budget) for c in coords)


def parse_geometry(value, *, srid: int = 4326, allowed: tuple[str, ...] | None = None) -> GEOSGeometry:
    """A GEOS geometry from a GeoJSON geometry object (dict or JSON text), coordinates in ``srid``."""
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise GeometryError(_("The geometry is not valid JSON."), code="invalid_geojson") from None
    if not isinstance(value, dict):
        raise GeometryError(_("The geometry must be a GeoJSON geometry object."), code="invalid_geojson")
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in _DEPTH:
        raise GeometryError(
            _("Unknown or unsupported geometry type: %(t)s.") % {"t": str(kind)[:40]}, code="invalid_geojson"
        )
    if allowed is not None and kind not in allowed:
        raise GeometryError(
            _("Expected one of %(allowed)s, got %(got)s.") % {"allowed": ", ".join(allowed), "got": kind},
            code="wrong_type",
        )
    coords = value.get("coordinates")
    if coords is None:
        raise GeometryError(_("The geometry has no “coordinates”."), code="invalid_geojson")
    n = _count(coords, _DEPTH[kind], [_max_vertices()])
    if n == 0:
        raise GeometryError(_("The geometry is empty."), code="empty")
    try:
        geom = GEOSGeometry(json.dumps({"type": kind, "coordinates": coords}))
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        message = _("The geometry cannot be read: %(e)s") % {"e": str(exc)[:200]}
        raise GeometryError(message, code="invalid_geojson") from None
    geom.srid = srid
    return geom


def _reject_constant(name):
    raise ValueError(name)
