"""A building permit's own records: each version of the proposed building with its check (a returned case keeps
every version), and the issued permit (the register of permits the map, the open data and the certificate read).
The workflow is the case's (``cases.Case``; ``permits.case_types``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index
from parcels.models.parcel import LandUse


class ProposalSource(models.TextChoices):
    DRAWN = "drawn", _("drawn on the map")
    DXF = "dxf", _("DXF drawing")
    GEOJSON = "geojson", _("GeoJSON")


class Proposal(TenantOwned):
    """One version of the proposed building on a permit case and what the check said of it.

    ``floors`` is the check's input as given: ``[{"kind": "ground"|"upper"|"annex", "level": n,
    "footprint": GeoJSON in lon/lat}]``; ``footprint`` is their union (the building on the map); ``check`` the
    check's output (docs/permits-check.md), against ``rule_set`` — the version in force on ``rules_date``.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    number = models.PositiveIntegerField(_("proposal version"))
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+", verbose_name=_("parcel"))
    source = models.CharField(_("source"), max_length=8, choices=ProposalSource.choices)
    document = models.ForeignKey("cases.CaseDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("drawing file"))
    use = models.CharField(_("use"), max_length=24, choices=LandUse.choices)
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    parking_spaces = models.PositiveSmallIntegerField(_("parking spaces"), default=0)
    height_m = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=2)
    floors = models.JSONField(_("floors"), default=list)
    footprint = models.MultiPolygonField(_("building outline"), srid=4326, spatial_index=False)
    floor_area_m2 = models.FloatField(_("floor area (m²)"))
    rule_set = models.ForeignKey("permits.RuleSet", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("rule set"))
    rules_date = models.DateField(_("rules in force on"))
    check_result = models.JSONField(_("check"), default=dict)
    passed = models.BooleanField(_("check passed"))
    justification = models.TextField(_("justification of a failing check"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("submitted by"))

    class Meta:
        verbose_name = _("building proposal")
        verbose_name_plural = _("building proposals")
        ordering = ["case", "-number"]
        constraints = [
            *geometry_constraints("permits_proposal", "footprint"),
            models.UniqueConstraint(fields=["case", "number"], name="permits_proposal_version_unique"),
            models.CheckConstraint(condition=Q(height_m__gt=0, floor_area_m2__gt=0, units__gte=1),
                                   name="permits_proposal_positive"),
        ]
        indexes = [geometry_index("permits_proposal", "footprint")]

    def __str__(self):
        return f"{self.case_id} / {self.number}"


class PermitStatus(models.TextChoices):
    ISSUED = "issued", _("issued")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    COMPLETED = "completed", _("completed")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


class Permit(TenantOwned):
    """An issued building permit: its number, term, the approved building, the certificate. Public (no personal
    data) — the issued-permits layer and the open data read this table."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    number = models.CharField(_("permit number"), max_length=32)
    kind = models.CharField(_("permit type"), max_length=40)
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+", verbose_name=_("parcel"))
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("approved proposal"))
    status = models.CharField(_("status"), max_length=20, choices=PermitStatus.choices, default=PermitStatus.ISSUED)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    use = models.CharField(_("use"), max_length=24, choices=LandUse.choices)
    floors = models.PositiveSmallIntegerField(_("floors"))
    floor_area_m2 = models.FloatField(_("floor area (m²)"))
    certificate = models.ForeignKey("cases.IssuedDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("certificate"))
    geom = models.MultiPolygonField(_("building outline"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("building permit")
        verbose_name_plural = _("building permits")
        ordering = ["municipality", "-issued_on"]
        constraints = [
            *geometry_constraints("permits_permit"),
            models.UniqueConstraint(fields=["municipality", "number"], name="permits_permit_number_unique"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("issued_on")), name="permits_permit_term"),
        ]
        indexes = [geometry_index("permits_permit")]

    def __str__(self):
        return self.number
