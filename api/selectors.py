"""Reads for the API, always scoped to the caller's municipality.

A record of another municipality is simply not found (404): the API never says
"forbidden" about a row the caller may not know exists.
"""

from __future__ import annotations

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from api.params import precision
from geo import selectors as geo_selectors
from geo.crs import storage_srid
from geo.layers import Layer, UnknownLayer, get_layer
from ogc.sql import feature_collection_sql

# The registers exposed for reading and editing under /api/v1/ (URL name -> layer name).
REGISTERS = ("parcels", "plans", "zones", "districts", "streets")
# Layers answered by the at-point question.
AT_POINT_LAYERS = ("parcels", "blocks", "plans", "zones", "districts")


def layer_for(name: str) -> Layer:
    try:
        return get_layer(name)
    except UnknownLayer:
        raise Http404(name) from None


def with_geojson(qs: QuerySet, layer: Layer, srid: int) -> QuerySet:
    """Geometry as GeoJSON text in ``srid``, reprojected and rounded by PostGIS."""
    geom = layer.geom_field if srid == storage_srid() else Transform(layer.geom_field, srid)
    return qs.defer(layer.geom_field).annotate(geojson=AsGeoJSON(geom, precision=precision(srid)))


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


# Compiled at-point SQL per (municipality, srid): the ORM builds five querysets for every
# question otherwise, which costs more than running them. Only the point changes between calls.
_AT_POINT_SQL: dict[tuple[int, int], tuple[str, list]] = {}


def _at_point_template(municipality, srid: int) -> tuple[str, list]:
    key = (municipality.pk, srid)
    if key not in _AT_POINT_SQL:
        parts, params = [], []
        for name in AT_POINT_LAYERS:
            qs = geo_selectors.at_point(layer=name, lon=0.0, lat=0.0, municipality=municipality).order_by("pk")[:20]
            sql, args = feature_collection_sql(qs, get_layer(name), srid=srid, lat_first=False)
            parts.append(f", %s, ({sql})::json")
            params += [name, *args]
        inside = (
            "SELECT ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
            "FROM parcels_municipality WHERE id = %s"
        )
        head = f"SELECT ({inside}), json_build_object('lon', %s::float8, 'lat', %s::float8"
        if len(_AT_POINT_SQL) > 256:
            _AT_POINT_SQL.clear()
        _AT_POINT_SQL[key] = (f"{head}{''.join(parts)})::text", params)
    return _AT_POINT_SQL[key]


def at_point_json(*, municipality, lon: float, lat: float, srid: int) -> tuple[bool, str]:
    """(inside the municipality?, what is at lon,lat on every at-point layer as one JSON document).

    Each layer's candidates come from ``geo.selectors.at_point`` (tenant-scoped, index-assisted);
    their FeatureCollections are assembled in PostGIS, so the answer costs one round trip.
    """
    sql, template_params = _at_point_template(municipality, srid)
    point = connection.ops.Adapter(Point(lon, lat, srid=storage_srid()))
    # The only geometry parameters in the template are the query point.
    params = [point if isinstance(p, connection.ops.Adapter) else p for p in template_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [lon, lat, municipality.pk, lon, lat, *params])
        inside, body = cursor.fetchone()
    return bool(inside), body


def land_use_summary(qs: QuerySet) -> list[dict]:
    rows = qs.order_by().values("land_use").annotate(count=Count("pk"), area_m2=Sum("area_m2")).order_by("land_use")
    return [{"land_use": r["land_use"], "count": r["count"], "area_m2": round(r["area_m2"] or 0, 2)} for r in rows]
