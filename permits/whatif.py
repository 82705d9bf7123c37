"""What-if across a district (decision 025): before adopting a draft rule set, which issued permits' approved
buildings would no longer comply, and how the buildable area of each vacant parcel would change — the check
itself run again on the permits, its batch envelope (``permits.check.batch``) on the parcels."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.gis.db.models import Union
from django.contrib.gis.db.models.functions import AsWKB, PointOnSurface
from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import wkb

from common.bilingual import in_language
from common.errors import RegisterError
from parcels.models import District, Parcel, Street, Zone
from permits.check import CheckInputError, run_check
from permits.check.batch import buildable_areas
from permits.inputs import check_inputs, rules_payload
from permits.models import Overlay, Permit, PermitStatus, RuleSet, RuleSetStatus
from permits.selectors import degrees, in_force, rule_set_in_force

LIVE = (PermitStatus.ISSUED, PermitStatus.UNDER_CONSTRUCTION, PermitStatus.COMPLETED)


def _area(*, draft: RuleSet, district: District) -> GEOSGeometry | None:
    """Where the draft would apply in the district: its zoning code's zones, cut to the district."""
    zones = Zone.objects.filter(municipality_id=draft.municipality_id, regulation_id=draft.regulation_id,
                                geom__intersects=district.geom).aggregate(u=Union("geom"))["u"]
    return zones.intersection(district.geom) if zones else None


def _shape(value):
    return wkb.loads(bytes(value))


def permits_no_longer_complying(*, draft: RuleSet, area, on: date) -> list[dict]:
    out = []
    permits = (Permit.objects.filter(municipality_id=draft.municipality_id, status__in=LIVE)
               .annotate(at=PointOnSurface("geom")).filter(at__intersects=area)
               .select_related("proposal", "parcel"))
    for permit in permits:
        proposal = permit.proposal
        site = check_inputs(parcel=permit.parcel, on=on, rule_set=draft)
        try:
            result = run_check({**site, "proposal": {"use": proposal.use, "units": proposal.units,
                                                     "parking_spaces": proposal.parking_spaces,
                                                     "height_m": float(proposal.height_m), "floors": proposal.floors}})
        except CheckInputError as exc:
            out.append({"permit": permit.number, "failing": ["input"], "why": [str(exc)],
                        "geometry": json.loads(permit.geom.geojson)})
            continue
        # What it would newly break: a permit approved with a justified failure is listed for the others.
        before = {r["rule"] for r in (proposal.check_result or {}).get("results", []) if not r.get("passed")}
        failing = [r for r in result["results"] if not r["passed"] and r["rule"] not in before]
        if failing:
            out.append({"permit": permit.number, "parcel": permit.parcel.number,
                        "failing": [r["rule"] for r in failing],
                        "why": [in_language(r["explain_ar"], r["explain_en"]) for r in failing],
                        "geometry": json.loads(permit.geom.geojson)})
    return out


def whatif(*, draft: RuleSet, district: District, on: date | None = None, features: bool = True) -> dict:
    """The draft's effect in the district: the permits that would no longer comply, and each vacant parcel's
    buildable area under the rules in force today and under the draft (m²)."""
    if draft.status != RuleSetStatus.DRAFT:
        raise RegisterError(_("Version %(n)s is adopted: compare a draft.") % {"n": draft.number}, code="not_draft")
    if district.municipality_id != draft.municipality_id:
        raise RegisterError(_("The district belongs to another municipality."), code="tenant")
    on = on or timezone.localdate()
    adopted = rule_set_in_force(regulation_id=draft.regulation_id, on=on)
    area = _area(draft=draft, district=district)
    if area is None or area.empty:
        return {"draft": draft.number, "adopted": adopted.number, "code": draft.regulation.code, "permits": [],
                "parcels": 0, "changed": 0, "before_m2": 0.0, "after_m2": 0.0, "features": None}
    parcels = list(Parcel.objects.filter(municipality_id=draft.municipality_id, valid_to__isnull=True,
                                         status="vacant").annotate(at=PointOnSurface("geom"))
                   .filter(at__intersects=area).values_list("pk", "number", AsWKB("geom")))
    shapes = [(pk, _shape(g)) for pk, _n, g in parcels]
    reach = area.envelope.buffer(degrees(60))
    streets = [(pk, _shape(g), float(w)) for pk, w, g in Street.objects.filter(
        municipality_id=draft.municipality_id, geom__intersects=reach).values_list("pk", "width_m", AsWKB("geom"))]
    overlays = [{"id": o.pk, "kind": o.kind, "prohibited": o.prohibited, "extra_setback_m": float(o.extra_setback_m),
                 "geometry": _shape(bytes(o.geom.wkb))}
                for o in Overlay.objects.filter(in_force(on), municipality_id=draft.municipality_id,
                                                geom__intersects=reach)]
    srid = draft.municipality.metric_srid
    before = buildable_areas(parcels=shapes, streets=streets, overlays=overlays, rules=rules_payload(adopted),
                             metric_srid=srid)
    after = buildable_areas(parcels=shapes, streets=streets, overlays=overlays, rules=rules_payload(draft),
                            metric_srid=srid)
    changed = {pk for pk in before if abs(after[pk] - before[pk]) >= 0.01}
    result = {
        "draft": draft.number, "adopted": adopted.number, "code": draft.regulation.code,
        "permits": permits_no_longer_complying(draft=draft, area=area, on=on),
        "parcels": len(shapes), "changed": len(changed),
        "before_m2": round(sum(before.values()), 2), "after_m2": round(sum(after.values()), 2),
        "features": None,
    }
    if features:
        numbers = {pk: n for pk, n, _g in parcels}
        result["features"] = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": pk, "geometry": json.loads(GEOSGeometry(memoryview(g)).json),
             "properties": {"kind": "parcel", "number": numbers[pk], "before_m2": before[pk], "after_m2": after[pk],
                            "delta_m2": round(after[pk] - before[pk], 2)}}
            for pk, _n, g in parcels if pk in changed]
            + [{"type": "Feature", "geometry": p["geometry"],
                "properties": {"kind": "permit", "number": p["permit"], "failing": ", ".join(p["failing"])}}
               for p in result["permits"]]}
    return result
