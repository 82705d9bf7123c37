"""Who may use the API, for which municipality, and to do what.

Two kinds of caller:
- people, signed in with a session; a ``Membership`` binds a user to the one
  municipality whose registers they work on, with scopes;
- other systems, with an ``ApiKey``: a token bound to one municipality and a set of
  scopes. Only a hash of the secret is stored: a leaked database does not leak keys.
The municipality a caller is bound to is the tenant every query is scoped by.
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
        "parcels.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
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

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    # DRF's IsAuthenticated checks request.user; a key is not a user, so this is kept simple.
    is_authenticated = True


class Membership(models.Model):
    """A person's access to one municipality's registers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_membership", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        "parcels.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    scopes = ArrayField(models.CharField(max_length=16, choices=Scope.choices), verbose_name=_("scopes"), default=list)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.municipality_id}"
