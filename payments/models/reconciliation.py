"""Reconciliation: SADAD's daily file of a biller's payments, compared with what Ardh was told.

A run is one reading of one day's file (or the note that the day is not closed yet: "waiting"). Its lines are
the file's lines, loaded with COPY and classified in SQL against the payments (docs/reconciliation.md,
docs/decisions/021-reconciliation-in-sql.md). Lines are children of their run (the run carries the tenant key).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class RunState(models.TextChoices):
    WAITING = "waiting", _("waiting for SADAD's file")  # the day is not closed yet
    DONE = "done", _("reconciled")
    REFUSED = "refused", _("file refused")  # malformed or its trailer disagrees: nothing of it was used


class LineCategory(models.TextChoices):
    MATCHED = "matched", _("matched")
    NOT_NOTIFIED = "not_notified", _("paid, never notified")
    AMOUNT_MISMATCH = "amount_mismatch", _("amount differs")


class ReconciliationRun(TenantOwned):
    biller_code = models.CharField(_("SADAD biller code"), max_length=3)
    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=8, choices=RunState.choices, default=RunState.WAITING)
    file_sha256 = models.CharField(_("file fingerprint (SHA-256)"), max_length=64, blank=True)
    file_lines = models.PositiveIntegerField(_("lines in the file"), default=0)
    file_total = models.DecimalField(_("total in the file (SAR)"), max_digits=16, decimal_places=2, default=0)
    # What the comparison found: {category: {"count": n, "total": "0.00"}} for matched, not_notified,
    # amount_mismatch, missing_from_file and late.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("why the file was refused"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("started by"))
    actor_label = models.CharField(_("started by (system)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RunState.values), name="payments_recon_run_state"),
            # One "not closed yet" note per day; one run per distinct file of a day (the same file again is
            # the same run, computed again).
            models.UniqueConstraint(fields=["biller_code", "day"], condition=Q(state="waiting"),
                                    name="payments_recon_run_waiting_once"),
            models.UniqueConstraint(fields=["biller_code", "day", "file_sha256"], condition=Q(state="done"),
                                    name="payments_recon_run_file_once"),
        ]
        indexes = [models.Index(fields=["municipality", "day"], name="payments_recon_run_muni_day")]

    def __str__(self):
        return f"{self.biller_code} {self.day} ({self.state})"


class ReconciliationLine(models.Model):
    """One line of the day's file as SADAD sent it, with what it was found to be."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="lines",
                            verbose_name=_("run"), db_index=False)
    line_no = models.PositiveIntegerField(_("line"))
    payment_ref = models.CharField(_("bank payment reference"), max_length=32)
    biller_code = models.CharField(_("SADAD biller code"), max_length=3)
    account_number = models.CharField(_("account number"), max_length=12)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    paid_at = models.DateTimeField(_("paid at"))
    bank_code = models.CharField(_("bank"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=LineCategory.choices, blank=True)
    late = models.BooleanField(_("paid after the bill's expiry"), default=False)
    # No foreign keys (a 100,000-line load checks none): ids of the payment and the bill it was compared with.
    payment_id = models.BigIntegerField(_("payment"), null=True, blank=True)
    bill_id = models.BigIntegerField(_("bill"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation line")
        verbose_name_plural = _("reconciliation lines")
        ordering = ["run", "line_no"]
        indexes = [models.Index(fields=["run", "category", "line_no"], name="payments_recon_line_run")]

    def __str__(self):
        return f"{self.line_no}: {self.payment_ref}"
