"""Survey against register: how far the surveyed outline of a plot is from the parcel the register holds.

Both outlines are compared in metres, in the municipality's metric CRS (``Municipality.metric_srid``, decision 001;
the KSA-GRF17 UTM zone of the parcel when it has none):
- the area of each and their difference (m² and % of the register's area);
- the largest corner shift: each corner of one outline to the nearest corner of the other, both ways;
- the Hausdorff distance between the outlines (the farthest any point of one is from the other);
- the overlap of the survey with each neighbouring parcel (m²).
A survey is within tolerance when every figure is within the municipality's tolerances (surveys.models).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

import shapely
from pyproj import Transformer
from shapely.geometry import Polygon

from geo.crs import utm_srid_for_lon


@lru_cache(maxsize=32)
def _transformer(source: int, target: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{source}", f"EPSG:{target}", always_xy=True)


def to_srid(geom, source: int, target: int):
    if source == target:
        return geom
    return shapely.transform(geom, _transformer(source, target).transform, interleaved=False)


@dataclass(frozen=True)
class Tolerances:
    area_pct: float = 2.0
    corner_shift_m: float = 0.5
    hausdorff_m: float = 0.5
    overlap_m2: float = 10.0


@dataclass
class Comparison:
    metric_srid: int
    register_area_m2: float
    survey_area_m2: float
    area_diff_m2: float
    area_diff_pct: float
    max_corner_shift_m: float
    hausdorff_m: float
    distance_m: float  # between the outlines (0 when they touch or overlap)
    overlap_m2: float
    overlaps: list[dict] = field(default_factory=list)  # [{"parcel": id, "number": "...", "m2": 1.2}]
    exceeded: list[str] = field(default_factory=list)  # codes of the figures beyond tolerance

    @property
    def within_tolerance(self) -> bool:
        return not self.exceeded

    def as_dict(self) -> dict:
        return {**asdict(self), "within_tolerance": self.within_tolerance}


def _corners(polygon: Polygon):
    coords = list(polygon.exterior.coords)[:-1]
    return shapely.points(coords)


def max_corner_shift(a: Polygon, b: Polygon) -> float:
    """The largest distance from a corner of either outline to the nearest corner of the other."""
    ca, cb = _corners(a), _corners(b)
    one = max(min(shapely.distance(p, cb)) for p in ca)
    two = max(min(shapely.distance(p, ca)) for p in cb)
    return float(max(one, two))


def compare(*, survey, register, neighbours=(), tolerances: Tolerances = Tolerances(),
            metric_srid: int | None = None) -> Comparison:
    """``survey`` and ``register``: shapely polygons in EPSG:4326 (lon, lat); ``neighbours``: (parcel id,
    number, polygon in 4326); ``metric_srid``: the municipality's metric CRS (decision 001), else the KSA-GRF17
    UTM zone of the parcel. Figures rounded to the centimetre / square centimetre."""
    srid = metric_srid or utm_srid_for_lon(register.centroid.x)
    s, r = to_srid(survey, 4326, srid), to_srid(register, 4326, srid)
    area_r, area_s = r.area, s.area
    diff = area_s - area_r
    overlaps = []
    for pk, number, geom in neighbours:
        shared = s.intersection(to_srid(geom, 4326, srid)).area
        if shared >= 0.01:
            overlaps.append({"parcel": pk, "number": number, "m2": round(shared, 2)})
    overlaps.sort(key=lambda o: -o["m2"])
    comparison = Comparison(
        metric_srid=srid,
        register_area_m2=round(area_r, 2), survey_area_m2=round(area_s, 2), area_diff_m2=round(diff, 2),
        area_diff_pct=round(100.0 * diff / area_r, 2) if area_r else 0.0,
        max_corner_shift_m=round(max_corner_shift(s, r), 3),
        hausdorff_m=round(s.hausdorff_distance(r), 3),
        distance_m=round(s.distance(r), 2),
        overlap_m2=round(sum(o["m2"] for o in overlaps), 2),
        overlaps=overlaps,
    )
    if abs(comparison.area_diff_pct) > tolerances.area_pct:
        comparison.exceeded.append("area")
    if comparison.max_corner_shift_m > tolerances.corner_shift_m:
        comparison.exceeded.append("corner_shift")
    if comparison.hausdorff_m > tolerances.hausdorff_m:
        comparison.exceeded.append("hausdorff")
    if comparison.overlap_m2 > tolerances.overlap_m2:
        comparison.exceeded.append("overlap")
    return comparison
