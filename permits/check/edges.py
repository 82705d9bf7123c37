"""Which edges of a parcel are front, side and rear (docs/permits-check.md, "Edges").

The exterior ring is split into edges (consecutive segments turning less than ``MERGE_DEG`` are one edge). An
edge is a **front** when a street centreline passes within (width / 2 + tolerance) of its midpoint and runs
within ``PARALLEL_DEG`` of it. The longest front is the main front; another front not parallel to it makes a
**corner** parcel (it takes ``corner_secondary_front``: a front or a side setback); a front parallel to it (a
through lot) is a front too. Of the edges that are not fronts, the one parallel to the main front and farthest
from it is the **rear**; the rest are **sides**."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.polygon import orient

MERGE_DEG = 10.0
PARALLEL_DEG = 30.0


@dataclass
class Edge:
    index: int
    line: LineString
    kind: str = "side"
    street: tuple | None = None  # (id, name, width_m)
    setback: float = 0.0

    @property
    def length(self) -> float:
        return self.line.length

    @cached_property  # an edge's line never changes; classify and the batch ask for it many times
    def bearing(self) -> float:
        (x0, y0), (x1, y1) = self.line.coords[0], self.line.coords[-1]
        return math.degrees(math.atan2(y1 - y0, x1 - x0))


def _turn(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def parallel(a: float, b: float, within: float = PARALLEL_DEG) -> bool:
    """Two directions (degrees) within ``within`` of each other, whichever way they run."""
    return min(_turn(a, b), _turn(a, b + 180)) < within


def edges_of(parcel: Polygon) -> list[Edge]:
    ring = list(orient(parcel, 1.0).exterior.coords)[:-1]
    n = len(ring)
    segs = [(ring[i], ring[(i + 1) % n]) for i in range(n) if ring[i] != ring[(i + 1) % n]]

    def bearing(s):
        return math.degrees(math.atan2(s[1][1] - s[0][1], s[1][0] - s[0][0]))

    # Start at a real corner so a straight run across the ring's first vertex stays one edge.
    start = next((i for i in range(len(segs)) if _turn(bearing(segs[i - 1]), bearing(segs[i])) >= MERGE_DEG), 0)
    segs = segs[start:] + segs[:start]
    runs: list[list] = []
    for s in segs:
        if runs and _turn(bearing(runs[-1][-1]), bearing(s)) < MERGE_DEG:
            runs[-1].append(s)
        else:
            runs.append([s])
    return [Edge(index=i, line=LineString([run[0][0]] + [s[1] for s in run])) for i, run in enumerate(runs)]


def _street_bearing(line, at: Point) -> float:
    d = line.project(at)
    a, b = line.interpolate(max(d - 1.0, 0)), line.interpolate(min(d + 1.0, line.length))
    return math.degrees(math.atan2(b.y - a.y, b.x - a.x))


def facing_street(edge: Edge, streets, tolerance: float):
    """The nearest street (id, name, width, line) running along ``edge`` close enough to face it, or None."""
    mid = edge.line.interpolate(0.5, normalized=True)
    best = None
    for street in streets:
        _sid, _name, width, line = street
        d = line.distance(mid)
        if d <= width / 2 + tolerance and parallel(edge.bearing, _street_bearing(line, mid)):
            if best is None or d < best[0]:
                best = (d, street)
    return best[1] if best else None


def front_setback(rules: dict, width: float) -> float:
    value = max(rules["front_setback_m"], width * (rules.get("front_setback_street_fraction") or 0.0))
    cap = rules.get("front_setback_max_m")
    return min(value, cap) if cap is not None else value


def classify(edges: list[Edge], streets_of_edge: list, rules: dict) -> dict:
    """Set each edge's kind, street and setback; return {"main": Edge | None, "corner": bool}."""
    fronts = []
    for edge, street in zip(edges, streets_of_edge, strict=True):
        if street is not None:
            edge.kind, edge.street = "front", street[:3]
            fronts.append(edge)
    main = max(fronts, key=lambda e: (round(e.length, 3), e.street[2])) if fronts else None
    corner = False
    for edge in fronts:
        if edge is main:
            edge.setback = front_setback(rules, edge.street[2])
        elif parallel(edge.bearing, main.bearing):
            edge.setback = front_setback(rules, edge.street[2])
        else:
            corner = True
            edge.setback = (front_setback(rules, edge.street[2]) if rules.get("corner_secondary_front") != "side"
                            else rules["side_setback_m"])
    others = [e for e in edges if e.kind != "front"]
    if main is not None:
        mid = main.line.interpolate(0.5, normalized=True)
        opposite = [e for e in others if parallel(e.bearing, main.bearing)]
        if opposite:
            rear = max(opposite, key=lambda e: e.line.distance(mid))
            rear.kind = "rear"
    for edge in others:
        edge.setback = rules["rear_setback_m"] if edge.kind == "rear" else rules["side_setback_m"]
    return {"main": main, "corner": corner}
