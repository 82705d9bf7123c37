"""Buildable (envelope) areas of many parcels at once, for the what-if across a district (decision 025): the same
edges, street test, classification and setback strips as the single check (``permits.check``), with the
geometry work done on shapely arrays — the streets found through one STRtree, every strip buffered and cut in
one call per edge rank."""

from __future__ import annotations

import math

import numpy as np
import shapely

from permits.check.contract import reproject, transformers
from permits.check.edges import PARALLEL_DEG, classify, edges_of, parallel
from permits.check.envelope import forbidden_by

STRIP_QUAD_SEGS = 4  # as permits.check.envelope.strip_of


def _bearings(lines: np.ndarray, points: np.ndarray) -> np.ndarray:
    at = shapely.line_locate_point(lines, points)
    lengths = shapely.length(lines)
    a = shapely.line_interpolate_point(lines, np.maximum(at - 1.0, 0))
    b = shapely.line_interpolate_point(lines, np.minimum(at + 1.0, lengths))
    return np.degrees(np.arctan2(shapely.get_y(b) - shapely.get_y(a), shapely.get_x(b) - shapely.get_x(a)))


def buildable_areas(*, parcels, streets, overlays, rules: dict, metric_srid: int,
                    tolerance: float = 3.0) -> dict:
    """{parcel id: envelope area in m²} of ``parcels`` [(id, shapely geometry in lon/lat)] next to ``streets``
    [(id, shapely line in lon/lat, width_m)] and ``overlays`` (the contract's dicts with a shapely ``geometry``),
    under ``rules`` (the contract's "rules", numbers)."""
    to_m, _back = transformers(metric_srid)
    rules = {k: (float(v) if isinstance(v, (int, float, str)) and k not in ("corner_secondary_front",) and
                 not isinstance(v, bool) and _is_number(v) else v) for k, v in rules.items()}
    ids = [pid for pid, _g in parcels]
    geoms = reproject(to_m, np.array([g for _pid, g in parcels], dtype=object))  # one call for all
    geoms = np.array([max(g.geoms, key=lambda p: p.area) if g.geom_type == "MultiPolygon" else g for g in geoms],
                     dtype=object)
    street_lines = reproject(to_m, np.array([line for _sid, line, _w in streets], dtype=object))
    street_rows = [(sid, "", float(w), line) for (sid, _l, w), line in zip(streets, street_lines, strict=True)]
    widths = np.array([float(w) for _sid, _l, w in streets])
    # Every parcel's edges, flattened; each edge's midpoint.
    per_parcel = [edges_of(g) for g in geoms]
    flat = [e for edges in per_parcel for e in edges]
    owner = np.repeat(np.arange(len(geoms)), [len(e) for e in per_parcel])
    if not flat:
        return {}
    lines = np.array([e.line for e in flat], dtype=object)
    mids = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    facing: list = [None] * len(flat)
    if len(street_lines):
        tree = shapely.STRtree(street_lines)
        edge_idx, street_idx = tree.query(mids, predicate="dwithin", distance=float(widths.max()) / 2 + tolerance)
        if len(edge_idx):
            d = shapely.distance(mids[edge_idx], street_lines[street_idx])
            near = d <= widths[street_idx] / 2 + tolerance
            edge_idx, street_idx, d = edge_idx[near], street_idx[near], d[near]
            street_bearing = _bearings(street_lines[street_idx], mids[edge_idx])
            edge_bearing = np.array([flat[i].bearing for i in edge_idx])
            ok = np.array([parallel(a, b, PARALLEL_DEG) for a, b in zip(edge_bearing, street_bearing, strict=True)],
                          dtype=bool) if len(edge_idx) else np.zeros(0, dtype=bool)
            best: dict[int, tuple[float, int]] = {}
            for e, s, dist in zip(edge_idx[ok], street_idx[ok], d[ok], strict=True):
                if e not in best or dist < best[e][0]:
                    best[e] = (dist, s)
            for e, (_dist, s) in best.items():
                facing[e] = street_rows[s]
    start = 0
    for edges in per_parcel:
        classify(edges, facing[start:start + len(edges)], rules)
        start += len(edges)
    # Strips: every edge buffered by its setback, cut from its parcel one edge rank at a time.
    setbacks = np.array([e.setback for e in flat])
    rank = np.concatenate([np.arange(len(e)) for e in per_parcel])
    envelopes = geoms.copy()
    has = setbacks > 0
    strips = np.empty(len(flat), dtype=object)
    strips[has] = shapely.buffer(lines[has], setbacks[has], quad_segs=STRIP_QUAD_SEGS)
    for k in range(int(rank.max()) + 1):
        pick = (rank == k) & has
        if pick.any():
            envelopes[owner[pick]] = shapely.difference(envelopes[owner[pick]], strips[pick])
    if overlays:
        zones = [{**o, "shape": reproject(to_m, o["geometry"])} for o in overlays]
        tree = shapely.STRtree(np.array([z["shape"].buffer(float(z.get("extra_setback_m") or 0)) for z in zones],
                                        dtype=object))
        p_idx, z_idx = tree.query(geoms, predicate="intersects")
        for p, z in zip(p_idx, z_idx, strict=True):
            cut = forbidden_by(geoms[p], zones[z])
            if not cut.is_empty:
                envelopes[p] = envelopes[p].difference(cut)
    areas = shapely.area(envelopes)
    return {pid: round(float(a), 2) for pid, a in zip(ids, areas, strict=True)}


def _is_number(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
