"""Reads of the payments register for people: finance officers' lists, totals and revenue figures, the bills of a
case (staff) and of mine (the applicant). Querysets and aggregates only; the pages and APIs shape them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from cases.documents.models import IssuedDocument
from cases.models import Case
from payments.models import Bill, BillLine, BillStatus, Discrepancy, Payment, PaymentState, Refund

# Owed and payable now or past its expiry (the map of unpaid bills and the "unpaid" bars): SADAD holds the bill, or
# held it until it expired unpaid. A draft or a bill in flight to SADAD is not yet payable.
UNPAID = (BillStatus.ACTIVE, BillStatus.EXPIRED)
# Money received: a payment applied (paid) and confirmed by SADAD's daily file (settled).
PAID = (BillStatus.PAID, BillStatus.SETTLED)
SEARCH_MAX = 32


@dataclass(frozen=True)
class BillFilters:
    status: str | None = None
    service: str | None = None
    district: object | None = None  # a parcels.District of the municipality
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    q: str = ""  # a SADAD bill number (spaces allowed, or its last digits) or a case number


def bill_list(*, municipality, filters: BillFilters | None = None) -> QuerySet[Bill]:
    """The municipality's bills, newest first, narrowed by ``filters``."""
    f = filters or BillFilters()
    qs = Bill.objects.filter(municipality=municipality)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.service:
        qs = qs.filter(service_code=f.service)
    if f.district is not None:
        # The bill's parcel's district (its plan's); a bill without a parcel, by where it lies.
        qs = qs.filter(Q(parcel__plan__district=f.district)
                       | Q(parcel__isnull=True, location__intersects=f.district.geom))
    if f.issued_from:
        qs = qs.filter(issue_date__gte=f.issued_from)
    if f.issued_to:
        qs = qs.filter(issue_date__lte=f.issued_to)
    if f.q:
        qs = qs.filter(_search(f.q))
    return qs.order_by("-issue_date", "-id")


def _search(text: str) -> Q:
    text = text.strip()[:SEARCH_MAX]
    digits = "".join(text.split())
    found = Q(case__number__iexact=text)
    if digits.isdigit():
        if len(digits) == 15:  # the whole SADAD number: biller code + account number
            found |= Q(biller_code=digits[:3], account_number=digits[3:])
        elif 4 <= len(digits) <= 12:  # its last digits, as read over the phone
            found |= Q(account_number__endswith=digits)
    return found


def bill_totals(qs: QuerySet[Bill]) -> dict:
    """How many bills and how much (SAR) in ``qs`` (a filtered list, before paging)."""
    row = qs.order_by().aggregate(count=Count("id"), amount=Sum("amount"))
    return {"count": row["count"], "amount": row["amount"] or Decimal("0.00")}


def bill_get(*, municipality, pk: int) -> Bill:
    """A bill of this municipality (another municipality's bill is "not found")."""
    bill = (Bill.objects.filter(municipality=municipality, pk=pk)
            .select_related("case", "parcel", "parcel__plan__district").first())
    if bill is None:
        raise Http404("bill")
    return bill


def bill_lines(*, bill: Bill) -> QuerySet[BillLine]:
    return bill.lines.order_by("position")


def bill_payments(*, bill: Bill) -> QuerySet[Payment]:
    return Payment.objects.filter(bill=bill).order_by("paid_at", "id")


def bill_discrepancies(*, bill: Bill) -> QuerySet[Discrepancy]:
    return (Discrepancy.objects.filter(Q(bill=bill) | Q(payment__bill=bill))
            .select_related("owner", "resolved_by", "payment").order_by("-id").distinct())


def bill_refunds(*, bill: Bill) -> QuerySet[Refund]:
    return Refund.objects.filter(bill=bill).select_related("payment", "requested_by", "decided_by").order_by("-id")


def service_codes(*, municipality) -> list[str]:
    """The services the municipality has billed for (the list's filter)."""
    return list(Bill.objects.filter(municipality=municipality).order_by("service_code")
                .values_list("service_code", flat=True).distinct())


# --- a case's bills (staff and applicant alike), mine


