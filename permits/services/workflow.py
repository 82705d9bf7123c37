"""The building permit's steps that are the permit's own (``permits.case_types``): guards, and the actions run
inside a step's transaction — the rules' day fixed on first submission, the fee billed on approval, the permit
and its certificate on payment, the parcel's status following construction."""

from __future__ import annotations

import json
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents.services import Approver, document_issue
from cases.models import Case, EntryKind, TimelineEntry
from cases.numbering import register_number, years_after
from common.errors import RegisterError
from parcels.models import Parcel
from parcels.services import parcel_status_follow
from payments.fees import case_fee_lines
from payments.services import bill_issue
from permits import certificate
from permits.models import Permit, PermitStatus, Proposal
from permits.selectors_cases import latest_proposal, permit_of, submitted_on

PERMIT = "building_permit"


# --- guards ------------------------------------------------------------------------------------------


def proposal_ready(case: Case, actor):
    """A proposal exists, and its check passes or the applicant said why it should be permitted anyway."""
    latest = latest_proposal(case=case)
    if latest is None:
        return _("Draw or upload the proposed building first: the application has no proposal.")
    if not latest.passed and not latest.justification:
        failing = [r["rule"] for r in latest.check_result.get("results", []) if not r.get("passed")]
        return _("Proposal %(n)d fails the check (%(rules)s): correct it, or give a justification.") % {
            "n": latest.number, "rules": ", ".join(failing)}
    return None


def new_proposal_since_return(case: Case, actor):
    latest = latest_proposal(case=case)
    if latest is None or latest.created_at < case.status_since:
        return _("Send a corrected proposal first: the application was returned for it.")
    return proposal_ready(case, actor)


# --- actions -----------------------------------------------------------------------------------------


def rules_day_fixed(*, case: Case, actor) -> None:
    """On (re)submission: the application keeps the rules in force on its first submission day. A draft's
    proposal checked on another day against other rules is checked again (a new version, same building)."""
    from permits.services.applications import proposal_add

    latest = latest_proposal(case=case)
    day = submitted_on(case=case) or timezone.localdate()
    if latest is None or latest.rules_date == day:
        return
    proposal_add(case=case, actor=actor, _checked=False, source=latest.source, document=latest.document,
                 justification=latest.justification,
                 proposal={"use": latest.use, "units": latest.units, "parking_spaces": latest.parking_spaces,
                           "height_m": str(latest.height_m), "floors": latest.floors})


def bill_permit(*, case: Case, actor) -> None:
    """The approval's action: the permit fee from the schedule (floor area; a boundary wall by the frontage)."""
    latest = latest_proposal(case=case)
    flags = {"with_fence"} if case.data.get("with_fence") else set()
    measures = {"floor_area": round(latest.floor_area_m2, 2),
                "frontage_length": round(float(latest.check_result.get("frontage_m") or 0), 2)}
    bill_issue(case=case, actor=actor, service_code=case.case_type,
               lines=case_fee_lines(case=case, service=PERMIT, measures=measures, flags=flags))


def approver_of(case: Case, step: str = "approve"):
    """Who took ``step`` (their name signs the certificate), else the department."""
    entry = (TimelineEntry.objects.filter(case=case, kind=EntryKind.TRANSITION, data__transition=step,
                                          actor__isnull=False).select_related("actor").order_by("-id").first())
    return entry.actor if entry else Approver(name=_("Building permits department"))


def term_end(day: date) -> date:
    return years_after(day, settings.ARDH_PERMIT_TERM_YEARS)


def certificate_issue(*, case: Case, permit: Permit, proposal: Proposal, actor, approver) -> None:
    parcel = Parcel.objects.select_related("plan").get(pk=permit.parcel_id)
    check = proposal.check_result
    doc = document_issue(
        case=case, kind="building_permit", template="permits/certificate.html",
        context={"permit": permit, "proposal": proposal, "parcel": parcel, "check": check,
                 "results": check.get("results", []), "parties": certificate.parties_of(case),
                 "plan_svg": certificate.site_plan_svg(parcel=json.loads(parcel.geom.geojson), check=check,
                                                       floors=proposal.floors)},
        approver=approver, actor=actor, title_ar="رخصة بناء", title_en="Building permit",
        valid_until=permit.valid_until)
    permit.certificate = doc
    permit.save(update_fields=["certificate", "updated_at"])


def permit_issue(*, case: Case, actor) -> None:
    """The fee is paid (the step "issue" on ``payment.paid``): the permit with its number and term, its
    certificate signed by the approver, in the step's transaction."""
    if permit_of(case=case) is not None:
        raise RegisterError(_("Case %(n)s already has a permit.") % {"n": case.number}, code="issued")
    proposal = latest_proposal(case=case)
    municipality = Municipality.objects.get(pk=case.municipality_id)
    today = timezone.localdate()
    floors = sum(1 for f in proposal.floors if f.get("kind") in ("ground", "upper"))
    number = register_number(model=Permit, municipality=municipality, code="BP", day=today)
    permit = Permit.objects.create(
        municipality=municipality, case=case, number=number, kind=case.case_type, parcel=proposal.parcel,
        proposal=proposal, issued_on=today, valid_until=term_end(today), use=proposal.use, floors=max(floors, 1),
        floor_area_m2=proposal.floor_area_m2, geom=proposal.footprint)
    change_record(instance=permit, action=ChangeRecord.Action.CREATE, actor=actor, changes={
        "number": [None, permit.number], "case": [None, case.number], "valid_until": [None, str(permit.valid_until)]})
    certificate_issue(case=case, permit=permit, proposal=proposal, actor=actor, approver=approver_of(case))


def _permit_status(*, case: Case, actor, status: str, parcel_status: str, because: str) -> Permit:
    permit = Permit.objects.select_for_update().get(case=case)
    permit.status = status
    if status == PermitStatus.COMPLETED:
        permit.completed_on = timezone.localdate()
    permit.version += 1
    permit.save(update_fields=["status", "completed_on", "version", "updated_at"])
    parcel_status_follow(parcel=permit.parcel, status=parcel_status, actor=actor, because=because % permit.number)
    return permit


def construction_started(*, case: Case, actor) -> None:
    _permit_status(case=case, actor=actor, status=PermitStatus.UNDER_CONSTRUCTION,
                   parcel_status="under_construction", because="building permit %s: construction started")


def construction_completed(*, case: Case, actor) -> None:
    _permit_status(case=case, actor=actor, status=PermitStatus.COMPLETED, parcel_status="built",
                   because="building permit %s: occupancy certificate issued")


@transaction.atomic
def permits_expire_due(*, today: date | None = None) -> int:
    """Issued permits whose term ended with no construction started: expired (a daily job)."""
    today = today or timezone.localdate()
    due = list(Permit.objects.select_for_update(skip_locked=True).filter(status=PermitStatus.ISSUED,
                                                                          valid_until__lt=today))
    for permit in due:
        permit.status, permit.version = PermitStatus.EXPIRED, permit.version + 1
        permit.save(update_fields=["status", "version", "updated_at"])
        change_record(instance=permit, action=ChangeRecord.Action.UPDATE, actor="system: permits expiry",
                      changes={"status": [PermitStatus.ISSUED, PermitStatus.EXPIRED]})
    return len(due)
