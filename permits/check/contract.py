"""Reading the check's input (docs/permits-check.md): numbers that may come as strings, GeoJSON in lon/lat
projected to the municipality's metres, each refusal saying what and where."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely.geometry import shape
from shapely.validation import explain_validity

from permits.check.errors import CheckInputError

FLOOR_KINDS = ("ground", "upper", "annex")
RULE_NUMBERS = ("coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct", "max_floors", "max_height_m",
                "far", "front_setback_m", "side_setback_m", "rear_setback_m")
RULE_OPTIONAL = {"front_setback_street_fraction": 0.0, "front_setback_max_m": None, "min_frontage_m": 0.0,
                 "parking_plot_threshold_m2": 400.0, "parking_small_plot": 1, "parking_large_plot": 2,
                 "parking_per_unit": 1.0, "parking_per_100m2": 0.0}
MIN_FLOOR_HEIGHT_M = 2.5
FAR_FROM_PARCEL_M = 1000.0


@lru_cache(maxsize=16)
def transformers(srid: int) -> tuple:
    return (Transformer.from_crs(4326, srid, always_xy=True).transform,
            Transformer.from_crs(srid, 4326, always_xy=True).transform)


def reproject(fn, geom):
    """``geom`` with every coordinate through ``fn(x, y)`` (a pyproj transformer's ``transform``)."""
    return shapely.transform(geom, lambda x, y: fn(x, y), interleaved=False)


def utm_srid(lon: float) -> int:
    """KSA-GRF17 / UTM of a longitude (zones 36-40 cover the Kingdom)."""
    return 9356 + min(max(int((lon + 180) // 6) + 1, 36), 40) - 36


def number(value, where: str, *, required: bool = True, default=None) -> float | None:
    if value is None or value == "":
        if required:
            raise CheckInputError(_("%(where)s is missing.") % {"where": where}, code="missing", where=where)
        return default
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise CheckInputError(_("%(where)s: “%(v)s” is not a number.") % {"where": where, "v": str(value)[:40]},
                              code="not_a_number", where=where) from None
    if not math.isfinite(out):
        raise CheckInputError(_("%(where)s is not a finite number.") % {"where": where}, code="not_a_number",
                              where=where)
    return out


def lonlat_shape(value, where: str, *, kinds: tuple[str, ...]):
    """A GeoJSON geometry in lon/lat as shapely, or a refusal saying what and where."""
    if not isinstance(value, dict) or "type" not in value:
        raise CheckInputError(_("%(where)s is not a GeoJSON geometry.") % {"where": where}, code="geometry",
                              where=where)
    if value["type"] not in kinds:
        raise CheckInputError(_("%(where)s must be a %(kinds)s, not a %(t)s.")
                              % {"where": where, "kinds": " / ".join(kinds), "t": str(value["type"])[:30]},
                              code="geometry_type", where=where)
    try:
        geom = shape(value)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        raise CheckInputError(_("%(where)s has malformed coordinates.") % {"where": where}, code="geometry",
                              where=where) from None
    if geom.is_empty:
        raise CheckInputError(_("%(where)s is empty.") % {"where": where}, code="geometry", where=where)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise CheckInputError(_("%(where)s is not in longitude/latitude (EPSG:4326): its coordinates reach "
                                "(%(x).1f, %(y).1f). Send the drawing's CRS, or transform it first.")
                              % {"where": where, "x": maxx, "y": maxy}, code="wrong_crs", where=where)
    return geom


def valid(geom, where: str):
    if not geom.is_valid:
        reason = explain_validity(geom)
        raise CheckInputError(_("%(where)s is not a valid polygon: %(why)s (self-overlapping or crossing "
                                "edges; the place is in longitude/latitude).") % {"where": where, "why": reason},
                              code="invalid_geometry", where=where)
    return geom


@dataclass
class Floor:
    kind: str
    level: int
    shape: object  # metric shapely polygon(s)
    where: str

    @property
    def area(self) -> float:
        return self.shape.area


@dataclass
class Site:
    srid: int
    parcel: object  # metric polygon
    parcel_id: object
    parcel_number: str
    streets: list = field(default_factory=list)  # (id, name, width_m, metric line)
    overlays: list = field(default_factory=list)  # dicts with metric "shape"
    rules: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    tolerance: float = 3.0


def _rules(raw, where: str = "rules") -> tuple[dict, dict]:
    if not isinstance(raw, dict):
        raise CheckInputError(_("The input has no rules."), code="missing", where=where)
    rules = {name: number(raw.get(name), f"{where}.{name}") for name in RULE_NUMBERS}
    for name, default in RULE_OPTIONAL.items():
        rules[name] = number(raw.get(name), f"{where}.{name}", required=False, default=default)
    rules["corner_secondary_front"] = raw.get("corner_secondary_front") or "front"
    uses = raw.get("allowed_uses")
    if not isinstance(uses, list):
        raise CheckInputError(_("%(where)s.allowed_uses must be a list.") % {"where": where}, code="missing",
                              where=f"{where}.allowed_uses")
    rules["allowed_uses"] = [str(u) for u in uses]
    problems = contradictions(rules)
    if problems:
        raise CheckInputError(_("The rule set contradicts itself: %(p)s") % {"p": "; ".join(problems)},
                              code="contradictory_rules", where=where)
    return rules, dict(raw.get("source") or {})


def contradictions(rules: dict) -> list[str]:
    """What makes a rule set impossible to apply (also checked when a planner saves one)."""
    out = []
    for name in RULE_NUMBERS + tuple(k for k in RULE_OPTIONAL if rules.get(k) is not None):
        if rules.get(name) is not None and rules[name] < 0:
            out.append(_("%(f)s is negative") % {"f": name})
    for name in ("coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct"):
        if rules.get(name) is not None and rules[name] > 100:
            out.append(_("%(f)s is above 100 %%") % {"f": name})
    if rules.get("max_floors") is not None and rules["max_floors"] < 1:
        out.append(_("max_floors is below 1"))
    if (rules.get("max_height_m") is not None and rules.get("max_floors")
            and rules["max_height_m"] < rules["max_floors"] * MIN_FLOOR_HEIGHT_M):
        out.append(_("a height of %(h)s m cannot hold %(n)s floors of at least %(m)s m")
                   % {"h": rules["max_height_m"], "n": int(rules["max_floors"]), "m": MIN_FLOOR_HEIGHT_M})
    if rules.get("front_setback_max_m") is not None and rules["front_setback_max_m"] < rules["front_setback_m"]:
        out.append(_("the front setback's maximum (%(max)s m) is below its minimum (%(min)s m)")
                   % {"max": rules["front_setback_max_m"], "min": rules["front_setback_m"]})
    if rules.get("far") is not None and rules["far"] <= 0:
        out.append(_("the floor area ratio must be above 0"))
    return out


def read_site(payload: dict) -> Site:
    if not isinstance(payload, dict):
        raise CheckInputError(_("The input must be a JSON object."), code="not_an_object", where="$")
    parcel_in = payload.get("parcel")
    if not isinstance(parcel_in, dict):
        raise CheckInputError(_("The input has no parcel."), code="missing", where="parcel")
    parcel_ll = valid(lonlat_shape(parcel_in.get("geometry"), "parcel.geometry", kinds=("Polygon", "MultiPolygon")),
                      "parcel.geometry")
    srid = int(number(payload.get("metric_srid"), "metric_srid", required=False,
                      default=utm_srid(parcel_ll.centroid.x)))
    try:
        to_metric, _back = transformers(srid)
    except Exception:  # pyproj's CRSError: an unknown code
        raise CheckInputError(_("metric_srid %(s)s is not a known projected CRS.") % {"s": srid}, code="wrong_crs",
                              where="metric_srid") from None
    parcel = reproject(to_metric, parcel_ll)
    if parcel.geom_type == "MultiPolygon":
        parcel = max(parcel.geoms, key=lambda p: p.area)
    rules, source = _rules(payload.get("rules"))
    site = Site(srid=srid, parcel=parcel, parcel_id=parcel_in.get("id"),
                parcel_number=str(parcel_in.get("number") or parcel_in.get("id") or ""), rules=rules, source=source,
                tolerance=number(payload.get("street_tolerance_m"), "street_tolerance_m", required=False, default=3.0))
    for i, street in enumerate(payload.get("streets") or []):
        where = f"streets[{i}]"
        line = lonlat_shape((street or {}).get("geometry"), f"{where}.geometry",
                            kinds=("LineString", "MultiLineString"))
        width = number(street.get("width_m"), f"{where}.width_m")
        site.streets.append((street.get("id"), str(street.get("name") or ""), width, reproject(to_metric, line)))
    for i, overlay in enumerate(payload.get("overlays") or []):
        where = f"overlays[{i}]"
        geom = lonlat_shape((overlay or {}).get("geometry"), f"{where}.geometry", kinds=("Polygon", "MultiPolygon"))
        site.overlays.append({
            "id": overlay.get("id"), "kind": overlay.get("kind") or "other",
            "name_ar": overlay.get("name_ar") or "", "name_en": overlay.get("name_en") or "",
            "prohibited": bool(overlay.get("prohibited")),
            "extra_setback_m": number(overlay.get("extra_setback_m"), f"{where}.extra_setback_m", required=False,
                                      default=0.0),
            "max_height_m": number(overlay.get("max_height_m"), f"{where}.max_height_m", required=False),
            "shape": reproject(to_metric, shapely.make_valid(geom)),
        })
    return site


def read_floors(site: Site, proposal) -> tuple[list[Floor], dict]:
    if not isinstance(proposal, dict):
        raise CheckInputError(_("The input has no proposal."), code="missing", where="proposal")
    raw = proposal.get("floors")
    if not isinstance(raw, list) or not raw:
        raise CheckInputError(_("The proposal has no floors: at least the ground floor's footprint."),
                              code="no_floors", where="proposal.floors")
    to_metric, _back = transformers(site.srid)
    floors = []
    for i, item in enumerate(raw):
        where = f"proposal.floors[{i}]"
        kind = (item or {}).get("kind")
        if kind not in FLOOR_KINDS:
            raise CheckInputError(_("%(where)s.kind must be one of ground, upper, annex.") % {"where": where},
                                  code="floor_kind", where=f"{where}.kind")
        geom = valid(lonlat_shape(item.get("footprint"), f"{where}.footprint", kinds=("Polygon", "MultiPolygon")),
                     f"{where}.footprint")
        metric = reproject(to_metric, geom)
        gap = metric.distance(site.parcel)
        if gap > FAR_FROM_PARCEL_M:
            raise CheckInputError(_("%(where)s.footprint lies %(km).1f km from parcel %(n)s: is it the right parcel "
                                    "and the right CRS?") % {"where": where, "km": gap / 1000, "n": site.parcel_number},
                                  code="wrong_crs", where=f"{where}.footprint")
        if metric.intersection(site.parcel).area < 0.01:
            raise CheckInputError(_("%(where)s.footprint lies outside parcel %(n)s (%(d).1f m from it).")
                                  % {"where": where, "n": site.parcel_number, "d": gap},
                                  code="outside_parcel", where=f"{where}.footprint")
        floors.append(Floor(kind=kind, level=int(number(item.get("level"), f"{where}.level", required=False,
                                                        default=i)), shape=metric, where=where))
    if not any(f.kind == "ground" for f in floors):
        raise CheckInputError(_("The proposal has no ground floor."), code="no_ground", where="proposal.floors")
    attrs = {
        "use": str(proposal.get("use") or ""),
        "units": int(number(proposal.get("units"), "proposal.units", required=False, default=1)),
        "parking_spaces": int(number(proposal.get("parking_spaces"), "proposal.parking_spaces", required=False,
                                     default=0)),
        "height_m": number(proposal.get("height_m"), "proposal.height_m"),
    }
    if not attrs["use"]:
        raise CheckInputError(_("The proposal does not say the building's use."), code="missing", where="proposal.use")
    if attrs["units"] < 1 or attrs["parking_spaces"] < 0 or attrs["height_m"] <= 0:
        raise CheckInputError(_("Units must be at least 1, parking spaces not negative and the height above 0."),
                              code="proposal", where="proposal")
    return floors, attrs
