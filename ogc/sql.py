"""OGC API Features items built in PostGIS: each feature's GeoJSON is made by the database, never by Python.

The inner query is the layer registry's queryset (tenant, "current", bbox, order, page) compiled by Django;
the outer statement turns each row into the text of one GeoJSON Feature (``ST_AsGeoJSON`` for the geometry,
``json_build_object`` for the properties, put together as text: the geometry's JSON is not parsed again).

- A page of items is one statement with a row per feature (``feature_rows_sql``), streamed: ``page_body``
  sends the collection's head, then the features as PostgreSQL sends them, then numberReturned, the links and
  numberMatched, which need the count. The client gets the first features while the database is still
  encoding the later ones (docs/decisions/010-streamed-items.md).
- A single feature, and the at-point answer, are one statement returning one FeatureCollection
  (``feature_collection_sql``).
Column names come from the registry's allow-list, quoted; values are parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib.gis.geos import Polygon
from django.db import connection, connections, models
from django.db.models import QuerySet

from geo.crs import storage_srid
from geo.feature_sql import COLLECTION_HEAD, feature_collection_sql, feature_rows_sql  # noqa: F401 (re-exported)
from geo.layers import Layer
from runtime.db import streamed_column
from runtime.replica import read_alias

FEATURES_PER_CHUNK = 100  # rows per batch from the database, and per piece of the response


def run(sql: str, params: list) -> str:
    with connections[read_alias()].cursor() as cursor:  # the replica when this request reads from it
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def page_body(sql: str, params: list, *, limit: int, offset: int, links: list, last_links: list,
              number_matched: int | None = None) -> Iterator[bytes]:
    """The FeatureCollection of a page statement (``feature_rows_sql``), in pieces: its head with the first
    features, more features as they come, and the end (numberReturned, links, numberMatched when it is known).

    The statement runs now, up to its first rows, so a failure while it scans and sorts (a bad value, a
    cancelled statement) raises here and the caller answers it; the rest comes as the result is iterated. A
    failure after that can only cut the document short, before its closing brackets: never valid JSON.
    ``links``: those of a full page; ``last_links``: those of the last page, shorter than ``limit``.
    ``number_matched``: the count of all matches when known (``ogc.counts``, a whole layer).
    """
    batches = streamed_column(sql, params, batch=FEATURES_PER_CHUNK, alias=read_alias())
    return _page_pieces(batches, limit=limit, offset=offset, links=links, last_links=last_links,
                        number_matched=number_matched)


def _page_pieces(batches, *, limit, offset, links, last_links, number_matched=None) -> Iterator[bytes]:
    count, piece = 0, COLLECTION_HEAD
    try:
        for batch in batches:
            piece += (", " if count else "") + ", ".join(batch)
            count += len(batch)
            yield piece.encode()
            piece = ""
    finally:
        batches.close()  # a body closed early (the client went away) cancels the rest of the statement
    end = {"numberReturned": count, "links": links if count >= limit else last_links}
    # numberMatched only when exact without counting: a short page is the last one, so everything before it
    # plus what it holds is all there is. (A full page says nothing about what follows, and counting every
    # match of a 1M-row layer per page is not cheap; OGC API Features makes numberMatched optional.) A page
    # past the end (empty, offset > 0) says nothing either. A whole layer's count is kept (ogc.counts): given as is.
    if number_matched is not None:
        end["numberMatched"] = number_matched
    elif count < limit and (count > 0 or offset == 0):
        end["numberMatched"] = offset + count
    yield (piece + "], " + json.dumps(end, ensure_ascii=False)[1:]).encode()


# --- Items statements compiled once per query shape ------------------------------------------------
# Compiling the items queryset through the ORM cost about a fifth of a 1,000-feature request. The
# statement of a layer only changes with the *shape* of the query (output CRS, which filters, bbox
# or not), so each shape is compiled once, with sentinel values, and later requests only put their
# own values in the sentinels' places. Shapes the template does not cover (datetime, non-text
# filters) are compiled per request as before. tests/ogc/test_items_sql.py checks both agree.

_TENANT, _LIMIT, _OFFSET = -7_340_021, -7_340_022, -7_340_023
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
    sql, params = feature_rows_sql(qs, layer, srid=srid, lat_first=lat_first, page=(_LIMIT, _OFFSET))
    box_adapter = connection.ops.Adapter(_sentinel_box())
    named = {
        _TENANT: "tenant", _LIMIT: "limit", _OFFSET: "offset",
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
              limit: int, offset: int) -> tuple[str, list]:
    """The items page statement (``feature_rows_sql``): from the shape's template when there is one, else
    compiled now."""
    shape = (layer.name, srid, lat_first, tuple(sorted(filters)), box is not None)
    if shape not in _templates:
        _templates[shape] = _template(layer, shape) if templatable(layer, filters) else None
    template = _templates[shape]
    if template is None:
        qs = items_queryset(layer, municipality_id=municipality_id, filters=filters, box=box)
        return feature_rows_sql(qs, layer, srid=srid, lat_first=lat_first, page=(limit, offset))
    sql, slots = template
    values = {
        "tenant": municipality_id, "limit": limit, "offset": offset,
        "box": connection.ops.Adapter(box) if box is not None else None,
        **{f"filter:{n}": v for n, v in filters.items()},
    }
    return sql, [value if kind == "const" else values[kind] for kind, value in slots]
