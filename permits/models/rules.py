"""Building rules as data, versioned (decision 023): a zoning code's figures (``parcels.ZoningRegulation``)
in force over a period, and the overlays that add rules where another layer touches a parcel.

A permit is checked against the **adopted** rule set of its parcel's zoning code in force on the day its
application was first submitted. A planner adds a new version (a draft: used only by the what-if) and adopts
it from a date; the version before it then ends the day before. Old permits keep the version they were checked
with (``permits.Proposal.rule_set``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeBoundary, RangeOperators
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index
from parcels.models.parcel import LandUse


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("draft (what-if only)")
    ADOPTED = "adopted", _("adopted")


class CornerRule(models.TextChoices):
    """The setback of a corner parcel's second street edge (the shorter front)."""

    FRONT = "front", _("a second front: the front setback")
    SIDE = "side", _("the side setback")


class RuleSet(TenantOwned):
    """One version of a zoning code's building rules (اشتراطات البناء)."""

    regulation = models.ForeignKey("parcels.ZoningRegulation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("zoning code"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until (included)"), null=True, blank=True)
    source = models.CharField(_("source (circular, decision)"), max_length=300, blank=True)
    # Coverage: ground and each upper floor against the parcel's area; a roof annex against the floor beneath.
    coverage_ground_pct = models.DecimalField(_("ground floor coverage (percent of the parcel)"), max_digits=5,
                                              decimal_places=2)
    coverage_upper_pct = models.DecimalField(_("upper floor coverage (percent of the parcel)"), max_digits=5,
                                             decimal_places=2)
    coverage_annex_pct = models.DecimalField(_("roof annex (percent of the floor beneath)"), max_digits=5,
                                             decimal_places=2, default=0)
    max_floors = models.PositiveSmallIntegerField(_("max. floors (ground and upper; the annex is not a floor)"))
    max_height_m = models.DecimalField(_("max. height (m)"), max_digits=6, decimal_places=2)
    far = models.DecimalField(_("floor area ratio"), max_digits=5, decimal_places=2)
    # Front: max(front_setback_m, street width x fraction), at most front_setback_max_m (when given).
    front_setback_m = models.DecimalField(_("front setback, at least (m)"), max_digits=5, decimal_places=2)
    front_setback_street_fraction = models.DecimalField(
        _("front setback as a fraction of the street's width"), max_digits=4, decimal_places=3, default=0)
    front_setback_max_m = models.DecimalField(_("front setback, at most (m)"), max_digits=5, decimal_places=2,
                                              null=True, blank=True)
    side_setback_m = models.DecimalField(_("side setback (m)"), max_digits=5, decimal_places=2)
    rear_setback_m = models.DecimalField(_("rear setback (m)"), max_digits=5, decimal_places=2)
    corner_secondary_front = models.CharField(_("corner parcels' second street edge"), max_length=8,
                                              choices=CornerRule.choices, default=CornerRule.FRONT)
    min_frontage_m = models.DecimalField(_("min. frontage (m)"), max_digits=6, decimal_places=2, default=0)
    # Parking: a house (one unit) by its plot's size; more units by unit; other uses by floor area.
    parking_plot_threshold_m2 = models.DecimalField(_("parking: plots up to (m²)"), max_digits=8, decimal_places=2,
                                                    default=400)
    parking_small_plot = models.PositiveSmallIntegerField(_("parking spaces on a plot up to that size"), default=1)
    parking_large_plot = models.PositiveSmallIntegerField(_("parking spaces on a larger plot"), default=2)
    parking_per_unit = models.DecimalField(_("parking spaces per unit (more than one unit)"), max_digits=4,
                                           decimal_places=2, default=1)
    parking_per_100m2 = models.DecimalField(_("parking spaces per 100 m² of floor area (non-residential use)"),
                                            max_digits=4, decimal_places=2, default=0)
    allowed_uses = ArrayField(models.CharField(max_length=24, choices=LandUse.choices),
                              verbose_name=_("allowed uses"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("adopted by"))
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("building rule set")
        verbose_name_plural = _("building rule sets")
        ordering = ["municipality", "regulation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["regulation", "number"], name="permits_ruleset_version_unique"),
            ExclusionConstraint(
                name="permits_ruleset_adopted_no_overlap",
                expressions=[
                    ("regulation", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
                     RangeOperators.OVERLAPS),
                ],
                condition=Q(status="adopted"),
                violation_error_message=_("Another adopted version of this zoning code is in force on some of "
                                          "these days: end it the day before, or change these dates."),
            ),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="permits_ruleset_dates"),
            models.CheckConstraint(
                condition=Q(coverage_ground_pct__gt=0, coverage_ground_pct__lte=100, coverage_upper_pct__gte=0,
                            coverage_upper_pct__lte=100, coverage_annex_pct__gte=0, coverage_annex_pct__lte=100),
                name="permits_ruleset_coverage"),
            models.CheckConstraint(condition=Q(max_floors__gte=1, max_height_m__gt=0, far__gt=0),
                                   name="permits_ruleset_size"),
            models.CheckConstraint(
                condition=Q(front_setback_m__gte=0, side_setback_m__gte=0, rear_setback_m__gte=0,
                            front_setback_street_fraction__gte=0, min_frontage_m__gte=0, parking_per_unit__gte=0,
                            parking_per_100m2__gte=0),
                name="permits_ruleset_not_negative"),
            models.CheckConstraint(
                condition=Q(front_setback_max_m__isnull=True) | Q(front_setback_max_m__gte=F("front_setback_m")),
                name="permits_ruleset_front_range"),
        ]

    def __str__(self):
        return f"{self.regulation_id and self.regulation.code} v{self.number}"


class OverlayKind(models.TextChoices):
    FLOOD_CHANNEL = "flood_channel", _("flood channel (مجرى سيل)")
    HERITAGE = "heritage", _("heritage area")
    AIRPORT = "airport", _("airport height zone")
    UTILITY = "utility", _("utility corridor")
    OTHER = "other", _("other")


class Overlay(TenantOwned):
    """An area that adds rules to the parcels it touches: no building inside it (``prohibited``) and/or an extra
    setback from it; optionally a lower height limit."""

    kind = models.CharField(_("kind"), max_length=16, choices=OverlayKind.choices)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    prohibited = models.BooleanField(_("no building inside it"), default=False)
    extra_setback_m = models.DecimalField(_("extra setback from it (m)"), max_digits=6, decimal_places=2, default=0)
    max_height_m = models.DecimalField(_("max. height where it applies (m)"), max_digits=6, decimal_places=2,
                                       null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until (included)"), null=True, blank=True)
    geom = models.MultiPolygonField(_("area"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("overlay")
        verbose_name_plural = _("overlays")
        ordering = ["municipality", "kind", "name_ar"]
        constraints = [
            *geometry_constraints("permits_overlay"),
            models.CheckConstraint(condition=Q(extra_setback_m__gte=0), name="permits_overlay_setback"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="permits_overlay_dates"),
        ]
        indexes = [geometry_index("permits_overlay")]

    def __str__(self):
        return self.name_ar
