"""An application moves to another municipality as a pair of linked cases: closed here (transferred), opened
there with the same application time, each naming the other's number — no key crosses the two municipalities."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from cases.events import event_apply
from cases.models import Case, PartyRole
from cases.services import case_create, case_record
from common.errors import RegisterError
from grants.eligibility import eligibility_decide
from grants.models import GrantApplication, GrantStatus, Programme
from grants.services.applications import LAND_GRANT, application_record, family_ids_of, refusal


@transaction.atomic
def grant_transfer(*, application: GrantApplication, to_municipality: Municipality, programme_code: str,
                   actor) -> Case:
    """Close ``application`` here and open it in ``to_municipality``'s programme; the applicant keeps their
    application time (their seniority). Refused unless the application is still in the queue and the applicant
    is eligible there."""
    application = GrantApplication.objects.select_for_update().select_related("case", "applicant").get(
        pk=application.pk)
    if application.status != GrantStatus.QUEUED:
        raise RegisterError(_("Only an application still in the queue is transferred (this one is %(s)s).")
                            % {"s": application.get_status_display()}, code="not_queued")
    if to_municipality.pk == application.municipality_id:
        raise RegisterError(_("Choose another municipality."), code="same_municipality")
    programme = Programme.objects.filter(municipality=to_municipality, code=programme_code,
                                         status=Programme.Status.OPEN).first()
    if programme is None:
        raise RegisterError(_("%(m)s has no open programme %(p)s.") % {"m": to_municipality.name_ar,
                                                                         "p": programme_code[:32]}, code="programme")
    data = dict(application.case.data)
    since = data.get("residence_since")
    import datetime as dt

    decision = eligibility_decide(programme=programme, national_id=application.applicant.national_id,
                                  family_ids=family_ids_of(data.get("family_ids")),
                                  residence_since=dt.date.fromisoformat(since) if since else None,
                                  special=bool(data.get("special_circumstance")), on=timezone.localdate())
    if not decision.eligible:
        raise RegisterError(_("Not eligible in %(m)s: %(why)s") % {"m": to_municipality.name_ar,
                                                                     "why": refusal(decision)}, code="not_eligible")
    here = Municipality.objects.get(pk=application.municipality_id)
    data.update({"programme": programme.code, "transferred_from": f"{here.short_code}:{application.number}"})
    label = f"transfer from {here.short_code or here.pk}"
    there = case_create(municipality=to_municipality, case_type=LAND_GRANT, actor=label, data=data,
                        parties=[(application.applicant, PartyRole.APPLICANT)],
                        point=to_municipality.boundary.point_on_surface)
    application_record(case=there, programme=programme, applicant=application.applicant, decision=decision,
                       actor=label, applied_at=application.applied_at)
    GrantApplication.objects.filter(pk=application.pk).update(status=GrantStatus.TRANSFERRED,
                                                              updated_at=timezone.now())
    case = application.case
    case.data = {**case.data, "transferred_to": f"{to_municipality.short_code}:{there.number}"}
    case.save(update_fields=["data"])
    case_record(case=case, actor=actor, data={"transferred_to": there.number},
                body=_("Transferred to %(m)s as application %(n)s (the application time is kept).")
                % {"m": to_municipality.name_ar, "n": there.number})
    event_apply(case_id=case.pk, event="grant.transferred")
    return there
