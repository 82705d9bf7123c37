"""Office edits of a premises (opening hours, area, sign name, its point): each raises the premises' version, so an
inspector's offline copy of it shows up as a conflict when its visit syncs (licensing/services/sync.py)."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import ConflictError, RegisterError
from licensing.models import Premises

EDITABLE = ("name_ar", "area_m2", "opens", "closes", "geom", "unit", "street_id")


@transaction.atomic
def premises_update(*, premises: Premises, actor, changes: dict, expected_version: int | None = None) -> Premises:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise RegisterError(_("These fields of a premises are not edited here: %(f)s.") % {"f": ", ".join(unknown)},
                            code="premises_fields")
    current = Premises.objects.select_for_update().get(pk=premises.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_("The premises was changed by someone else meanwhile: reload it."),
                            current_version=current.version)
    diff = {}
    for field, value in changes.items():
        before = getattr(current, field)
        if isinstance(value, GEOSGeometry) and before is not None and before.equals_exact(value, 1e-9):
            continue
        if before != value:
            diff[field] = [str(before), str(value)]
            setattr(current, field, value)
    if diff:
        current.version += 1
        current.save()
        change_record(instance=current, action=ChangeRecord.Action.UPDATE, actor=actor, changes=diff)
    return current
