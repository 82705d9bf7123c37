"""A land-grant programme and its rules, kept as data: the regulations differ between programmes and change."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class Programme(TenantOwned):
    """A land-grant programme (برنامج منح) of a municipality: who may apply (its rules), what each family is
    entitled to (its bands), how the queue is ranked and what an area beyond the entitlement costs."""

    class Status(models.TextChoices):
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("closed")

    code = models.SlugField(_("code"), max_length=32)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    points_per_dependant = models.PositiveSmallIntegerField(
        _("priority points per dependant"), default=2, help_text=_("Each family member beyond the applicant."))
    special_points = models.PositiveSmallIntegerField(
        _("priority points for a special circumstance"), default=10,
        help_text=_("A declared and documented circumstance (disability, widowhood...)."))
    excess_rate = models.DecimalField(_("rate for area beyond the entitlement (SAR/m²)"), max_digits=8,
                                      decimal_places=2, default=100)

    class Meta:
        verbose_name = _("land-grant programme")
        verbose_name_plural = _("land-grant programmes")
        ordering = ["municipality", "code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="grants_programme_code_unique"),
            models.CheckConstraint(condition=Q(excess_rate__gte=0), name="grants_programme_excess_rate"),
        ]

    def __str__(self):
        return self.name_ar


class RuleKind(models.TextChoices):
    """The eligibility rules a programme may hold, each with one value (empty where the rule takes none)."""

    NATIONALITY = "nationality", _("nationality (e.g. SA)")
    MIN_AGE = "min_age", _("minimum age (years)")
    MARRIED_OR_AGE = "married_or_age", _("married, or at least this age (years)")
    NO_EARLIER_GRANT = "no_earlier_grant", _("no earlier land grant (Ardh's grant records)")
    NO_PROPERTY = "no_property", _("owns no property (Ministry of Justice)")
    RESIDENCE_YEARS = "residence_years", _("years of residence in the municipality")


class ProgrammeRule(models.Model):
    """One eligibility rule of a programme. Rules are checked in ``position`` order and each decision lists
    every one with its result."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rules",
                                  verbose_name=_("programme"))
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("rule"), max_length=20, choices=RuleKind.choices)
    value = models.CharField(_("value"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "kind"], name="grants_rule_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}".strip()


class EntitlementBand(models.Model):
    """Family size → the entitled area, and the plots of the pool that fit it: a family of ``family_min`` to
    ``family_max`` persons is entitled to ``entitled_m2`` and drawn among plots of ``plot_min_m2`` to
    ``plot_max_m2``; the area a plot has beyond the entitlement is charged at the programme's rate."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="bands",
                                  verbose_name=_("programme"))
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    code = models.SlugField(_("code"), max_length=16)
    family_min = models.PositiveSmallIntegerField(_("family size from"))
    family_max = models.PositiveSmallIntegerField(_("family size to"))
    entitled_m2 = models.PositiveIntegerField(_("entitled area (m²)"))
    plot_min_m2 = models.PositiveIntegerField(_("plots from (m²)"))
    plot_max_m2 = models.PositiveIntegerField(_("plots to (m²)"))

    class Meta:
        verbose_name = _("entitlement band")
        verbose_name_plural = _("entitlement bands")
        ordering = ["programme", "family_min"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="grants_band_code_unique"),
            models.CheckConstraint(condition=Q(family_max__gte=F("family_min")) & Q(family_min__gte=1),
                                   name="grants_band_family_range"),
            models.CheckConstraint(condition=Q(plot_max_m2__gte=F("plot_min_m2")) & Q(plot_min_m2__gt=0),
                                   name="grants_band_plot_range"),
        ]

    def __str__(self):
        return f"{self.family_min}-{self.family_max}: {self.entitled_m2} m²"
