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

_COLUMNS = ("idx", "plan_number", "number", "land_use", "status", "deed_number", "err", "err_detail", "wkb")
_TYPES = ["int4", "text", "text", "text", "text", "text", "text", "text", "bytea"]
_POLYGONAL = (3, 6)  # shapely type ids: Polygon, MultiPolygon


def max_vertices() -> int:
    return getattr(settings, "ARDH_MAX_VERTICES", 100_000)


def drop_tables() -> None:
    """Staging tables drop on commit; inside an outer transaction (tests, callers) they must go explicitly."""
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.imp_raw, pg_temp.imp_stage, pg_temp.imp_issue, pg_temp.imp_retire, "
                    "pg_temp.imp_pair")


def create_raw_table() -> None:
    drop_tables()
    with connection.cursor() as cur:
        # The geometry stays WKB bytes until the CRS is applied in SQL (binary COPY: no hex round trip).
        cur.execute(
            "CREATE TEMP TABLE imp_raw (idx integer, plan_number text, number text, land_use text, status text, "
            "deed_number text, err text, err_detail text, wkb bytea) ON COMMIT DROP"
        )


def _prechecks(wkb: list) -> tuple[list, list, list]:
    """Per feature: WKB to stage (or None) and an error code/detail (or None) for what cannot be staged.

    Vectorised: the common all-good batch never loops in Python over its features."""
    n = len(wkb)
    err: list = [None] * n
    detail: list = [None] * n
    present = np.fromiter((w is not None and len(w) > 0 for w in wkb), dtype=bool, count=n)
    geoms = np.full(n, None, dtype=object)
    if present.any():
        geoms[present] = shapely.from_wkb([w for w, p in zip(wkb, present, strict=True) if p], on_invalid="ignore")
    types = shapely.get_type_id(geoms)  # -1 for None
    counts = shapely.get_num_coordinates(geoms)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    not_finite = np.zeros(n, dtype=bool)
    if len(coords):
        not_finite[np.unique(owner[~np.isfinite(coords).all(axis=1)])] = True
    empty = shapely.is_empty(geoms)
    limit = max_vertices()
    bad = (types < 0) | empty | ~np.isin(types, _POLYGONAL) | not_finite | (counts > limit)
    staged = list(wkb)
    for i in np.flatnonzero(bad):
        staged[i] = None
        if types[i] < 0:
            err[i], detail[i] = "null_geometry", _("The feature has no geometry.")
        elif empty[i]:
            err[i], detail[i] = "empty_geometry", _("The geometry is empty.")
        elif types[i] not in _POLYGONAL:
            err[i] = "wrong_type"
            detail[i] = _("Expected a polygon, got %(t)s.") % {"t": geoms[i].geom_type}
        elif not_finite[i]:
            err[i], detail[i] = "not_finite", _("The geometry has NaN or infinite coordinates.")
        else:
            err[i] = "too_many_vertices"
            detail[i] = _("The geometry has %(n)d vertices; the limit is %(max)d.") % {"n": counts[i], "max": limit}
    return staged, err, detail


def copy_batches(batches: Iterable[Batch], *, mapping: dict, defaults: dict,
                 progress: Callable[[int], None] | None = None) -> int:
    """COPY (binary) every batch into imp_raw; return the number of features staged."""
    total = 0
    sql = f"COPY imp_raw ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT binary)"
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
            # A handful of distinct values per column: translate each once.
            for target, code in (("land_use", land_use_code), ("status", status_code)):
                codes = {v: code(v) for v in set(cols[target])}
                cols[target] = [codes[v] for v in cols[target]]
            wkb, err, detail = _prechecks(batch.wkb)
            rows = zip(range(batch.start, batch.start + n), cols["plan_number"], cols["number"], cols["land_use"],
                       cols["status"], cols["deed_number"], err, detail, wkb, strict=True)
            with raw.copy(sql) as copy:
                copy.set_types(_TYPES)
                for row in rows:
                    copy.write_row(row)
            total += n
            if progress:
                progress(n)
    return total
