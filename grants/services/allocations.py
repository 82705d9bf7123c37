"""From a drawn plot to the deed: the ministry verifies a batch, each allocation is decided (the plot reserved in
the registers, the parcel granted, any area beyond the entitlement billed), the notary's deed is recorded; a plot
found unbuildable is replaced; an application moves to another municipality as a pair of cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from cases.events import event_apply
from cases.models import Case
from cases.services import case_record
from common.errors import RegisterError
from grants.models import (
    Allocation,
    AllocationStatus,
    GrantApplication,
    GrantStatus,
    LotteryBatch,
    PlotAssessment,
)
from grants.selectors import live_allocation, plot_pool
from parcels.models import Parcel
from parcels.models.parcel import ParcelStatus
from parcels.services.reservations import land_release, land_reserve
from parcels.services.status import parcel_status_follow
from payments.lines import FeeLine
from payments.services import bill_issue

GRANT_PLOT = "grant_plot"


def application_of(case: Case) -> GrantApplication:
    return GrantApplication.objects.select_related("programme").get(case=case)


@transaction.atomic
def batch_verify(*, batch: LotteryBatch, reference: str, actor) -> dict:
    """Record the ministry's verification of a batch and decide each of its allocations. Returns counts:
    allocated, billed (area beyond the entitlement), returned to the queue (the plot was no longer free)."""
    locked = LotteryBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == LotteryBatch.Status.VERIFIED:
        raise RegisterError(_("Batch %(b)s was verified on %(d)s.") % {"b": locked.number, "d": locked.verified_at},
                            code="verified")
    reference = str(reference or "").strip()[:64]
    if not reference:
        raise RegisterError(_("Enter the ministry's reference of the verification."), code="reference")
    locked.status, locked.reference, locked.verified_at = LotteryBatch.Status.VERIFIED, reference, timezone.now()
    locked.save(update_fields=["status", "reference", "verified_at", "updated_at"])
    change_record(instance=locked, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": ["sent", "verified"], "reference": [None, reference]})
    counts = {"allocated": 0, "billed": 0, "requeued": 0, "withdrawn": 0}
    for allocation in locked.allocations.filter(status=AllocationStatus.DRAWN).select_related(
            "application__case", "parcel").order_by("id"):
        counts[allocation_decide(allocation=allocation, actor=actor)] += 1
    return counts


def _reserve_and_grant(*, allocation: Allocation, parcel: Parcel, actor) -> None:
    application = allocation.application
    reservation = land_reserve(municipality=parcel_municipality(parcel), purpose=GRANT_PLOT,
                               holder=application.number, actor=actor, parcel=parcel)
    parcel_status_follow(parcel=parcel, status=ParcelStatus.GRANTED, actor=actor,
                         because=f"land grant {application.number}")
    allocation.reservation = reservation


def parcel_municipality(parcel: Parcel):
    from accounts.models import Municipality

    return Municipality.objects.get(pk=parcel.municipality_id)


def allocation_decide(*, allocation: Allocation, actor) -> str:
    """Reserve the plot and grant the parcel, then move the case (billed when the plot is larger than the
    entitlement). A plot no longer free sends the applicant back to the queue, keeping their rank."""
    application = allocation.application
    if GrantApplication.objects.filter(pk=application.pk).values_list("status", flat=True).get() != GrantStatus.DRAWN:
        # withdrawn (or transferred) between the commitment and the verification: the plot stays in the pool
        allocation.status = AllocationStatus.CANCELLED
        allocation.save(update_fields=["status", "updated_at"])
        change_record(instance=allocation, action=ChangeRecord.Action.UPDATE, actor=actor,
                      changes={"status": ["drawn", "cancelled"]}, note="the application left the queue")
        return "withdrawn"
    parcel = Parcel.objects.get(pk=allocation.parcel_id)
    if Case.objects.filter(pk=application.case_id, status="queued").exists():  # its announcement has not run yet
        event_apply(case_id=application.case_id, event="grant.drawn")
    try:
        with transaction.atomic():
            if parcel.status != ParcelStatus.VACANT or parcel.valid_to is not None:
                raise RegisterError(_("Plot %(n)s is no longer vacant.") % {"n": parcel.number}, code="not_vacant")
            _reserve_and_grant(allocation=allocation, parcel=parcel, actor=actor)
            allocation.status = AllocationStatus.ALLOCATED
            allocation.save(update_fields=["status", "reservation", "updated_at"])
    except RegisterError as exc:
        allocation.status = AllocationStatus.CANCELLED
        allocation.save(update_fields=["status", "updated_at"])
        GrantApplication.objects.filter(pk=application.pk).update(status=GrantStatus.QUEUED)
        case_record(case=application.case, actor=actor, visible_to_applicant=False,
                    body=_("The plot drawn could not be allocated (%(why)s): back in the queue.") % {"why": exc})
        event_apply(case_id=application.case_id, event="grant.requeued")
        return "requeued"
    GrantApplication.objects.filter(pk=application.pk).update(status=GrantStatus.ALLOCATED)
    change_record(instance=allocation, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": ["drawn", "allocated"], "reservation": [None, allocation.reservation_id]})
    billed = allocation.excess_m2 > 0
    event_apply(case_id=application.case_id, event="grant.allocated_excess" if billed else "grant.allocated")
    return "billed" if billed else "allocated"


def bill_excess(*, case: Case, actor) -> None:
    """The transition's action: a bill for the plot's area beyond the entitlement at the programme's rate."""
    application = application_of(case)
    allocation = live_allocation(application)
    if allocation is None or allocation.excess_m2 <= 0:
        raise RegisterError(_("No area beyond the entitlement to bill."), code="no_excess")
    rate = application.programme.excess_rate
    amount = (allocation.excess_m2 * rate).quantize(Decimal("0.01"))
    line = FeeLine(kind="fee", rule=f"grants.excess_area@{application.programme.code}", quantity=allocation.excess_m2,
                   rate=rate, amount=amount,
                   explain_ar=f"مساحة زائدة عن الاستحقاق {allocation.excess_m2} م² x {rate} ريال",
                   explain_en=f"Area beyond the entitlement {allocation.excess_m2} m² x SAR {rate}")
    bill_issue(case=case, actor=actor, service_code="land_grant_excess", lines=[line])


