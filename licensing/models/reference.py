"""National reference data of licensing (the same everywhere; docs/licensing.md): the activity catalogue with
its requirements (اشتراطات) and checklists, and the penalties table (لائحة الجزاءات). Loaded from
``licensing/reference/*.csv`` by a migration; edited in the admin."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    LOW = "low", _("low risk")
    MEDIUM = "medium", _("medium risk")
    HIGH = "high", _("high risk")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    MAJOR = "major", _("major")
    GRAVE = "grave", _("grave")


class Requirement(models.Model):
    """One requirement (اشتراط) an activity must meet, checked by checklist items."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title_ar = models.CharField(_("requirement (Arabic)"), max_length=300)
    title_en = models.CharField(_("requirement (English)"), max_length=300)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title_ar}"


class Penalty(models.Model):
    """A line of the penalties table: a fine range, scaled by the municipality's category and the
    establishment's size and doubled on repeat; a grace period for a correctable item; closure for a grave one."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title_ar = models.CharField(_("violation (Arabic)"), max_length=300)
    title_en = models.CharField(_("violation (English)"), max_length=300)
    fine_min = models.DecimalField(_("minimum fine (SAR)"), max_digits=10, decimal_places=2)
    fine_max = models.DecimalField(_("maximum fine (SAR)"), max_digits=10, decimal_places=2)
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=0, help_text=_("Days to correct before a fine; 0: fined at once."))
    closure = models.BooleanField(_("closure"), default=False, help_text=_("Grave: the premises is closed."))

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties table")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(fine_min__gte=0) & Q(fine_max__gte=F("fine_min")),
                                              name="licensing_penalty_range")]

    def __str__(self):
        return f"{self.code} {self.title_ar}"


class Activity(models.Model):
    """An activity of the national catalogue: where it may open and how it is licensed and inspected.

    ``distance_rules``: ``[{"from": "school" | "mosque" | "same", "min_m": 100}]`` — no school (mosque, premises
    of the same activity) nearer than ``min_m`` metres."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    risk = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    immediate = models.BooleanField(
        _("immediate"), default=False, help_text=_("Issued on payment, without review or pre-opening inspection."))
    requirements = models.ManyToManyField(Requirement, blank=True, verbose_name=_("requirements"))
    allowed_zones = ArrayField(models.CharField(max_length=16), verbose_name=_("zones where allowed"), default=list)
    allowed_streets = ArrayField(models.CharField(max_length=16), verbose_name=_("street kinds where allowed"),
                                 default=list)
    distance_rules = models.JSONField(_("distance rules"), default=list, blank=True)
    visit_minutes = models.PositiveSmallIntegerField(_("visit length (minutes)"), default=20)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity catalogue")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_ar}"


class ChecklistItem(models.Model):
    """A yes/no question of an activity's inspection checklist, tied to a requirement; a "no" weighs ``weight``
    and, with a penalty, is a violation."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="checklist",
                                 verbose_name=_("activity"))
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, verbose_name=_("requirement"))
    code = models.CharField(_("code"), max_length=32)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question_ar = models.CharField(_("question (Arabic)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    penalty = models.ForeignKey(Penalty, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("penalty"))

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["activity", "position"]
        constraints = [models.UniqueConstraint(fields=["activity", "code"], name="licensing_checklist_item_unique"),
                       models.CheckConstraint(condition=Q(weight__gte=1), name="licensing_checklist_weight")]

    def __str__(self):
        return f"{self.code} {self.question_ar}"
