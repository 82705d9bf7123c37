"""Payments' test fixtures: a municipality that is a SADAD biller, an applicant with a mobile, a case of the
scratch app's kiosk permit, and a bill on it; ``post_notification`` signs like SADAD does."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests
from django.conf import settings

from accounts.models import Person
from payments.lines import FeeLine
from payments.models import Biller
from payments.services import bill_issue
from payments.signing import sign_headers
from tests.cases.conftest import open_case, staff
from tests.factories import MunicipalityFactory

NOTIFY_PATH = "/api/v1/payments/sadad/notifications"


@pytest.fixture
def town(db):
    municipality = MunicipalityFactory(short_code="RAS")
    Biller.objects.create(municipality=municipality, code="091", name_ar="بلدية الرس", name_en="Al-Rass")
    return municipality


@pytest.fixture
def reviewer(town, django_user_model):
    return staff(django_user_model, town, "reviewer", ["permit_reviewer"])


@pytest.fixture
def finance(town, django_user_model):
    return staff(django_user_model, town, "finance", ["finance_officer"])


@pytest.fixture
def manager(town, django_user_model):
    return staff(django_user_model, town, "manager", ["finance_manager"])


@pytest.fixture
def applicant(db):
    return Person.objects.create(kind="person", name_ar="محمد", name_en="Mohammed", national_id="1012345678",
                                 mobile="+966500000999")


@pytest.fixture
def case(town, reviewer, applicant):
    return open_case(town=town, actor=reviewer, applicant=applicant)


def fee(amount: str, rule: str = "kiosk.fee") -> FeeLine:
    a = Decimal(amount)
    return FeeLine(kind="fee", rule=rule, quantity=Decimal(1), rate=a, amount=a, explain_ar="رسوم", explain_en="Fee")


@pytest.fixture
def bill(case, reviewer):
    return bill_issue(case=case, actor=reviewer, service_code="kiosk_permit", lines=[fee("250.00"), fee("100.50")])


def notification(bill, *, ref: str, amount: str | None = None, paid_at: str = "2026-12-04T10:00:00+03:00",
                 account: str | None = None) -> dict:
    return {"type": "payment", "payment_ref": ref, "biller_code": "091",
            "account_number": account or bill.account_number, "amount": amount or f"{bill.amount:.2f}",
            "currency": "SAR", "paid_at": paid_at, "bank_code": "RJHI", "channel": "ONLINE"}


def post_notification(base_url: str, message: dict | bytes, *, secret: str | None = None, **sign) -> requests.Response:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    headers = {"content-type": "application/json",
               **sign_headers(secret or settings.ARDH_SADAD_SECRET, body, **sign)}
    return requests.post(base_url + NOTIFY_PATH, data=body, headers=headers, timeout=10)
