"""Refunds: a finance officer asks, another person with ``payments.approve`` decides (four eyes, also a
database constraint). An approved refund of the payment that paid a bill makes the bill refunded; the payment's
open discrepancies are resolved as refunded."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from cases.services import case_record
from common.errors import DuplicateError, NotPermitted, RegisterError
from payments.lines import sar
from payments.models import Bill, BillStatus, Discrepancy, Payment, PaymentState, Refund, RefundStatus, Resolution
from payments.services.bills import bill_status_set

MANAGE, APPROVE = "payments.manage", "payments.approve"


@transaction.atomic
def refund_request(*, payment: Payment, actor, amount: Decimal | None = None, reason: str) -> Refund:
    require_permission(actor=actor, permission=MANAGE, municipality_id=payment.municipality_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("A refund needs a reason."), code="reason_required")
    amount = sar(payment.amount if amount is None else amount)
    if amount <= 0 or amount > payment.amount:
        raise RegisterError(_("A refund is more than SAR 0.00 and at most the payment's SAR %(paid)s.")
                            % {"paid": f"{payment.amount:.2f}"}, code="amount")
    if payment.state == PaymentState.RECEIVED:
        raise RegisterError(_("Payment %(ref)s is not applied yet; wait for it.") % {"ref": payment.payment_ref},
                            code="not_applied")
    try:
        with transaction.atomic():
            refund = Refund.objects.create(municipality_id=payment.municipality_id, payment=payment,
                                           bill_id=payment.bill_id, amount=amount, reason=reason[:5000],
                                           requested_by=actor)
    except IntegrityError:
        raise DuplicateError(_("Payment %(ref)s has a refund asked for or approved already.")
                             % {"ref": payment.payment_ref}) from None
    change_record(instance=refund, action=ChangeRecord.Action.CREATE, actor=actor,
                  note=f"refund SAR {amount} of {payment.payment_ref}: {reason[:300]}")
    return refund


@transaction.atomic
def refund_decide(*, refund: Refund, actor, approve: bool, note: str = "") -> Refund:
    require_permission(actor=actor, permission=APPROVE, municipality_id=refund.municipality_id)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
    if refund.status != RefundStatus.REQUESTED:
        raise RegisterError(_("This refund was decided already (%(s)s).") % {"s": refund.get_status_display()},
                            code="decided")
    if refund.requested_by_id == getattr(actor, "pk", None):
        raise NotPermitted(_("Who asked for a refund does not approve it: another finance manager decides."))
    refund.status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
    refund.decided_by, refund.decided_at, refund.decision_note = actor, timezone.now(), (note or "").strip()[:5000]
    refund.save()
    change_record(instance=refund, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [RefundStatus.REQUESTED, refund.status]}, note=refund.decision_note)
    if not approve:
        return refund
    payment = refund.payment
    bill = Bill.objects.select_for_update().select_related("case").filter(pk=payment.bill_id).first()
    if bill is not None and payment.state == PaymentState.APPLIED and bill.status in (BillStatus.PAID,
                                                                                      BillStatus.SETTLED):
        bill_status_set(bill, BillStatus.REFUNDED, actor=actor, note=f"refund {refund.pk}")
    if bill is not None:
        case_record(case=bill.case, actor=actor, data={"refund": refund.pk},
                    body=_("SAR %(amount)s of payment %(ref)s refunded.")
                    % {"amount": f"{refund.amount:.2f}", "ref": payment.payment_ref})
    for d in Discrepancy.objects.select_for_update().filter(payment=payment, resolved_at__isnull=True):
        d.resolution, d.resolution_note = Resolution.REFUNDED, _("Refund %(id)s approved.") % {"id": refund.pk}
        d.resolved_by, d.resolved_at = actor, timezone.now()
        d.save()
    return refund
