"""History of every write: who changed what, when.

Services write these rows explicitly, inside the same transaction as the change
they describe (no signals): a change without its history cannot commit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        RETIRE = "retire", _("retired")
        SPLIT = "split", _("split")
        MERGE = "merge", _("merged")
        IMPORT = "import", _("imported")
        DELETE = "delete", _("deleted")

    # No single-column indexes on the two keys (an import writes a million rows here): (municipality, at)
    # leads with the municipality, and the actor's index is partial (imports and commands have none).
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality"),
        db_index=False,
    )
    entity = models.CharField(_("record type"), max_length=64)  # "app_label.model"
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("by"),
        db_index=False,
    )
    # For changes made by a command or system rather than a signed-in person.
    actor_label = models.CharField(_("by (system)"), max_length=128, blank=True)
    at = models.DateTimeField(_("at"), db_default=Now(), editable=False)
    # {field: [before, after]}; geometry as GeoJSON.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["entity", "object_id"], name="audit_change_entity_idx"),
            models.Index(fields=["municipality", "at"], name="audit_change_muni_at_idx"),
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="audit_change_actor_idx"),
        ]

    def __str__(self):
        return f"{self.entity}#{self.object_id} {self.action}"
