"""A fine objected to (docs/inspections.md): the owner objects to the fine within 60 days (the backbone's
objections, decision 017); an upheld objection puts the fine case back under the inspection supervisor's review,
who confirms it (the bill stands, or is issued again if it expired meanwhile) or waives it (the unpaid bill
withdrawn from SADAD, the violations marked waived). A fine already paid is confirmed as paid, or refunded by
finance first (``payments.services.refunds``: four eyes) and then waived — the waiver never leaves money taken
for a fine that no longer exists."""

from __future__ import annotations

from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from cases.models import Case
from cases.services import case_record
from licensing.fines import SERVICE
from licensing.models import Violation, ViolationStatus
from payments.lines import FeeLine
from payments.models import Bill, BillStatus
from payments.models.bills import OPEN_STATUSES, PAID_STATUSES
from payments.services import bill_issue
from payments.services.bills import bill_cancel


def _paid(case: Case) -> Bill | None:
    return Bill.objects.filter(case=case, status__in=PAID_STATUSES).order_by("-id").first()


def not_paid(case: Case, actor):
    """Guard: the fine is not paid (a paid fine is confirmed as paid, or refunded before it is waived)."""
    bill = _paid(case)
    if bill is not None:
        return _("Bill %(number)s of this fine was paid: confirm the fine as paid, or have finance refund the "
                 "payment first and then waive it.") % {"number": bill.bill_number_display}
    return None


def paid(case: Case, actor):
    """Guard: the fine was paid."""
    if _paid(case) is None:
        return _("This fine is not paid: confirm it (its bill stands) or waive it.")
    return None


def _fined(case: Case):
    return Violation.objects.filter(case=case, closure=False).select_related("penalty", "premises__establishment")


def fine_rebill(*, case: Case, actor) -> None:
    """Action of "confirm": the fine stands; if its bill expired or was withdrawn meanwhile, it is issued again
    with the lines of the last one (the amounts decided at the visit, not recomputed)."""
    if Bill.objects.filter(case=case, status__in=OPEN_STATUSES).exists():
        return
    last = Bill.objects.filter(case=case).order_by("-id").first()
    if last is None:
        return
    lines = [FeeLine(kind=line.kind, rule=line.rule, quantity=line.quantity, rate=line.rate, amount=line.amount,
                     explain_ar=line.explain_ar, explain_en=line.explain_en) for line in last.lines.all()]
    bill = bill_issue(case=case, actor=actor, service_code=SERVICE, lines=lines)
    case_record(case=case, actor=actor, data={"bill": bill.pk, "replaces": last.pk},
                body=_("The fine stands: its bill had lapsed, so it is issued again (%(amount)s SAR).")
                % {"amount": f"{bill.amount:.2f}"})


def fine_waive(*, case: Case, actor) -> None:
    """Action of "waive": the unpaid bills withdrawn, the violations waived (a repeat is counted no more)."""
    for bill in Bill.objects.filter(case=case, status__in=(*OPEN_STATUSES, BillStatus.EXPIRED)):
        bill_cancel(bill=bill, actor=actor, reason=_("fine waived on objection"))
    waived = list(_fined(case).exclude(status=ViolationStatus.WAIVED))
    for violation in waived:
        change_record(instance=violation, action=ChangeRecord.Action.UPDATE, actor=actor,
                      changes={"status": [violation.status, ViolationStatus.WAIVED]})
    Violation.objects.filter(pk__in=[v.pk for v in waived]).update(status=ViolationStatus.WAIVED)
