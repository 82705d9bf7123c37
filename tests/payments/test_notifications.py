"""SADAD's payment notifications over real HTTP to our own server: signature and replay window, validation naming
the field, idempotency by the bank's reference (also under concurrent repeats), and applying: credited once, or
held for finance with a discrepancy — never refused, never counted twice."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings

from cases.documents.models import IssuedDocument
from cases.models import TimelineEntry
from notifications.models import Notification
from payments.models import Bill, BillStatus, Discrepancy, Payment, PaymentState
from payments.services import bill_cancel, bill_issue, payment_apply, receipt_issue
from payments.signing import sign_headers
from tests.payments.conftest import NOTIFY_PATH, fee, notification, post_notification

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_payment_is_recorded_once_and_applied_once(live_server, bill):
    message = notification(bill, ref="SDD-1")
    first = post_notification(live_server.url, message)
    assert first.status_code == 200 and first.json() == {"status": "received"}
    again = post_notification(live_server.url, message)  # SADAD's retry: a new signature, the same payment
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    payment = Payment.objects.get()
    assert payment.state == PaymentState.RECEIVED and payment.webhook_id.startswith("msg_")

    applied = payment_apply(payment_id=payment.pk)
    assert applied.state == PaymentState.APPLIED
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and bill.paid_at is not None
    assert not IssuedDocument.objects.filter(case=bill.case).exists()  # the receipt is its own job
    assert receipt_issue(payment_id=payment.pk).receipt_id is not None
    assert receipt_issue(payment_id=payment.pk).receipt_id is not None  # once
    receipt = IssuedDocument.objects.get(case=bill.case, kind="receipt")
    assert receipt.pdf.size > 1000
    assert TimelineEntry.objects.filter(case=bill.case, data__payment=payment.pk, visible_to_applicant=True).exists()
    assert Notification.objects.filter(template="bill_paid", context__payment_ref="SDD-1").count() == 1
    assert payment_apply(payment_id=payment.pk).state == PaymentState.APPLIED  # a repeated job changes nothing
    assert IssuedDocument.objects.filter(case=bill.case, kind="receipt").count() == 1


def test_concurrent_repeats_of_one_payment_insert_one_row(live_server, bill):
    message = notification(bill, ref="SDD-RACE")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _i: post_notification(live_server.url, message), range(16)))
    assert sorted(a.json()["status"] for a in answers).count("received") == 1
    assert all(a.status_code == 200 for a in answers)
    assert Payment.objects.filter(payment_ref="SDD-RACE").count() == 1


@pytest.mark.parametrize("sign, why", [
    ({"secret": "whsec_" + "b3RoZXItc2VjcmV0LW9mLWEtZm9yZ2Vy"}, "does not match"),
    ({"timestamp": int(time.time()) - 3600}, "from our clock"),
    ({"timestamp": int(time.time()) + 3600}, "from our clock"),
])
def test_forged_or_replayed_notifications_are_refused(live_server, bill, sign, why):
    answer = post_notification(live_server.url, notification(bill, ref="SDD-F"), **sign)
    assert answer.status_code == 401 and why in answer.json()["detail"]
    assert not Payment.objects.exists()


def test_a_tampered_body_does_not_match_its_signature(live_server, bill):
    body = json.dumps(notification(bill, ref="SDD-T")).encode()
    headers = sign_headers(settings.ARDH_SADAD_SECRET, body)
    tampered = body.replace(b'"350.50"', b'"1.00"')
    answer = requests.post(live_server.url + NOTIFY_PATH, data=tampered, headers=headers, timeout=10)
    assert answer.status_code == 401 and not Payment.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"amount": "350.5"}, "amount"), ({"amount": "-1.00"}, "amount"), ({"amount": 350.5}, "amount"),
    ({"currency": "USD"}, "currency"), ({"account_number": "12345"}, "account_number"),
    ({"paid_at": "yesterday"}, "paid_at"), ({"paid_at": "2026-12-04T10:00:00"}, "paid_at"),
    ({"payment_ref": "bad ref!"}, "payment_ref"), ({"payment_ref": None}, "payment_ref"),
])
def test_malformed_fields_are_named(live_server, bill, change, field):
    message = {**notification(bill, ref="SDD-M"), **change}
    answer = post_notification(live_server.url, message)
    assert answer.status_code == 400 and answer.json()["detail"].startswith(field), answer.content
    assert not Payment.objects.exists()


def test_not_json_unknown_biller_and_oversize(live_server, bill):
    assert post_notification(live_server.url, b"{not json").status_code == 400
    stranger = {**notification(bill, ref="SDD-B"), "biller_code": "555"}
    answer = post_notification(live_server.url, stranger)
    assert answer.status_code == 422 and "555" in answer.json()["detail"]
    huge = json.dumps({**notification(bill, ref="SDD-H"), "pad": "x" * 20_000}).encode()
    assert post_notification(live_server.url, huge).status_code == 413
    assert not Payment.objects.exists()


def _applied(live_server, bill, **kw) -> Payment:
    ref = kw.pop("ref")
    assert post_notification(live_server.url, notification(bill, ref=ref, **kw)).status_code == 200
    return payment_apply(payment_id=Payment.objects.get(payment_ref=ref).pk)


def test_unknown_bill_wrong_amount_cancelled_and_double_payments_are_held(live_server, bill, case, reviewer):
    unknown = _applied(live_server, bill, ref="SDD-U", account="000000009992")
    assert unknown.state == PaymentState.HELD and unknown.bill is None
    wrong = _applied(live_server, bill, ref="SDD-W", amount="350.49")
    assert wrong.state == PaymentState.HELD
    bill.refresh_from_db()
    assert bill.status == BillStatus.DRAFT  # not paid by a wrong amount
    right = _applied(live_server, bill, ref="SDD-R")
    assert right.state == PaymentState.APPLIED
    twice = _applied(live_server, bill, ref="SDD-2")
    assert twice.state == PaymentState.HELD

    other = bill_issue(case=case, actor=reviewer, service_code="kiosk_permit", lines=[fee("10.00")])
    bill_cancel(bill=other, actor=reviewer, reason="issued by mistake")
    cancelled = _applied(live_server, other, ref="SDD-C")
    assert cancelled.state == PaymentState.HELD

    kinds = dict(Discrepancy.objects.values_list("payment__payment_ref", "kind"))
    assert kinds == {"SDD-U": "unknown_bill", "SDD-W": "amount_mismatch", "SDD-2": "double_payment",
                     "SDD-C": "cancelled_bill"}
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.PAID
    assert Payment.objects.filter(bill=bill, state=PaymentState.APPLIED).count() == 1  # credited once


def test_an_expired_bill_paid_late_is_credited_and_flagged(live_server, bill):
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.EXPIRED)
    late = _applied(live_server, bill, ref="SDD-L")
    assert late.state == PaymentState.APPLIED
    assert Discrepancy.objects.get(payment=late).kind == "late_payment"


def test_notifications_take_the_lean_request_path(bill):
    """As served (runtime.lean.Dispatcher): SADAD's POSTs go through the lean handler (no session, CSRF or
    messages middleware), and are answered exactly as on the full stack; other POSTs keep the full one."""
    import io
    import sys

    from tests.tiles.test_lean_path import in_test_transaction
    from tests.wsgi import counting_dispatcher

    app = counting_dispatcher()
    body = json.dumps(notification(bill, ref="SDD-LEAN")).encode()

    def post(path: str, payload: bytes, headers: dict) -> int:
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
                   "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(payload), "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/json",
                   "CONTENT_LENGTH": str(len(payload)),
                   **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}}
        seen = {}
        with in_test_transaction():
            b"".join(app(environ, lambda status, _h, _e=None: seen.setdefault("status", int(status[:3]))))
        return seen["status"]

    assert post(NOTIFY_PATH, body, sign_headers(settings.ARDH_SADAD_SECRET, body)) == 200
    assert app.lean.calls == 1 and Payment.objects.filter(payment_ref="SDD-LEAN").count() == 1
    assert post(NOTIFY_PATH, body, {}) == 401 and app.lean.calls == 2  # refused on the lean path as on the full
    post("/api/v1/cases/", b"{}", {})
    assert app.lean.calls == 2  # every other POST: the full stack (CSRF, sessions)
