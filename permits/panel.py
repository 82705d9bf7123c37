"""What the inbox's case page shows of a building permit (``CaseType.detail_context``): the latest check with its
explanations, every proposal version, and the map's overlays — parcel, setback strips, envelope, the building
and, in red, where it breaks a rule."""

from __future__ import annotations

import json

from cases import services as cases_services
from cases.models import Case, CaseParcel
from parcels.models import Parcel
from permits.selectors_cases import permit_of, proposals_of
from permits.services.applications import APPLICANT_STATUSES, REVIEWER, REVIEWER_STATUSES


def _feature(geometry, role: str, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": {"role": role, **props}}


def overlays_of(*, parcel: Parcel | None, proposal) -> dict:
    features = []
    if parcel is not None:
        features.append(_feature(json.loads(parcel.geom.geojson), "parcel", label=parcel.number))
    if proposal is not None:
        check = proposal.check_result or {}
        for strip in (check.get("setback_strips") or {}).get("features", []):
            props = strip.get("properties") or {}
            features.append(_feature(strip.get("geometry"), "strip", label=props.get("kind", ""),
                                     setback_m=props.get("setback_m")))
        if check.get("envelope"):
            features.append(_feature(check["envelope"], "envelope"))
        features.append(_feature(json.loads(proposal.footprint.geojson), "footprint", label=str(proposal.number)))
        for result in check.get("results", []):
            if result.get("violation"):
                features.append(_feature(result["violation"], "violation", label=result.get("rule", ""),
                                         explain_ar=result.get("explain_ar", ""),
                                         explain_en=result.get("explain_en", "")))
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def panel_context(case: Case, actor) -> dict:
    proposals = list(proposals_of(case=case).select_related("rule_set", "rule_set__regulation")[:20])
    latest = proposals[0] if proposals else None
    parcel_id = CaseParcel.objects.filter(case=case).values_list("parcel_id", flat=True).first()
    parcel = Parcel.objects.select_related("plan").filter(pk=parcel_id).first()
    roles = cases_services.roles_on(case, actor)
    may_add = ((case.status in APPLICANT_STATUSES and "applicant" in roles)
               or (case.status in REVIEWER_STATUSES and REVIEWER in roles))
    return {
        "case": case, "proposals": proposals, "latest": latest, "parcel": parcel,
        "check": latest.check_result if latest else None,
        "overlays": overlays_of(parcel=parcel, proposal=latest),
        "permit": permit_of(case=case),
        "may_add_proposal": may_add,
        "may_justify": may_add and latest is not None and not latest.passed,
    }
