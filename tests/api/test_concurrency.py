"""Lost update over real HTTP: two clients PATCH the same parcel at once with the same ETag."""

import threading

import pytest
import requests

from accounts.services import api_key_create
from parcels.models import Parcel
from tests.factories import ParcelFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_patches_one_wins_one_412(live_server, muni):
    parcel = ParcelFactory(plan=PlanFactory(municipality=muni))
    _, token = api_key_create(municipality=muni, name="a", scopes=["read", "write"])
    url = f"{live_server.url}/api/v1/parcels/{parcel.pk}/"
    headers = {"Authorization": f"Api-Key {token}"}
    etag = requests.get(url, headers=headers, timeout=10).headers["ETag"]
    barrier = threading.Barrier(2)
    results = {}

    def patch(name, body):
        barrier.wait()
        r = requests.patch(url, json=body, headers=headers | {"If-Match": etag}, timeout=30)
        results[name] = r.status_code

    threads = [
        threading.Thread(target=patch, args=("status", {"status": "built"})),
        threading.Thread(target=patch, args=("deed", {"deed_number": "D-42"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 412]
    winner = next(k for k, v in results.items() if v == 200)
    p = Parcel.objects.get(pk=parcel.pk)
    assert p.version == 2
    # The winner's change is there and the loser's is not: nothing silently overwritten.
    assert (p.status == "built") == (winner == "status")
    assert (p.deed_number == "D-42") == (winner == "deed")
