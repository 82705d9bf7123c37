"""Bills: what a person owes for a case, presented to SADAD under a bill number (biller code + account number)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class Biller(TenantOwned):
    """The municipality's SADAD biller code (3 digits): the first part of every bill number it issues."""

    code = models.CharField(_("SADAD biller code"), max_length=3, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("SADAD biller")
        verbose_name_plural = _("SADAD billers")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="payments_biller_one_per_municipality"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{3}$"), name="payments_biller_code_digits"),
        ]

    def __str__(self):
        return f"{self.code} {self.name_ar}"


class BillStatus(models.TextChoices):
    DRAFT = "draft", _("draft")  # computed, not yet presented to SADAD (or SADAD refused it: upload_error)
    UPLOADED = "uploaded", _("sent to SADAD")  # sent, SADAD's answer not yet in
    ACTIVE = "active", _("awaiting payment")  # SADAD accepted it: payable at any bank channel
    PAID = "paid", _("paid")  # a payment notification was applied
    SETTLED = "settled", _("settled")  # the payment is in SADAD's daily reconciliation file
    EXPIRED = "expired", _("expired")  # past its expiry date unpaid
    CANCELLED = "cancelled", _("cancelled")  # withdrawn from SADAD
    REFUNDED = "refunded", _("refunded")  # paid, then the money was given back (an approved refund)


OPEN_STATUSES = (BillStatus.DRAFT, BillStatus.UPLOADED, BillStatus.ACTIVE)
PAID_STATUSES = (BillStatus.PAID, BillStatus.SETTLED)


class InstalmentPlan(TenantOwned):
    """A total paid in a series of bills (investment rent): each instalment is a bill of the plan."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    total = models.DecimalField(_("total (SAR)"), max_digits=14, decimal_places=2)
    instalments = models.PositiveSmallIntegerField(_("instalments"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("instalment plan")
        verbose_name_plural = _("instalment plans")
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0) & Q(instalments__gte=1), name="payments_plan_positive"),
        ]


class Bill(TenantOwned):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    service_code = models.CharField(_("service"), max_length=50)  # the fee schedule's service (a case type's code)
    biller_code = models.CharField(_("SADAD biller code"), max_length=3)
    account_number = models.CharField(_("account number"), max_length=12)
    status = models.CharField(_("status"), max_length=12, choices=BillStatus.choices, default=BillStatus.DRAFT)
    status_since = models.DateTimeField(_("in this status since"))
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="SAR")
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    expiry_date = models.DateField(_("expiry date"))
    # Who pays: the case's applicant, as they were when the bill was issued (SADAD shows the name).
    payer = models.ForeignKey("accounts.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("payer"))
    payer_id_number = models.CharField(_("payer's ID number"), max_length=20, blank=True)
    payer_name = models.CharField(_("payer's name"), max_length=200, blank=True)
    # Indexed by the unique (plan, instalment_no) constraint: no index of its own.
    plan = models.ForeignKey(InstalmentPlan, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                             related_name="bills", verbose_name=_("instalment plan"))
    instalment_no = models.PositiveSmallIntegerField(_("instalment"), null=True, blank=True)
    # Where: the case's parcel (the map of unpaid bills and fines) and its point.
    parcel = models.ForeignKey("parcels.Parcel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("parcel"))
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    uploaded_at = models.DateTimeField(_("sent to SADAD at"), null=True, blank=True)
    upload_error = models.TextField(_("SADAD's refusal"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   db_index=False, related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["biller_code", "account_number"], name="payments_bill_number_unique"),
            models.CheckConstraint(condition=Q(account_number__regex=r"^[0-9]{12}$"),
                                   name="payments_bill_account_digits"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_bill_amount_positive"),
            models.CheckConstraint(condition=Q(issue_date__lte=F("due_date")) & Q(due_date__lte=F("expiry_date")),
                                   name="payments_bill_dates_in_order"),
            models.CheckConstraint(condition=Q(status__in=BillStatus.values), name="payments_bill_status_known"),
            models.CheckConstraint(condition=Q(plan__isnull=True) | Q(instalment_no__isnull=False),
                                   name="payments_bill_plan_has_instalment"),
            models.UniqueConstraint(fields=["plan", "instalment_no"], condition=Q(plan__isnull=False),
                                    name="payments_bill_instalment_once"),
            *geometry_constraints("payments_bill", "location"),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "issue_date"], name="payments_bill_muni_status"),
            models.Index(fields=["status", "expiry_date"], condition=Q(status__in=["active", "uploaded"]),
                         name="payments_bill_open_expiry"),
            geometry_index("payments_bill", "location"),
        ]

    def __str__(self):
        return self.bill_number

    @property
    def bill_number(self) -> str:
        """The SADAD bill number a person pays with: biller code + account number."""
        return f"{self.biller_code}{self.account_number}"

    @property
    def bill_number_display(self) -> str:
        n = self.bill_number
        return " ".join(n[i:i + 3] for i in range(0, len(n), 3))


class LineKind(models.TextChoices):
    FEE = "fee", _("fee")
    MINIMUM = "minimum", _("minimum top-up")
    SURCHARGE = "surcharge", _("surcharge")
    EXEMPTION = "exemption", _("exemption")
    FINE = "fine", _("fine")
    RENT = "rent", _("rent")


class BillLine(models.Model):
    """One computed line of a bill: the rule it came from and why, in both languages (an exemption is negative)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines", verbose_name=_("bill"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices, default=LineKind.FEE)
    rule = models.CharField(_("rule"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    rate = models.DecimalField(_("rate (SAR)"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    explain_ar = models.CharField(_("explanation (Arabic)"), max_length=500)
    explain_en = models.CharField(_("explanation (English)"), max_length=500)

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        ordering = ["bill", "position"]
        constraints = [models.UniqueConstraint(fields=["bill", "position"], name="payments_billline_position")]
