"""Where may this activity open? The spatial eligibility of a point for an activity (issue 20 §1), each rule
checked in PostGIS and explained in Arabic and English:

- the point lies in a parcel of the municipality;
- the parcel is built, and its building permit (when Ardh has one) reached its occupancy certificate;
- the zone there allows the activity;
- the street the premises fronts (the widest within ``FRONTING_M``) is of a kind the activity allows;
- the activity's distance rules: no school / mosque / premises of the same activity nearer than its minimum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils.translation import gettext as _

from common.bilingual import in_both
from licensing.models import Activity, LicenseStatus
from parcels.models import Street

FRONTING_M = 60  # a premises fronts a street whose centreline is this near
PERMIT_CASE = "building_permit"
PERMIT_DONE = "completed"  # the occupancy certificate
STREET_RANK = {"arterial": 4, "collector": 3, "local": 2, "pedestrian": 1}
LAND_USE_OF = {"school": "education", "mosque": "mosque"}
OPEN_LICENSES = (LicenseStatus.APPLIED, LicenseStatus.ACTIVE, LicenseStatus.SUSPENDED)


@dataclass
class Check:
    rule: str
    passed: bool
    why_ar: str
    why_en: str
    detail: dict = field(default_factory=dict)


@dataclass
class Eligibility:
    activity: str
    checks: list[Check]
    parcel_id: int | None = None
    street_id: int | None = None
    district_id: int | None = None
    zone: str | None = None

    @property
    def eligible(self) -> bool:
        return all(c.passed for c in self.checks)

    def failing(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def as_dict(self) -> dict:
        return {"activity": self.activity, "eligible": self.eligible, "parcel": self.parcel_id,
                "street": self.street_id, "district": self.district_id, "zone": self.zone,
                "checks": [asdict(c) for c in self.checks]}


def _check(rule: str, passed: bool, text_fn, **detail) -> Check:
    ar, en = in_both(text_fn)
    return Check(rule=rule, passed=passed, why_ar=ar, why_en=en, detail=detail)


def _one(sql: str, params: list):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


SITE_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
SELECT p.id, p.number, p.status, p.land_use,
       (SELECT r.code FROM parcels_zone z JOIN parcels_zoningregulation r ON r.id = z.regulation_id
         WHERE z.municipality_id = %s AND ST_Covers(z.geom, pt.g) ORDER BY z.id LIMIT 1),
       (SELECT d.id FROM parcels_district d WHERE d.municipality_id = %s AND ST_Covers(d.geom, pt.g) LIMIT 1),
       (SELECT c.number || ' ' || c.status FROM cases_caseparcel cp JOIN cases_case c ON c.id = cp.case_id
         WHERE cp.parcel_id = p.id AND c.case_type = %s ORDER BY c.created_at DESC LIMIT 1)
FROM pt LEFT JOIN parcels_parcel p ON p.municipality_id = %s AND ST_Covers(p.geom, pt.g)
ORDER BY p.id LIMIT 1
"""

STREET_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
SELECT s.id, s.kind, COALESCE(NULLIF(s.name_ar, ''), s.name_en), ST_Distance(s.geom::geography, pt.g::geography)
FROM parcels_street s, pt
WHERE s.municipality_id = %s AND s.geom && ST_Expand(pt.g, %s)
  AND ST_DWithin(s.geom::geography, pt.g::geography, %s)
ORDER BY CASE s.kind WHEN 'arterial' THEN 0 WHEN 'collector' THEN 1 WHEN 'local' THEN 2 ELSE 3 END,
         s.geom::geography <-> pt.g::geography
LIMIT 1
"""

NEAR_PARCEL_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
SELECT p.number, ST_Distance(p.geom::geography, pt.g::geography) AS d
FROM parcels_parcel p, pt
WHERE p.municipality_id = %s AND p.land_use = %s AND p.geom && ST_Expand(pt.g, %s)
  AND ST_DWithin(p.geom::geography, pt.g::geography, %s)
ORDER BY d LIMIT 1
"""

NEAR_SAME_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
SELECT COALESCE(NULLIF(l.number, ''), '#' || l.id), ST_Distance(l.geom::geography, pt.g::geography) AS d
FROM licensing_license l, pt
WHERE l.municipality_id = %s AND l.activity_id = %s AND l.status = ANY(%s) AND l.premises_id <> %s
  AND l.geom && ST_Expand(pt.g, %s) AND ST_DWithin(l.geom::geography, pt.g::geography, %s)
