"""Establishments, their premises on the map and their licenses (docs/licensing.md)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index
from licensing.models.reference import RiskLevel


class SizeClass(models.TextChoices):
    MICRO = "micro", _("micro")
    SMALL = "small", _("small")
    MEDIUM = "medium", _("medium")
    LARGE = "large", _("large")


class Establishment(TenantOwned):
    """A business by its commercial registration (السجل التجاري), owned by a party."""

    cr_number = models.CharField(_("commercial registration"), max_length=10)
    name_ar = models.CharField(_("trade name (Arabic)"), max_length=200)
    name_en = models.CharField(_("trade name (English)"), max_length=200, blank=True)
    owner = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    size_class = models.CharField(_("size"), max_length=8, choices=SizeClass.choices, default=SizeClass.SMALL)

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["municipality", "name_ar"]
        constraints = [models.UniqueConstraint(fields=["municipality", "cr_number"],
                                               name="licensing_establishment_cr_unique")]

    def __str__(self):
        return self.name_ar


class HealthCertificate(TenantOwned):
    """A worker's health certificate (الشهادة الصحية), checked at inspections."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="health_certificates",
                                      verbose_name=_("establishment"))
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_id_number = models.CharField(_("holder's ID or iqama"), max_length=10)
    number = models.CharField(_("certificate number"), max_length=32)
    expires_on = models.DateField(_("expires on"))

    class Meta:
        verbose_name = _("health certificate")
        verbose_name_plural = _("health certificates")
        ordering = ["establishment", "expires_on"]
        constraints = [models.UniqueConstraint(fields=["municipality", "number"],
                                               name="licensing_health_certificate_unique")]

    def __str__(self):
        return f"{self.number} {self.holder_name}"


class Premises(TenantOwned):
    """Where an establishment trades: a point (and optionally its unit) inside a parcel, on a street.
    ``version`` rises with every office edit, so an inspector's offline copy knows it is out of date."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="premises",
                                      verbose_name=_("establishment"))
    name_ar = models.CharField(_("name on the sign (Arabic)"), max_length=200)
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+", verbose_name=_("parcel"))
    street = models.ForeignKey("parcels.Street", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("street it fronts"))
    district = models.ForeignKey("parcels.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=9, decimal_places=2)
    opens = models.TimeField(_("opens at"), null=True, blank=True)
    closes = models.TimeField(_("closes at"), null=True, blank=True)
    geom = models.PointField(_("location"), srid=4326, spatial_index=False)
    unit = models.PolygonField(_("unit outline"), srid=4326, null=True, blank=True, spatial_index=False)

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["municipality", "name_ar"]
        constraints = [*geometry_constraints("licensing_premises"),
                       models.CheckConstraint(condition=Q(area_m2__gt=0), name="licensing_premises_area")]
        indexes = [geometry_index("licensing_premises")]

    def __str__(self):
        return self.name_ar


class LicenseStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended (closed)")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")
    REFUSED = "refused", _("refused")


class License(TenantOwned):
    """A commercial license of one activity at one premises. ``geom`` is the premises' point (the map layer's)."""

    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="licenses",
                                 verbose_name=_("premises"))
    activity = models.ForeignKey("licensing.Activity", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("activity"))
    activity_code = models.CharField(_("activity code"), max_length=16)  # the map's and the API's
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("application"))
    number = models.CharField(_("license number"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LicenseStatus.choices,
                              default=LicenseStatus.APPLIED)
    risk = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    next_visit_on = models.DateField(_("next inspection due"), null=True, blank=True)
    last_result = models.CharField(_("last inspection result"), max_length=12, blank=True)
    certificate = models.ForeignKey("cases.IssuedDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("certificate"))
    geom = models.PointField(_("location"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("commercial license")
        verbose_name_plural = _("commercial licenses")
        ordering = ["municipality", "-issued_on"]
        constraints = [
            *geometry_constraints("licensing_license"),
            models.UniqueConstraint(fields=["municipality", "number"], condition=~Q(number=""),
                                    name="licensing_license_number_unique"),
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("issued_on")),
                                   name="licensing_license_term"),
        ]
        indexes = [geometry_index("licensing_license"), models.Index(fields=["municipality", "status",
                                                                             "next_visit_on"],
                                                                     name="licensing_license_due")]

    def __str__(self):
        return self.number or f"#{self.pk}"


class ChildPermitKind(models.TextChoices):
    SIGNBOARD = "signboard", _("signboard")
    HOME_DELIVERY = "home_delivery", _("home delivery")


class ChildPermit(TenantOwned):
    """A permit that lives only with its license (a signboard with its area, home delivery): revoked with it."""

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="children",
                                verbose_name=_("license"))
    kind = models.CharField(_("kind"), max_length=16, choices=ChildPermitKind.choices)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(_("active"), default=False)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_because = models.CharField(_("revoked because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("child permit")
        verbose_name_plural = _("child permits")
        constraints = [models.UniqueConstraint(fields=["license", "kind"], name="licensing_child_permit_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.license})"


class InspectorArea(TenantOwned):
    """The districts an inspector covers: their day is the visits due there."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("inspector"))
    district = models.ForeignKey("parcels.District", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("district"))

    class Meta:
        verbose_name = _("inspector's district")
        verbose_name_plural = _("inspectors' districts")
        constraints = [models.UniqueConstraint(fields=["inspector", "district"], name="licensing_inspector_area")]
