"""``/finance/``: the municipality's bills by status, service, district and issue date, or found by SADAD or case
number; the filtered set's totals (count, SAR); ``/finance/bills/<id>/``: one bill — lines with their
explanations, payments, discrepancies, its case."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from payments import selectors
from payments.models import BillStatus
from web.finance import present
from web.finance.access import FinanceView

PAGE = 50
MAX_OFFSET = 100_000


def _offset(value) -> int:
    try:
        return min(max(0, int(value)), MAX_OFFSET)
    except (TypeError, ValueError):
        return 0


class BillListView(FinanceView, View):
    def get(self, request):
        muni = self.municipality
        filters, notes = present.read_filters(request.GET, municipality=muni)
        qs = selectors.bill_list(municipality=muni, filters=filters)
        totals = selectors.bill_totals(qs)
        offset = _offset(request.GET.get("offset"))
        bills = list(qs.select_related("case", "parcel")[offset:offset + PAGE])
        query = request.GET.copy()
        query.pop("offset", None)
        rows = [{"bill": b, "service": present.service_label(b.service_code), "status": present.status_label(b.status)}
                for b in bills]
        return render(request, "finance/bills.html", {
            "viewer": self.viewer, "rows": rows, "totals": totals, "notes": notes, "filters": request.GET,
            "statuses": BillStatus.choices,
            "services": [(c, present.service_label(c)) for c in selectors.service_codes(municipality=muni)],
            "districts": present.district_choices(muni), "query": query.urlencode(),
            "paging": {"offset": offset, "first": offset + 1 if bills else 0, "last": offset + len(bills),
                       "previous": max(0, offset - PAGE) if offset else None,
                       "next": offset + PAGE if offset + PAGE < totals["count"] else None},
            "section": "bills",
        })


class BillView(FinanceView, View):
    def get(self, request, pk: int):
        bill = selectors.bill_get(municipality=self.municipality, pk=pk)
        lines = [{"line": line, "kind": line.get_kind_display(), "explain": present.line_explanation(line)}
                 for line in selectors.bill_lines(bill=bill)]
        district = bill.parcel.plan.district if bill.parcel and bill.parcel.plan_id else None
        return render(request, "finance/bill.html", {
            "viewer": self.viewer, "bill": bill, "lines": lines, "service": present.service_label(bill.service_code),
            "status": present.status_label(bill.status), "case_type": present.service_label(bill.case.case_type),
            "payments": selectors.bill_payments(bill=bill), "discrepancies": selectors.bill_discrepancies(bill=bill),
            "district": present.inbox_present.name_of(district) if district else "",
            "receipt": selectors.bill_receipts([bill]).get(bill.pk),
            "refunds": selectors.bill_refunds(bill=bill),
            "cancellable": bill.status in ("draft", "uploaded", "active", "expired"),
            "approves": self.viewer.access.can("payments.approve"),
            "section": "bills",
        })
