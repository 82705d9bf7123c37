"""Many parcels' buildable envelope areas at once, for the what-if (docs/permits-whatif.md).

The SAME edges, street facing, classification and setbacks as ``run_check`` (``permits.check.edges`` is called
for each parcel: its edges and their kinds are a few Python steps), while what costs (projecting every parcel,
finding the street beside each edge, buffering every setback strip, cutting the strips and the overlays out of
the parcels, measuring) runs on shapely 2 arrays: one call per step over all parcels, not one per parcel.

``buildable_areas(parcels=[(id, lon/lat shapely)], streets=[(id, lon/lat line, width_m)], overlays=[{... as in
the contract, "geometry": shapely or GeoJSON in lon/lat}], rules=<the contract's "rules">, metric_srid=…)``
→ ``{parcel id: envelope area in m²}``. A parcel whose geometry is invalid or empty is left out (the check
refuses it too)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import shape

from permits.check.contract import _rules, reproject, transformers
from permits.check.edges import PARALLEL_DEG, classify, edges_of


def _metric(geoms: np.ndarray, srid: int) -> np.ndarray:
    to_metric, _back = transformers(srid)
    return reproject(to_metric, geoms)


def _largest(geom):
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda p: p.area)
    return geom


def _turn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = np.abs(a - b) % 360
    return np.minimum(d, 360 - d)


def _parallel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.minimum(_turn(a, b), _turn(a, b + 180)) < PARALLEL_DEG


def _facing(edges: list, streets: list, tolerance: float) -> list:
    """For each edge, the street it faces ((id, name, width, line) or None) — ``edges.facing_street`` for all
    edges at once: the nearest street within width / 2 + tolerance of the edge's midpoint, running parallel."""
    out: list = [None] * len(edges)
    if not edges or not streets:
        return out
    lines = np.array([s[3] for s in streets], dtype=object)
    widths = np.array([s[2] for s in streets], dtype=float)
    tree = shapely.STRtree(lines)
    edge_lines = np.array([e.line for e in edges], dtype=object)
    mids = shapely.line_interpolate_point(edge_lines, 0.5, normalized=True)
    ei, si = tree.query(mids, predicate="dwithin", distance=float(widths.max()) / 2 + tolerance)
    if not len(ei):
        return out
    d = shapely.distance(lines[si], mids[ei])
    near = d <= widths[si] / 2 + tolerance
    ei, si, d = ei[near], si[near], d[near]
    at = shapely.line_locate_point(lines[si], mids[ei])
    length = shapely.length(lines[si])
    a = shapely.line_interpolate_point(lines[si], np.maximum(at - 1.0, 0))
    b = shapely.line_interpolate_point(lines[si], np.minimum(at + 1.0, length))
    street_bearing = np.degrees(np.arctan2(shapely.get_y(b) - shapely.get_y(a), shapely.get_x(b) - shapely.get_x(a)))
    edge_bearing = np.array([edges[i].bearing for i in ei], dtype=float)
    ok = _parallel(edge_bearing, street_bearing)
    ei, si, d = ei[ok], si[ok], d[ok]
    # the nearest; on a tie the first street in the list (as facing_street keeps the first it meets)
    for i in np.lexsort((si, d, ei))[::-1]:
        out[ei[i]] = streets[si[i]]
    return out


def _overlay_zones(overlays: list, srid: int) -> list:
    """The metric area each overlay keeps free of building (``envelope.forbidden_by`` without the parcel)."""
    zones = []
    for o in overlays or []:
        geom = o["geometry"]
        geom = shape(geom) if isinstance(geom, dict) else geom
        area = _metric(np.array([shapely.make_valid(geom)], dtype=object), srid)[0]
        extra = float(o.get("extra_setback_m") or 0.0)
        if o.get("prohibited"):
            zones.append(area.buffer(extra, quad_segs=4) if extra > 0 else area)
        elif extra > 0:
            zones.append(area.buffer(extra, quad_segs=4).difference(area))
    return [z for z in zones if not z.is_empty]


def buildable_areas(*, parcels, streets, overlays, rules: dict, metric_srid: int,
                    tolerance: float = 3.0) -> dict[int, float]:
    rules, _source = _rules(rules)  # the same reading (and refusal of contradictions) as the check's
    if not parcels:
        return {}
    ids = [pid for pid, _g in parcels]
    geoms = np.array([g for _pid, g in parcels], dtype=object)
    keep = shapely.is_valid(geoms) & ~shapely.is_empty(geoms)
    ids = [pid for pid, k in zip(ids, keep, strict=True) if k]
    metric = _metric(geoms[keep], metric_srid)
    metric = np.array([_largest(g) for g in metric], dtype=object)
    street_list = []
    if streets:
        lines = _metric(np.array([line for _sid, line, _w in streets], dtype=object), metric_srid)
        street_list = [(sid, "", float(w), line) for (sid, _l, w), line in zip(streets, lines, strict=True)]

    # Edges of every parcel, and the street each faces (all edges at once).
    per_parcel = [edges_of(p) for p in metric]
    flat = [e for edges in per_parcel for e in edges]
    facing = _facing(flat, street_list, tolerance)
    strips_of: list[list] = []
    k = 0
    for edges in per_parcel:
        classify(edges, facing[k:k + len(edges)], rules)
        k += len(edges)
        strips_of.append([e for e in edges if e.setback > 0])

    # Cut the strips out: the k-th strip of every parcel that has one, in one call per k.
    envelope = metric.copy()
    most = max((len(s) for s in strips_of), default=0)
    for rank in range(most):
        which = np.array([i for i, s in enumerate(strips_of) if len(s) > rank], dtype=int)
        lines = np.array([strips_of[i][rank].line for i in which], dtype=object)
        widths = np.array([strips_of[i][rank].setback for i in which], dtype=float)
        envelope[which] = shapely.difference(envelope[which], shapely.buffer(lines, widths, quad_segs=4))

    zones = _overlay_zones(overlays, metric_srid)
    if zones:
        tree = shapely.STRtree(np.array(zones, dtype=object))
        pi, zi = tree.query(metric, predicate="intersects")
        for p, z in zip(pi, zi, strict=True):
            envelope[p] = envelope[p].difference(zones[z])
    areas = shapely.area(envelope)
    return {pid: float(a) for pid, a in zip(ids, areas, strict=True)}
