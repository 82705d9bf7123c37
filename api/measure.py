"""within-distance and nearest for the API, until the core's versions work.

``geo.functions.GeographyDistance`` / ``GeographyDWithin`` leave ``geom_param_pos`` at
GeoFuncMixin's default ``(0,)``, so a GEOS geometry in position 2 is never wrapped in a
geometry-typed ``Value`` and psycopg cannot adapt it ("cannot adapt type 'Point'"): every
call of ``geo.selectors.within_distance`` / ``nearest`` fails. The fix belongs in geo/
(``geom_param_pos = (0, 1)``; reported). Meanwhile these are the same selectors with that
one attribute corrected; the index-assisted logic is geo.selectors' (``metric_bbox``).
"""

from __future__ import annotations

import math

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import QuerySet

from geo import functions as geo_functions
from geo.crs import storage_srid
from geo.layers import Layer
from geo.selectors import metric_bbox


class GeographyDistance(geo_functions.GeographyDistance):
    geom_param_pos = (0, 1)


class GeographyDWithin(geo_functions.GeographyDWithin):
    geom_param_pos = (0, 1)


def _in_storage(geometry: GEOSGeometry) -> GEOSGeometry:
    return geometry if geometry.srid == storage_srid() else geometry.transform(storage_srid(), clone=True)


def _within(qs: QuerySet, geom_field: str, geometry: GEOSGeometry, metres: float) -> QuerySet:
    return (
        qs.filter(**{f"{geom_field}__bboverlaps": metric_bbox(geometry, metres)})
        .alias(_within=GeographyDWithin(geom_field, geometry, metres))
        .filter(_within=True)
        .annotate(distance_m=GeographyDistance(geom_field, geometry))
        .order_by("distance_m", "pk")
    )


def within_distance(*, layer: Layer, geometry: GEOSGeometry, metres: float, municipality) -> QuerySet:
    if metres < 0 or not math.isfinite(metres):
        raise ValueError("metres must be a finite, non-negative number")
    qs = layer.queryset(municipality=municipality.pk)
    return _within(qs, layer.geom_field, _in_storage(geometry), metres)


def nearest(*, layer: Layer, point: GEOSGeometry, k: int, municipality) -> QuerySet:
    """k nearest in metres: k candidates by the index (degrees), then all within the farthest's distance."""
    qs, geom_field = layer.queryset(municipality=municipality.pk), layer.geom_field
    point = _in_storage(point)
    candidates = list(
        qs.annotate(_d=GeometryDistance(geom_field, point))
        .order_by("_d")
        .annotate(distance_m=GeographyDistance(geom_field, point))
        .values_list("distance_m", flat=True)[:k]
    )
    if not candidates:
        return qs.none().annotate(distance_m=GeographyDistance(geom_field, point))
    radius = max(candidates) * 1.000001 + 1e-6
    return _within(qs, geom_field, point, radius)[:k]
