"""Other systems: an ``ApiKey`` is a token bound to one municipality and a set of scopes.

Only a hash of the secret is stored: a leaked database does not leak keys. People do not use scopes: their
memberships hold roles (``accounts.models.people``), and roles grant permissions.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("read registers and ask spatial questions")
    WRITE = "write", _("create and edit register records")
    LINEAGE = "lineage", _("split and merge parcels")


class ApiKey(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("The system that uses this key."))
    # The public half of the token ("ardh_<prefix>.<secret>"): finds the row without scanning hashes.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=128, editable=False)
    scopes = ArrayField(models.CharField(max_length=16, choices=Scope.choices), verbose_name=_("scopes"), default=list)
    # Requests per minute this key may make (throttling is per key, not per address).
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["municipality", "name"]
        db_table = "api_apikey"  # the table it was born with (moved from api/, not copied)

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    # DRF's IsAuthenticated checks request.user; a key is not a user, so this is kept simple.
    is_authenticated = True
