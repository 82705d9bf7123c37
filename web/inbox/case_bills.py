"""The case page's "Bills" section: the case's bills for staff and for the applicant's side alike — the SADAD number
to pay with (grouped for reading), amount, status, due and expiry dates, the lines explained in the page's
language, and the receipt once issued."""

from __future__ import annotations

from payments import selectors
from payments.models import BillStatus
from web.finance.present import line_explanation


def bills_of(case, *, for_applicant: bool) -> list[dict]:
    bills = list(selectors.case_bills(case=case))
    receipts = selectors.bill_receipts(bills, for_applicant=for_applicant)
    out = []
    for bill in bills:
        out.append({
            "bill": bill, "status": str(dict(BillStatus.choices).get(bill.status, bill.status)),
            "payable": bill.status == BillStatus.ACTIVE,
            "lines": [{"line": line, "kind": line.get_kind_display(), "explain": line_explanation(line)}
                      for line in bill.lines.all()],
            "receipt": receipts.get(bill.pk),
        })
    return out
