"""A kill -9 of the worker between receiving a payment and applying it loses nothing: the payment and its job
were written in one transaction, and the next worker applies it (the case moves on through the backbone)."""

from __future__ import annotations

import pytest

from payments.models import Bill, BillStatus, Payment, PaymentState
from tests.payments.conftest import notification, post_notification
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_payment_received_while_the_worker_is_dead_is_applied_when_it_returns(live_server, bill, worker):
    worker.kill()
    answer = post_notification(live_server.url, notification(bill, ref="SDD-K9"))
    assert answer.status_code == 200 and answer.json()["status"] == "received"
    payment = Payment.objects.get(payment_ref="SDD-K9")
    assert payment.state == PaymentState.RECEIVED
    assert Bill.objects.get(pk=bill.pk).status != BillStatus.PAID
    worker.start()
    wait_for(lambda: Payment.objects.get(pk=payment.pk).state == PaymentState.APPLIED, timeout=60,
             what="the payment applied by the returning worker", worker=worker)
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.PAID
    assert Payment.objects.filter(bill=bill, state=PaymentState.APPLIED).count() == 1
