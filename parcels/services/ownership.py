"""Recording who holds a parcel (``parcels.models.ownership``), audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from audit.models import ChangeRecord
from audit.services import change_record
from parcels.models import OwnershipSource, Parcel, ParcelOwnership


@transaction.atomic
def ownership_record(*, parcel: Parcel, party, deed_number: str = "", share_percent=100, since: date | None = None,
                     source: str = OwnershipSource.DEED, actor=None) -> ParcelOwnership:
    """``party`` holds ``parcel`` from ``since`` (today by default); the same current holding again is returned
    as it is."""
    found = ParcelOwnership.objects.filter(parcel=parcel, party=party, until__isnull=True).first()
    if found is not None:
        return found
    row = ParcelOwnership.objects.create(
        municipality_id=parcel.municipality_id, parcel=parcel, party=party,
        deed_number=(deed_number or parcel.deed_number)[:32], share_percent=share_percent,
        since=since or timezone.localdate(), source=source)
    change_record(actor=actor, action=ChangeRecord.Action.CREATE, instance=row,
                  changes={"parcel": parcel.pk, "party": party.pk, "deed_number": row.deed_number,
                           "source": source})
    return row
