"""Discrepancies: what finance must look at, found once, taken by an owner, resolved with a note."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import RegisterError
from payments.models import Discrepancy, Resolution

MANAGE = "payments.manage"


def discrepancy_open(*, municipality_id: int, kind: str, bill=None, payment=None, day: date | None = None,
                     details: dict | None = None) -> Discrepancy:
    """Record a discrepancy; a payment's discrepancy of a kind is found once (the existing one is returned)."""
    if payment is not None:
        found = Discrepancy.objects.filter(payment=payment, kind=kind).first()
        if found is not None:
            return found
    try:
        with transaction.atomic():
            return Discrepancy.objects.create(municipality_id=municipality_id, kind=kind, bill=bill, payment=payment,
                                              day=day, details=details or {})
    except IntegrityError:  # found at the same moment by another job
        return Discrepancy.objects.get(payment=payment, kind=kind)


def _open_one(discrepancy: Discrepancy) -> Discrepancy:
    d = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if d.resolved_at is not None:
        raise RegisterError(_("This discrepancy was resolved already (%(how)s).") % {"how": d.get_resolution_display()},
                            code="resolved")
    return d


@transaction.atomic
def discrepancy_take(*, discrepancy: Discrepancy, actor) -> Discrepancy:
    """``actor`` (a finance officer of its municipality) owns it from now on."""
    require_permission(actor=actor, permission=MANAGE, municipality_id=discrepancy.municipality_id)
    d = _open_one(discrepancy)
    before = d.owner_id
    d.owner = actor
    d.save(update_fields=["owner", "updated_at"])
    change_record(instance=d, action=ChangeRecord.Action.UPDATE, actor=actor, changes={"owner": [before, actor.pk]})
    return d


@transaction.atomic
def discrepancy_resolve(*, discrepancy: Discrepancy, actor, resolution: str, note: str) -> Discrepancy:
    """Close it with how it was resolved and why (the note is required)."""
    require_permission(actor=actor, permission=MANAGE, municipality_id=discrepancy.municipality_id)
    if resolution not in Resolution.values:
        raise RegisterError(_("Unknown resolution: %(r)s.") % {"r": str(resolution)[:30]}, code="resolution")
    note = (note or "").strip()
    if not note:
        raise RegisterError(_("Say how it was resolved (a note is required)."), code="note_required")
    d = _open_one(discrepancy)
    d.resolution, d.resolution_note, d.resolved_by, d.resolved_at = resolution, note[:5000], actor, timezone.now()
    if d.owner_id is None:
        d.owner = actor
    d.save()
    change_record(instance=d, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"resolution": ["", resolution]}, note=note[:500])
    return d
