from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class District(TenantOwned):
    """A district (حي): the neighbourhood unit of addresses and statistics."""

    code = models.CharField(_("code"), max_length=32)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["municipality", "code"]
        constraints = [
            *geometry_constraints("parcels_district"),
            models.UniqueConstraint(fields=["municipality", "code"], name="parcels_district_code_unique"),
        ]
        indexes = [geometry_index("parcels_district")]

    def __str__(self):
        return self.name_ar
