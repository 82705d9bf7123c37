"""Pure geometry for splitting parcels (shapely; lon/lat in, lon/lat out).

Cuts are made with ``shapely.ops.split`` so the pieces share their cut edges
vertex for vertex: the children tile the parent exactly, with no gap or overlap.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.ops import split


def split_by_line(poly: Polygon | MultiPolygon, line: LineString) -> list[Polygon]:
    pieces = [g for g in split(poly, line).geoms if isinstance(g, Polygon) and not g.is_empty]
    return pieces


def split_equal_area(poly: Polygon | MultiPolygon, parts: int) -> list[Polygon | MultiPolygon]:
    """Cut into ``parts`` pieces of equal area by parallel cuts across the long axis.

    Works in a local frame where a degree of longitude is shrunk by cos(latitude),
    so "equal area" and "long axis" are as a surveyor would see them.
    """
    lat0 = poly.centroid.y
    k = math.cos(math.radians(lat0))
    local = shapely.transform(poly, lambda c: np.column_stack([c[:, 0] * k, c[:, 1]]))
    axis = _long_axis(local)
    normal = np.array([-axis[1], axis[0]])
    coords = shapely.get_coordinates(local)
    proj = coords @ axis
    lo, hi = proj.min(), proj.max()
    total = local.area
    reach = (hi - lo) + float(np.ptp(coords @ normal)) + 1.0
    centre = coords.mean(axis=0)

    def below(t: float):
        # Half-plane {p : p·axis <= t} as a big rectangle.
        base = centre + axis * (t - centre @ axis)
        a, b = base - normal * reach, base + normal * reach
        box = Polygon([a, b, b - axis * 2 * reach, a - axis * 2 * reach])
        return local.intersection(box).area

    cuts = []
    for i in range(1, parts):
        target, a, b = total * i / parts, lo, hi
        for _ in range(60):
            mid = (a + b) / 2
            if below(mid) < target:
                a = mid
            else:
                b = mid
        cuts.append((a + b) / 2)

    lines = []
    for t in cuts:
        base = centre + axis * (t - centre @ axis)
        p1, p2 = base - normal * reach, base + normal * reach
        lines.append([(p1[0] / k, p1[1]), (p2[0] / k, p2[1])])
    pieces = split(poly, MultiLineString(lines)).geoms
    # Group pieces by the strip their interior point falls in (a concave parcel can give several per strip).
    strips: list[list[Polygon]] = [[] for _ in range(parts)]
    for piece in pieces:
        p = piece.representative_point()
        t = np.array([p.x * k, p.y]) @ axis
        strips[int(np.searchsorted(cuts, t))].append(piece)
    return [shapely.union_all(s) if len(s) > 1 else s[0] for s in strips if s]


def _long_axis(local) -> np.ndarray:
    rect = local.minimum_rotated_rectangle
    xy = np.asarray(rect.exterior.coords)[:4]
    e1, e2 = xy[1] - xy[0], xy[2] - xy[1]
    edge = e1 if np.hypot(*e1) >= np.hypot(*e2) else e2
    n = np.hypot(*edge)
    return edge / n if n else np.array([1.0, 0.0])
