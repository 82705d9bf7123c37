"""A parcel's status following a process's step (parcels.services.parcel_status_follow): no register permission
asked, but versioned and audited; refused for a retired parcel or an unknown status; nothing written when it
already has the status."""

import pytest
from django.utils import timezone

from audit.models import ChangeRecord
from common.errors import RegisterError
from parcels.services import parcel_status_follow
from tests.factories import ParcelFactory


@pytest.fixture
def parcel(db):
    return ParcelFactory(status="vacant")


def test_the_status_changes_with_its_reason_in_the_history(parcel):
    version = parcel.version
    changed = parcel_status_follow(parcel=parcel, status="under_construction", actor="system: event",
                                   because="building permit RAS-BP-1448-00001 issued")
    assert (changed.status, changed.version) == ("under_construction", version + 1)
    record = ChangeRecord.objects.get(entity="parcels.parcel", object_id=parcel.pk)
    assert record.changes == {"status": ["vacant", "under_construction"]}
    assert "RAS-BP-1448-00001" in record.note


def test_the_same_status_writes_nothing(parcel):
    parcel_status_follow(parcel=parcel, status="vacant", actor="system: event", because="x")
    parcel.refresh_from_db()
    assert parcel.version == 1 and not ChangeRecord.objects.filter(object_id=parcel.pk).exists()


def test_unknown_status_and_retired_parcels_are_refused(parcel):
    with pytest.raises(RegisterError, match="Unknown parcel status"):
        parcel_status_follow(parcel=parcel, status="demolished", actor="system: event", because="x")
    type(parcel).objects.filter(pk=parcel.pk).update(valid_to=timezone.now())
    with pytest.raises(RegisterError, match="retired"):
        parcel_status_follow(parcel=parcel, status="built", actor="system: event", because="x")
    parcel.refresh_from_db()
    assert parcel.status == "vacant"
