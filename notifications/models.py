"""A notification to one person, and its deliveries: one outbox row per channel."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class Notification(TenantOwned):
    template = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("recipient (user)"))
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    # Queueing the same notification again (a retried request or job) finds the first one: never twice.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["municipality", "dedupe_key"],
                                               condition=~models.Q(dedupe_key=""),
                                               name="notification_dedupe_key_unique")]

    def __str__(self):
        return f"{self.template} → {self.recipient_name}"


class Delivery(TenantOwned):
    """One message on one channel: what the outbox page shows and the send job sends, at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being handed to the provider")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("notification"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    backend = models.CharField(_("backend"), max_length=200, blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"],
                                               name="delivery_one_per_channel")]
        indexes = [models.Index(fields=["municipality", "-created_at"], name="delivery_outbox_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}"
