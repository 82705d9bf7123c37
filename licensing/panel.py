"""What the inbox's case page shows of a licensing case (``CaseType.detail_context``): the license with its
premises and child permits, the eligibility explained, the visits and the violations found."""

from __future__ import annotations

from cases.models import Case
from licensing.eligibility import eligibility_check
from licensing.models import License, Violation, Visit


def _license_of(case: Case) -> License | None:
    qs = License.objects.select_related("premises__establishment", "premises__parcel", "activity", "certificate")
    number = (case.data or {}).get("license_number")
    if number:
        return qs.filter(municipality_id=case.municipality_id, number=number).first()
    return qs.filter(case=case).first()


def panel_context(case: Case, actor) -> dict:
    license = _license_of(case)
    visit_id = (case.data or {}).get("visit")
    eligibility = None
    if license is not None and case.case_type == "commercial_license":
        eligibility = eligibility_check(municipality_id=case.municipality_id, activity=license.activity,
                                        point=license.geom, premises_id=license.premises_id).as_dict()
    return {
        "case": case, "license": license, "eligibility": eligibility,
        "children": list(license.children.all()) if license else [],
        "visits": list(Visit.objects.filter(premises_id=license.premises_id).order_by("-due_on")[:10])
        if license else [],
        "violations": list(Violation.objects.filter(visit_id=visit_id).select_related("penalty"))
        if visit_id else [],
    }
