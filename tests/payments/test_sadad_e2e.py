"""Ardh and the SADAD simulator over real HTTP, with a real worker: a bill is presented, paid on the bank's side,
notified, applied once — under every fault mode the simulator plays (duplicates, lost acknowledgements and retries,
out-of-order delivery, delays, a wrong amount, forged and stale signatures) — and a cancelled bill is withdrawn.
Nothing lost, nothing counted twice."""

from __future__ import annotations

import pytest

from payments.models import Bill, BillStatus, Discrepancy, Payment, PaymentState
from payments.services import bill_cancel, bill_issue
from tests.payments.conftest import fee
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sadad(sadad_live):
    return sadad_live


def presented(case, actor, amount="350.50", worker=None) -> Bill:
    bill = bill_issue(case=case, actor=actor, service_code="kiosk_permit", lines=[fee(amount)])
    wait_for(lambda: Bill.objects.get(pk=bill.pk).status == BillStatus.ACTIVE, timeout=30,
             what="the bill accepted by SADAD", worker=worker)
    return Bill.objects.get(pk=bill.pk)


def applied(bill, worker) -> Payment:
    wait_for(lambda: Payment.objects.filter(bill=bill, state=PaymentState.APPLIED).exists(), timeout=30,
             what="the payment applied", worker=worker)
    return Payment.objects.get(bill=bill, state=PaymentState.APPLIED)


def test_presented_paid_notified_applied(sadad, worker, case, reviewer):
    bill = presented(case, reviewer, worker=worker)
    held = sadad.bill(bill.account_number)
    assert held["amount"] == "350.50" and held["status"] == "open" and held["reference"] == case.number
    ref = sadad.pay(bill_number=bill.bill_number)["payment_ref"]
    payment = applied(bill, worker)
    assert payment.payment_ref == ref and Bill.objects.get(pk=bill.pk).status == BillStatus.PAID
    assert sadad.bill(bill.account_number)["status"] == "paid"
    wait_for(lambda: Payment.objects.get(pk=payment.pk).receipt_id is not None, timeout=60, what="the receipt",
             worker=worker)


@pytest.mark.parametrize("faults", [
    {"duplicates": 3},
    {"drop_ack_first": 2},
    {"delay_ms": 300},
    {"bad_signature": 2},
    {"stale_timestamp": 1},
])
def test_each_fault_mode_ends_in_one_credit(sadad, worker, case, reviewer, faults):
    bill = presented(case, reviewer, worker=worker)
    sadad.faults(**faults)
    sadad.pay(bill_number=bill.bill_number)
    applied(bill, worker)
    sadad.wait_idle(timeout=30)
    assert Payment.objects.filter(bill=bill).count() == 1
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.PAID
    codes = [d.get("status") for d in sadad.deliveries()]
    if "bad_signature" in faults or "stale_timestamp" in faults:
        assert codes.count(401) == next(iter(faults.values())), codes  # refused, then retried signed properly
    if "duplicates" in faults:
        assert len(codes) >= 4, codes


def test_out_of_order_delivery_credits_each_bill(sadad, worker, case, reviewer):
    bills = [presented(case, reviewer, amount=a, worker=worker) for a in ("10.00", "20.00", "30.00")]
    sadad.faults(out_of_order=True)
    for bill in bills:
        sadad.pay(bill_number=bill.bill_number)
    assert sadad.flush() == 3
    for bill in bills:
        applied(bill, worker)
    assert Payment.objects.filter(state=PaymentState.APPLIED).count() == 3


def test_a_wrong_amount_is_held_for_finance(sadad, worker, case, reviewer):
    bill = presented(case, reviewer, worker=worker)
    sadad.faults(wrong_amount="-0.50")
    sadad.pay(bill_number=bill.bill_number)
    wait_for(lambda: Discrepancy.objects.filter(kind="amount_mismatch").exists(), timeout=30,
             what="the mismatch held", worker=worker)
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.ACTIVE
    assert Payment.objects.get().state == PaymentState.HELD


def test_a_cancelled_bill_is_withdrawn_and_a_forced_payment_held(sadad, worker, case, reviewer):
    bill = presented(case, reviewer, worker=worker)
    bill_cancel(bill=bill, actor=reviewer, reason="the applicant withdrew")
    sadad.wait_until(lambda s: s.bill(bill.account_number)["status"] == "cancelled", timeout=30,
                     what="the bill withdrawn from SADAD")
    refused = sadad.pay(bill_number=bill.bill_number, expect=None)
    assert "payment_ref" not in refused
    sadad.pay(bill_number=bill.bill_number, force=True)  # the bank took it anyway
    wait_for(lambda: Discrepancy.objects.filter(kind="cancelled_bill").exists(), timeout=30,
             what="the payment held", worker=worker)
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.CANCELLED
