"""An application a citizen saved to finish later: its values, applicant and parcel (files are attached when it
is sent — a draft keeps no documents)."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class ApplicationDraft(TenantOwned):
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("saved by"))
    case_type = models.CharField(_("service"), max_length=50)
    applicant = models.ForeignKey("accounts.Party", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("applicant"))
    values = models.JSONField(_("values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        constraints = [models.UniqueConstraint(fields=["municipality", "person", "case_type"],
                                               name="portal_draft_one_per_service")]


@transaction.atomic
def draft_save(*, municipality, person, case_type: str, applicant, values: dict) -> ApplicationDraft:
    """Keep (or replace) ``person``'s draft of ``case_type`` in ``municipality``."""
    draft, _created = ApplicationDraft.objects.update_or_create(
        municipality=municipality, person=person, case_type=case_type,
        defaults={"applicant": applicant, "values": {k: str(v)[:2000] for k, v in values.items()}})
    return draft


def draft_drop(*, municipality, person, case_type: str) -> None:
    ApplicationDraft.objects.filter(municipality=municipality, person=person, case_type=case_type).delete()


def drafts_of(*, person):
    return ApplicationDraft.objects.filter(person=person).select_related("municipality").defer(
        "municipality__boundary").order_by("-updated_at")
