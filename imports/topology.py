"""Overlaps, slivers and narrow gaps between the incoming parcels, tile by tile.

Which neighbouring pairs overlap is decided with shapely (GEOS >= 3.13: prepared predicates use
RelateNG, several times faster per pair than the full ``ST_Relate`` matrix of PostGIS 3.3's GEOS
3.11); see docs/decisions/008-import-pipeline.md. The staged metric geometries are read tile by
tile through the staging table's GiST index, so memory holds one tile and its border, never the
file. Only the few pairs found go back to SQL for their area, width and location.

A pair is judged once: in the tile of its lower-ranked member (tile, then feature index).
"""

from __future__ import annotations

import math

import numpy as np
import psycopg
import shapely
from django.db import connection

TILE_FEATURES = 25_000  # features per tile on average: a few tens of MB of geometry


def _tiles(cur) -> tuple[str, list] | None:
    """The tile of each staged feature as an SQL expression (by its bounding-box centre on a grid of about
    TILE_FEATURES features per tile), and each tile's extent; computed in SQL, so that no list of a
    million features is ever held here."""
    cur.execute("""SELECT count(*), min(cx), max(cx), min(cy), max(cy) FROM (
                     SELECT (ST_XMin(geom_m) + ST_XMax(geom_m)) / 2 AS cx, (ST_YMin(geom_m) + ST_YMax(geom_m)) / 2 AS cy
                     FROM imp_stage WHERE ok) c""")
    n, x0, x1, y0, y1 = cur.fetchone()
    if n < 2:
        return None
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    cells = max(1, math.ceil(n / TILE_FEATURES))
    nx = max(1, min(cells, round(math.sqrt(cells * w / h))))
    ny = max(1, math.ceil(cells / nx))
    cw, ch = w / nx, h / ny
    # Numbers only (floats and ints computed here), so the expression is safe to interpolate.
    tile = (f"(LEAST(floor(((ST_YMin(geom_m) + ST_YMax(geom_m)) / 2 - {y0!r}) / {ch!r}), {ny - 1}) * {nx}"
            f" + LEAST(floor(((ST_XMin(geom_m) + ST_XMax(geom_m)) / 2 - {x0!r}) / {cw!r}), {nx - 1}))::bigint")
    cur.execute(f"""SELECT {tile} AS t, min(ST_XMin(geom_m)), min(ST_YMin(geom_m)), max(ST_XMax(geom_m)),
                           max(ST_YMax(geom_m))
                    FROM imp_stage WHERE ok GROUP BY 1 ORDER BY 1""")  # noqa: S608
    return tile, cur.fetchall()


def find_pairs(*, gap: float) -> list[tuple[int, int, str]]:
    """(lower index, higher index, "o" overlap of interiors | "g" disjoint but closer than ``gap``)."""
    found: list[tuple[int, int, str]] = []
    connection.ensure_connection()
    # A server-side-binding cursor: the WKB comes back as binary bytea (Django's client-side-binding
    # cursors get hex text, twice the bytes to send and decode).
    with psycopg.Cursor(connection.connection) as cur:
        tiles = _tiles(cur)
        if tiles is None:
            return found
        tile_sql, extents = tiles
        for t, xmin, ymin, xmax, ymax in extents:
            # The tile's features and every feature near them, through the GiST index.
            cur.execute(f"""SELECT idx, {tile_sql}, ST_AsBinary(geom_m) FROM imp_stage
                            WHERE ok AND geom_m && ST_MakeEnvelope(%s, %s, %s, %s)""",  # noqa: S608
                        [xmin - gap, ymin - gap, xmax + gap, ymax + gap], binary=True)
            rows = cur.fetchall()
            near_idx = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            near_tile = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            near = shapely.from_wkb([r[2] for r in rows])
            del rows
            in_tile = np.flatnonzero(near_tile == t)
            core, core_idx = near[in_tile], near_idx[in_tile]
            b = shapely.bounds(core)
            probes = shapely.box(b[:, 0] - gap, b[:, 1] - gap, b[:, 2] + gap, b[:, 3] + gap)
            qi, qj = shapely.STRtree(near).query(probes)
            ai, bj = core_idx[qi], near_idx[qj]
            other_tile = near_tile[qj]
            keep = (other_tile > t) | ((other_tile == t) & (ai < bj))
            qi, qj, ai, bj = qi[keep], qj[keep], ai[keep], bj[keep]
            if not len(ai):
                continue
            shapely.prepare(core)
            a_geom, b_geom = core[qi], near[qj]
            touching = shapely.intersects(a_geom, b_geom)
            # Touching along edges (the common case) is not an overlap; interiors meeting is.
            overlap = touching.copy()
            overlap[touching] = ~shapely.touches(a_geom[touching], b_geom[touching])
            near_gap = ~touching
            near_gap[near_gap] = shapely.dwithin(a_geom[near_gap], b_geom[near_gap], gap)
            for kind, mask in (("o", overlap), ("g", near_gap)):
                lo, hi = np.minimum(ai[mask], bj[mask]), np.maximum(ai[mask], bj[mask])
                found.extend((int(x), int(y), kind) for x, y in zip(lo, hi, strict=True))
    return found


def stage_pairs(pairs: list[tuple[int, int, str]]) -> None:
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE imp_pair (ai integer, bi integer, kind text) ON COMMIT DROP")
        with cur.cursor.copy("COPY imp_pair (ai, bi, kind) FROM STDIN") as copy:
            for row in pairs:
                copy.write_row(row)
