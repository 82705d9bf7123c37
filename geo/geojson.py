"""Reading GeoJSON geometry from untrusted input, before GDAL/GEOS ever see it.

One parser for every GeoJSON geometry Ardh accepts (the REST API's bodies; the importer's features that
carry their own ``crs``). The structure is checked in Python first, each refusal with a ``code``, the
``path`` of the offending member and, where there is one, a ``location``:

- type and nesting of ``coordinates``; positions of 2 or 3 numbers; numbers finite and not absurdly
  large (an integer of hundreds of digits is not a coordinate); the vertex count;
- lines of at least 2 positions; polygon rings of at least 4 positions, closed (first = last);
- a third number (Z, height) is **dropped**, and a note says so: the registers are 2D;
- a ``crs`` member (GeoJSON 2008) naming a CRS of ``geo.crs.KNOWN_CRS`` is honoured: the coordinates
  are read in it (and transformed to the storage CRS later, by ``validate_geometry``), and a note says
  so; any other ``crs`` member is refused. It is never ignored.

Then ``geo.validation.validate_geometry`` does the spatial checks (validity, type, inside the municipality).
Notes are dicts ``{"code", "detail"}`` appended to the ``notes`` list the caller passes.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext as _

from common.json_input import JSONInputError, loads
from geo.crs import KNOWN_CRS, srid_from_name
from geo.validation import GeometryError

# Nesting depth of "coordinates" for each type.
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
# The smallest number of positions of a line (depth 1 of a line type) and of a ring (depth 1 of a polygon).
_LINE_TYPES = {"LineString": 1, "MultiLineString": 2}
_POLYGON_TYPES = {"Polygon": 1, "MultiPolygon": 2}
# Larger than any coordinate of any known CRS (metres or degrees); beyond it a number is an error, not a place.
_MAX_ABS = 1e9


def _max_vertices() -> int:
    return getattr(settings, "ARDH_MAX_VERTICES", 100_000)


class _Reader:
    """One geometry's coordinates checked and normalised (floats, 2D), remembering whether Z was dropped."""

    def __init__(self, srid: int):
        self.srid = srid
        self.budget = _max_vertices()
        self.dropped_z = False

    def position(self, pos, path: str) -> list[float]:
        if not isinstance(pos, list) or not 2 <= len(pos) <= 3:
            raise GeometryError(_("A position must be a list of 2 or 3 numbers."), code="invalid_geojson", path=path)
        out = []
        for i, v in enumerate(pos):
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise GeometryError(_("Coordinates must be numbers."), code="invalid_geojson", path=f"{path}[{i}]")
            if isinstance(v, float) and not math.isfinite(v):
                raise GeometryError(_("The geometry has NaN or infinite coordinates."), code="not_finite",
                                    path=f"{path}[{i}]")
            if abs(v) > _MAX_ABS:  # also an integer of hundreds of digits, before float() overflows on it
                raise GeometryError(_("A coordinate is too large to be a place."), code="out_of_range",
                                    path=f"{path}[{i}]")
            f = float(v)
            out.append(f)
        if len(out) == 3:
            self.dropped_z = True
        return out[:2]

    def coords(self, value, depth: int, path: str):
        if depth == 0:
            self.budget -= 1
            if self.budget < 0:
                raise GeometryError(_("The geometry has more than %(max)d vertices.") % {"max": _max_vertices()},
                                    code="too_many_vertices")
            return self.position(value, path)
        if not isinstance(value, list):
            raise GeometryError(_("“coordinates” is not nested as its type requires."), code="invalid_geojson",
                                path=path)
        return [self.coords(c, depth - 1, f"{path}[{i}]") for i, c in enumerate(value)]

    def location(self, pos: list[float]) -> tuple[float, float]:
        """A position as lon/lat for a message (the input may be in metres)."""
        if self.srid == 4326:
            return pos[0], pos[1]
        try:
            point = GEOSGeometry(f"SRID={self.srid};POINT({pos[0]!r} {pos[1]!r})").transform(4326, clone=True)
            return point.x, point.y
        except (GEOSException, GDALException):
            return pos[0], pos[1]


