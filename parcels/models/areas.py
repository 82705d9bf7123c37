from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.constraints import geometry_constraints, geometry_index
from geo.crs import KNOWN_CRS
from parcels.models.base import TenantOwned, Tracked

_UTM_SRIDS = sorted(s for s, c in KNOWN_CRS.items() if c.utm_zone)


class Municipality(Tracked):
    """A municipality (بلدية / أمانة): the tenant. Every other record belongs to one.

    ``metric_srid`` is the UTM zone its surveyors work in: lengths and areas shown to
    its users are computed there (or geodesically, which agrees to well under 0.1 %).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    region_ar = models.CharField(_("region (Arabic)"), max_length=100, blank=True)
    region_en = models.CharField(_("region (English)"), max_length=100, blank=True)
    metric_srid = models.PositiveIntegerField(
        _("metric CRS (EPSG)"), default=9358, choices=[(s, f"EPSG:{s} {KNOWN_CRS[s].name}") for s in _UTM_SRIDS]
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]
        constraints = [
            *geometry_constraints("parcels_municipality", "boundary"),
            models.CheckConstraint(condition=Q(metric_srid__in=_UTM_SRIDS), name="parcels_municipality_metric_srid"),
        ]
        indexes = [geometry_index("parcels_muni", "boundary")]

    def __str__(self):
        return self.name_ar


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
