"""numberMatched of a whole layer, counted once and kept until the layer is edited.

A GIS client opening a layer asks how many features it has (``ogrinfo -so``, QGIS's feature count): without
numberMatched GDAL paged through the whole layer to count it, a request per page. Counting a million parcels
takes over a second, too much for every page, so the count of a layer for a municipality (the items of a request
without bbox, filters or datetime) is kept in PostgreSQL (``ogc_layer_count``, UNLOGGED), shared by every server
process, and forgotten when the change bus (``geo.changes``) reports an edit of the layer's model: every
register write goes through it, bulk imports and a regenerated city too. One small indexed lookup per such page.

A count made while an edit commits is not kept: the edit's time (``ogc_layer_edit``) is compared with the
count's start before it is stored, and the edit's receiver deletes the layer's counts after noting its time.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

from geo.changes import GeometryChange
from geo.layers import Layer, all_layers
from runtime.db import prepared_cursor

logger = logging.getLogger(__name__)

_LOOKUP = "SELECT n FROM ogc_layer_count WHERE layer = %s AND municipality_id = %s"
_STORE = (
    "INSERT INTO ogc_layer_count (layer, municipality_id, n) SELECT %s, %s, %s "
    "WHERE NOT EXISTS (SELECT 1 FROM ogc_layer_edit WHERE layer = %s AND edited_at >= %s) "
    "ON CONFLICT (layer, municipality_id) DO UPDATE SET n = EXCLUDED.n"
)


def matched(layer: Layer, municipality_id: int) -> int:
    """The number of the layer's current features of the municipality (what its items list without filters)."""
    with prepared_cursor() as cursor:
        cursor.execute(_LOOKUP, [layer.name, municipality_id])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    sql, params = layer.queryset(municipality=municipality_id).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), statement_timestamp() FROM ({sql}) t", params)  # noqa: S608 (Django's SQL)
        n, started = cursor.fetchone()
        cursor.execute(_STORE, [layer.name, municipality_id, n, layer.name, started])
    return n


def forget(change: GeometryChange) -> None:
    """Change-bus receiver: the counts of the layers of the changed model are stale."""
    names = [layer.name for layer in all_layers() if layer.model is change.model]
    if not names:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ogc_layer_edit (layer, edited_at) SELECT unnest(%s::text[]), clock_timestamp() "
            "ON CONFLICT (layer) DO UPDATE SET edited_at = EXCLUDED.edited_at", [names])
        cursor.execute("DELETE FROM ogc_layer_count WHERE layer = ANY(%s)", [names])
