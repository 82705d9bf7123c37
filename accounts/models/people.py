"""Staff: a person (Django user) holds memberships in one or more municipalities, each with roles.

A role (planner, permit reviewer, health inspector, ...) is data: national reference, the same for every
municipality, and it grants permissions (codes declared in ``accounts.permissions``). A membership may be
limited to some districts of its municipality (an inspector covers the north, say): ``district_codes`` holds
their codes (``parcels.District.code``, unique within a municipality), empty for the whole municipality.
Codes, not a foreign key: the tenant and people are the core, the registers stand above them.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    permissions = ArrayField(models.CharField(max_length=50), verbose_name=_("permissions"), default=list, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self):
        return self.name_ar


class Membership(models.Model):
    """A person's work in one municipality: the roles they hold there (and, optionally, where)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    roles = models.ManyToManyField(Role, related_name="+", verbose_name=_("roles"), blank=True)
    district_codes = ArrayField(
        models.CharField(max_length=32), verbose_name=_("districts"), default=list, blank=True,
        help_text=_("Codes of the districts this membership is limited to; empty for the whole municipality."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user", "municipality"]
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="accounts_membership_once_per_municipality")
        ]

    def __str__(self):
        return f"{self.user} @ {self.municipality_id}"
