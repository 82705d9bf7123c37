"""The tenant: a municipality. Every record of every app belongs to one (docs/decisions/004)."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Tracked
from geo.constraints import geometry_constraints, geometry_index
from geo.crs import KNOWN_CRS

_UTM_SRIDS = sorted(s for s, c in KNOWN_CRS.items() if c.utm_zone)


class Municipality(Tracked):
    """A municipality (بلدية / أمانة): the tenant. Every other record belongs to one.

    ``metric_srid`` is the UTM zone its surveyors work in: lengths and areas shown to
    its users are computed there (or geodesically, which agrees to well under 0.1 %).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    # The short code in case numbers a person reads over the phone (RAS-1448-000123): three to six capitals.
    short_code = models.CharField(
        _("short code"), max_length=6, unique=True, null=True, blank=True,
        help_text=_("Three to six capital letters used in transaction numbers, e.g. RAS."),
    )
    # The Ministry's municipality category (1 = the largest cities ... 5): fee schedules differ by it.
    fee_category = models.PositiveSmallIntegerField(
        _("fee category"), default=3, choices=[(n, str(n)) for n in range(1, 6)],
        help_text=_("Municipality category 1-5 of the national fee schedules."),
    )
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
        db_table = "parcels_municipality"  # the table it was born with, in the registers (moved, not copied)
        constraints = [
            *geometry_constraints("parcels_municipality", "boundary"),
            models.CheckConstraint(condition=Q(metric_srid__in=_UTM_SRIDS), name="parcels_municipality_metric_srid"),
            models.CheckConstraint(
                condition=Q(fee_category__gte=1, fee_category__lte=5), name="accounts_municipality_fee_category"
            ),
            models.CheckConstraint(
                condition=Q(short_code__regex=r"^[A-Z]{3,6}$"), name="accounts_municipality_short_code"
            ),
        ]
        indexes = [geometry_index("parcels_muni", "boundary")]

    def __str__(self):
        return self.name_ar
