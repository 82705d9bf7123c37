from django.db import models
from django.utils.translation import gettext_lazy as _


class Tracked(models.Model):
    """Timestamps and a version counter (the ETag of a record; services bump it)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class TenantOwned(Tracked):
    """Every register row belongs to one municipality: the key the data can shard by."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )

    class Meta:
        abstract = True
