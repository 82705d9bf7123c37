"""What is here? Every layer that declares ``at_point`` (``geo.layers``), answered in one round trip.

The answer's members are the layers' names, topmost first (parcels, blocks, plans, zones, districts for the
registers); a new app's layer that declares ``at_point=True`` appears with no edit here.
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db import connection, connections

from accounts.models import Municipality
from geo.crs import storage_srid
from geo.feature_sql import feature_collection_sql
from geo.layers import at_point_layers, generation
from geo.selectors import at_point
from runtime.replica import read_alias

# Compiled at-point SQL per (municipality, srid): the ORM builds five querysets for every
# question otherwise, which costs more than running them. Only the point changes between calls.
_AT_POINT_SQL: dict[tuple[int, int, int], tuple[str, list]] = {}


def _at_point_template(municipality, srid: int) -> tuple[str, list]:
    key = (municipality.pk, srid, generation())
    if key not in _AT_POINT_SQL:
        parts, params = [], []
        for layer in at_point_layers():
            qs = at_point(layer=layer.name, lon=0.0, lat=0.0, municipality=municipality).order_by("pk")[:20]
            sql, args = feature_collection_sql(qs, layer, srid=srid, lat_first=False)
            parts.append(f", %s, ({sql})::json")
            params += [layer.name, *args]
        table = Municipality._meta.db_table  # from model metadata; values are parameters
        inside = f"SELECT ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) FROM {table} WHERE id = %s"  # noqa: S608
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
    sql, params = at_point_statement(municipality=municipality, lon=lon, lat=lat, srid=srid)
    with connections[read_alias()].cursor() as cursor:  # the replica when this request reads from it
        cursor.execute(sql, params)
        inside, body = cursor.fetchone()
    return bool(inside), body


def at_point_statement(*, municipality, lon: float, lat: float, srid: int) -> tuple[str, list]:
    """The one statement of ``at_point_json`` and its parameters."""
    sql, template_params = _at_point_template(municipality, srid)
    point = connection.ops.Adapter(Point(lon, lat, srid=storage_srid()))
    # The only geometry parameters in the template are the query point.
    params = [point if isinstance(p, connection.ops.Adapter) else p for p in template_params]
    return sql, [lon, lat, municipality.pk, lon, lat, *params]
