"""OGC API Features items built in PostGIS: one SQL statement returns the whole FeatureCollection.

The inner query is the layer registry's queryset (tenant, "current", bbox, order, page)
compiled by Django; the outer statement aggregates it with ``json_build_object`` /
``json_agg`` and ``ST_AsGeoJSON``, so 1,000 features cost one round trip and no Python
object per feature. Column names come from the registry's allow-list, quoted.
"""

from __future__ import annotations

import json

from django.contrib.gis.db.models.functions import AsGeoJSON, GeomOutputGeoFunc, Transform
from django.contrib.gis.geos import Polygon
from django.db import connection, models
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
    qs: QuerySet, layer: Layer, *, srid: int, lat_first: bool, links: tuple[list, list, int] | None = None,
    page: tuple[int, int] | None = None,
) -> tuple[str, list]:
    """SQL and params returning one text value: the FeatureCollection of ``qs``.

    ``page`` is (limit, offset), appended as parameters (``qs`` is then ordered, not sliced).
    ``links`` is (links of a full page, links of the last page, page size): a page with fewer
    features than the page size is the last one and gets no "next" link; it also tells
    numberMatched exactly (offset + numberReturned) when it is known without counting.
    """
    fields = list(layer.fields)
    # Every output column gets a fixed alias (_p0, _p1...): no client text names a column.
    columns = {f"_p{i}": F(name) for i, name in enumerate(fields)}
    inner = qs.annotate(_fid=F("pk"), _geom=_geometry_expr(layer, srid, lat_first), **columns)
    inner = inner.values("_fid", "_geom", *columns)
    inner_sql, params = inner.query.sql_with_params()
    if page is not None:
        inner_sql, params = f"{inner_sql} LIMIT %s OFFSET %s", [*params, *page]
    props = ", ".join(f"%s, t._p{i}" for i in range(len(fields)))
    feature = (
        "json_build_object('type', 'Feature', 'id', t._fid, "
        f"'geometry', t._geom::json, 'properties', json_build_object({props}))"
    )
    extra_sql, extra_params, matched_sql, matched_params = "", [], "", []
    if links is not None:
        extra_sql = ", 'links', CASE WHEN count(*) >= %s THEN %s::json ELSE %s::json END"
        extra_params = [links[2], json.dumps(links[0]), json.dumps(links[1])]
        # numberMatched, when known without counting: a short page is the last one, so everything
        # before it plus what it holds is all there is. (A full page says nothing about what follows,
        # and counting every match of a 1M-row layer per page is not cheap; OGC API Features makes
        # numberMatched optional, and it must be exact when given.) A second column: see run_page.
        offset = page[1] if page is not None else 0
        matched_sql = ", CASE WHEN count(*) < %s AND (count(*) > 0 OR %s = 0) THEN %s + count(*) END"
        matched_params = [links[2], offset, offset]
    # Only quoted, allow-listed identifiers are formatted in; values are parameters.
    head = "SELECT json_build_object('type', 'FeatureCollection', "
    body = f"'features', coalesce(json_agg({feature}), '[]'::json), 'numberReturned', count(*){extra_sql})::text"
    sql = f"{head}{body}{matched_sql} FROM ({inner_sql}) t"
    return sql, [*fields, *extra_params, *matched_params, *params]


def run(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def run_page(sql: str, params: list) -> bytes:
    """The FeatureCollection of a page statement (with links), numberMatched added when it is known."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        body, matched = cursor.fetchone()
    if matched is not None:
        body = f'{{"numberMatched": {int(matched)}, {body[1:]}'
    return body.encode()


# --- Items statements compiled once per query shape ------------------------------------------------
# Compiling the items queryset through the ORM cost about a fifth of a 1,000-feature request. The
# statement of a layer only changes with the *shape* of the query (output CRS, which filters, bbox
# or not), so each shape is compiled once, with sentinel values, and later requests only put their
# own values in the sentinels' places. Shapes the template does not cover (datetime, non-text
# filters) are compiled per request as before. tests/ogc/test_items_sql.py checks both agree.

_TENANT, _LIMIT, _OFFSET = -7_340_021, -7_340_022, -7_340_023
_LINKS_FULL, _LINKS_LAST = "\x01links-full", "\x01links-last"
_TEXT_FIELDS = (models.CharField, models.TextField)
_templates: dict[tuple, tuple[str, tuple] | None] = {}


def _sentinel_box() -> Polygon:
    box = Polygon.from_bbox((1.234567, 2.345678, 3.456789, 4.567891))
    box.srid = storage_srid()
    return box


def _filter_sentinel(name: str) -> str:
    return f"\x01filter:{name}"


def templatable(layer: Layer, filters: dict[str, str]) -> bool:
    return all(isinstance(layer.model._meta.get_field(name), _TEXT_FIELDS) for name in filters)


def items_queryset(layer: Layer, *, municipality_id, filters: dict[str, str], box) -> QuerySet:
    qs = layer.queryset(municipality=municipality_id).filter(**filters)
    if box is not None:
        qs = qs.filter(**{f"{layer.geom_field}__bboverlaps": box, f"{layer.geom_field}__intersects": box})
    return qs.order_by("pk")


def _template(layer: Layer, shape: tuple) -> tuple[str, tuple] | None:
    _name, srid, lat_first, filter_names, has_box = shape
    qs = items_queryset(layer, municipality_id=_TENANT, filters={n: _filter_sentinel(n) for n in filter_names},
                        box=_sentinel_box() if has_box else None)
    sql, params = feature_collection_sql(qs, layer, srid=srid, lat_first=lat_first,
                                         links=([_LINKS_FULL], [_LINKS_LAST], _LIMIT), page=(_LIMIT, _OFFSET))
    box_adapter = connection.ops.Adapter(_sentinel_box())
    named = {
        _TENANT: "tenant", _LIMIT: "limit", _OFFSET: "offset",
        json.dumps([_LINKS_FULL]): "links_full", json.dumps([_LINKS_LAST]): "links_last",
        **{_filter_sentinel(n): f"filter:{n}" for n in filter_names},
    }
    slots = []
    for value in params:
        if isinstance(value, type(box_adapter)):
            if value != box_adapter:
                return None  # a geometry parameter we did not put there: not templatable
            slots.append(("box", None))
        elif isinstance(value, (str, int)) and not isinstance(value, bool) and value in named:
            slots.append((named[value], None))
        elif isinstance(value, (str, int, float)):
            slots.append(("const", value))
        else:
            return None
    return sql, tuple(slots)


def items_sql(layer: Layer, *, municipality_id: int, filters: dict[str, str], box, srid: int, lat_first: bool,
              limit: int, offset: int, links: list, last_links: list) -> tuple[str, list]:
    """The items page statement: from the shape's template when there is one, else compiled now."""
    shape = (layer.name, srid, lat_first, tuple(sorted(filters)), box is not None)
    if shape not in _templates:
        _templates[shape] = _template(layer, shape) if templatable(layer, filters) else None
    template = _templates[shape]
    if template is None:
        qs = items_queryset(layer, municipality_id=municipality_id, filters=filters, box=box)
        return feature_collection_sql(qs, layer, srid=srid, lat_first=lat_first, links=(links, last_links, limit),
                                      page=(limit, offset))
    sql, slots = template
    values = {
        "tenant": municipality_id, "limit": limit, "offset": offset,
        "links_full": json.dumps(links), "links_last": json.dumps(last_links),
        "box": connection.ops.Adapter(box) if box is not None else None,
        **{f"filter:{n}": v for n, v in filters.items()},
    }
    return sql, [value if kind == "const" else values[kind] for kind, value in slots]
