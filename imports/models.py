"""What the import pipeline keeps: saved field mappings per source, and import jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldMapping(models.Model):
    """How one source's attribute names map to parcel fields, remembered for its next delivery.

    A survey office sends the same columns every time (``PARCEL_NO``, ``رقم_المخطط`` ...);
    naming the source on import reuses the mapping instead of asking again.
    """

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    source = models.SlugField(_("source"), max_length=64, allow_unicode=True)
    # {target field: source attribute name}
    fields = models.JSONField(_("field mapping"), default=dict, blank=True)
    # {target field: constant value}, e.g. the plan number of a file that holds one plan.
    defaults = models.JSONField(_("default values"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("field mapping")
        verbose_name_plural = _("field mappings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "source"], name="imports_mapping_source_unique"),
        ]

    def __str__(self):
        return self.source


class ImportJob(models.Model):
    """One uploaded file: its dry-run report, then (on confirmation) its commit.

    Jobs run outside the request (a worker thread or ``run_import_worker``), so an
    upload of a million parcels never holds a web worker.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("checking")
        READY = "ready", _("checked, awaiting confirmation")
        COMMIT_QUEUED = "commit_queued", _("commit queued")
        COMMITTING = "committing", _("committing")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("failed")

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    # An API key is not a person: its label (see api.access.caller_actor) is recorded instead.
    created_by_label = models.CharField(_("by (system)"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    file_path = models.CharField(_("stored file"), max_length=500)
    original_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_details = models.JSONField(_("error details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="imports_job_status_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.status})"
