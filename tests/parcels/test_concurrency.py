"""Two editors splitting the same parcel at the same moment: one wins, the other is told why."""

import threading

import pytest
from django.db import connection

from parcels.models import Parcel
from parcels.services import RegisterError, parcel_split
from tests.factories import ParcelFactory
from tests.shapes import rect

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_splits_of_one_parcel(plan, editor):
    parcel = ParcelFactory(plan=plan, number="1", geom=rect(0, 0, 20, 30))
    barrier = threading.Barrier(2)
    results: list = []

    def worker(parts):
        try:
            barrier.wait(timeout=10)
            results.append(("ok", [c.number for c in parcel_split(parcel=parcel, actor=editor, parts=parts)]))
        except RegisterError as exc:
            results.append(("refused", exc.messages[0]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    refused = next(r[1] for r in results if r[0] == "refused")
    assert "retired" in refused or "موقوفة" in refused
    winner = next(r[1] for r in results if r[0] == "ok")
    current = sorted(Parcel.objects.filter(valid_to__isnull=True).values_list("number", flat=True))
    assert current == sorted(winner)
    assert Parcel.objects.get(pk=parcel.pk).children.count() == len(winner)
