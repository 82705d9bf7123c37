"""The check's inputs gathered from the registers for a parcel (docs/permits-check.md): its geometry, the streets
beside it with their widths, the overlays near it, and the rule set of its zone in force on a day; and the
application's prefill (zone, district, plan, streets, frontage, envelope, the parcel's survey decision)."""

from __future__ import annotations

import json
from datetime import date

from django.utils.translation import gettext as _

from accounts.models import Municipality
from cases.models import Case
from common.errors import RegisterError
from parcels.models import Parcel
from permits.check import describe_site
from permits.models import RuleSet
from permits.selectors import district_of, overlays_touching, rule_set_in_force, streets_near, zone_for


def _num(value):
    return None if value is None else float(value)


def rules_payload(rule_set: RuleSet) -> dict:
    """A rule set as the check's "rules" (docs/permits-check.md)."""
    r = rule_set
    return {
        "source": {"rule_set": r.pk, "code": r.regulation.code, "version": r.number,
                   "valid_from": r.valid_from.isoformat(), "name_ar": r.regulation.name_ar,
                   "name_en": r.regulation.name_en, "status": r.status},
        **{name: _num(getattr(r, name)) for name in (
            "coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct", "max_height_m", "far",
            "front_setback_m", "front_setback_street_fraction", "front_setback_max_m", "side_setback_m",
            "rear_setback_m", "min_frontage_m", "parking_plot_threshold_m2", "parking_per_unit",
            "parking_per_100m2")},
        "max_floors": r.max_floors, "parking_small_plot": r.parking_small_plot,
        "parking_large_plot": r.parking_large_plot, "corner_secondary_front": r.corner_secondary_front,
        "allowed_uses": list(r.allowed_uses),
    }


def check_inputs(*, parcel: Parcel, on: date, rule_set: RuleSet | None = None) -> dict:
    """The check's input for ``parcel`` without the proposal; ``rule_set`` None: the one of its zone in force on
    ``on``. RegisterError when the parcel is retired, lies in no zone or its zone has no rules that day."""
    if parcel.valid_to is not None:
        raise RegisterError(_("Parcel %(n)s is retired: name the parcel that replaced it.") % {"n": parcel.number},
                            code="retired")
    if rule_set is None:
        rule_set = rule_set_in_force(regulation_id=zone_for(parcel=parcel).regulation_id, on=on)
    srid = Municipality.objects.filter(pk=parcel.municipality_id).values_list("metric_srid", flat=True).first()
    return {
        "metric_srid": srid,
        "parcel": {"id": parcel.pk, "number": parcel.number, "geometry": json.loads(parcel.geom.geojson)},
        "streets": [{"id": s.pk, "name": s.name_ar or s.name_en, "width_m": float(s.width_m), "kind": s.kind,
                     "geometry": json.loads(s.geom.geojson)} for s in streets_near(parcel=parcel)],
        "overlays": [{"id": o.pk, "kind": o.kind, "name_ar": o.name_ar, "name_en": o.name_en,
                      "prohibited": o.prohibited, "extra_setback_m": float(o.extra_setback_m),
                      "max_height_m": _num(o.max_height_m), "geometry": json.loads(o.geom.geojson)}
                     for o in overlays_touching(parcel=parcel, on=on)],
        "rules": rules_payload(rule_set),
    }


def survey_decision_of(*, parcel: Parcel) -> dict | None:
    """The parcel's latest issued survey decision, found through the backbone (a sibling process: by its case
    type's code, never its models)."""
    case = (Case.objects.filter(municipality_id=parcel.municipality_id, case_type="survey_decision",
                                status="issued", parcels=parcel).order_by("-status_since").first())
    if case is None:
        return None
    return {"case": case.number, "issued_at": case.status_since.date().isoformat()}


def prefill(*, parcel: Parcel, on: date) -> dict:
    """What an application for ``parcel`` starts with, from every layer that touches it."""
    inputs = check_inputs(parcel=parcel, on=on)
    zone = zone_for(parcel=parcel)
    site = describe_site(inputs)
    district = district_of(parcel=parcel)
    plan = parcel.plan
    return {
        "parcel": {"id": parcel.pk, "number": parcel.number, "deed_number": parcel.deed_number,
                   "land_use": parcel.land_use, "status": parcel.status, "area_m2": round(parcel.area_m2 or 0, 2)},
        "plan": {"number": plan.number, "name_ar": plan.name_ar} if plan else None,
        "district": {"code": district.code, "name_ar": district.name_ar, "name_en": district.name_en}
        if district else None,
        "zone": {"id": zone.pk, "code": zone.regulation.code, "name_ar": zone.regulation.name_ar,
                 "name_en": zone.regulation.name_en},
        "rules": inputs["rules"],
        "streets": [{"id": s["id"], "name": s["name"], "width_m": s["width_m"], "kind": s["kind"]}
                    for s in inputs["streets"]],
        "overlays": [{"id": o["id"], "kind": o["kind"], "name_ar": o["name_ar"], "name_en": o["name_en"]}
                     for o in inputs["overlays"]],
        "survey_decision": survey_decision_of(parcel=parcel),
        "site": site,
    }
