"""Applications for a land grant, the facts checked for them (with their source) and plots found unbuildable."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class GrantStatus(models.TextChoices):
    QUEUED = "queued", _("eligible, in the queue")
    DRAWN = "drawn", _("drawn in a lottery, awaiting the ministry's verification")
    ALLOCATED = "allocated", _("plot allocated")
    DEEDED = "deeded", _("deed handed over")
    WITHDRAWN = "withdrawn", _("withdrawn")
    TRANSFERRED = "transferred", _("transferred to another municipality")


class GrantApplication(TenantOwned):
    """One applicant's application to a programme: the case on the backbone, the facts the decision rests on,
    the entitlement and the place in the queue (priority points, then application time)."""

    programme = models.ForeignKey("grants.Programme", on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("programme"))
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    applicant = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("applicant"))
    number = models.CharField(_("application number"), max_length=32)
    applied_at = models.DateTimeField(_("applied at"))
    status = models.CharField(_("status"), max_length=12, choices=GrantStatus.choices, default=GrantStatus.QUEUED)
    family_size = models.PositiveSmallIntegerField(_("family size"))
    band = models.ForeignKey("grants.EntitlementBand", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("entitlement band"))
    entitled_m2 = models.PositiveIntegerField(_("entitled area (m²)"))
    priority_points = models.PositiveSmallIntegerField(_("priority points"), default=0)
    # Every rule with its result and reason in both languages, as decided: [{rule, value, passed, why_ar, why_en,
    # source}] (the evidence; the rules may change later).
    decision = models.JSONField(_("eligibility decision"), default=list)

    class Meta:
        verbose_name = _("land-grant application")
        verbose_name_plural = _("land-grant applications")
        ordering = ["municipality", "-priority_points", "applied_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="grants_application_number_unique"),
            # One live application per person and programme.
            models.UniqueConstraint(fields=["programme", "applicant"], condition=~Q(status__in=[
                GrantStatus.WITHDRAWN, GrantStatus.TRANSFERRED]), name="grants_application_once"),
        ]
        indexes = [
            # The queue: the programme's queued applications in rank order.
            models.Index(fields=["programme", "status", "-priority_points", "applied_at", "id"],
                         name="grants_application_queue"),
        ]

    def __str__(self):
        return self.number


class ExternalCheck(TenantOwned):
    """A fact Ardh does not hold, as a national system answered it for an application (identity and family from
    Yaqeen, property from the Ministry of Justice): the source says which backend answered, a simulator named
    as such."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="checks",
                                     verbose_name=_("application"))
    source = models.CharField(_("source"), max_length=40)
    fact = models.CharField(_("fact"), max_length=32)
    value = models.JSONField(_("answer"))
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("external check")
        verbose_name_plural = _("external checks")
        ordering = ["application", "id"]

    def __str__(self):
        return f"{self.fact} ({self.source})"


class PlotAssessment(TenantOwned):
    """A plot of a grants plan found unbuildable (a wadi, rock, a utility easement): it leaves the pool and an
    allocation on it is replaced."""

    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("parcel"))
    buildable = models.BooleanField(_("buildable"), default=False)
    reason = models.CharField(_("reason"), max_length=300)
    assessed_by = models.CharField(_("assessed by"), max_length=150)

    class Meta:
        verbose_name = _("plot assessment")
        verbose_name_plural = _("plot assessments")
        ordering = ["municipality", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["parcel"], name="grants_assessment_once")]

    def __str__(self):
        return f"{self.parcel_id}: {self.reason}"
