"""A scratch app for tests: kiosk sites, a layer that no serving code knows by name."""

from django.contrib.gis.db import models

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class KioskSite(TenantOwned):
    number = models.CharField(max_length=20)
    name_ar = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    geom = models.PolygonField(srid=4326, spatial_index=False)

    class Meta:
        constraints = [*geometry_constraints("scratch_app_kiosksite")]
        indexes = [geometry_index("scratch_kiosk")]
