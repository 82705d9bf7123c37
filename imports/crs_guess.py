"""Which CRS are these coordinates in? Guess candidates, never decide silently.

A file's declared CRS is used when it is present and plausible. Two lies are
common and caught here: UTM eastings/northings in a file that says EPSG:4326
(GeoJSON always "says" 4326), and latitude/longitude written in the wrong order.
Without a declared CRS (DXF, shapefile without .prj, CSV) we list the Saudi CRSs
whose ranges fit the coordinates and the user must pick one: Ain el Abd 1970,
KSA-GRF17 and WGS 84 UTM coordinates differ by ~100-300 m, which ranges cannot tell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pyproj import Transformer

from geo.crs import KNOWN_CRS
from imports.errors import ImportRefused

# The Kingdom, generously (lon 34-56 E, lat 16-33 N).
KSA = (34.0, 16.0, 56.0, 33.0)
GEOGRAPHIC = (4326, 9333)
# Order of candidates: CAD from survey offices is most often Ain el Abd, then the national frame.
_UTM_ORDER = [20437, 20438, 20439, 9356, 9357, 9358, 9359, 9360, 32637, 32638, 32639]


@dataclass
class CRSDecision:
    srid: int  # the SRID the coordinates are read in
    swap_axes: bool
    source: str  # "declared" | "confirmed"
    candidates: list[int] = field(default_factory=list)

    def describe(self) -> dict:
        return {"srid": self.srid, "name": KNOWN_CRS[self.srid].name, "swap_axes": self.swap_axes,
                "source": self.source, "candidates": self.candidates}


def _in_ksa(x: float, y: float) -> bool:
    return KSA[0] <= x <= KSA[2] and KSA[1] <= y <= KSA[3]


def _box_in_ksa(b) -> bool:
    return _in_ksa(b[0], b[1]) and _in_ksa(b[2], b[3])


def _to_lonlat(srid: int, b) -> tuple[float, float, float, float]:
    tr = Transformer.from_crs(srid, 4326, always_xy=True)
    xs, ys = tr.transform([b[0], b[2], b[0], b[2]], [b[1], b[3], b[3], b[1]])
    return min(xs), min(ys), max(xs), max(ys)


def candidates(bounds) -> tuple[list[int], bool]:
    """(SRIDs whose ranges fit ``bounds``, whether lon/lat look swapped)."""
    if bounds is None:
        return [], False
    if _box_in_ksa(bounds):
        return list(GEOGRAPHIC), False
    swapped = (bounds[1], bounds[0], bounds[3], bounds[2])
    if _box_in_ksa(swapped):
        return list(GEOGRAPHIC), True
    out = []
    for srid in _UTM_ORDER:
        zone = KNOWN_CRS[srid].utm_zone
        try:
            ll = _to_lonlat(srid, bounds)
        except Exception:  # noqa: S112 (out-of-domain coordinates fit no CRS)
            continue
        centre = (ll[0] + ll[2]) / 2
        # Surveyors stay in a zone a little beyond its edge; 1.5° past is already unusual.
        if _box_in_ksa(ll) and abs(centre - (zone * 6 - 183)) <= 4.5:
            out.append(srid)
    return out, False


def decide(*, declared: int | None, bounds, confirm_srid: int | None, swap_axes: bool = False) -> CRSDecision:
    """The CRS to read the file in, or ImportRefused saying what to confirm."""
    fitting, swapped = candidates(bounds)
    names = {s: f"EPSG:{s} {KNOWN_CRS[s].name}" for s in fitting}
    details = {"declared_srid": declared, "candidates": [{"srid": s, "name": n} for s, n in names.items()],
               "axes_swapped": swapped}
    if confirm_srid is not None and confirm_srid not in KNOWN_CRS:
        raise ImportRefused(_("EPSG:%(s)s is not a supported coordinate reference system.") % {"s": confirm_srid},
                            code="unknown_crs", details=details)
    if swapped and not swap_axes:
        raise ImportRefused(
            _("The coordinates look like latitude/longitude in the wrong order (y in 34-56, x in 16-33); "
              "confirm swapping the axes."),
            code="axes_swapped", details=details,
        )
    if declared is not None and confirm_srid in (None, declared):
        if declared not in KNOWN_CRS:
            raise ImportRefused(
                _("The file declares EPSG:%(s)s, which is not supported; confirm one of the candidates.")
                % {"s": declared}, code="unknown_crs", details=details)
        if declared in GEOGRAPHIC and fitting and fitting[0] not in GEOGRAPHIC:
            raise ImportRefused(
                _("The file says EPSG:%(s)s (degrees) but its coordinates are metres (UTM); "
                  "confirm the real CRS, e.g. %(first)s.") % {"s": declared, "first": names[fitting[0]]},
                code="utm_declared_as_geographic", details=details,
            )
        if declared in GEOGRAPHIC and bounds is not None and not (
            -180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90
        ):
            raise ImportRefused(
                _("The file says EPSG:%(s)s but its coordinates are not longitude/latitude; confirm the CRS.")
                % {"s": declared}, code="utm_declared_as_geographic", details=details)
        return CRSDecision(declared, swap_axes, "declared", fitting)
    if confirm_srid is None:
        if not fitting:
            raise ImportRefused(
                _("The file has no CRS and its coordinates fit none of the Saudi CRSs; confirm the CRS."),
                code="crs_unknown", details=details)
        raise ImportRefused(
            _("The file has no CRS. Its coordinates fit: %(c)s. Confirm one (it is never assumed).")
            % {"c": "; ".join(names.values())},
            code="crs_confirmation_required", details=details,
        )
    _check_fits(confirm_srid, bounds, swap_axes, details)
    return CRSDecision(confirm_srid, swap_axes, "confirmed", fitting)


def _check_fits(srid: int, bounds, swap_axes: bool, details: dict) -> None:
    if bounds is None:
        return
    b = (bounds[1], bounds[0], bounds[3], bounds[2]) if swap_axes else bounds
    try:
        ll = b if srid in GEOGRAPHIC else _to_lonlat(srid, b)
    except Exception:
        ll = None
    if ll is None or not _box_in_ksa(ll):
        raise ImportRefused(
            _("Read as EPSG:%(s)s the coordinates fall outside Saudi Arabia; is the CRS right?") % {"s": srid},
            code="crs_mismatch", details=details,
        )
