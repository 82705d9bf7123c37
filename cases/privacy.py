"""Personal data on a case (PDPL): national IDs and contact details are masked everywhere by default; staff who
need them in full (to call the applicant, to check an ID at the counter) ask for them with a purpose, and each
such view is logged — who, when, which case, whose data, why — in ``cases.PersonalDataLookup`` (kind "view"),
beside the logged searches by national ID (kind "search"). ``personal_data_views`` lists them for an audit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.selectors import role_codes_of
from cases.models import Case, LookupKind, PersonalDataLookup
from common.errors import NotPermitted, RegisterError


def _masked_mobile(mobile: str) -> str:
    return f"{mobile[:6]}*****{mobile[-2:]}" if mobile else ""


def parties_of(case: Case, *, reveal: bool = False) -> list[dict]:
    """The case's parties with their role on it: national ID and mobile masked, or in full with ``reveal``
    (only ``reveal_parties`` passes it, having logged the view)."""
    rows = case.case_parties.select_related("party__person", "party__organisation").order_by("id")
    out = []
    for row in rows:
        party = row.party
        person = party.person if party.kind == "person" else None
        national_id = (person.national_id if reveal else person.masked_national_id) if person else None
        out.append({
            "id": party.pk, "kind": party.kind, "role": row.role, "name_ar": party.name_ar, "name_en": party.name_en,
            "national_id": national_id,
            "cr_number": party.organisation.cr_number if party.kind == "organisation" else None,
            "mobile": party.mobile if reveal else _masked_mobile(party.mobile),
            "email": party.email if reveal else "",
        })
    return out


@transaction.atomic
def reveal_parties(*, case: Case, actor, purpose: str) -> list[dict]:
    """The case's parties in full, for staff with a role in its municipality who say why; one log row per
    person shown (403 for others, 422 without a purpose). The inbox's "show in full" calls this."""
    if actor is None or isinstance(actor, str) or not role_codes_of(actor, municipality_id=case.municipality_id):
        raise NotPermitted(_("Only staff of this municipality may see a case's personal data in full."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise RegisterError(_("Say why you need the personal data in full (e.g. to call the applicant)."),
                            code="no_purpose")
    people = [row.party.person for row in case.case_parties.select_related("party__person").order_by("id")
              if row.party.kind == "person"]
    PersonalDataLookup.objects.bulk_create(
        PersonalDataLookup(municipality_id=case.municipality_id, actor=actor, kind=LookupKind.VIEW, case=case,
                           person=person, masked_national_id=person.masked_national_id, purpose=purpose[:100],
                           case_numbers=[case.number])
        for person in dict.fromkeys(people)
    )
    return parties_of(case, reveal=True)


def personal_data_views(*, municipality, actor=None, person=None, case=None, kind: str | None = None,
                        since: datetime | None = None) -> QuerySet[PersonalDataLookup]:
    """The municipality's log of personal data looked at (newest first): by whom, about whom, on which case."""
    qs = PersonalDataLookup.objects.filter(municipality=municipality).select_related("actor", "case", "person")
    if actor is not None:
        qs = qs.filter(actor=actor)
    if person is not None:
        qs = qs.filter(person=person)
    if case is not None:
        qs = qs.filter(case=case)
    if kind:
        qs = qs.filter(kind=kind)
    if since is not None:
        qs = qs.filter(at__gte=since)
    return qs.order_by("-at", "-id")
