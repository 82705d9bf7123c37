from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class Street(TenantOwned):
    """A street centreline with its right-of-way width (عرض الشارع), which sets setbacks and uses."""

    class Kind(models.TextChoices):
        ARTERIAL = "arterial", _("arterial")
        COLLECTOR = "collector", _("collector")
        LOCAL = "local", _("local")
        PEDESTRIAN = "pedestrian", _("pedestrian")

    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LOCAL)
    width_m = models.DecimalField(_("width (m)"), max_digits=6, decimal_places=2)
    plan = models.ForeignKey(
        "parcels.SubdivisionPlan", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("plan")
    )
    geom = models.MultiLineStringField(_("centreline"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["municipality", "name_ar"]
        constraints = [
            *geometry_constraints("parcels_street"),
            models.CheckConstraint(condition=Q(width_m__gt=0), name="parcels_street_width_positive"),
        ]
        indexes = [geometry_index("parcels_street")]

    def __str__(self):
        return self.name_ar or self.name_en or f"#{self.pk}"
