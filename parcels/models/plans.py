from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class SubdivisionPlan(TenantOwned):
    """A subdivision plan (مخطط): the approved drawing that creates blocks, parcels and streets.

    Parcels are numbered within their plan, so a parcel is identified by
    (plan number, parcel number) on deeds and permits; the plan's approval date is
    quoted in Hijri on documents.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")
        CANCELLED = "cancelled", _("cancelled")

    class Purpose(models.TextChoices):
        GENERAL = "general", _("general (sold and built freely)")
        GRANTS = "grants", _("land grants (منح)")
        INVESTMENT = "investment", _("municipal investment")
        GOVERNMENT = "government", _("government facilities")

    district = models.ForeignKey(
        "parcels.District", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("district")
    )
    number = models.CharField(_("plan number"), max_length=32)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPROVED)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    # What the plan's land is for: a grants plan's vacant residential plots form the land-grant pool (grants/).
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GENERAL)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("subdivision plan")
        verbose_name_plural = _("subdivision plans")
        ordering = ["municipality", "number"]
        constraints = [
            *geometry_constraints("parcels_plan"),
            models.UniqueConstraint(fields=["municipality", "number"], name="parcels_plan_number_unique"),
            # The target of parcels' (plan, municipality) foreign key (parcels.Parcel).
            models.UniqueConstraint(fields=["id", "municipality"], name="parcels_plan_id_municipality"),
        ]
        indexes = [geometry_index("parcels_plan")]

    def __str__(self):
        return self.number

    @property
    def approval_date_hijri(self) -> str:
        """The approval date as written on documents, e.g. ``1441/07/15``."""
        from hijridate import Gregorian

        if self.approval_date is None:
            return ""
        h = Gregorian.fromdate(self.approval_date).to_hijri()
        return f"{h.year:04d}/{h.month:02d}/{h.day:02d}"


class Block(TenantOwned):
    """A block (بلك): the land between streets inside a plan, divided into parcels."""

    plan = models.ForeignKey("parcels.SubdivisionPlan", on_delete=models.PROTECT, verbose_name=_("plan"))
    number = models.CharField(_("block number"), max_length=32)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["plan", "number"]
        constraints = [
            *geometry_constraints("parcels_block"),
            models.UniqueConstraint(fields=["plan", "number"], name="parcels_block_number_unique"),
        ]
        indexes = [geometry_index("parcels_block")]

    def __str__(self):
        return f"{self.plan.number} / {self.number}"
