"""OGC API Features items built in PostGIS: one SQL statement returns the whole FeatureCollection.

The inner query is the layer registry's queryset (tenant, "current", bbox, order, page)
compiled by Django; the outer statement aggregates it with ``json_build_object`` /
``json_agg`` and ``ST_AsGeoJSON``, so 1,000 features cost one round trip and no Python
object per feature. Column names come from the registry's allow-list, quoted.
"""

from __future__ import annotations

import json

from django.contrib.gis.db.models.functions import AsGeoJSON, GeomOutputGeoFunc, Transform
from django.db import connection
from django.db.models import F, QuerySet

from geo.crs import KNOWN_CRS, storage_srid
from geo.layers import Layer


class FlipCoordinates(GeomOutputGeoFunc):
    """x <-> y: for CRSs whose official axis order is latitude first (EPSG:4326 in OGC Part 2)."""

    function = "ST_FlipCoordinates"
    arity = 1


def _geometry_expr(layer: Layer, srid: int, lat_first: bool):
    expr = layer.geom_field if srid == storage_srid() else Transform(layer.geom_field, srid)
    if lat_first:
        expr = FlipCoordinates(expr)
    return AsGeoJSON(expr, precision=3 if KNOWN_CRS[srid].projected else 7)


def feature_collection_sql(
    qs: QuerySet, layer: Layer, *, srid: int, lat_first: bool, links: tuple[list, list, int] | None = None
) -> tuple[str, list]:
    """SQL and params returning one text value: the FeatureCollection of ``qs`` (already paged).

    ``links`` is (links of a full page, links of the last page, page size): a page with fewer
    features than the page size is the last one and gets no "next" link.
    """
    fields = list(layer.fields)
    # Every output column gets a fixed alias (_p0, _p1...): no client text names a column.
    columns = {f"_p{i}": F(name) for i, name in enumerate(fields)}
    inner = qs.annotate(_fid=F("pk"), _geom=_geometry_expr(layer, srid, lat_first), **columns)
    inner = inner.values("_fid", "_geom", *columns)
    inner_sql, params = inner.query.sql_with_params()
    props = ", ".join(f"%s, t._p{i}" for i in range(len(fields)))
    feature = (
        "json_build_object('type', 'Feature', 'id', t._fid, "
        f"'geometry', t._geom::json, 'properties', json_build_object({props}))"
    )
    extra_sql, extra_params = "", []
    if links is not None:
        extra_sql = ", 'links', CASE WHEN count(*) >= %s THEN %s::json ELSE %s::json END"
        extra_params = [links[2], json.dumps(links[0]), json.dumps(links[1])]
    # Only quoted, allow-listed identifiers are formatted in; values are parameters.
    head = "SELECT json_build_object('type', 'FeatureCollection', "
    body = f"'features', coalesce(json_agg({feature}), '[]'::json), 'numberReturned', count(*){extra_sql})::text"
    sql = f"{head}{body} FROM ({inner_sql}) t"
    return sql, [*fields, *extra_params, *params]


def run(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
