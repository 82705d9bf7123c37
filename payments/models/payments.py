"""Payments as SADAD reported them, what finance must look at, and refunds.

A payment is recorded once per bank reference (a unique constraint: a repeated notification inserts nothing),
then applied to its bill by a job. What cannot be applied as it is (no such bill, another amount, a cancelled or
already paid bill) is held and becomes a discrepancy with an owner and a resolution: the money has moved, so
nothing is refused or lost.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class PaymentSource(models.TextChoices):
    NOTIFICATION = "notification", _("SADAD notification")
    RECONCILIATION = "reconciliation", _("reconciliation file")  # paid, never notified: credited from the file


class PaymentState(models.TextChoices):
    RECEIVED = "received", _("received")  # recorded; the job applies it
    APPLIED = "applied", _("applied")  # the bill is paid by it
    HELD = "held", _("held for finance review")  # see its discrepancy


class Payment(TenantOwned):
    biller_code = models.CharField(_("SADAD biller code"), max_length=3)
    payment_ref = models.CharField(_("bank payment reference"), max_length=32)
    account_number = models.CharField(_("account number"), max_length=12)
    bill = models.ForeignKey("payments.Bill", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="payments", verbose_name=_("bill"))
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="SAR")
    paid_at = models.DateTimeField(_("paid at"))
    bank_code = models.CharField(_("bank"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=PaymentSource.choices,
                              default=PaymentSource.NOTIFICATION)
    state = models.CharField(_("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.RECEIVED)
    webhook_id = models.CharField(_("message id"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # The receipt (an issued document on the bill's case), made by its own job once the payment is applied.
    receipt = models.ForeignKey("cases.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("receipt"))
    # In SADAD's daily file (reconciliation matched it).
    reconciled_on = models.DateField(_("in the reconciliation file of"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        constraints = [
            # Idempotency by the bank's reference: a repeated notification inserts nothing (never a double credit).
            models.UniqueConstraint(fields=["biller_code", "payment_ref"], name="payments_payment_ref_once"),
            models.CheckConstraint(condition=Q(state__in=PaymentState.values), name="payments_payment_state_known"),
            # One applied payment per bill: a second one for a paid bill is held (a double payment to refund).
            models.UniqueConstraint(fields=["bill"], condition=Q(state="applied"), name="payments_payment_one_applied"),
        ]
        indexes = [
            models.Index(fields=["state", "received_at"], condition=Q(state="received"),
                         name="payments_payment_to_apply"),
            models.Index(fields=["biller_code", "paid_at"], name="payments_payment_biller_day"),
        ]

    def __str__(self):
        return self.payment_ref


class DiscrepancyKind(models.TextChoices):
    UNKNOWN_BILL = "unknown_bill", _("payment for an unknown bill")
    AMOUNT_MISMATCH = "amount_mismatch", _("amount differs from the bill")
    CANCELLED_BILL = "cancelled_bill", _("payment for a cancelled bill")
    DOUBLE_PAYMENT = "double_payment", _("bill paid twice")
    LATE_PAYMENT = "late_payment", _("expired bill paid late")
    NOT_NOTIFIED = "not_notified", _("paid in the file, never notified")
    MISSING_FROM_FILE = "missing_from_file", _("notified, missing from the file")
    FILE_AMOUNT_MISMATCH = "file_amount_mismatch", _("amount in the file differs from the notification")
    UPLOAD_REJECTED = "upload_rejected", _("SADAD refused the bill")


class Resolution(models.TextChoices):
    CREDITED = "credited", _("credited to the bill")
    REFUNDED = "refunded", _("refunded to the payer")
    CORRECTED = "corrected", _("corrected (bill reissued or fixed)")
    CONFIRMED = "confirmed", _("confirmed with the bank, no action")
    WRITTEN_OFF = "written_off", _("written off")


class Discrepancy(TenantOwned):
    """Something finance must look at, with its owner and, once looked at, its resolution."""

    kind = models.CharField(_("kind"), max_length=24, choices=DiscrepancyKind.choices)
    bill = models.ForeignKey("payments.Bill", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("bill"))
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="discrepancies", verbose_name=_("payment"))
    day = models.DateField(_("day"), null=True, blank=True)  # the reconciliation day that found it
    details = models.JSONField(_("details"), default=dict, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("owner"))
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DiscrepancyKind.values), name="payments_discrepancy_kind"),
            # Found once: a payment's discrepancy of one kind is one row, however often the file is re-read.
            models.UniqueConstraint(fields=["payment", "kind"], condition=Q(payment__isnull=False),
                                    name="payments_discrepancy_once"),
            models.CheckConstraint(condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                                   name="payments_discrepancy_resolution_given"),
        ]
        indexes = [models.Index(fields=["municipality", "resolved_at"], name="payments_discrepancy_open")]


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Refund(TenantOwned):
    """Money given back for a payment: requested by one finance officer, approved by another."""

    bill = models.ForeignKey("payments.Bill", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="refunds", verbose_name=_("bill"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices,
                              default=RefundStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
            # Four eyes: who asked never approves.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="payments_refund_four_eyes"),
            # One open or approved refund per payment: never refunded twice.
            models.UniqueConstraint(fields=["payment"], condition=~Q(status="rejected"),
                                    name="payments_refund_once"),
        ]
