"""Survey decisions' own records: the tolerances a municipality applies and each surveyed outline of a case."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class SurveyRules(models.Model):
    """How close a survey must be to the register, how far it may be at all, and how long an approved
    decision stays valid. The row without a municipality is the national default; a municipality's own row
    replaces it there (national reference data with per-municipality overrides)."""

    municipality = models.OneToOneField("accounts.Municipality", null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="+", verbose_name=_("municipality (empty: national default)"))
    area_pct = models.DecimalField(_("area difference allowed (%)"), max_digits=5, decimal_places=2,
                                   default=Decimal("2.00"))
    corner_shift_m = models.DecimalField(_("corner shift allowed (m)"), max_digits=6, decimal_places=2,
                                         default=Decimal("0.50"))
    hausdorff_m = models.DecimalField(_("Hausdorff distance allowed (m)"), max_digits=6, decimal_places=2,
                                      default=Decimal("0.50"))
    overlap_m2 = models.DecimalField(_("overlap with neighbours allowed (m²)"), max_digits=8, decimal_places=2,
                                     default=Decimal("10.00"))
    refuse_beyond_m = models.DecimalField(_("refuse a survey farther than this from its parcel (m)"), max_digits=8,
                                          decimal_places=2, default=Decimal("50.00"))
    validity_days = models.PositiveIntegerField(_("an approved decision is valid for (days)"), default=365)

    class Meta:
        verbose_name = _("survey rules")
        verbose_name_plural = _("survey rules")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], condition=Q(municipality__isnull=True),
                                    name="surveys_rules_one_national"),
            models.CheckConstraint(condition=Q(area_pct__gte=0, corner_shift_m__gte=0, hausdorff_m__gte=0,
                                               overlap_m2__gte=0, refuse_beyond_m__gt=0, validity_days__gte=1),
                                   name="surveys_rules_positive"),
        ]

    def __str__(self):
        return str(self.municipality or _("national default"))


class Survey(TenantOwned):
    """One surveyed outline of a survey decision's plot (version 1, 2, … per case) and how it compares with the
    register's parcel at the time it was read."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    number = models.PositiveIntegerField(_("survey version"))
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+", verbose_name=_("parcel"))
    geom = models.PolygonField(_("surveyed outline"), srid=4326, spatial_index=False)
    source_srid = models.PositiveIntegerField(_("CRS of the survey (EPSG)"))
    corners = models.JSONField(_("corners as surveyed"), default=list)
    document = models.ForeignKey("cases.CaseDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("survey file"))
    comparison = models.JSONField(_("comparison with the register"), default=dict)
    within_tolerance = models.BooleanField(_("within tolerance"))
    fee = models.JSONField(_("fee"), default=dict)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    # A reviewer may accept a survey beyond tolerance, saying why (the approval's guard asks for it).
    deviation_reason = models.TextField(_("why the deviation is accepted"), blank=True)
    deviation_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+",
                                              verbose_name=_("deviation accepted by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("submitted by"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["case", "-number"]
        constraints = [
            *geometry_constraints("surveys_survey"),
            models.UniqueConstraint(fields=["case", "number"], name="surveys_survey_once_per_version"),
        ]
        indexes = [geometry_index("surveys_survey")]

    def __str__(self):
        return f"{self.case_id} #{self.number}"