@transaction.atomic
def deed_record(*, application: GrantApplication, deed_number: str, deed_date: date, actor) -> Allocation:
    """The notary's deed for the allocated plot: the hand-off closes the case."""
    deed_number = str(deed_number or "").strip()
    if not deed_number.isdigit() or not 6 <= len(deed_number) <= 20:
        raise RegisterError(_("A deed number is 6 to 20 digits."), code="deed_number")
    allocation = live_allocation(application)
    if allocation is None or allocation.status != AllocationStatus.ALLOCATED:
        raise RegisterError(_("Application %(n)s has no allocated plot awaiting its deed.") % {"n": application.number},
                            code="no_allocation")
    if Case.objects.filter(pk=application.case_id).values_list("status", flat=True).get() != "allocated":
        raise RegisterError(_("The deed is handed over once the plot is allocated and any bill paid."),
                            code="not_ready")
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    allocation.status, allocation.deed_number, allocation.deed_date = AllocationStatus.DEEDED, deed_number, deed_date
    allocation.save(update_fields=["status", "deed_number", "deed_date", "updated_at"])
    GrantApplication.objects.filter(pk=application.pk).update(status=GrantStatus.DEEDED)
    change_record(instance=allocation, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": ["allocated", "deeded"], "deed_number": [None, deed_number]})
    case_record(case=application.case, actor=actor, data={"deed_number": deed_number},
                body=_("Deed %(d)s of %(date)s handed over for plot %(p)s.")
                % {"d": deed_number, "date": deed_date.isoformat(), "p": allocation.parcel.number})
    event_apply(case_id=application.case_id, event="grant.deeded")
    return allocation


def plot_replace(*, case: Case, actor) -> None:
    """The transition's action (a transaction on the backbone): the allocated plot is recorded unbuildable (the
    step's note is the reason), its reservation released and the parcel vacant again but out of the pool; the
    first plot of the pool in the applicant's band replaces it, reserved and granted; the excess re-billed."""
    application = application_of(case)
    old = live_allocation(application)
    if old is None or old.status != AllocationStatus.ALLOCATED:
        raise RegisterError(_("Only an allocated plot is replaced."), code="no_allocation")
    from cases.models import EntryKind, TimelineEntry

    note = (TimelineEntry.objects.filter(case=case, kind=EntryKind.COMMENT).order_by("-id")
            .values_list("body", flat=True).first()) or "unbuildable"
    PlotAssessment.objects.update_or_create(
        parcel_id=old.parcel_id, defaults={"municipality_id": case.municipality_id, "buildable": False,
                                           "reason": note[:300], "assessed_by": str(actor)[:150]})
    if old.reservation_id:
        land_release(reservation=old.reservation, actor=actor)
    parcel_status_follow(parcel=old.parcel, status=ParcelStatus.VACANT, actor=actor,
                         because=f"land grant {application.number}: plot unbuildable, replaced")
    old.status = AllocationStatus.REPLACED
    old.save(update_fields=["status", "updated_at"])
    new_parcel = plot_pool(programme=application.programme, band=application.band).order_by("area_m2", "pk").first()
    if new_parcel is None:
        raise RegisterError(_("No plot of the band %(b)s is free in the pool to replace it.")
                            % {"b": application.band.code}, code="pool_empty")
    area = Decimal(f"{new_parcel.area_m2:.2f}")
    new = Allocation(municipality_id=case.municipality_id, application=application, parcel=new_parcel,
                     status=AllocationStatus.ALLOCATED, area_m2=area,
                     excess_m2=max(area - application.entitled_m2, 0), geom=new_parcel.geom)
    _reserve_and_grant(allocation=new, parcel=new_parcel, actor=actor)
    new.save()
    change_record(instance=new, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"replaces": [None, old.pk], "parcel": [old.parcel_id, new_parcel.pk]})
    case_record(case=case, actor=actor, data={"old": old.parcel_id, "new": new_parcel.pk},
                body=_("Plot %(old)s was found unbuildable; plot %(new)s (%(area)s m²) replaces it.")
                % {"old": old.parcel.number, "new": new_parcel.number, "area": area})
    if new.excess_m2 > old.excess_m2:
        bill_excess_difference(case=case, allocation=new, already=old.excess_m2, actor=actor)


