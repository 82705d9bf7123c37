"""A parcel's status following a process's decision (a building permit issued → under construction, an
occupancy certificate → built; a land grant → granted): the process's step authorised it, so no register
permission is asked of whoever took the step; the change is locked, versioned and audited like any edit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from geo.changes import geometry_changed
from parcels.models import Parcel
from parcels.models.parcel import ParcelStatus
from parcels.services.errors import RegisterError


@transaction.atomic
def parcel_status_follow(*, parcel: Parcel, status: str, actor, because: str) -> Parcel:
    """Set a current parcel's status as a process's step decided (``because``: e.g. "building permit
    BP-1448-00012 issued", kept in the parcel's history). No change when it already has that status."""
    if status not in ParcelStatus.values:
        raise RegisterError(_("Unknown parcel status: %(s)s.") % {"s": str(status)[:30]}, code="status")
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if locked.valid_to is not None:
        raise RegisterError(_("Parcel %(p)s is retired; its status no longer changes.") % {"p": locked.number},
                            code="retired")
    if locked.status == status:
        return locked
    before = locked.status
    locked.status = status
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    change_record(instance=locked, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [before, status]}, note=because[:500])
    geometry_changed(model=Parcel, new=locked.geom)  # its tiles show the status: drawn again
    return locked