def _check_parts(kind: str, coords, reader: _Reader) -> None:
    """Lines of at least 2 positions; polygon rings of at least 4, closed."""
    if kind in _LINE_TYPES:
        lines = [("coordinates", coords)] if kind == "LineString" else [
            (f"coordinates[{i}]", c) for i, c in enumerate(coords)]
        for path, line in lines:
            if 0 < len(line) < 2:
                raise GeometryError(_("A line needs at least 2 positions."), code="too_few_points",
                                    location=reader.location(line[0]), path=path)
    if kind in _POLYGON_TYPES:
        polygons = [("coordinates", coords)] if kind == "Polygon" else [
            (f"coordinates[{i}]", c) for i, c in enumerate(coords)]
        for base, rings in polygons:
            for j, ring in enumerate(rings):
                path = f"{base}[{j}]"
                if not ring:
                    continue  # an empty ring: the geometry is empty (below) or invalid (validate_geometry)
                if len(ring) < 4:
                    raise GeometryError(
                        _("A polygon ring needs at least 4 positions (the last repeating the first); it has %(n)d.")
                        % {"n": len(ring)}, code="too_few_points", location=reader.location(ring[0]), path=path)
                if ring[0] != ring[-1]:
                    raise GeometryError(_("A polygon ring is not closed: its last position must repeat the first."),
                                        code="unclosed_ring", location=reader.location(ring[0]), path=path)


def geometry_srid(value: dict, default: int) -> int:
    """The SRID of a GeoJSON geometry object: its ``crs`` member when it has one, else ``default``."""
    if "crs" not in value:
        return default
    crs = value["crs"]
    name = None
    if isinstance(crs, dict) and crs.get("type") == "name" and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
    srid = srid_from_name(name)
    if srid is None:
        shown = name if isinstance(name, str) else json.dumps(crs, default=str)
        raise GeometryError(
            _("The geometry's “crs” member names a coordinate reference system Ardh does not know (%(crs)s); "
              "use one of EPSG:%(known)s, or send longitude/latitude (WGS 84) without “crs”.")
            % {"crs": shown[:80], "known": ", ".join(map(str, sorted(KNOWN_CRS)))},
            code="unknown_crs", path="crs",
        )
    return srid


def parse_geometry(value, *, srid: int = 4326, allowed: tuple[str, ...] | None = None,
                   notes: list | None = None) -> GEOSGeometry:
    """A GEOS geometry (2D) from a GeoJSON geometry object (dict or JSON text), coordinates in ``srid`` unless
    the object's ``crs`` member names another known CRS. What was changed on the way goes to ``notes``."""
    if isinstance(value, str):
        try:
            value = loads(value)
        except JSONInputError:
            raise GeometryError(_("The geometry is not valid JSON."), code="invalid_geojson") from None
    if not isinstance(value, dict):
        raise GeometryError(_("The geometry must be a GeoJSON geometry object."), code="invalid_geojson")
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in _DEPTH:
        raise GeometryError(
            _("Unknown or unsupported geometry type: %(t)s.") % {"t": str(kind)[:40]}, code="invalid_geojson",
            path="type",
        )
    if allowed is not None and kind not in allowed:
        raise GeometryError(
            _("Expected one of %(allowed)s, got %(got)s.") % {"allowed": ", ".join(allowed), "got": kind},
            code="wrong_type", path="type",
        )
    srid = geometry_srid(value, srid)
    coords = value.get("coordinates")
    if coords is None:
        raise GeometryError(_("The geometry has no “coordinates”."), code="invalid_geojson", path="coordinates")
    reader = _Reader(srid)
    coords = reader.coords(coords, _DEPTH[kind], "coordinates")
    if reader.budget == _max_vertices():
        raise GeometryError(_("The geometry is empty."), code="empty")
    _check_parts(kind, coords, reader)
    try:
        geom = GEOSGeometry(json.dumps({"type": kind, "coordinates": coords}))
    except (GEOSException, GDALException, ValueError, TypeError):
        raise GeometryError(_("The geometry cannot be read as GeoJSON."), code="invalid_geojson") from None
    geom.srid = srid
    if notes is not None:
        if reader.dropped_z:
            notes.append({"code": "z_dropped", "detail": _(
                "The geometry had a third coordinate (Z, height); it was dropped: the registers are 2D.")})
        if "crs" in value and srid != 4326:
            notes.append({"code": "crs_transformed", "detail": _(
                "The coordinates were read in EPSG:%(srid)d (%(name)s), as the geometry's “crs” member says, "
                "and transformed to WGS 84.") % {"srid": srid, "name": KNOWN_CRS[srid].name}})
    return geom
