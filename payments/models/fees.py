"""Fee schedules as data: one row per line of a service's fee, by municipality category and dates.

A row of the **national schedule** has no municipality (``municipality`` is NULL): it is the Ministry's
reference data, the same for every municipality of its category, loaded by a data migration
(``payments/fees/national_schedule.csv``) and changed only by superusers. A municipality's **override** is a
row with the same service and line code and its municipality: on its dates it replaces the national line for
that municipality only. ``payments.fees.compute_fee`` turns the rows in force on a day into bill lines.
"""

from __future__ import annotations

import string

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from common.models import Tracked
from payments.models.bills import LineKind


class Measure(models.TextChoices):
    """What a line's rate multiplies: the key of ``compute_fee``'s ``measures``."""

    FLOOR_AREA = "floor_area", _("floor area (m²)")
    PARCEL_AREA = "parcel_area", _("parcel area (m²)")
    SIGN_AREA = "sign_area", _("sign area (m²)")
    FRONTAGE_LENGTH = "frontage_length", _("frontage length (m)")
    COUNT = "count", _("count")
    FIXED = "fixed", _("fixed amount")


# The placeholders an explanation template may use ({quantity}, {rate}, ...): the figures of its line.
PLACEHOLDERS = frozenset({"quantity", "rate", "amount", "percent", "base", "minimum", "maximum", "category",
                          "unit"})
RATE_KINDS = (LineKind.FEE, LineKind.FINE, LineKind.RENT)  # amount = quantity x rate
PERCENT_KINDS = (LineKind.SURCHARGE, LineKind.EXEMPTION)  # amount = base x percent / 100 (an exemption: negative)


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


def _placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}


class FeeRule(Tracked):
    """One line of a service's fee schedule, in force from ``valid_from`` to ``valid_to`` (both days included;
    no end: open).

    The tenant key is nullable for the national rows only: the national schedule is reference data that
    belongs to no municipality (every municipality of a category reads the same row); a row with a
    municipality is that municipality's override and is seen and changed only there (the admin's tenancy).
    """

    municipality = models.ForeignKey(
        "accounts.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("municipality"), help_text=_("Empty: the national schedule (reference data)."),
    )
    service = models.CharField(_("service"), max_length=50,
                               help_text=_("The service the fee is for: a case type's code, e.g. building_permit."))
    line = models.CharField(_("line code"), max_length=50,
                            help_text=_("The line within the service, e.g. area; an override uses the same code."))
    position = models.PositiveSmallIntegerField(_("position"), default=10)
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices, default=LineKind.FEE)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, default=Measure.FIXED)
    category = models.PositiveSmallIntegerField(
        _("municipality category"), null=True, blank=True, choices=[(n, str(n)) for n in range(1, 6)],
        help_text=_("Empty: every category (a row of the municipality's own category wins)."),
    )
    rate = models.DecimalField(_("rate (SAR per unit)"), max_digits=12, decimal_places=4, null=True, blank=True)
    minimum = models.DecimalField(_("minimum (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(_("maximum (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, null=True, blank=True,
                                  help_text=_("Surcharges and exemptions: a percent of the fee lines."))
    condition = models.CharField(
        _("condition"), max_length=50, blank=True,
        help_text=_("A flag the line needs to apply, e.g. late_renewal or exempt_social_security."),
    )
    explain_ar = models.CharField(_("explanation (Arabic)"), max_length=300)
    explain_en = models.CharField(_("explanation (English)"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (last day)"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee schedule line")
        verbose_name_plural = _("fee schedule lines")
        ordering = ["service", "position", "line", "category", "municipality_id", "valid_from"]
        constraints = [
            ExclusionConstraint(
                name="payments_feerule_no_overlap",
                expressions=[
                    (Coalesce("municipality", Value(0)), RangeOperators.EQUAL),
                    ("service", RangeOperators.EQUAL),
                    ("line", RangeOperators.EQUAL),
                    (Coalesce("category", Value(0)), RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
                     RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Another line with this service, line code and category is already in force on some of these "
                    "days (for the same municipality, or nationally). End it the day before, or change these dates."
                ),
            ),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="payments_feerule_dates_in_order"),
            models.CheckConstraint(condition=Q(category__isnull=True) | Q(category__gte=1, category__lte=5),
                                   name="payments_feerule_category"),
            models.CheckConstraint(condition=~Q(kind=LineKind.MINIMUM), name="payments_feerule_no_minimum_kind"),
            models.CheckConstraint(
                condition=(Q(kind__in=RATE_KINDS, rate__gte=0, percent__isnull=True)
                           | Q(kind__in=PERCENT_KINDS, percent__gt=0, percent__lte=100, rate__isnull=True)),
                name="payments_feerule_rate_or_percent",
            ),
            models.CheckConstraint(condition=~Q(kind=LineKind.FINE) | Q(measure=Measure.COUNT),
                                   name="payments_feerule_fine_counts"),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True) | Q(maximum__isnull=True) | Q(minimum__lte=models.F("maximum")),
                name="payments_feerule_min_le_max",
            ),
        ]
        indexes = [models.Index(fields=["service", "valid_from"], name="payments_feerule_service")]

    def __str__(self):
        where = str(self.municipality) if self.municipality_id else _("national")
        category = _("every category") if self.category is None else _("category %(n)s") % {"n": self.category}
        return f"{self.service}.{self.line} · {category} · {where} · {self.valid_from} .. {self.valid_to or ''}"

    @property
    def is_national(self) -> bool:
        return self.municipality_id is None

    def code(self) -> str:
        """The rule a bill line names: service.line, category and first day, and whose row it is."""
        category = "" if self.category is None else f"@c{self.category}"
        where = "" if self.municipality_id is None else f"/m{self.municipality_id}"
        return f"{self.service}.{self.line}{category}{where}/{self.valid_from:%Y-%m-%d}"

    def clean(self):
        """What a form can say before the database refuses: a rate or a percent as the kind needs, known
        placeholders in the explanations."""
        errors: dict[str, list] = {}
        if self.kind == LineKind.MINIMUM:
            errors.setdefault("kind", []).append(
                _("A minimum is not a line of its own: give the fee line its minimum."))
        if self.kind in RATE_KINDS and self.rate is None:
            errors.setdefault("rate", []).append(_("A %(kind)s line needs a rate.") % {"kind": self.get_kind_display()})
        if self.kind in PERCENT_KINDS:
            if self.percent is None:
                errors.setdefault("percent", []).append(
                    _("A %(kind)s line needs a percent.") % {"kind": self.get_kind_display()})
            if self.rate is not None:
                errors.setdefault("rate", []).append(
                    _("A %(kind)s line has a percent, not a rate.") % {"kind": self.get_kind_display()})
        if self.kind in RATE_KINDS and self.percent is not None:
            errors.setdefault("percent", []).append(
                _("A %(kind)s line has a rate, not a percent.") % {"kind": self.get_kind_display()})
        if self.kind == LineKind.FINE and self.measure != Measure.COUNT:
            errors.setdefault("measure", []).append(_("A fine is counted: its measure is count."))
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors.setdefault("valid_to", []).append(_("The last day comes before the first."))
        for name in ("explain_ar", "explain_en"):
            try:
                unknown = _placeholders(getattr(self, name) or "") - PLACEHOLDERS
            except ValueError:
                unknown = {"?"}
            if unknown:
                errors.setdefault(name, []).append(
                    _("Unknown placeholders %(names)s; use %(known)s.")
                    % {"names": ", ".join(sorted(unknown)),
                       "known": ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))})
        if errors:
            raise ValidationError(errors)
