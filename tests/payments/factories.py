"""Bills for the tests of the people's pages, written with the ORM as the register holds them (the services'
own tests go through ``payments.services``): a bill with its lines, in any status, on a case and its parcel."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from payments.models import Bill, Biller, BillLine, BillStatus, LineKind

_ACCOUNTS = itertools.count(1)


def biller_of(municipality) -> Biller:
    found = Biller.objects.filter(municipality=municipality).first()
    if found is not None:
        return found
    code = f"{(Biller.objects.count() + 101) % 1000:03d}"
    return Biller.objects.create(municipality=municipality, code=code, name_ar="البلدية", name_en="The municipality")


def make_bill(*, case, amount: str | Decimal = "100.00", status: str = BillStatus.ACTIVE, service_code: str = "",
              lines: list[tuple[str, str, str, str]] | None = None, parcel=None, issue_date: dt.date | None = None,
              paid_at: dt.datetime | None = None, due_days: int = 10, expiry_days: int = 30) -> Bill:
    """A bill of ``case`` for ``amount`` SAR. ``lines``: (kind, amount, explain_ar, explain_en), summing to the
    amount (one fee line of the whole amount when omitted). ``parcel``: the case's first parcel when omitted."""
    amount = Decimal(amount)
    issue = issue_date or timezone.localdate()
    biller = biller_of(case.municipality)
    if parcel is None:
        parcel = case.parcels.order_by("pk").first()
    if status in (BillStatus.PAID, BillStatus.SETTLED) and paid_at is None:
        paid_at = timezone.now()
    bill = Bill.objects.create(
        municipality=case.municipality, case=case, service_code=service_code or case.case_type,
        biller_code=biller.code, account_number=f"{next(_ACCOUNTS) + 700000000000:012d}", status=status,
        status_since=timezone.now(), amount=amount, issue_date=issue, due_date=issue + dt.timedelta(days=due_days),
        expiry_date=issue + dt.timedelta(days=expiry_days), payer_name="محمد", parcel=parcel,
        location=parcel.geom.point_on_surface if parcel is not None else case.location, paid_at=paid_at,
        settled_at=paid_at if status == BillStatus.SETTLED else None,
    )
    rows = lines or [(LineKind.FEE, str(amount), f"رسم {amount} ريال", f"Fee of SAR {amount}")]
    assert sum(Decimal(r[1]) for r in rows) == amount, "the lines must sum to the bill's amount"
    BillLine.objects.bulk_create([
        BillLine(bill=bill, position=i, kind=kind, rule=f"test.{kind}", quantity=Decimal("1"), rate=Decimal(a),
                 amount=Decimal(a), explain_ar=ar, explain_en=en)
        for i, (kind, a, ar, en) in enumerate(rows, start=1)
    ])
    return bill
