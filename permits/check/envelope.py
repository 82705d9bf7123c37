"""The buildable envelope: the parcel less, for each edge, the points closer to it than its setback (a strip),
less what overlays forbid (inside a prohibited area and its extra setback; within an extra setback of another)."""

from __future__ import annotations

from shapely.geometry import Polygon
from shapely.ops import unary_union

THIN_M = 0.005  # a piece thinner than 1 cm is drawing noise, not a violation


def strip_of(parcel: Polygon, edge) -> object:
    if edge.setback <= 0:
        return Polygon()
    return parcel.intersection(edge.line.buffer(edge.setback, quad_segs=4))


def forbidden_by(parcel: Polygon, overlay: dict):
    """The part of the parcel an overlay keeps free of building (empty when none)."""
    area = overlay["shape"]
    extra = overlay.get("extra_setback_m") or 0.0
    if overlay.get("prohibited"):
        zone = area.buffer(extra, quad_segs=4) if extra > 0 else area
    elif extra > 0:
        zone = area.buffer(extra, quad_segs=4).difference(area)
    else:
        return Polygon()
    return parcel.intersection(zone)


def envelope_of(parcel: Polygon, edges, overlays) -> tuple[object, dict]:
    """(envelope, {kind: union of that kind's strips})."""
    strips: dict[str, list] = {"front": [], "side": [], "rear": []}
    for edge in edges:
        strip = strip_of(parcel, edge)
        if not strip.is_empty:
            strips[edge.kind].append(strip)
    by_kind = {k: unary_union(v) if v else Polygon() for k, v in strips.items()}
    taken = [g for g in by_kind.values() if not g.is_empty]
    taken += [z for z in (forbidden_by(parcel, o) for o in overlays) if not z.is_empty]
    envelope = parcel.difference(unary_union(taken)) if taken else parcel
    return envelope, by_kind


def substantial(geom) -> bool:
    """More than drawing noise: something remains after shaving 5 mm off every side."""
    return not geom.is_empty and geom.area > 1e-4 and not geom.buffer(-THIN_M).is_empty
