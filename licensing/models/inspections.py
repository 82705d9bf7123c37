"""Inspection visits, what inspectors' devices send (kept whole, even when refused or in conflict), the
violations found and the inspectors' routes (docs/inspections.md)."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("routine (risk-based)")
    PRE_OPENING = "pre_opening", _("pre-opening")
    REINSPECTION = "reinspection", _("re-inspection")
    COMPLAINT = "complaint", _("on a complaint")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class VisitResult(models.TextChoices):
    PASS = "pass", _("passed")
    CONDITIONAL = "conditional", _("passed with remarks")
    FAIL = "fail", _("failed")


class Visit(TenantOwned):
    """An inspection of one premises (its license's checklist): planned for a day, done once."""

    premises = models.ForeignKey("licensing.Premises", on_delete=models.PROTECT, related_name="visits",
                                 verbose_name=_("premises"))
    license = models.ForeignKey("licensing.License", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="visits", verbose_name=_("license"))
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    due_on = models.DateField(_("due on"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("inspector"))
    origin_case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("asked for by"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=VisitResult.choices, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    submission = models.UUIDField(_("device submission"), null=True, blank=True, unique=True)
    record_checks = models.JSONField(
        _("answers the records contradict"), default=list, blank=True,
        help_text=_("Kept, not overruled: e.g. \"yes\" to the health certificates while some on record had expired."))
    geom = models.PointField(_("location"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["municipality", "due_on"]
        constraints = [
            *geometry_constraints("licensing_visit"),
            # One open visit per premises at a time: the schedule never doubles one up.
            models.UniqueConstraint(fields=["premises"], condition=Q(status="planned"),
                                    name="licensing_visit_one_open"),
            models.CheckConstraint(condition=Q(status="done", done_at__isnull=False, result__gt="")
                                   | ~Q(status="done"), name="licensing_visit_done_has_result"),
        ]
        indexes = [geometry_index("licensing_visit"),
                   models.Index(fields=["municipality", "status", "due_on"], name="licensing_visit_due")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.premises} {self.due_on}"


class SubmissionStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    CONFLICT = "conflict", _("conflict: waiting for a supervisor")
    REFUSED = "refused", _("refused")
    RESOLVED = "resolved", _("applied by a supervisor")
    DISCARDED = "discarded", _("discarded by a supervisor")


class VisitSubmission(TenantOwned):
    """One visit result as a device sent it, kept whole whatever became of it: the idempotency key is the
    device's ``uuid`` (a repeat of it is answered from here, never applied twice)."""

    uuid = models.UUIDField(_("device key"), unique=True, default=uuid.uuid4)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("visit"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    device = models.CharField(_("device"), max_length=64, blank=True)
    payload = models.JSONField(_("as sent"))
    base_version = models.PositiveIntegerField(_("premises version downloaded"))
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit result sent by a device")
        verbose_name_plural = _("visit results sent by devices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["municipality", "status"], name="licensing_submission_status")]


class VisitPhoto(TenantOwned):
    """A photo or the signature taken at a visit (checked to be an image)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    submission = models.ForeignKey(VisitSubmission, on_delete=models.CASCADE, related_name="photos",
                                   verbose_name=_("sent in"))
    signature = models.BooleanField(_("signature"), default=False)
    image = models.FileField(_("image"), upload_to="visits/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("bytes"))

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class ViolationStatus(models.TextChoices):
    GRACE = "grace", _("to correct within the grace period")
    FINED = "fined", _("fined")
    CORRECTED = "corrected", _("corrected")
    WAIVED = "waived", _("waived on objection")


class Violation(TenantOwned):
    """A "no" to a checklist item with a penalty, at a visit: fined (on the visit's fine case) or given days to
    correct; grave ones close the premises."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="violations", verbose_name=_("visit"))
    premises = models.ForeignKey("licensing.Premises", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("premises"))
    penalty = models.ForeignKey("licensing.Penalty", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("penalty"))
    penalty_code = models.CharField(_("penalty code"), max_length=32)  # the map's
    item = models.CharField(_("checklist item"), max_length=32)
    status = models.CharField(_("status"), max_length=12, choices=ViolationStatus.choices)
    repeat = models.BooleanField(_("repeated"), default=False)
    amount = models.DecimalField(_("fine (SAR)"), max_digits=10, decimal_places=2, default=0)
    grace_until = models.DateField(_("correct by"), null=True, blank=True)
    closure = models.BooleanField(_("closure"), default=False)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("fine or closure case"))
    geom = models.PointField(_("location"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-created_at"]
        constraints = [*geometry_constraints("licensing_violation"),
                       models.UniqueConstraint(fields=["visit", "item"], name="licensing_violation_once")]
        indexes = [geometry_index("licensing_violation")]


class InspectionRoute(TenantOwned):
    """An inspector's day in order, on the street network (licensing/routing.py)."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("inspector"))
    day = models.DateField(_("day"))
    stops = models.JSONField(_("stops in order"), default=list)
    unassigned = models.JSONField(_("visits left out"), default=list, blank=True)
    length_m = models.FloatField(_("length (m)"), default=0)
    drive_s = models.FloatField(_("driving (s)"), default=0)
    naive_length_m = models.FloatField(_("nearest-next length (m)"), default=0)
    solve_s = models.FloatField(_("computed in (s)"), default=0)
    geom = models.MultiLineStringField(_("route"), srid=4326, null=True, blank=True, spatial_index=False)

    class Meta:
        verbose_name = _("inspection route")
        verbose_name_plural = _("inspection routes")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["inspector", "day"], name="licensing_route_per_day")]
        indexes = [geometry_index("licensing_route")]
