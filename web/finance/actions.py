"""What finance does on a bill's page: cancel an unpaid bill (withdrawn from SADAD), ask for a refund of a payment,
and — a finance manager, never who asked — approve or reject a refund. Each posts to a service; its refusal is
shown on the bill's page in the reader's language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from payments import services
from payments.models import Payment, Refund
from payments.selectors import bill_get
from web.finance.access import FinanceView


def _said(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(str(m) for m in exc.messages))


class BillCancelView(FinanceView, View):
    def post(self, request, pk: int):
        bill = bill_get(municipality=self.municipality, pk=pk)
        try:
            services.bill_cancel(bill=bill, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The bill is cancelled and withdrawn from SADAD."))
        except ValidationError as exc:
            _said(request, exc)
        return redirect("finance:bill", pk=bill.pk)


class RefundRequestView(FinanceView, View):
    def post(self, request, pk: int):
        payment = get_object_or_404(Payment, pk=pk, municipality=self.municipality, bill__isnull=False)
        amount = None
        if request.POST.get("amount", "").strip():
            try:
                amount = Decimal(request.POST["amount"].strip())
            except InvalidOperation:
                messages.error(request, _("The amount is not a number, e.g. 350.00."))
                return redirect("finance:bill", pk=payment.bill_id)
        try:
            services.refund_request(payment=payment, actor=request.user, amount=amount,
                                    reason=request.POST.get("reason", ""))
            messages.success(request, _("The refund is asked for; a finance manager decides."))
        except ValidationError as exc:
            _said(request, exc)
        return redirect("finance:bill", pk=payment.bill_id)


class RefundDecideView(FinanceView, View):
    def post(self, request, pk: int):
        refund = get_object_or_404(Refund, pk=pk, municipality=self.municipality)
        approve = request.POST.get("decision") == "approve"
        try:
            services.refund_decide(refund=refund, actor=request.user, approve=approve,
                                   note=request.POST.get("note", ""))
            messages.success(request, _("The refund is approved.") if approve else _("The refund is rejected."))
        except ValidationError as exc:
            _said(request, exc)
        return redirect("finance:bill", pk=refund.bill_id)
