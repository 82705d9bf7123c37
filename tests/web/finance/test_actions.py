"""The bill page's actions: cancel an unpaid bill with a reason, ask for a refund of a payment, and a finance
manager — not who asked — approves it; refusals are shown on the page, never a 500."""

from __future__ import annotations

import pytest
from django.utils import timezone

from payments.models import Bill, BillStatus, Refund, RefundStatus
from payments.services import payment_apply, payment_record
from tests.cases.conftest import staff
from tests.payments.factories import make_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(town, django_user_model):
    return staff(django_user_model, town, "manager", ["finance_manager"])


def page(client, bill):
    return client.get(f"/finance/bills/{bill.pk}/", HTTP_ACCEPT_LANGUAGE="en")


def test_cancel_needs_a_reason_then_withdraws_the_bill(client, finance, case):
    bill = make_bill(case=case)
    client.force_login(finance)
    assert 'data-test="bill-cancel"' in page(client, bill).content.decode()
    answer = client.post(f"/finance/bills/{bill.pk}/cancel/", {"reason": " "}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert answer.status_code == 200 and "needs a reason" in answer.content.decode()
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.ACTIVE
    answer = client.post(f"/finance/bills/{bill.pk}/cancel/", {"reason": "issued twice"}, follow=True,
                         HTTP_ACCEPT_LANGUAGE="en")
    assert "withdrawn from SADAD" in answer.content.decode()
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.CANCELLED
    assert 'data-test="bill-cancel"' not in page(client, bill).content.decode()


def test_refund_asked_by_an_officer_and_approved_by_a_manager(client, finance, manager, case):
    bill = make_bill(case=case, amount="200.00")
    payment, _new = payment_record(municipality=case.municipality, biller_code=bill.biller_code, payment_ref="P-1",
                                   account_number=bill.account_number, amount=bill.amount, currency="SAR",
                                   paid_at=timezone.now())
    payment_apply(payment_id=payment.pk)
    client.force_login(finance)
    refused = client.post(f"/finance/payments/{payment.pk}/refund/", {"amount": "abc", "reason": "x"}, follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "not a number" in refused.content.decode() and not Refund.objects.exists()
    too_much = client.post(f"/finance/payments/{payment.pk}/refund/", {"amount": "250", "reason": "x"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "at most" in too_much.content.decode() and not Refund.objects.exists()
    client.post(f"/finance/payments/{payment.pk}/refund/", {"reason": "service withdrawn"})
    refund = Refund.objects.get()
    assert refund.amount == bill.amount and refund.status == RefundStatus.REQUESTED
    assert 'data-test="refund-decide"' not in page(client, bill).content.decode()  # an officer cannot decide
    denied = client.post(f"/finance/refunds/{refund.pk}/decide/", {"decision": "approve"}, follow=True)
    assert denied.status_code == 200 and Refund.objects.get().status == RefundStatus.REQUESTED

    client.force_login(manager)
    assert 'data-test="refund-decide"' in page(client, bill).content.decode()
    client.post(f"/finance/refunds/{refund.pk}/decide/", {"decision": "approve", "note": "checked"})
    assert Refund.objects.get().status == RefundStatus.APPROVED
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.REFUNDED


def test_another_municipalitys_payment_is_not_found(client, finance, other_town, django_user_model, case):
    bill = make_bill(case=case)
    payment, _new = payment_record(municipality=case.municipality, biller_code=bill.biller_code, payment_ref="P-2",
                                   account_number=bill.account_number, amount=bill.amount, currency="SAR",
                                   paid_at=timezone.now())
    stranger = staff(django_user_model, other_town, "other-finance", ["finance_officer"])
    client.force_login(stranger)
    assert client.post(f"/finance/payments/{payment.pk}/refund/", {"reason": "x"}).status_code == 404
    assert client.post(f"/finance/bills/{bill.pk}/cancel/", {"reason": "x"}).status_code == 404
