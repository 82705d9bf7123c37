"""Land taken for a purpose over a period (a grant plot, an investment site, a public facility): no two processes
hold the same land at once, and the database itself refuses it (docs/decisions/030):

- a whole parcel: a GiST exclusion constraint on (parcel =, period &&);
- any shape (part of a parcel, several): a trigger that, holding the municipality's reservation lock, refuses a
  reservation whose area overlaps an active one's (more than ``OVERLAP_M2``) in an overlapping period. (A GiST
  exclusion on ``geom &&`` would compare bounding boxes: neighbours and L-shaped sites would clash.)"""

from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index

OVERLAP_M2 = 0.5  # shared edges and slivers of digitising are not an overlap


class ReservationPurpose(models.TextChoices):
    GRANT_PLOT = "grant_plot", _("land grant plot")
    INVESTMENT_SITE = "investment_site", _("investment site")
    PUBLIC_FACILITY = "public_facility", _("public facility")


class LandReservation(TenantOwned):
    purpose = models.CharField(_("purpose"), max_length=20, choices=ReservationPurpose.choices)
    holder = models.CharField(_("held by"), max_length=200, help_text=_("The record holding it, e.g. a case number."))
    parcel = models.ForeignKey("parcels.Parcel", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("parcel (whole)"))
    period = DateRangeField(_("period"))
    released_on = models.DateField(_("released on"), null=True, blank=True)
    geom = models.MultiPolygonField(_("land"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("land reservation")
        verbose_name_plural = _("land reservations")
        ordering = ["municipality", "-created_at"]
        constraints = [
            *geometry_constraints("parcels_reservation"),
            ExclusionConstraint(name="parcels_reservation_parcel_once",
                                expressions=[("parcel", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                                condition=Q(released_on__isnull=True, parcel__isnull=False)),
        ]
        indexes = [geometry_index("parcels_reservation")]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.holder}"
