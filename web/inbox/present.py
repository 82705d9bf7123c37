"""How cases read on the inbox's pages: type and status labels in the page's language, the applicant's
masked national ID, the first parcel (one query per page for each, never one per row)."""

from __future__ import annotations

from django.utils.translation import get_language

from cases import selectors
from cases.models import CaseParcel
from cases.types import UnknownCaseType, all_case_types, get_case_type


def arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


def type_title(code: str) -> str:
    try:
        ct = get_case_type(code)
    except UnknownCaseType:
        return code
    return ct.title_ar if arabic() else ct.title_en


def status_label(code_type: str, status: str) -> str:
    try:
        return str(get_case_type(code_type).state(status).label)
    except (UnknownCaseType, StopIteration):
        return status


def name_of(obj) -> str:
    """A role's, district's or party's name in the page's language."""
    if obj is None:
        return ""
    return (obj.name_ar if arabic() else (obj.name_en or obj.name_ar)) or ""


def type_choices(*, creatable_by: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(code, title) of the case types; with ``creatable_by`` (role codes), those these roles may open by the
    application form (not a type opened only from another case, ``CaseType.internal``)."""
    return [(t.code, t.title_ar if arabic() else t.title_en) for t in all_case_types()
            if creatable_by is None or (creatable_by & set(t.create_roles) and not getattr(t, "internal", False))]


def status_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for t in all_case_types():
        for s in t.states:
            seen.setdefault(s.code, str(s.label))
    return sorted(seen.items(), key=lambda kv: kv[1])


def rows(cases: list) -> list[dict]:
    """One dict per case of a page: the case and what the table shows beside it."""
    applicants = selectors.applicants(cases)
    parcels: dict[int, str] = {}
    for case_id, number in (CaseParcel.objects.filter(case__in=cases).order_by("id")
                            .values_list("case_id", "parcel__number")):
        parcels.setdefault(case_id, number)
    out = []
    for case in cases:
        person = applicants.get(case.pk)
        out.append({
            "case": case, "type": type_title(case.case_type), "status": status_label(case.case_type, case.status),
            "applicant": name_of(person) if person else "",
            "national_id": person.masked_national_id if person and person.national_id else "",
            "parcel": parcels.get(case.pk, ""),
            "assignee": case.assignee.get_username() if case.assignee_id else "",
            "queue": name_of(case.queue_role),
        })
    return out
