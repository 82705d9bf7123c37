"""The whole way, as people see it: a bill issued by the service, presented to the SADAD simulator by the job,
paid at the simulator's bank, notified to Ardh over HTTP and applied by the real worker — and then the finance
pages, the unpaid map, the case page and the applicant's API all tell the same story."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from payments.lines import FeeLine
from payments.models import Bill, Biller, BillStatus, Payment, PaymentState
from payments.services import bill_issue
from tests.web.conftest import page, signed_in
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_env(sadad_sim):
    return {"ARDH_SADAD_URL": sadad_sim.url}  # the worker presents bills to this simulator


def unpaid_ids(client) -> set[int]:
    response = client.get("/ogc/collections/unpaid_bills/items")
    return {int(f["id"]) for f in json.loads(b"".join(response.streaming_content))["features"]}


def test_a_bill_paid_at_the_bank_leaves_the_unpaid_map(client, town, finance, reviewer, applicant, layout,
                                                       sadad_sim, worker, live_server, django_user_model):
    Biller.objects.create(municipality=town, code=sadad_sim.biller, name_ar="البلدية", name_en="Town")
    case, parcel = layout["cases"]["n1"], layout["parcels"]["n1"]
    amount = Decimal("420.75")
    bill = bill_issue(case=case, actor=reviewer, service_code="kiosk_permit", lines=[
        FeeLine(kind="fee", rule="kiosk.fee", quantity=Decimal(1), rate=amount, amount=amount,
                explain_ar="رسم الكشك", explain_en="Kiosk fee")])
    wait_for(lambda: Bill.objects.get(pk=bill.pk).status == BillStatus.ACTIVE, timeout=60,
             what="the bill accepted by SADAD", worker=worker)
    signed_in(client, finance)
    assert unpaid_ids(client) == {parcel.pk}
    assert f'data-bill="{bill.pk}"' in page(client.get("/finance/?status=active"))

    sadad_sim.config(notify_url=live_server.url + "/api/v1/payments/sadad/notifications")
    sadad_sim.pay(bill.bill_number)
    wait_for(lambda: Payment.objects.filter(bill=bill, state=PaymentState.APPLIED, receipt__isnull=False).exists(),
             timeout=90, what="the payment applied and its receipt issued", worker=worker)

    assert unpaid_ids(client) == set()
    assert f'data-bill="{bill.pk}"' in page(client.get("/finance/?status=paid"))
    assert "420.75" in page(client.get("/finance/revenue/")).split('id="revenue-total"')[1][:200]
    receipt = Payment.objects.get(bill=bill, state=PaymentState.APPLIED).receipt
    owner = django_user_model.objects.create_user("owner", password="x")
    applicant.user = owner
    applicant.save()
    signed_in(client, owner)
    mine = client.get(f"/api/v1/my/bills/{bill.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert mine["status"] == "paid" and mine["receipt"]["serial"] == receipt.serial
    assert f"/api/v1/my/cases/{case.pk}/issued/{receipt.pk}/file" in page(client.get(f"/inbox/cases/{case.pk}/"))
