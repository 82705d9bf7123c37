"""Refunds: asked by a finance officer, decided by another person who may approve (four eyes, also in the
database); an approved refund of the paying payment makes the bill refunded and resolves its discrepancies."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import DuplicateError, NotPermitted, RegisterError
from payments.models import Bill, BillStatus, Discrepancy, Payment, Refund, RefundStatus
from payments.services import payment_apply, payment_record, refund_decide, refund_request

pytestmark = pytest.mark.django_db


def paid(bill, ref: str, amount=None) -> Payment:
    payment, _created = payment_record(municipality=bill.municipality, biller_code=bill.biller_code, payment_ref=ref,
                                       account_number=bill.account_number, amount=amount or bill.amount,
                                       currency="SAR", paid_at=timezone.now())
    return payment_apply(payment_id=payment.pk)


def test_four_eyes_refund_of_a_double_payment(bill, finance, manager, reviewer):
    paid(bill, "SDD-A")
    double = paid(bill, "SDD-B")
    assert Discrepancy.objects.get(payment=double).resolved_at is None
    with pytest.raises(NotPermitted):
        refund_request(payment=double, actor=reviewer, reason="paid twice")
    with pytest.raises(RegisterError, match="reason"):
        refund_request(payment=double, actor=finance, reason="")
    with pytest.raises(RegisterError, match="at most"):
        refund_request(payment=double, actor=finance, amount=bill.amount + 1, reason="paid twice")
    refund = refund_request(payment=double, actor=finance, reason="paid twice")
    with pytest.raises(DuplicateError):
        refund_request(payment=double, actor=finance, reason="again")
    with pytest.raises(NotPermitted):  # a finance officer may ask, not approve
        refund_decide(refund=refund, actor=finance, approve=True)
    refund = refund_decide(refund=refund, actor=manager, approve=True, note="checked with the bank")
    assert refund.status == RefundStatus.APPROVED
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.PAID  # the bill keeps its first payment
    assert Discrepancy.objects.get(payment=double).resolution == "refunded"
    with pytest.raises(RegisterError, match="decided already"):
        refund_decide(refund=refund, actor=manager, approve=False)


def test_refunding_the_paying_payment_refunds_the_bill(bill, finance, manager):
    payment = paid(bill, "SDD-P")
    refund = refund_request(payment=payment, actor=finance, reason="the permit was withdrawn")
    refund_decide(refund=refund, actor=manager, approve=True)
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.REFUNDED


def test_who_asked_never_approves_even_with_the_right(bill, manager):
    payment = paid(bill, "SDD-S")
    refund = refund_request(payment=payment, actor=manager, reason="mistake")
    with pytest.raises(NotPermitted, match="does not approve"):
        refund_decide(refund=refund, actor=manager, approve=True)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        Refund.objects.filter(pk=refund.pk).update(decided_by=manager, status="approved")
