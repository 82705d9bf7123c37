"""Spatial questions every app asks, correct in metres and index-assisted.

Each takes a layer (a registered name, a ``Layer`` or a queryset) and, for
tenant scoping, a municipality, and returns a queryset. Geometry is stored in
EPSG:4326: candidate rows are found with the GiST index on a bounding box in
degrees, then measured geodesically (``geography``) in metres.
"""

from __future__ import annotations

import math

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db.models import QuerySet
from django.http import Http404

from geo.crs import storage_srid
from geo.functions import GeographyDistance, GeographyDWithin
from geo.layers import Layer, get_layer

# Metres per degree of latitude is at least this anywhere on WGS 84.
_MIN_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0
_SAFETY = 1.01


def _layer_queryset(layer, municipality) -> tuple[QuerySet, str]:
    if isinstance(layer, QuerySet):
        return layer, "geom"
    if isinstance(layer, str):
        layer = get_layer(layer)
    assert isinstance(layer, Layer)
    return layer.queryset(municipality=municipality), layer.geom_field


def _in_storage(geometry: GEOSGeometry) -> GEOSGeometry:
    if geometry.srid is None:
        raise ValueError("geometry needs an SRID")
    return geometry if geometry.srid == storage_srid() else geometry.transform(storage_srid(), clone=True)


def metric_bbox(geometry: GEOSGeometry, metres: float) -> Polygon:
    """A lon/lat box that surely contains everything within ``metres`` of ``geometry``."""
    xmin, ymin, xmax, ymax = geometry.extent
    dlat = metres / _MIN_M_PER_DEG_LAT * _SAFETY
    far_lat = min(max(abs(ymin - dlat), abs(ymax + dlat)), 89.9)
    dlon = metres / (_M_PER_DEG_LON_EQUATOR * math.cos(math.radians(far_lat))) * _SAFETY
    box = Polygon.from_bbox((xmin - dlon, ymin - dlat, xmax + dlon, ymax + dlat))
    box.srid = storage_srid()
    return box


def at_point(*, layer, lon: float, lat: float, municipality=None) -> QuerySet:
    """Features of ``layer`` that contain (or touch) the point lon/lat (EPSG:4326)."""
    qs, geom_field = _layer_queryset(layer, municipality)
    point = Point(lon, lat, srid=4326)
    return qs.filter(**{f"{geom_field}__intersects": _in_storage(point)})


def intersecting(*, layer, geometry: GEOSGeometry, municipality=None, boundary_only: bool = False) -> QuerySet:
    """Features of ``layer`` that share any point with ``geometry``.

    With ``boundary_only=False`` (the default) features that only touch the geometry's
    edge are left out: "what lies on this plan" should not list the plan's neighbours.
    """
    qs, geom_field = _layer_queryset(layer, municipality)
    geometry = _in_storage(geometry)
    qs = qs.filter(**{f"{geom_field}__intersects": geometry})
    if not boundary_only:
        qs = qs.exclude(**{f"{geom_field}__touches": geometry})
    return qs


def within_distance(*, layer, geometry: GEOSGeometry, metres: float, municipality=None) -> QuerySet:
    """Features within ``metres`` of ``geometry``, annotated with ``distance_m``, nearest first."""
    if metres < 0 or not math.isfinite(metres):
        raise ValueError("metres must be a finite, non-negative number")
    qs, geom_field = _layer_queryset(layer, municipality)
    return _within(qs, geom_field, _in_storage(geometry), metres)


def _within(qs: QuerySet, geom_field: str, geometry: GEOSGeometry, metres: float) -> QuerySet:
    return (
        qs.filter(**{f"{geom_field}__bboverlaps": metric_bbox(geometry, metres)})
        .alias(_within=GeographyDWithin(geom_field, geometry, metres))
        .filter(_within=True)
        .annotate(distance_m=GeographyDistance(geom_field, geometry))
        .order_by("distance_m", "pk")
    )


def nearest(*, layer, point: GEOSGeometry, k: int = 1, municipality=None) -> QuerySet:
    """The ``k`` features nearest to ``point`` in metres, annotated with ``distance_m``.

    The GiST index orders by distance in degrees (``<->``), which is not the order in
    metres away from the equator. So: take k candidates by degrees, measure the
    farthest in metres, and then every true k-nearest lies within that many metres.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    qs, geom_field = _layer_queryset(layer, municipality)
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


# Layers are always given the municipality's id, not the object: ``Layer.queryset`` filters the
# municipality layer itself by ``pk=<municipality>``, which Django refuses for a model instance.


def register_list(*, layer: Layer, municipality, filters: dict, ordering: list[str], bbox=None) -> QuerySet:
    qs = layer.queryset(municipality=municipality.pk).filter(**filters)
    if bbox is not None:
        qs = qs.filter(**{f"{layer.geom_field}__bboverlaps": bbox, f"{layer.geom_field}__intersects": bbox})
    return qs.order_by(*ordering)


def register_get(*, layer: Layer, municipality, pk) -> object:
    """One record of the caller's municipality (retired parcels too: their history stays readable)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    tenant = {layer.tenant_field or "pk": municipality.pk}
    obj = layer.model._default_manager.filter(pk=pk, **tenant).first()
    if obj is None:
        raise Http404
    return obj
