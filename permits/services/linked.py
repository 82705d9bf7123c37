"""Cases that follow an issued permit — renewal, modification, inspections during construction, building
violations, the occupancy certificate: opened from the permit (a case link "follows"), on its parcel; their
steps' own actions (fees and fines billed, the term extended, the approved building replaced, the permit
completed)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from cases import services as cases_services
from cases.applicant_notify import last_note_to_applicant
from cases.documents.services import document_issue, document_upload
from cases.events import event_publish
from cases.models import Case, CaseLink, LinkKind, PartyRole
from common.errors import RegisterError
from parcels.models import Parcel
from payments.fees import case_fee_lines
from payments.services import bill_issue
from permits.models import Permit, PermitStatus
from permits.selectors_cases import latest_proposal, permit_by_number
from permits.services import workflow
from permits.services.applications import _applicant_of

# The permit's statuses a follow-up may be opened in.
OPEN_FOR = {
    "permit_renewal": (PermitStatus.ISSUED, PermitStatus.UNDER_CONSTRUCTION, PermitStatus.EXPIRED),
    "permit_modification": (PermitStatus.ISSUED, PermitStatus.UNDER_CONSTRUCTION),
    "construction_inspection": (PermitStatus.ISSUED, PermitStatus.UNDER_CONSTRUCTION),
    "building_violation": (PermitStatus.ISSUED, PermitStatus.UNDER_CONSTRUCTION, PermitStatus.COMPLETED,
                           PermitStatus.EXPIRED),
    "occupancy_certificate": (PermitStatus.UNDER_CONSTRUCTION,),
}
BY_STAFF = ("construction_inspection", "building_violation")


def permit_of_case(case: Case) -> Permit | None:
    """The permit a follow-up case follows (its link), or None (a violation found with no permit)."""
    link = CaseLink.objects.filter(from_case=case, kind=LinkKind.FOLLOWS).values_list("to_case_id", flat=True).first()
    return Permit.objects.filter(case_id=link).first() if link else None


def _permit_named(*, municipality, case_type: str, number: str | None) -> Permit | None:
    if not number:
        return None
    permit = permit_by_number(municipality_id=municipality.pk, number=number)
    if permit is None:
        raise RegisterError(_("No building permit %(n)s in this municipality.") % {"n": str(number)[:32]},
                            code="no_permit")
    if permit.status not in OPEN_FOR[case_type]:
        raise RegisterError(_("Building permit %(n)s is “%(s)s”: this request is not possible for it now.")
                            % {"n": permit.number, "s": permit.get_status_display()}, code="permit_status")
    return permit


def follow_up_apply(*, case_type: str, municipality, actor, data=None, parties=(), parcels=(), point=None,
                    area=None, files=None) -> Case:
    """Open a follow-up of the permit ``data["permit_number"]`` (a violation may name a parcel instead)."""
    data = dict(data or {})
    permit = _permit_named(municipality=municipality, case_type=case_type, number=data.get("permit_number"))
    if permit is None and case_type != "building_violation":
        raise RegisterError(_("Name the building permit (its number) this request is for."), code="no_permit")
    parcels = [Parcel.objects.get(pk=permit.parcel_id)] if permit else list(parcels)
    parties = list(parties)
    if permit is not None and case_type not in BY_STAFF:
        if not any(r == PartyRole.APPLICANT for _p, r in parties):
            parties.append((_applicant_of(actor, None), PartyRole.APPLICANT))
    elif permit is not None:  # staff open it: the permit's applicant is the party told
        from cases.models import CaseParty

        owner = CaseParty.objects.filter(case_id=permit.case_id, role=PartyRole.APPLICANT).select_related("party")
        parties += [(cp.party, PartyRole.APPLICANT) for cp in owner[:1]]
    case = cases_services.case_create(municipality=municipality, case_type=case_type, actor=actor, data=data,
                                      parties=parties, parcels=parcels, point=point, area=area)
    if permit is not None:
        cases_services.case_link(case=case, other=permit.case, actor=actor, kind=LinkKind.FOLLOWS,
                                 roles_checked=True)
    for code, upload in (files or {}).items():
        document_upload(case=case, code=code, upload=upload, actor=actor)
    return case


def applier(case_type: str):
    def apply(**kwargs) -> Case:
        return follow_up_apply(case_type=case_type, **kwargs)
    return apply


# --- actions -----------------------------------------------------------------------------------------


def _bill(*, case: Case, actor, service: str, measures: dict) -> None:
    bill_issue(case=case, actor=actor, service_code=service,
               lines=case_fee_lines(case=case, service=service, measures=measures))


def bill_renewal(*, case: Case, actor) -> None:
    permit = permit_of_case(case)
    _bill(case=case, actor=actor, service="permit_renewal", measures={"floor_area": round(permit.floor_area_m2, 2)})


@transaction.atomic
def renew(*, case: Case, actor) -> None:
    """The renewal's fee is paid: the permit's term runs again from the later of its end and today."""
    permit = Permit.objects.select_for_update().get(pk=permit_of_case(case).pk)
    start = max(permit.valid_until, timezone.localdate())
    before = permit.valid_until
    permit.valid_until = workflow.term_end(start)
    if permit.status == PermitStatus.EXPIRED:
        permit.status = PermitStatus.ISSUED
    permit.version += 1
    permit.save(update_fields=["valid_until", "status", "version", "updated_at"])
    change_record(instance=permit, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"valid_until": [str(before), str(permit.valid_until)]}, note=f"renewed by {case.number}")
    workflow.certificate_issue(case=case, permit=permit, proposal=permit.proposal, actor=actor,
                               approver=workflow.approver_of(case))


def bill_modification(*, case: Case, actor) -> None:
    permit = permit_of_case(case)
    latest = latest_proposal(case=case)
    changed = max(latest.floor_area_m2 - permit.floor_area_m2, 0) or latest.floor_area_m2 * 0.1
    _bill(case=case, actor=actor, service="permit_modification", measures={"floor_area": round(changed, 2)})


@transaction.atomic
def modify(*, case: Case, actor) -> None:
    """The modification's fee is paid: the permit's approved building is the modification's latest proposal."""
    permit = Permit.objects.select_for_update().get(pk=permit_of_case(case).pk)
    proposal = latest_proposal(case=case)
    before = {"proposal": permit.proposal_id, "floor_area_m2": permit.floor_area_m2}
    permit.proposal, permit.geom, permit.floor_area_m2 = proposal, proposal.footprint, proposal.floor_area_m2
    permit.floors = max(sum(1 for f in proposal.floors if f.get("kind") in ("ground", "upper")), 1)
    permit.version += 1
    permit.save(update_fields=["proposal", "geom", "floor_area_m2", "floors", "version", "updated_at"])
    change_record(instance=permit, action=ChangeRecord.Action.UPDATE, actor=actor, note=f"modified by {case.number}",
                  changes={"proposal": [before["proposal"], proposal.pk],
                           "floor_area_m2": [before["floor_area_m2"], proposal.floor_area_m2]})
    workflow.certificate_issue(case=case, permit=permit, proposal=proposal, actor=actor,
                               approver=workflow.approver_of(case))