def _with_lines(qs: QuerySet[Bill]) -> QuerySet[Bill]:
    return qs.prefetch_related(Prefetch("lines", queryset=BillLine.objects.order_by("position")))


def case_bills(*, case: Case) -> QuerySet[Bill]:
    """The bills of a case, newest first, with their lines. Drafts included: the applicant sees a bill is coming."""
    return _with_lines(Bill.objects.filter(case=case).order_by("-issue_date", "-id"))


def bill_receipts(bills, *, for_applicant: bool = False) -> dict[int, IssuedDocument]:
    """The receipt of each paid bill among ``bills`` (bill id → issued document): the receipt of the payment
    applied to it (``Payment.receipt``, issued by its own job once the payment is applied). One query."""
    qs = (Payment.objects.filter(bill__in=[b.pk for b in bills], state=PaymentState.APPLIED, receipt__isnull=False)
          .select_related("receipt"))
    if for_applicant:
        qs = qs.filter(receipt__visible_to_applicant=True)
    return {p.bill_id: p.receipt for p in qs}


def my_bills(*, user) -> QuerySet[Bill]:
    """Bills of the cases whose applicant ``user`` is, or acts for (``accounts.selectors.acting_parties``)."""
    from cases import applicant

    return _with_lines(Bill.objects.filter(case__in=applicant.my_cases(user=user).values("pk"))
                       .select_related("case", "municipality").order_by("-issue_date", "-id"))


def my_bill_get(*, user, pk: int) -> Bill:
    """One of ``my_bills``; any other bill is "not found" (never "forbidden": its existence is not told)."""
    bill = my_bills(user=user).filter(pk=pk).first()
    if bill is None:
        raise Http404("bill")
    return bill


# --- revenue


def month_starts(*, today: dt.date, months: int = 12) -> list[dt.date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    y, m = today.year, today.month
    out = []
    for _ in range(months):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def revenue_by_service_month(*, municipality, today: dt.date, months: int = 12) -> dict:
    """Revenue — the amounts of paid and settled bills — by service and by the month they were paid, over the
    last ``months`` months: ``{"months": [date…], "services": [code…], "amounts": {code: [Decimal per month]}}``."""
    starts = month_starts(today=today, months=months)
    rows = (Bill.objects.filter(municipality=municipality, status__in=PAID, paid_at__date__gte=starts[0])
            .annotate(month=TruncMonth("paid_at")).values("service_code", "month")
            .annotate(total=Sum("amount")).order_by())
    index = {d: i for i, d in enumerate(starts)}
    amounts: dict[str, list[Decimal]] = {}
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        i = index.get(month)
        if i is None:  # paid after today (a clock ahead): not in the window
            continue
        amounts.setdefault(r["service_code"], [Decimal("0.00")] * len(starts))[i] += r["total"]
    services = sorted(amounts)
    return {"months": starts, "services": services, "amounts": {s: amounts[s] for s in services}}


def paid_unpaid_by_service(*, municipality, since: dt.date) -> list[dict]:
    """For bills issued since ``since``: per service, the paid amount (paid, settled) and the unpaid one (awaiting
    payment, expired), with counts. Cancelled, refunded and not yet payable bills are in neither."""
    rows = (Bill.objects.filter(municipality=municipality, issue_date__gte=since, status__in=(*PAID, *UNPAID))
            .values("service_code")
            .annotate(paid=Sum("amount", filter=Q(status__in=PAID)),
                      paid_count=Count("id", filter=Q(status__in=PAID)),
                      unpaid=Sum("amount", filter=Q(status__in=UNPAID)),
                      unpaid_count=Count("id", filter=Q(status__in=UNPAID)))
            .order_by("service_code"))
    zero = Decimal("0.00")
    return [{"service": r["service_code"], "paid": r["paid"] or zero, "paid_count": r["paid_count"],
             "unpaid": r["unpaid"] or zero, "unpaid_count": r["unpaid_count"]} for r in rows]


def unpaid_parcels(*, municipality) -> QuerySet:
    """The parcels with unpaid bills (and fines) and how much is owed on each: the map layer's rows."""
    from payments.models.unpaid import UnpaidParcel

    return UnpaidParcel.objects.filter(municipality=municipality).order_by("-outstanding", "id")
