"""Features made as text in PostGIS: each feature's GeoJSON is made by the database, never by Python.

The inner query is a layer's queryset (tenant, "current", bbox, order, page) compiled by Django; the outer
statement turns each row into the text of one GeoJSON Feature (``ST_AsGeoJSON`` for the geometry,
``json_build_object`` for the properties, put together as text: the geometry's JSON is not parsed again).
Used by OGC API Features (``ogc.sql``: pages streamed a row per feature) and by at-point (``geo.at_point``: one
FeatureCollection per layer). Column names come from the registry's allow-list, quoted; values are parameters.
"""

from __future__ import annotations

from django.contrib.gis.db.models.functions import AsGeoJSON, GeomOutputGeoFunc, Transform
from django.db.models import F, QuerySet

from geo.crs import KNOWN_CRS, storage_srid
from geo.layers import Layer

COLLECTION_HEAD = '{"type": "FeatureCollection", "features": ['


class FlipCoordinates(GeomOutputGeoFunc):
    """x <-> y: for CRSs whose official axis order is latitude first (EPSG:4326 in OGC Part 2)."""

    function = "ST_FlipCoordinates"
    arity = 1


def _geometry_expr(layer: Layer, srid: int, lat_first: bool):
    expr = layer.geom_field if srid == storage_srid() else Transform(layer.geom_field, srid)
    if lat_first:
        expr = FlipCoordinates(expr)
    return AsGeoJSON(expr, precision=3 if KNOWN_CRS[srid].projected else 7)


def _features(qs: QuerySet, layer: Layer, *, srid: int, lat_first: bool, page: tuple[int, int] | None):
    """(SQL of the inner query, its params, the SQL expression of one row's Feature as text, the property names:
    the expression's params, which go before the inner query's)."""
    fields = list(layer.fields)
    # Every output column gets a fixed alias (_p0, _p1...): no client text names a column.
    columns = {f"_p{i}": F(name) for i, name in enumerate(fields)}
    inner = qs.annotate(_fid=F("pk"), _geom=_geometry_expr(layer, srid, lat_first), **columns)
    inner = inner.values("_fid", "_geom", *columns)
    inner_sql, params = inner.query.sql_with_params()
    if page is not None:
        inner_sql, params = f"{inner_sql} LIMIT %s OFFSET %s", [*params, *page]
    props = ", ".join(f"%s, t._p{i}" for i in range(len(fields)))
    # ST_AsGeoJSON's text is JSON already: casting it to json only to print it again parsed every geometry
    # (about a fifth of a 1,000-feature page). The properties go through json_build_object (escaping). One
    # concat() rather than a chain of || : fewer expressions to plan (at-point plans five of these per call).
    feature = (
        """concat('{"type": "Feature", "id": ', to_json(t._fid), ', "geometry": ', coalesce(t._geom, 'null'), """
        f"""', "properties": ', json_build_object({props}), '}}')"""
    )
    return inner_sql, list(params), feature, fields


def feature_rows_sql(qs: QuerySet, layer: Layer, *, srid: int, lat_first: bool,
                     page: tuple[int, int]) -> tuple[str, list]:
    """SQL and params of a page of ``qs`` (ordered, not sliced) as rows of one text column: one GeoJSON Feature
    each, in order. ``page`` is (limit, offset), appended as parameters."""
    inner_sql, params, feature, fields = _features(qs, layer, srid=srid, lat_first=lat_first, page=page)
    return f"SELECT {feature} FROM ({inner_sql}) t", [*fields, *params]  # noqa: S608 (compiled by Django)


def feature_collection_sql(qs: QuerySet, layer: Layer, *, srid: int, lat_first: bool) -> tuple[str, list]:
    """SQL and params returning one text value: the FeatureCollection of ``qs`` (with numberReturned)."""
    inner_sql, params, feature, fields = _features(qs, layer, srid=srid, lat_first=lat_first, page=None)
    head = COLLECTION_HEAD.replace("'", "''")
    # The inner query is compiled by Django; values are parameters. concat() copies the features' text once (a
    # chain of || copies it once per operator).
    aggregate = f"concat('{head}', string_agg({feature}, ', '), '], \"numberReturned\": ' || count(*) || '}}')"
    return f"SELECT {aggregate} FROM ({inner_sql}) t", [*fields, *params]  # noqa: S608
