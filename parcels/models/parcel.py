from django.contrib.gis.db import models
from django.contrib.postgres.indexes import OpClass
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index
from geo.functions import GeographyArea


class LandUse(models.TextChoices):
    RESIDENTIAL = "residential", _("residential")
    COMMERCIAL = "commercial", _("commercial")
    MIXED_USE = "mixed_use", _("mixed use")
    GOVERNMENT = "government", _("government")
    MOSQUE = "mosque", _("mosque")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health")
    PARK = "park", _("park / open space")
    UTILITY = "utility", _("utility")
    INDUSTRIAL = "industrial", _("industrial")
    AGRICULTURAL = "agricultural", _("agricultural")


class ParcelStatus(models.TextChoices):
    VACANT = "vacant", _("vacant")
    BUILT = "built", _("built")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    GOVERNMENT = "government", _("government land")
    GRANTED = "granted", _("granted (منحة)")
    INVESTMENT = "investment", _("investment site")


class Parcel(TenantOwned):
    """A land parcel (قطعة أرض), numbered within its subdivision plan.

    Parcels are never deleted when they change shape: a split or merge *retires*
    the old parcels (``valid_to`` set) and creates new ones whose ``parents`` are
    the old ones. So the register answers "what was here on that date" and a deed
    can always be traced to the parcels it came from. Only current parcels
    (``valid_to`` is null) must have unique numbers within a plan.
    """

    # An import of a million parcels pays for every index and foreign-key check on every row, so only
    # those a query or an invariant needs (decision 008). The tenant key has no index of its own —
    # (municipality, number) and the number-prefix index lead with it. Plan and municipality are checked
    # by ONE database foreign key, (plan_id, municipality_id) → the plan's (id, municipality_id), added in
    # migration 0004: the plan exists and the parcel is in the plan's municipality (which exists, by the
    # plan's own key). The two single-column keys it replaces cost two checks per row and let a parcel sit
    # in another municipality than its plan.
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality"),
        db_index=False, db_constraint=False,
    )
    plan = models.ForeignKey(
        "parcels.SubdivisionPlan", on_delete=models.PROTECT, verbose_name=_("plan"), db_constraint=False
    )
    block = models.ForeignKey(
        "parcels.Block", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("block"), db_index=False
    )
    number = models.CharField(_("parcel number"), max_length=32)
    land_use = models.CharField(_("land use"), max_length=24, choices=LandUse.choices)
    status = models.CharField(_("status"), max_length=24, choices=ParcelStatus.choices, default=ParcelStatus.VACANT)
    deed_number = models.CharField(_("deed number"), max_length=32, blank=True)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=False)
    # Geodesic area on the WGS 84 ellipsoid, in m², kept by the database: no code path can forget it.
    area_m2 = models.GeneratedField(
        expression=GeographyArea("geom"),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("area (m²)"),
    )
    parents = models.ManyToManyField(
        "self", symmetrical=False, related_name="children", blank=True, verbose_name=_("parent parcels")
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["plan", "number"]
        constraints = [
            *geometry_constraints("parcels_parcel"),
            models.UniqueConstraint(
                fields=["plan", "number"],
                condition=Q(valid_to__isnull=True),
                name="parcels_parcel_number_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="parcels_parcel_validity_period",
            ),
        ]
        indexes = [
            geometry_index("parcels_parcel"),
            models.Index(fields=["municipality", "number"], name="parcels_parcel_muni_number"),
            # Deeds are looked up by equality only: no second (LIKE) index as db_index=True would add.
            models.Index(fields=["deed_number"], name="parcels_parcel_deed"),
            # Most parcels (all imported ones) have no block: index only those that do. Deleting a block
            # looks for `block_id = x` / `IN (...)`, which implies NOT NULL, so the partial index serves it.
            models.Index(fields=["block"], condition=Q(block__isnull=False), name="parcels_parcel_block"),
            # Search by the start of a parcel number, any case (`number__istartswith`, the map's search box):
            # the expression is the one Django writes for that lookup; text_pattern_ops makes LIKE 'x%' a range.
            models.Index(
                F("municipality"), OpClass(Upper("number"), name="text_pattern_ops"),
                name="parcels_parcel_number_prefix",
            ),
        ]

    def __str__(self):
        return f"{self.plan.number} / {self.number}" if self.plan_id else self.number

    @property
    def is_current(self) -> bool:
        return self.valid_to is None
