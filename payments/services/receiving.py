"""Payments: a SADAD notification recorded once (by the bank's reference), then applied to its bill by a job.

Recording is the whole of what the notification endpoint does — verify, validate, insert or nothing — so the
bank gets its answer in milliseconds and a repeat (a retry, a duplicate, a replay within the window) inserts
nothing: ``INSERT … ON CONFLICT DO NOTHING`` on the unique (biller, reference), not a check-then-insert. The
apply job is queued in the same transaction, so a recorded payment is always applied, even when the worker was
killed in between (it runs when a worker returns; ``payments.apply_pending`` sweeps up any row left behind).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.documents.render import verification_url
from cases.documents.services import Approver, document_issue
from cases.events import event_publish
from cases.services import case_record
from payments import notify
from payments.models import Bill, Biller, BillStatus, DiscrepancyKind, Payment, PaymentSource, PaymentState
from payments.models.bills import PAID_STATUSES
from payments.services.bills import bill_status_set
from payments.services.discrepancies import discrepancy_open
from runtime.jobs import defer_after_commit

ACTOR = "system: payments"
REF = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
AMOUNT = re.compile(r"^[0-9]{1,12}\.[0-9]{2}$")
FIELDS = ("payment_ref", "biller_code", "account_number", "amount", "currency", "paid_at")


class NotificationError(ValueError):
    """A notification we cannot record: (status, code, message). The message names the field."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code = status, code


@dataclass(frozen=True)
class Notice:
    payment_ref: str
    biller_code: str
    account_number: str
    amount: Decimal
    currency: str
    paid_at: datetime
    bank_code: str
    channel: str


def _bad(field: str, why: str) -> NotificationError:
    return NotificationError(400, "invalid", f"{field}: {why}")


def parse_notice(body: bytes) -> Notice:
    """The notification's fields, each checked (400 naming the field otherwise)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotificationError(400, "malformed", "the body is not JSON") from None
    if not isinstance(data, dict):
        raise NotificationError(400, "malformed", "the body is not a JSON object")
    if data.get("type", "payment") != "payment":
        raise _bad("type", "only 'payment' notifications are handled")
    for field in FIELDS:
        if not isinstance(data.get(field), str):
            raise _bad(field, "missing or not a string")
    if not REF.match(data["payment_ref"]):
        raise _bad("payment_ref", "1-32 characters of A-Z, 0-9 and '-'")
    if not re.fullmatch(r"[0-9]{3}", data["biller_code"]):
        raise _bad("biller_code", "3 digits")
    if not re.fullmatch(r"[0-9]{12}", data["account_number"]):
        raise _bad("account_number", "12 digits")
    if not AMOUNT.match(data["amount"]) or Decimal(data["amount"]) <= 0:
        raise _bad("amount", "a positive amount with two decimals, e.g. '350.00'")
    if data["currency"] != "SAR":
        raise _bad("currency", "only SAR")
    try:
        paid_at = datetime.fromisoformat(data["paid_at"])
    except ValueError:
        raise _bad("paid_at", "an ISO 8601 time") from None
    if paid_at.tzinfo is None:
        raise _bad("paid_at", "a time with its UTC offset")
    return Notice(payment_ref=data["payment_ref"], biller_code=data["biller_code"],
                  account_number=data["account_number"], amount=Decimal(data["amount"]), currency="SAR",
                  paid_at=paid_at, bank_code=str(data.get("bank_code") or "")[:10],
                  channel=str(data.get("channel") or "")[:20])


_INSERT = """
INSERT INTO payments_payment (municipality_id, biller_code, payment_ref, account_number, amount, currency, paid_at,
    bank_code, channel, source, state, webhook_id, received_at, created_at, updated_at, version)
VALUES (%(municipality_id)s, %(biller_code)s, %(payment_ref)s, %(account_number)s, %(amount)s, %(currency)s,
    %(paid_at)s, %(bank_code)s, %(channel)s, %(source)s, 'received', %(webhook_id)s, now(), now(), now(), 1)
