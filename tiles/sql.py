"""One SQL statement per tile: PostGIS clips, quantises and encodes (ST_AsMVT).

The rows of a layer come from the registry (``Layer.queryset()`` with its
``current`` filter plus the client's allow-listed attribute filters), compiled by
the ORM into a subquery, so the registry stays the only place that says what a
layer is. We wrap that subquery with the tile envelope test and the MVT encoding.
Several layers in one tile (the base map) are several ST_AsMVT results
concatenated with ``||``: a vector tile is a sequence of layer messages, so the
concatenation of valid tiles is a valid tile.
"""

from __future__ import annotations

from functools import lru_cache

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Q

from geo.layers import Layer
from runtime.db import prepared_cursor
from runtime.replica import read_alias
from tiles.grid import BUFFER, EXTENT, Tile

# Attribute types ST_AsMVT encodes natively; everything else goes out as text.
_NUMERIC = (models.FloatField, models.IntegerField, models.BigIntegerField, models.SmallIntegerField)


def projected_column(layer: Layer) -> str | None:
    """The persisted EPSG:3857 copy of the geometry, if the model has one (``<geom>_3857``)."""
    name = f"{layer.geom_field}_3857"
    try:
        layer.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return name


def _attribute(layer: Layer, name: str) -> str:
    field = layer.model._meta.get_field(name)
    column = connection.ops.quote_name(name)
    if isinstance(field, models.GeneratedField):
        field = field.output_field
    if isinstance(field, (models.BooleanField, models.ForeignKey, *_NUMERIC)):
        return f"t.{column}"
    if isinstance(field, models.DecimalField):
        return f"t.{column}::float8 AS {column}"
    return f"t.{column}::text AS {column}"


def layer_sql(layer: Layer, tile: Tile, where: Q, fields: tuple[str, ...] | None = None) -> tuple[str, list]:
    """SQL returning the MVT bytes of one layer in one tile (empty bytes when nothing is there).

    ``fields``: the attributes to encode; the layer's public fields when None. Restricted
    fields are only ever passed for a caller entitled to them (see tiles.access).
    """
    sql, inner_params = _template(layer, where, layer.public_fields if fields is None else tuple(fields))
    xyz = [tile.z, tile.x, tile.y]
    return sql, [layer.name, *xyz, *inner_params, *xyz]


# The statement differs between tiles only in its z/x/y parameters: compile each (layer, filter) once.
# Compiling through the ORM costs about as much as running a high-zoom tile's query.
@lru_cache(maxsize=512)
def _template(layer: Layer, where: Q, fields: tuple[str, ...]) -> tuple[str, tuple]:
    qs = layer.queryset().filter(where).order_by()  # no ORDER BY (and no join it may need)
    geom3857 = projected_column(layer)
    geom = geom3857 or layer.geom_field
    inner, inner_params = qs.values("pk", geom, *fields).query.sql_with_params()
    quoted_geom = connection.ops.quote_name(geom)
    attributes = "".join(f", {_attribute(layer, f)}" for f in fields)
    envelope = "ST_TileEnvelope(%s, %s, %s)"
    margin_envelope = f"ST_TileEnvelope(%s, %s, %s, margin => {BUFFER / EXTENT!r})"
    if geom3857:
        projected = f"t.{quoted_geom}"
        bbox_test = f"t.{quoted_geom} && {margin_envelope}"
    else:
        projected = f"ST_Transform(t.{quoted_geom}, 3857)"
        bbox_test = f"t.{quoted_geom} && ST_Transform({margin_envelope}, 4326)"
    # Only identifiers from the registry's model metadata (quoted) and numbers are formatted in;
    # every value, including the client's filters, is a bound parameter.
    sql = (
        f"SELECT COALESCE((SELECT ST_AsMVT(q, %s, {EXTENT}, 'geom', 'id') FROM ("  # noqa: S608
        f"SELECT t.pk AS id, ST_AsMVTGeom({projected}, {envelope}, {EXTENT}, {BUFFER}, true) AS geom"
        f"{attributes} FROM ({inner}) AS t WHERE {bbox_test}"
        f") AS q WHERE q.geom IS NOT NULL), ''::bytea)"
    )
    return sql, tuple(inner_params)


def tile_sql(layers: list[tuple], tile: Tile) -> tuple[str, list]:
    """One statement for one or several layers (concatenated in the order given).

    Each item is ``(layer, where)`` or ``(layer, where, fields)``.
    """
    parts, params = [], []
    for item in layers:
        layer, where, *fields = item
        sql, p = layer_sql(layer, tile, where, *fields)
        parts.append(f"({sql})")
        params.extend(p)
    if not parts:
        return "SELECT ''::bytea", []
    return "SELECT " + " || ".join(parts), params


def render(layers: list[tuple], tile: Tile) -> bytes:
    sql, params = tile_sql(layers, tile)
    return bytes(fetch_value(sql, params))


def fetch_value(sql: str, params: list):
    """The first column of the one row of ``sql``, as a server-side prepared statement.

    The statement of a layer differs between tiles only in its parameters, so PostgreSQL
    parses and plans it once per connection instead of per tile (``runtime.db.prepared_cursor``).
    """
    with prepared_cursor(read_alias()) as cursor:  # the replica when this request reads from it
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