def bill_excess_difference(*, case: Case, allocation: Allocation, already: Decimal, actor) -> None:
    application = application_of(case)
    rate = application.programme.excess_rate
    extra = allocation.excess_m2 - already
    line = FeeLine(kind="fee", rule=f"grants.excess_area@{application.programme.code}", quantity=extra, rate=rate,
                   amount=(extra * rate).quantize(Decimal("0.01")),
                   explain_ar=f"مساحة زائدة إضافية (قطعة بديلة) {extra} م² x {rate} ريال",
                   explain_en=f"Further area beyond the entitlement (replacement plot) {extra} m² x SAR {rate}")
    bill_issue(case=case, actor=actor, service_code="land_grant_excess", lines=[line])


def allocation_lapse(*, case: Case, actor) -> None:
    """The transition's action when the bill for the area beyond the entitlement expires unpaid: the plot is
    released (reservation ended, parcel vacant again, back in the pool) and the applicant returns to the queue,
    keeping their application time."""
    application = application_of(case)
    allocation = live_allocation(application)
    if allocation is None:
        return
    if allocation.reservation_id:
        land_release(reservation=allocation.reservation, actor=actor)
    parcel_status_follow(parcel=allocation.parcel, status=ParcelStatus.VACANT, actor=actor,
                         because=f"land grant {application.number}: the excess-area bill expired unpaid")
    allocation.status = AllocationStatus.CANCELLED
    allocation.save(update_fields=["status", "updated_at"])
    GrantApplication.objects.filter(pk=application.pk).update(status=GrantStatus.QUEUED, updated_at=timezone.now())
    change_record(instance=allocation, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": ["allocated", "cancelled"]}, note="excess-area bill expired unpaid")


def application_withdraw(*, case: Case, actor) -> None:
    """The transition's action: the application leaves the queue."""
    GrantApplication.objects.filter(case=case).update(status=GrantStatus.WITHDRAWN, updated_at=timezone.now())