def bill_occupancy(*, case: Case, actor) -> None:
    _bill(case=case, actor=actor, service="occupancy_certificate", measures={})


def occupancy_issue(*, case: Case, actor) -> None:
    """The occupancy certificate's fee is paid: the certificate, and the permit told (it completes, the parcel
    becomes built) through the backbone's event."""
    permit = permit_of_case(case)
    parcel = Parcel.objects.select_related("plan").get(pk=permit.parcel_id)
    document_issue(case=case, kind="occupancy_certificate", template="permits/occupancy.html",
                   context={"permit": permit, "parcel": parcel, "proposal": permit.proposal},
                   approver=workflow.approver_of(case), actor=actor, title_ar="شهادة إشغال",
                   title_en="Occupancy certificate")
    event_publish(case_id=permit.case_id, event="occupancy.issued", data={"by": case.number})


def bill_fine(*, case: Case, actor) -> None:
    code = case.data.get("violation")
    count = int(case.data.get("count") or 1)
    _bill(case=case, actor=actor, service="building_violation", measures={code: count})


def inspection_visited(*, case: Case, actor) -> None:
    """A visit that found defects: the permit's case hears of it (its timeline)."""
    permit = permit_of_case(case)
    if permit is not None:
        cases_services.case_record(case=permit.case, actor=actor, visible_to_applicant=True,
                                   body=_("Inspection %(n)s (%(stage)s): %(result)s")
                                   % {"n": case.number, "stage": case.data.get("stage", ""),
                                      "result": last_note_to_applicant(case.pk)})
