"""Reconciliation fixtures: bills of the town's biller (091) made payable, payments as SADAD notified them, and
the day's file written in the exact format of docs/sadad-interface.md."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from payments.models import Bill, BillStatus
from payments.services import bill_issue, payment_apply, payment_record
from tests.payments.conftest import fee

DAY = date(2026, 12, 3)
HEADER = "payment_ref,biller_code,account_number,amount,currency,paid_at,bank_code,channel"


def at(hour: int = 10, day: date = DAY) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+03:00"


def payable(case, actor, amount: str = "350.00", *, expired: bool = False) -> Bill:
    """A bill SADAD accepted (active); ``expired``: its expiry date is before DAY."""
    bill = bill_issue(case=case, actor=actor, service_code="kiosk_permit", lines=[fee(amount)])
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.ACTIVE)
    bill.refresh_from_db()
    return bill


def expire_before_day(bill: Bill) -> None:
    Bill.objects.filter(pk=bill.pk).update(issue_date=date(2026, 10, 1), due_date=date(2026, 10, 15),
                                           expiry_date=date(2026, 11, 1))


def notified(bill: Bill, ref: str, *, amount: str | None = None, paid_at: str | None = None, apply: bool = True):
    """A payment SADAD notified (recorded like the endpoint does), applied to its bill."""
    payment, created = payment_record(
        municipality=bill.municipality_id, biller_code=bill.biller_code, payment_ref=ref,
        account_number=bill.account_number, amount=Decimal(amount or f"{bill.amount:.2f}"), currency="SAR",
        paid_at=paid_at or at(), bank_code="RJHI", channel="ONLINE")
    assert created
    if apply:
        payment_apply(payment_id=payment.pk)
    return payment


def line(ref: str, bill_or_account, amount: str | None = None, paid_at: str | None = None,
         biller: str = "091") -> str:
    account = getattr(bill_or_account, "account_number", bill_or_account)
    amount = amount or f"{bill_or_account.amount:.2f}"
    return f"{ref},{biller},{account},{amount},SAR,{paid_at or at()},RJHI,ONLINE"


def recon_file(lines: list[str], *, count: int | None = None, total: str | None = None) -> bytes:
    """The file as SADAD writes it: header, lines, TRAILER with the count and sum (unless told otherwise)."""
    s = sum(Decimal(x.split(",")[3]) for x in lines)
    trailer = f"TRAILER,{len(lines) if count is None else count},{total or f'{s:.2f}'}"
    return ("\n".join([HEADER, *lines, trailer]) + "\n").encode()


def queued(task: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT args FROM procrastinate_jobs WHERE task_name = %s AND status = 'todo'", [task])
        return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in cursor.fetchall()]


@pytest.fixture
def bills(case, reviewer):
    return [payable(case, reviewer, amount) for amount in ("350.00", "120.50", "99.99", "410.00", "75.25")]
