"""Applying for a land grant (the case type's ``apply``, inside ``case_apply``'s transaction): every rule of the
programme is checked first; an ineligible applicant is refused with each failing rule's reason and nothing is
stored. An eligible one joins the programme's queue with the facts and their sources recorded."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Person
from audit.models import ChangeRecord
from audit.services import change_record
from cases.models import Case, PartyRole
from cases.services import case_create, case_record
from common.bilingual import in_language
from common.errors import RegisterError
from grants.eligibility import Decision, eligibility_decide
from grants.models import ExternalCheck, GrantApplication, GrantStatus, Programme

LAND_GRANT = "land_grant"


def family_ids_of(text: str | None) -> list[str]:
    return [part.strip() for part in str(text or "").replace("،", ",").split(",") if part.strip()]


def programme_of(*, municipality: Municipality, code: str) -> Programme:
    programme = Programme.objects.filter(municipality=municipality, code=str(code or "").strip()[:32]).first()
    if programme is None:
        raise RegisterError(_("Unknown land-grant programme %(p)s.") % {"p": str(code or "")[:32]}, code="programme")
    if programme.status != Programme.Status.OPEN:
        raise RegisterError(_("The programme %(p)s is closed to applications.") % {"p": programme.name_ar},
                            code="programme_closed")
    return programme


def refusal(decision: Decision) -> str:
    return " ".join(in_language(r.why_ar, r.why_en) for r in decision.failing())


def grant_apply(*, municipality, actor, data=None, parties=(), parcels=(), point=None, area=None,
                files=None) -> Case:
    """A land-grant application: eligibility (refused as a whole when a rule fails), then the case, the
    application in the queue and the facts checked, each with its source."""
    data = dict(data or {})
    programme = programme_of(municipality=municipality, code=data.get("programme"))
    applicant = next((p for p, r in parties if r == PartyRole.APPLICANT), None)
    if not isinstance(applicant, Person):
        raise RegisterError(_("A land grant is applied for by a person (national ID or iqama)."),
                            code="no_applicant")
    if GrantApplication.objects.filter(programme=programme, applicant=applicant).exclude(
            status__in=[GrantStatus.WITHDRAWN, GrantStatus.TRANSFERRED]).exists():
        raise RegisterError(_("You already have an application in this programme."), code="duplicate")
    since = data.get("residence_since")
    today = timezone.localdate()
    decision = eligibility_decide(programme=programme, national_id=applicant.national_id,
                                  family_ids=family_ids_of(data.get("family_ids")),
                                  residence_since=dt.date.fromisoformat(since) if since else None,
                                  special=bool(data.get("special_circumstance")), on=today)
    if not decision.eligible:
        raise RegisterError(_("Not eligible for %(p)s: %(why)s") % {"p": programme.name_ar, "why": refusal(decision)},
                            code="not_eligible")
    if point is None and not parcels:
        point = Municipality.objects.only("boundary").get(pk=municipality.pk).boundary.point_on_surface
    case = case_create(municipality=municipality, case_type=LAND_GRANT, actor=actor, data=data, parties=parties,
                       parcels=parcels, point=point)
    from grants import notify

    transaction.on_commit(lambda: notify.queued(case_id=case.pk))
    return application_record(case=case, programme=programme, applicant=applicant, decision=decision, actor=actor,
                              applied_at=case.created_at)


def application_record(*, case: Case, programme: Programme, applicant: Person, decision: Decision, actor,
                       applied_at: dt.datetime) -> Case:
    """The application behind ``case``: in the queue at ``applied_at`` (a transfer keeps the original time)."""
    application = GrantApplication.objects.create(
        municipality_id=case.municipality_id, programme=programme, case=case, applicant=applicant,
        number=case.number, applied_at=applied_at, family_size=decision.family_size, band=decision.band,
        entitled_m2=decision.band.entitled_m2, priority_points=decision.points,
        decision=[r.as_dict() for r in decision.rules])
    now = timezone.now()
    ExternalCheck.objects.bulk_create([
        ExternalCheck(municipality_id=case.municipality_id, application=application, source=a.source, fact=a.fact,
                      value=a.value, reference=a.reference, checked_at=now) for a in decision.answers])
    change_record(instance=application, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"programme": [None, programme.code], "entitled_m2": [None, application.entitled_m2],
                           "priority_points": [None, application.priority_points]})
    case_record(case=case, actor=actor, data={"rules": application.decision},
                body=_("Eligible for %(p)s: entitled to %(m)s m², %(pts)s priority points; in the queue.")
                % {"p": programme.name_ar, "m": application.entitled_m2, "pts": application.priority_points})
    return case
