from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The outbox: SMS and email to people, in Arabic or English, sent by the queue's jobs (backbone)."""

    name = "notifications"
    verbose_name = _("Notifications")
