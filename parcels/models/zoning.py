from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index
from parcels.models.parcel import LandUse


class ZoningRegulation(TenantOwned):
    """The building rules of a zoning code (اشتراطات البناء): coverage, height, FAR, setbacks, uses."""

    code = models.CharField(_("code"), max_length=16)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    max_coverage_pct = models.DecimalField(_("max. coverage (%)"), max_digits=5, decimal_places=2)
    max_floors = models.PositiveSmallIntegerField(_("max. floors"))
    far = models.DecimalField(_("floor area ratio"), max_digits=5, decimal_places=2)
    front_setback_m = models.DecimalField(_("front setback (m)"), max_digits=5, decimal_places=2)
    side_setback_m = models.DecimalField(_("side setback (m)"), max_digits=5, decimal_places=2)
    rear_setback_m = models.DecimalField(_("rear setback (m)"), max_digits=5, decimal_places=2)
    allowed_uses = ArrayField(
        models.CharField(max_length=24, choices=LandUse.choices), verbose_name=_("allowed uses"), default=list
    )

    class Meta:
        verbose_name = _("zoning regulation")
        verbose_name_plural = _("zoning regulations")
        ordering = ["municipality", "code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="parcels_regulation_code_unique"),
            models.CheckConstraint(
                condition=Q(max_coverage_pct__gt=0, max_coverage_pct__lte=100), name="parcels_regulation_coverage"
            ),
            models.CheckConstraint(condition=Q(max_floors__gte=1), name="parcels_regulation_floors"),
            models.CheckConstraint(condition=Q(far__gt=0), name="parcels_regulation_far"),
            models.CheckConstraint(
                condition=Q(front_setback_m__gte=0, side_setback_m__gte=0, rear_setback_m__gte=0),
                name="parcels_regulation_setbacks",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name_ar}"


class Zone(TenantOwned):
    """A land-use zoning polygon; what may be built on a parcel follows its zone's regulation."""

    regulation = models.ForeignKey(ZoningRegulation, on_delete=models.PROTECT, verbose_name=_("regulation"))
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    geom = models.MultiPolygonField(_("area"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["municipality", "regulation"]
        constraints = [*geometry_constraints("parcels_zone")]
        indexes = [geometry_index("parcels_zone")]

    def __str__(self):
        return self.name_ar or str(self.regulation)
