"""Payments under /api/v1/: SADAD's payment notifications (machine to machine, signed), bills of a case
(staff) and of mine (the applicant)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from api import params
from api.base import ApiBase, PersonApiBase
from api.errors import BadInput
from cases import selectors as case_selectors
from payments import selectors
from payments.models import BillStatus
from payments.services import NotificationError, notification_receive
from payments.signing import SignatureError, verify

logger = logging.getLogger("payments.sadad")
MAX_NOTIFICATION_BYTES = 16 * 1024


@method_decorator(csrf_exempt, name="dispatch")
class SadadNotificationApi(View):
    """``POST /api/v1/payments/sadad/notifications``: SADAD tells us of a payment (docs/sadad-interface.md).

    Authenticated by its signature alone (no session, no key): 401 for a bad signature or a timestamp outside the
    window (a replay); 400 for a malformed body, naming the field; 200 once the payment is recorded —
    ``received``, or ``duplicate`` for a reference recorded before (nothing written twice). Unknown bills, other
    amounts and cancelled bills are recorded too and held for finance: the money has moved.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_NOTIFICATION_BYTES:
            return self._refuse(413, "too_large", f"the body is over {MAX_NOTIFICATION_BYTES} bytes")
        body = request.body
        try:
            msg_id = verify(settings.ARDH_SADAD_SECRET, request.headers, body,
                            tolerance_s=settings.ARDH_SADAD_TOLERANCE_S)
        except SignatureError as exc:
            return self._refuse(401, "signature", str(exc))
        try:
            status = notification_receive(body=body, webhook_id=msg_id)
        except NotificationError as exc:
            return self._refuse(exc.status, exc.code, str(exc), msg_id=msg_id)
        logger.info("notification %s: %s", msg_id, status)
        return JsonResponse({"status": status})

    @staticmethod
    def _refuse(status: int, code: str, detail: str, *, msg_id: str = "") -> JsonResponse:
        logger.warning("notification %s refused (%s): %s", msg_id or "-", status, detail)
        return JsonResponse({"error": code, "detail": detail}, status=status)


# --- bills for people: mine (the applicant's side) and a case's (staff)


def bill_body(bill, *, receipts: dict, file_prefix: str) -> dict:
    """A bill as people read it: the SADAD number to pay with (and grouped for reading), amount, status, dates,
    the lines with their explanations in both languages, the receipt once issued."""
    receipt = receipts.get(bill.pk)
    return {
        "id": bill.pk, "bill_number": bill.bill_number, "bill_number_display": bill.bill_number_display,
        "biller_code": bill.biller_code, "service_code": bill.service_code,
        "amount": f"{bill.amount:.2f}", "currency": bill.currency,
        "status": bill.status, "status_label": str(dict(BillStatus.choices).get(bill.status, bill.status)),
        "payable": bill.status == BillStatus.ACTIVE,
        "issue_date": bill.issue_date, "due_date": bill.due_date, "expiry_date": bill.expiry_date,
        "paid_at": bill.paid_at, "instalment_no": bill.instalment_no,
        "case": {"id": bill.case_id, "number": bill.case.number},
        "lines": [{"position": line.position, "kind": line.kind, "kind_label": line.get_kind_display(),
                   "rule": line.rule, "quantity": str(line.quantity), "rate": str(line.rate),
                   "amount": f"{line.amount:.2f}", "explain_ar": line.explain_ar, "explain_en": line.explain_en}
                  for line in bill.lines.all()],
        "receipt": ({"id": receipt.pk, "serial": receipt.serial, "issued_at": receipt.issued_at,
                     "file": f"{file_prefix}{bill.case_id}/issued/{receipt.pk}/file"} if receipt else None),
    }


MY_FILES = "/api/v1/my/cases/"
STAFF_FILES = "/api/v1/cases/"


class MyBillListApi(PersonApiBase):
    """``/api/v1/my/bills/``: the bills of the cases I am, or act for, the applicant of — newest first."""

    lists_records = True

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("limit", int),
                               OpenApiParameter("offset", int)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        limit = params.number(q, "limit", default=50, low=1, high=params.MAX_LIMIT, integer=True)
        offset = params.number(q, "offset", default=0, low=0, high=10**9, integer=True)
        qs = selectors.my_bills(user=request.user)
        status = (q.get("status") or "")[:20]
        if status:
            if status not in BillStatus.values:
                raise BadInput(_("Unknown status “%(value)s”; one of: %(known)s.")
                               % {"value": status, "known": ", ".join(BillStatus.values)}, param="status")
            qs = qs.filter(status=status)
        rows = list(qs[offset:offset + limit + 1])
        page = rows[:limit]
        receipts = selectors.bill_receipts(page, for_applicant=True)
        return Response({"results": [bill_body(b, receipts=receipts, file_prefix=MY_FILES) for b in page],
                         "numberReturned": len(page), "next": len(rows) > limit})


class MyBillApi(PersonApiBase):
    """``/api/v1/my/bills/<id>/``: one of my bills; anyone else's is "not found" (404), never "forbidden"."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        bill = selectors.my_bill_get(user=request.user, pk=pk)
        receipts = selectors.bill_receipts([bill], for_applicant=True)
        return Response(bill_body(bill, receipts=receipts, file_prefix=MY_FILES))


class CaseBillsApi(ApiBase):
    """``/api/v1/cases/<id>/bills/``: the bills of a case of the caller's municipality (staff, keys), newest first;
    another municipality's case is "not found"."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        case = case_selectors.case_get(municipality=self.municipality, pk=pk)
        bills = list(selectors.case_bills(case=case).select_related("case"))
        receipts = selectors.bill_receipts(bills)
        return Response({"case": {"id": case.pk, "number": case.number},
                         "bills": [bill_body(b, receipts=receipts, file_prefix=STAFF_FILES) for b in bills]})
