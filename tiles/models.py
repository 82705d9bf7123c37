"""Offline packages requested through the API: one row per package, also its job queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflinePackage(models.Model):
    """An inspector's offline package (MBTiles of one district for a zoom range), built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("building")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    district = models.ForeignKey("parcels.District", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("district"))
    minzoom = models.PositiveSmallIntegerField(_("lowest zoom"))
    maxzoom = models.PositiveSmallIntegerField(_("highest zoom"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    tiles_total = models.PositiveIntegerField(_("tiles"), default=0)
    tiles_done = models.PositiveIntegerField(_("tiles done"), default=0)
    size_bytes = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    vector_path = models.CharField(max_length=500, blank=True, editable=False)
    ortho_path = models.CharField(max_length=500, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("requested by"),
    )
    requested_by_label = models.CharField(_("requested by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offline package")
        verbose_name_plural = _("offline packages")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minzoom__lte=models.F("maxzoom")), name="offline_zoom_order"),
        ]

    def __str__(self):
        return f"{self.district_id} z{self.minzoom}-{self.maxzoom} ({self.status})"
