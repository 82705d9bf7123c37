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
from pyproj import Transformer

from imports.mapping import land_use_code, status_code, text_values
from imports.readers import Batch

_COLUMNS = ("idx", "plan_number", "number", "land_use", "status", "deed_number", "err", "err_detail", "err_lon",
            "err_lat", "note", "wkb")
_TYPES = ["int4", "text", "text", "text", "text", "text", "text", "text", "float8", "float8", "text", "bytea"]
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
            "deed_number text, err text, err_detail text, err_lon float8, err_lat float8, note text, wkb bytea) "
            "ON COMMIT DROP"
        )


def _prechecks(wkb: list, errors: dict | None = None, extra_notes: dict | None = None
               ) -> tuple[list, list, list, list, list]:
    """Per feature: WKB to stage (or None), an error code and detail (or None) for what cannot be staged, where
    (x, y in the file's CRS, or None) and notes, comma separated (``z_dropped``: heights removed, the registers
    are 2D; ``crs_transformed:<srid>`` from the reader).

    Vectorised: the common all-good batch never loops in Python over its features."""
    n = len(wkb)
    err: list = [None] * n
    detail: list = [None] * n
    where: list = [None] * n
    notes: list = [None] * n
    present = np.fromiter((w is not None and len(w) > 0 for w in wkb), dtype=bool, count=n)
    geoms = np.full(n, None, dtype=object)
    if present.any():
        geoms[present] = shapely.from_wkb([w for w, p in zip(wkb, present, strict=True) if p], on_invalid="ignore")
    staged = list(wkb)
    has_z = shapely.has_z(geoms)
    if has_z.any():  # dropped explicitly, and said (a 3D geometry would fail the 2D column at commit)
        geoms[has_z] = shapely.force_2d(geoms[has_z])
        for i, w in zip(np.flatnonzero(has_z), shapely.to_wkb(geoms[has_z]), strict=True):
            staged[i], notes[i] = w, "z_dropped"
    types = shapely.get_type_id(geoms)  # -1 for None
    counts = shapely.get_num_coordinates(geoms)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    not_finite = np.zeros(n, dtype=bool)
    if len(coords):
        not_finite[np.unique(owner[~np.isfinite(coords).all(axis=1)])] = True
    parts, part_owner = shapely.get_parts(geoms, return_index=True)  # a MultiPolygon's rings are its parts'
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_owner = part_owner[ring_part]
    short_ring = np.zeros(n, dtype=bool)
    short = shapely.get_num_coordinates(rings) < 4  # PostGIS refuses them (the whole statement, not the feature)
    short_ring[ring_owner[short]] = True
    empty = shapely.is_empty(geoms)
    limit = max_vertices()
    bad = (types < 0) | empty | ~np.isin(types, _POLYGONAL) | not_finite | short_ring | (counts > limit)
    for i in np.flatnonzero(bad):
        staged[i], notes[i] = None, None
        if types[i] < 0:
            if present[i]:
                err[i], detail[i], where[i] = _unreadable(wkb[i])
            else:
                err[i], detail[i] = "null_geometry", _("The feature has no geometry.")
        elif empty[i]:
            err[i], detail[i] = "empty_geometry", _("The geometry is empty.")
        elif types[i] not in _POLYGONAL:
            err[i] = "wrong_type"
            detail[i] = _("Expected a polygon, got %(t)s.") % {"t": geoms[i].geom_type}
        elif not_finite[i]:
            err[i], detail[i] = "not_finite", _("The geometry has NaN or infinite coordinates.")
            mine = coords[owner == i]
            finite = mine[np.isfinite(mine).all(axis=1)]
            where[i] = tuple(finite[0]) if len(finite) else None  # the first good vertex: near the bad ones
        elif short_ring[i]:
            ring = rings[ring_owner == i][shapely.get_num_coordinates(rings[ring_owner == i]) < 4][0]
            err[i] = "too_few_points"
            detail[i] = _("A polygon ring has %(n)d positions; at least 4 are needed (the last repeating the first).") \
                % {"n": shapely.get_num_coordinates(ring)}
            where[i] = tuple(shapely.get_coordinates(ring)[0]) if not shapely.is_empty(ring) else None
        else:
            err[i] = "too_many_vertices"
            detail[i] = _("The geometry has %(n)d vertices; the limit is %(max)d.") % {"n": counts[i], "max": limit}
    for i, note in (extra_notes or {}).items():
        if err[i] is None:
            notes[i] = f"{notes[i]},{note}" if notes[i] else note
    for i, (code, reason) in (errors or {}).items():  # what the reader could not read at all
        staged[i], notes[i], err[i], detail[i], where[i] = None, None, code, reason, None
    return staged, err, detail, where, notes


def _unreadable(wkb: bytes) -> tuple[str, str, tuple | None]:
    """Why GEOS refuses a geometry (unclosed ring, too few points, ...), and where, as far as it can be read."""
    try:
        shapely.from_wkb(wkb, on_invalid="raise")
        reason = ""
    except Exception as exc:  # shapely.errors.GEOSException, or others for garbage bytes
        reason = str(exc)
    where = None
    try:
        fixed = shapely.from_wkb(wkb, on_invalid="fix")
        if fixed is not None and not fixed.is_empty:
            where = tuple(shapely.get_coordinates(fixed)[0])
    except Exception:  # noqa: S110 (no location then; the reason is still reported)
        pass
    if "closed linestring" in reason:
        return "unclosed_ring", _("A polygon ring is not closed: its last position must repeat the first."), where
    if "number of points" in reason:
        return "too_few_points", _("A polygon ring has too few positions; at least 4 are needed."), where
    text = reason.split(":", 1)[-1].strip()[:200] or _("not a geometry")
    return "unreadable_geometry", _("The geometry cannot be read: %(e)s") % {"e": text}, where


def _to_lonlat(where: list, *, srid: int, swap_axes: bool) -> tuple[list, list]:
    """Locations of errors (file CRS) as lon/lat for the report; None where there is none or it cannot be."""
    lon: list = [None] * len(where)
    lat: list = [None] * len(where)
    found = [i for i, w in enumerate(where) if w is not None]
    if not found:
        return lon, lat
    xs = np.array([where[i][1 if swap_axes else 0] for i in found], dtype=float)
    ys = np.array([where[i][0 if swap_axes else 1] for i in found], dtype=float)
    if srid != 4326:
        xs, ys = Transformer.from_crs(srid, 4326, always_xy=True).transform(xs, ys, errcheck=False)
    for i, x, y in zip(found, xs, ys, strict=True):
        if np.isfinite(x) and np.isfinite(y):
            lon[i], lat[i] = float(x), float(y)
    return lon, lat


def copy_batches(batches: Iterable[Batch], *, mapping: dict, defaults: dict, srid: int = 4326,
                 swap_axes: bool = False, progress: Callable[[int], None] | None = None) -> int:
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
            wkb, err, detail, where, notes = _prechecks(batch.wkb, batch.errors, batch.notes)
            lon, lat = _to_lonlat(where, srid=srid, swap_axes=swap_axes)
            rows = zip(range(batch.start, batch.start + n), cols["plan_number"], cols["number"], cols["land_use"],
                       cols["status"], cols["deed_number"], err, detail, lon, lat, notes, wkb, strict=True)
            with raw.copy(sql) as copy:
                copy.set_types(_TYPES)
                for row in rows:
                    copy.write_row(row)
            total += n
            if progress:
                progress(n)
    return total
