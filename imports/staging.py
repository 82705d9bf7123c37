"""Streaming features into a temporary staging table with COPY.

Checks that need the raw coordinates (missing or empty geometry, NaN, too many
vertices, non-polygon types) run here, vectorised per batch with shapely; every
other check is SQL over the staged rows (see ``checks``). The staging tables are
TEMP ... ON COMMIT DROP: they vanish with the transaction, whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import shapely
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from imports.mapping import land_use_code, status_code, text_values
from imports.readers import Batch

_COLUMNS = ("idx", "plan_number", "number", "land_use", "status", "deed_number", "err", "err_detail", "geom")
_POLYGONAL = (3, 6)  # shapely type ids: Polygon, MultiPolygon


def max_vertices() -> int:
    return getattr(settings, "ARDH_MAX_VERTICES", 100_000)


def drop_tables() -> None:
    """Staging tables drop on commit; inside an outer transaction (tests, callers) they must go explicitly."""
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.imp_raw, pg_temp.imp_stage, pg_temp.imp_issue, pg_temp.imp_retire")


def create_raw_table() -> None:
    drop_tables()
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE imp_raw (idx integer, plan_number text, number text, land_use text, status text, "
            "deed_number text, err text, err_detail text, geom geometry) ON COMMIT DROP"
        )


def _prechecks(wkb: list) -> tuple[list, list[str], list[str]]:
    """Per feature: hex WKB to stage (or None) and an error code/detail for what cannot be staged."""
    n = len(wkb)
    err, detail = [""] * n, [""] * n
    present = np.array([w is not None and len(w) > 0 for w in wkb], dtype=bool)
    geoms = np.full(n, None, dtype=object)
    if present.any():
        geoms[present] = shapely.from_wkb([w for w, p in zip(wkb, present, strict=True) if p], on_invalid="ignore")
    types = shapely.get_type_id(geoms)  # -1 for None
    counts = shapely.get_num_coordinates(geoms)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    bad_owner = np.unique(owner[~np.isfinite(coords).all(axis=1)]) if len(coords) else np.array([], dtype=int)
    not_finite = np.zeros(n, dtype=bool)
    not_finite[bad_owner] = True
    empty = shapely.is_empty(geoms)
    limit = max_vertices()
    hexes: list = [None] * n
    for i in range(n):
        if types[i] < 0:
            err[i], detail[i] = "null_geometry", _("The feature has no geometry.")
        elif empty[i]:
            err[i], detail[i] = "empty_geometry", _("The geometry is empty.")
        elif types[i] not in _POLYGONAL:
            err[i] = "wrong_type"
            detail[i] = _("Expected a polygon, got %(t)s.") % {"t": geoms[i].geom_type}
        elif not_finite[i]:
            err[i], detail[i] = "not_finite", _("The geometry has NaN or infinite coordinates.")
        elif counts[i] > limit:
            err[i] = "too_many_vertices"
            detail[i] = _("The geometry has %(n)d vertices; the limit is %(max)d.") % {"n": counts[i], "max": limit}
        else:
            hexes[i] = wkb[i].hex()
    return hexes, err, detail


def copy_batches(batches: Iterable[Batch], *, mapping: dict, defaults: dict,
                 progress: Callable[[int], None] | None = None) -> int:
    """COPY every batch into imp_raw; return the number of features staged."""
    total = 0
    sql = f"COPY imp_raw ({', '.join(_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cur:
        raw = cur.cursor
        for batch in batches:
            n = len(batch.wkb)
            cols = {}
            for target in ("plan_number", "number", "land_use", "status", "deed_number"):
                src = mapping.get(target)
                vals = text_values(batch.attrs.get(src) if src else None, n)
                if target in defaults:
                    vals = [v or str(defaults[target]) for v in vals]
                cols[target] = vals
            cols["land_use"] = [land_use_code(v) for v in cols["land_use"]]
            cols["status"] = [status_code(v) for v in cols["status"]]
            hexes, err, detail = _prechecks(batch.wkb)
            with raw.copy(sql) as copy:
                for i in range(n):
                    copy.write_row((
                        batch.start + i, cols["plan_number"][i], cols["number"][i], cols["land_use"][i],
                        cols["status"][i], cols["deed_number"][i], err[i] or None, detail[i] or None, hexes[i],
                    ))
            total += n
            if progress:
                progress(n)
    return total