ON CONFLICT (biller_code, payment_ref) DO NOTHING
RETURNING id
"""


@transaction.atomic
def payment_record(*, municipality, biller_code: str, payment_ref: str, account_number: str, amount: Decimal,
                   currency: str, paid_at: datetime, bank_code: str = "", channel: str = "",
                   source: str = PaymentSource.NOTIFICATION, webhook_id: str = "") -> tuple[Payment | None, bool]:
    """Record a payment once per (biller, reference): (its id-only Payment, True) when new — its apply job is
    queued with it — or (None, False) for a repeat, which writes nothing."""
    municipality_id = getattr(municipality, "pk", municipality)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, {
            "municipality_id": municipality_id, "biller_code": biller_code, "payment_ref": payment_ref,
            "account_number": account_number, "amount": amount, "currency": currency, "paid_at": paid_at,
            "bank_code": bank_code, "channel": channel, "source": source, "webhook_id": webhook_id[:100]})
        row = cursor.fetchone()
    if row is None:
        return None, False
    defer_after_commit("payments.apply", payment_id=row[0])
    return Payment(pk=row[0], municipality_id=municipality_id, biller_code=biller_code, payment_ref=payment_ref,
                   account_number=account_number, amount=amount, paid_at=paid_at, source=source), True


def _municipality_of(biller_code: str) -> int:
    found = Biller.objects.filter(code=biller_code).values_list("municipality_id", flat=True).first()
    if found is None:
        raise NotificationError(422, "unknown_biller", f"biller_code: {biller_code} is not a biller of ours")
    return found


def notification_receive(*, body: bytes, webhook_id: str) -> str:
    """Record a verified notification: "received" (new) or "duplicate" (its reference was recorded before)."""
    notice = parse_notice(body)
    municipality_id = _municipality_of(notice.biller_code)
    _payment, created = payment_record(
        municipality=municipality_id, biller_code=notice.biller_code, payment_ref=notice.payment_ref,
        account_number=notice.account_number, amount=notice.amount, currency=notice.currency,
        paid_at=notice.paid_at, bank_code=notice.bank_code, channel=notice.channel, webhook_id=webhook_id)
    return "received" if created else "duplicate"


# --- applying ------------------------------------------------------------------------------------------------


def _hold(payment: Payment, kind: str, bill: Bill | None, details: dict) -> Payment:
    payment.state = PaymentState.HELD
    payment.save(update_fields=["state", "bill", "updated_at"])
    discrepancy_open(municipality_id=payment.municipality_id, kind=kind, bill=bill, payment=payment,
                     details={"payment_ref": payment.payment_ref, "amount": f"{payment.amount:.2f}", **details})
    if bill is not None:
        case_record(case=bill.case, actor=ACTOR, visible_to_applicant=False, data={"payment": payment.pk},
                    body=_("Payment %(ref)s of SAR %(amount)s held for finance review: %(why)s.")
                    % {"ref": payment.payment_ref, "amount": f"{payment.amount:.2f}",
                       "why": DiscrepancyKind(kind).label})
    return payment


def _credit(payment: Payment, bill: Bill) -> None:
    late = bill.status == BillStatus.EXPIRED or timezone.localtime(payment.paid_at).date() > bill.expiry_date
    bill_status_set(bill, BillStatus.PAID, actor=ACTOR, note=f"paid by {payment.payment_ref}", paid_at=payment.paid_at)
    payment.state, payment.applied_at = PaymentState.APPLIED, timezone.now()
    payment.save(update_fields=["state", "bill", "applied_at", "updated_at"])
    if late:  # the bank took it after the expiry: credited (the money moved), finance confirms
        discrepancy_open(municipality_id=bill.municipality_id, kind=DiscrepancyKind.LATE_PAYMENT, bill=bill,
                         payment=payment, details={"expiry_date": bill.expiry_date.isoformat(),
                                                   "paid_at": payment.paid_at.isoformat()})
    case_record(case=bill.case, actor=ACTOR, data={"bill": bill.pk, "payment": payment.pk},
                body=_("Bill %(number)s paid: SAR %(amount)s, bank reference %(ref)s.")
                % {"number": bill.bill_number_display, "amount": f"{payment.amount:.2f}",
                   "ref": payment.payment_ref})
    event_publish(case_id=bill.case_id, event="payment.paid",
                  data={"bill": bill.pk, "service": bill.service_code, "amount": f"{bill.amount:.2f}"})
    defer_after_commit("payments.receipt", payment_id=payment.pk)


@transaction.atomic
def receipt_issue(*, payment_id: int) -> Payment:
    """The receipt of an applied payment (a PDF on the case, verifiable by its QR code), and the payer told with
    its address. Its own job: the case moves on without waiting for a PDF. Once per payment."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.receipt_id is not None or payment.state != PaymentState.APPLIED:
        return payment
    bill = Bill.objects.select_related("case", "municipality").get(pk=payment.bill_id)
    receipt = document_issue(
        case=bill.case, kind="receipt", template="payments/receipt.html", actor=ACTOR,
        context={"bill": bill, "payment": payment, "lines": list(bill.lines.all())},
        approver=Approver(name=bill.municipality.name_ar, title="الإدارة المالية — Finance"),
        title_ar="إيصال سداد", title_en="Payment receipt")
    payment.receipt = receipt
    payment.save(update_fields=["receipt", "updated_at"])
    notify.tell_payer(bill, "bill_paid", {"payment_ref": payment.payment_ref,
                                          "verify_url": verification_url(receipt.token)})
    return payment


@transaction.atomic
def payment_apply(*, payment_id: int) -> Payment:
    """Apply a recorded payment to its bill, once: credited (the bill paid, a receipt, the case told), or held
    with a discrepancy (no such bill, another amount, a cancelled or already paid bill)."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.state != PaymentState.RECEIVED:
        return payment  # applied or held before: a repeated job changes nothing
    bill = (Bill.objects.select_for_update().select_related("case", "municipality")
            .filter(biller_code=payment.biller_code, account_number=payment.account_number).first())
    payment.bill = bill
    if bill is None:
        return _hold(payment, DiscrepancyKind.UNKNOWN_BILL, None, {"account_number": payment.account_number})
    if bill.status == BillStatus.CANCELLED:
        return _hold(payment, DiscrepancyKind.CANCELLED_BILL, bill, {})
    if bill.status in (*PAID_STATUSES, BillStatus.REFUNDED):
        return _hold(payment, DiscrepancyKind.DOUBLE_PAYMENT, bill, {})
    if payment.amount != bill.amount:
        return _hold(payment, DiscrepancyKind.AMOUNT_MISMATCH, bill, {"bill_amount": f"{bill.amount:.2f}"})
    _credit(payment, bill)
    return payment


def pending_payment_ids(*, older_than_s: int = 30) -> list[int]:
    """Recorded payments still waiting to be applied (their job lost or late): the sweep's work."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    return list(Payment.objects.filter(state=PaymentState.RECEIVED, received_at__lt=cutoff)
                .values_list("pk", flat=True)[:1000])