ORDER BY d LIMIT 1
"""


def _degrees(metres: float) -> float:
    """A lon/lat box margin that surely covers ``metres`` (at the Kingdom's latitudes, 1° of longitude ≥ 89 km)."""
    return metres / 85_000


def eligibility_check(*, municipality_id: int, activity: Activity, point: Point,
                      premises_id: int | None = None) -> Eligibility:
    """Every rule of ``activity`` at ``point`` (lon/lat), passed or not, with the reason."""
    lon, lat = point.x, point.y
    out = Eligibility(activity=activity.code, checks=[])
    site = _one(SITE_SQL, [lon, lat, municipality_id, municipality_id, PERMIT_CASE, municipality_id])
    parcel_id, number, status, _use, zone, district, permit = site
    out.district_id, out.zone = district, zone
    if parcel_id is None:
        out.checks.append(_check("parcel", False, lambda: _(
            "The location is not inside any parcel of the municipality: place the premises inside its parcel.")))
        return out
    out.parcel_id = parcel_id
    out.checks.append(_check("parcel", True, lambda: _("In parcel %(n)s.") % {"n": number}, parcel=number))
    out.checks.append(_building(status, number, permit))
    out.checks.append(_zone(activity, zone))
    street = _one(STREET_SQL, [lon, lat, municipality_id, _degrees(FRONTING_M), FRONTING_M])
    out.street_id = street[0] if street else None
    out.checks.append(_street(activity, street))
    for rule in activity.distance_rules or []:
        out.checks.append(_distance(rule, activity, lon, lat, municipality_id, premises_id or 0))
    return out


def _building(status: str, number: str, permit: str | None) -> Check:
    if status != "built":
        return _check("building", False, lambda: _(
            "Parcel %(n)s is not built (its register status is %(s)s): a shop opens only in a finished building.")
            % {"n": number, "s": status}, status=status)
    if permit:
        case_number, case_status = permit.split(" ", 1)
        if case_status != PERMIT_DONE:
            return _check("building", False, lambda: _(
                "The building permit %(c)s of parcel %(n)s has not reached its occupancy certificate (%(s)s).")
                % {"c": case_number, "n": number, "s": case_status}, permit=case_number)
        return _check("building", True, lambda: _(
            "Built, with building permit %(c)s completed (occupancy certificate).") % {"c": case_number},
            permit=case_number)
    return _check("building", True, lambda: _(
        "Built (recorded built in the land register before Ardh's permits; no permit on file)."))


def _zone(activity: Activity, zone: str | None) -> Check:
    allowed = ", ".join(activity.allowed_zones)
    if zone is None:
        return _check("zone", False, lambda: _("No zoning covers this location; %(a)s needs zone %(z)s.")
                      % {"a": activity.code, "z": allowed})
    passed = zone in activity.allowed_zones
    return _check("zone", passed, (lambda: _("Zone %(zone)s allows %(a)s.") % {"zone": zone, "a": activity.code})
                  if passed else (lambda: _("Zone %(zone)s does not allow %(a)s (allowed in: %(z)s).")
                                  % {"zone": zone, "a": activity.code, "z": allowed}), zone=zone)


def _street(activity: Activity, street) -> Check:
    if street is None:
        return _check("street", False, lambda: _("No street within %(m)d m: the premises must front a street.")
                      % {"m": FRONTING_M})
    sid, kind, name, dist = street
    passed = kind in activity.allowed_streets
    if passed:
        return _check("street", True, lambda: _("Fronts %(name)s (%(kind)s street, %(d).0f m away).")
                      % {"name": name, "kind": _kind(kind), "d": dist}, street=sid, kind=kind)
    return _check("street", False, lambda: _("Fronts %(name)s, a %(kind)s street: %(a)s needs a street of kind "
                                             "%(allowed)s.") % {"name": name, "kind": _kind(kind), "a": activity.code,
                                                                "allowed": ", ".join(_kind(k) for k in
                                                                                     activity.allowed_streets)},
                  street=sid, kind=kind)


def _kind(code: str) -> str:
    try:
        return str(Street.Kind(code).label)
    except ValueError:
        return code


def _distance(rule: dict, activity: Activity, lon: float, lat: float, municipality_id: int,
              premises_id: int) -> Check:
    kind, metres = rule["from"], float(rule["min_m"])
    name = f"distance_{kind}"
    if kind == "same":
        near = _one(NEAR_SAME_SQL, [lon, lat, municipality_id, activity.pk, list(OPEN_LICENSES), premises_id,
                                    _degrees(metres), metres])
    else:
        near = _one(NEAR_PARCEL_SQL, [lon, lat, municipality_id, LAND_USE_OF[kind], _degrees(metres), metres])
    if near is None:
        return _check(name, True, lambda: _("No %(what)s within %(m).0f m.") % {"what": _what(kind), "m": metres},
                      min_m=metres)
    label, dist = near
    return _check(name, False, lambda: _("Too near %(what)s: %(label)s is %(d).0f m away; %(a)s needs at least "
                                         "%(m).0f m.") % {"what": _what(kind), "label": label, "d": dist,
                                                          "a": activity.code, "m": metres},
                  min_m=metres, nearest_m=round(dist, 1), nearest=label)


def _what(kind: str) -> str:
    return {"school": _("school"), "mosque": _("mosque"), "same": _("premises of the same activity")}[kind]
