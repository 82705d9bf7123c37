"""Geometry checks shared by every service and form.

A geometry reaching a service is checked here first, so the user gets a message
that says what is wrong and where; the database check constraints are the last
line of defence, never the message a user sees.
"""

from __future__ import annotations

import math
import re
import warnings

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiLineString, MultiPoint, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geo.crs import is_known, storage_srid

_LOCATION = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]")
# Anything outside a municipality by less than this is rounding, not an error.
BOUNDARY_TOLERANCE_M = 0.05


class GeometryError(ValidationError):
    """A geometry refused, with a reason and, where known, a location (lon, lat) and the ``path`` of the
    offending part in the GeoJSON given (e.g. ``coordinates[0][3]``)."""

    def __init__(self, message: str, *, code: str, location: tuple[float, float] | None = None,
                 path: str | None = None):
        if location is not None:
            message = _("%(message)s (at %(lon).7f, %(lat).7f)") % {
                "message": message, "lon": location[0], "lat": location[1]}
        super().__init__(message, code=code)
        self.location = location
        self.path = path


def _max_vertices() -> int:
    return getattr(settings, "ARDH_MAX_VERTICES", 100_000)


def _all_coordinates(geom: GEOSGeometry):
    from shapely import from_wkb, get_coordinates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN coordinates: reported below, not warned
        return get_coordinates(from_wkb(bytes(geom.wkb)))


def validate_geometry(
    geom: GEOSGeometry | None,
    *,
    kind: str,
    within: GEOSGeometry | None = None,
    within_name: str = "",
) -> GEOSGeometry:
    """Check ``geom`` and return it in the storage SRID, promoted to ``kind``.

    ``kind`` is "MultiPolygon", "Polygon", "LineString", "MultiLineString" or "Point".
    ``within``, if given, is the area (storage SRID) the geometry must lie inside.
    """
    if geom is None:
        raise GeometryError(_("The geometry is missing."), code="missing")
    if geom.srid is None:
        raise GeometryError(_("The geometry has no coordinate reference system."), code="no_crs")
    if not is_known(geom.srid):
        raise GeometryError(
            _("EPSG:%(srid)s is not a supported coordinate reference system.") % {"srid": geom.srid},
            code="unknown_crs",
        )
    if geom.empty:
        raise GeometryError(_("The geometry is empty."), code="empty")
    if geom.hasz:
        # The registers are 2D. Readers of client input drop heights and say so (geo.geojson, the importer);
        # a 3D geometry reaching a service is refused here, never left to the database (a 500).
        raise GeometryError(_("The geometry has heights (Z); the registers are 2D."), code="has_z")
    if geom.num_coords > _max_vertices():
        raise GeometryError(
            _("The geometry has %(n)d vertices; the limit is %(max)d.")
            % {"n": geom.num_coords, "max": _max_vertices()},
            code="too_many_vertices",
        )
    coords = _all_coordinates(geom)
    if not all(math.isfinite(v) for v in coords.ravel()):
        raise GeometryError(_("The geometry has NaN or infinite coordinates."), code="not_finite")

    geom = _promote(geom, kind)

    if geom.srid != storage_srid():
        try:
            geom = geom.transform(storage_srid(), clone=True)
        except (GEOSException, GDALException):  # e.g. "Point outside of projection domain": no internals shown
            raise GeometryError(
                _("The geometry cannot be transformed from EPSG:%(srid)d to longitude/latitude; are the "
                  "coordinates in that CRS?") % {"srid": geom.srid},
                code="transform",
            ) from None
        coords = _all_coordinates(geom)
    if (abs(coords[:, 0]) > 180).any() or (abs(coords[:, 1]) > 90).any():
        raise GeometryError(
            _("Coordinates are outside longitude/latitude range; is the CRS right?"), code="out_of_range"
        )
    if not geom.valid:
        reason = geom.valid_reason
        match = _LOCATION.search(reason)
        location = (float(match.group(1)), float(match.group(2))) if match else None
        text = _LOCATION.sub("", reason).strip()
        raise GeometryError(
            _("The geometry is not valid: %(reason)s") % {"reason": text}, code="invalid", location=location
        )
    if within is not None:
        _check_within(geom, within, within_name)
    return geom


def _promote(geom: GEOSGeometry, kind: str) -> GEOSGeometry:
    if geom.geom_type == kind:
        return geom
    multi = {"MultiPolygon": MultiPolygon, "MultiLineString": MultiLineString, "MultiPoint": MultiPoint}
    if kind in multi and kind == f"Multi{geom.geom_type}":
        return multi[kind](geom, srid=geom.srid)
    if kind == "Polygon" and isinstance(geom, MultiPolygon) and len(geom) == 1:
        part = geom[0].clone()
        part.srid = geom.srid
        return part
    raise GeometryError(
        _("Expected a %(expected)s geometry, got %(got)s.") % {"expected": kind, "got": geom.geom_type},
        code="wrong_type",
    )


def _check_within(geom: GEOSGeometry, area: GEOSGeometry, area_name: str) -> None:
    if area.covers(geom):
        return
    outside = geom.difference(area)
    if outside.empty:
        return
    # Degrees → metres, roughly (only to decide whether this is rounding noise). Points and lines have
    # no area: they are noise only when what sticks out is short and lies within the tolerance.
    metres = 111_320
    small = outside.area * metres**2 < BOUNDARY_TOLERANCE_M**2 and outside.length * metres < 1
    if small and (geom.dims == 2 or outside.distance(area) * metres < BOUNDARY_TOLERANCE_M):
        return
    point = outside.point_on_surface if not outside.empty else geom.point_on_surface
    raise GeometryError(
        _("The geometry lies outside %(area)s.") % {"area": area_name or _("the municipality")},
        code="outside",
        location=(point.x, point.y),
    )
