"""Overlaps, slivers and narrow gaps between the incoming parcels, tile by tile.

Which neighbouring pairs overlap is decided with shapely (GEOS >= 3.13: prepared predicates use
RelateNG, several times faster per pair than the full ``ST_Relate`` matrix of PostGIS 3.3's GEOS
3.11); see docs/decisions/007-import-pipeline.md. The staged metric geometries are read tile by
tile through the staging table's GiST index, so memory holds one tile and its border, never the
file. Only the few pairs found go back to SQL for their area, width and location.

A pair is judged once: in the tile of its lower-ranked member (tile, then feature index).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from django.db import connection

TILE_FEATURES = 25_000  # features per tile on average: a few tens of MB of geometry


def _grid(cur) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(feature index, tile of each, bounding boxes) of the staged features; tiles by bounding-box centre."""
    cur.execute("SELECT idx, ST_XMin(geom_m), ST_YMin(geom_m), ST_XMax(geom_m), ST_YMax(geom_m) FROM imp_stage "
                "WHERE ok")
    rows = np.array(cur.fetchall(), dtype=float).reshape(-1, 5)
    if len(rows) < 2:
        return None
    idx, box = rows[:, 0].astype(np.int64), rows[:, 1:]
    cx, cy = (box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2
    x0, y0 = cx.min(), cy.min()
    w, h = max(cx.max() - x0, 1.0), max(cy.max() - y0, 1.0)
    cells = max(1, math.ceil(len(idx) / TILE_FEATURES))
    nx = max(1, min(cells, round(math.sqrt(cells * w / h))))
    ny = max(1, math.ceil(cells / nx))
    ix = np.minimum((cx - x0) / (w / nx), nx - 1).astype(np.int64)
    iy = np.minimum((cy - y0) / (h / ny), ny - 1).astype(np.int64)
    return idx, iy * nx + ix, box


def find_pairs(*, gap: float) -> list[tuple[int, int, str]]:
    """(lower index, higher index, "o" overlap of interiors | "g" disjoint but closer than ``gap``)."""
    found: list[tuple[int, int, str]] = []
    with connection.cursor() as cur:
        grid = _grid(cur)
        if grid is None:
            return found
        idx, tile, box = grid
        tile_of = np.full(int(idx.max()) + 1, -1, dtype=np.int64)
        tile_of[idx] = tile
        order = np.argsort(tile, kind="stable")
        bounds = np.flatnonzero(np.diff(tile[order])) + 1
        for members in np.split(order, bounds):
            t = tile[members[0]]
            xmin, ymin = box[members, 0].min() - gap, box[members, 1].min() - gap
            xmax, ymax = box[members, 2].max() + gap, box[members, 3].max() + gap
            # The tile's features and every feature near them, through the GiST index.
            cur.execute("""SELECT idx, ST_AsBinary(geom_m) FROM imp_stage
                           WHERE ok AND geom_m && ST_MakeEnvelope(%s, %s, %s, %s)""", [xmin, ymin, xmax, ymax])
            rows = cur.fetchall()
            near_idx = np.array([r[0] for r in rows], dtype=np.int64)
            near = shapely.from_wkb([bytes(r[1]) for r in rows])
            in_tile = np.flatnonzero(tile_of[near_idx] == t)
            core, core_idx = near[in_tile], near_idx[in_tile]
            b = shapely.bounds(core)
            probes = shapely.box(b[:, 0] - gap, b[:, 1] - gap, b[:, 2] + gap, b[:, 3] + gap)
            qi, qj = shapely.STRtree(near).query(probes)
            ai, bj = core_idx[qi], near_idx[qj]
            other_tile = tile_of[bj]
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
