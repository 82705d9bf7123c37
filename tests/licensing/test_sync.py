"""Offline results synced through POST /api/v1/licensing/visits/sync: applied once (a repeat is answered from the
record), conflicts held (premises changed at the office, the visit answered from two devices), a license cancelled
meanwhile refused but kept, bad photos refused with where, and the supervisor's decision."""

import base64
import io
import uuid

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from licensing.models import License, Premises, Violation, VisitPhoto, VisitSubmission
from payments.models import Bill
from tests.licensing.test_inspections import restaurant, yes  # noqa: F401 (fixture)

URL = "/api/v1/licensing/visits/sync"


def png(size=(8, 8)) -> str:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def client_for(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    c.credentials(HTTP_ACCEPT_LANGUAGE="en")  # messages asserted in English
    return c


def result(visit, license, **more):
    return {"uuid": str(uuid.uuid4()), "visit": visit.pk, "premises_version": license.premises.version,
            "answers": yes(license), "recorded_at": timezone.now().isoformat(), **more}


def sync(user, *results, device="tablet-1"):
    r = client_for(user).post(URL, {"device": device, "results": list(results)}, format="json")
    assert r.status_code == 200, r.content
    return r.json()["results"]


def test_a_result_applies_once_and_its_repeat_is_answered_from_the_record(restaurant, inspector):  # noqa: F811
    license, visit = restaurant
    item = result(visit, license, answers=yes(license) | {"STOR": False}, photos=[png()], signature=png((40, 20)))
    [first] = sync(inspector, item)
    assert first["status"] == "applied" and first["result"] == "conditional"
    assert first["fine"]["amount"] == "4500.00" and first["fine"]["account_number"]
    [again] = sync(inspector, item)
    assert again["status"] == "applied" and again["repeat"] and again["fine"] == first["fine"]
    assert VisitSubmission.objects.count() == 1 and Violation.objects.count() == 1 and Bill.objects.filter(
        service_code="inspection_fine").count() == 1
    assert VisitPhoto.objects.filter(visit=visit).count() == 2
    assert VisitPhoto.objects.filter(visit=visit, signature=True).get().content_type == "image/png"


def test_a_premises_changed_at_the_office_is_a_conflict_held_for_the_supervisor(restaurant, inspector,  # noqa: F811
                                                                                 supervisor):
    license, visit = restaurant
    item = result(visit, license)
    Premises.objects.filter(pk=license.premises_id).update(version=license.premises.version + 1)
    [answer] = sync(inspector, item)
    assert answer["status"] == "conflict" and "version" in answer["message"]
    visit.refresh_from_db()
    assert visit.status == "planned"
    held = client_for(supervisor).get("/api/v1/licensing/submissions").json()
    assert [h["uuid"] for h in held] == [item["uuid"]]
    assert client_for(inspector).post(f"/api/v1/licensing/submissions/{held[0]['id']}/decision",
                                      {"apply": True}, format="json").status_code == 403
    r = client_for(supervisor).post(f"/api/v1/licensing/submissions/{held[0]['id']}/decision", {"apply": True},
                                    format="json")
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    visit.refresh_from_db()
    assert visit.status == "done" and str(visit.submission) == item["uuid"]


def test_the_same_visit_from_two_devices_keeps_both_and_applies_the_first(restaurant, inspector):  # noqa: F811
    license, visit = restaurant
    [a] = sync(inspector, result(visit, license), device="phone")
    [b] = sync(inspector, result(visit, license, answers=yes(license) | {"HYG": False}), device="tablet")
    assert a["status"] == "applied" and b["status"] == "conflict"
    visit.refresh_from_db()
    assert visit.result == "pass" and not Violation.objects.exists()
    assert VisitSubmission.objects.filter(visit=visit).count() == 2


def test_a_license_cancelled_meanwhile_refuses_the_result_but_keeps_it(restaurant, inspector):  # noqa: F811
    license, visit = restaurant
    License.objects.filter(pk=license.pk).update(status="cancelled")
    [answer] = sync(inspector, result(visit, license))
    assert answer["status"] == "refused" and license.number in answer["message"]
    assert VisitSubmission.objects.get().status == "refused"
    visit.refresh_from_db()
    assert visit.status == "planned"


@pytest.mark.parametrize("photo, says", [("data:image/png;base64,bm90IGFuIGltYWdl", "photo 1"),
                                         ("hello", "photo 1"), ("data:image/png;base64,@@@", "base64")])
def test_a_photo_that_is_not_an_image_is_refused_saying_which(restaurant, inspector, photo, says):  # noqa: F811
    license, visit = restaurant
    c = client_for(inspector)
    c.cookies["django_language"] = "en"
    r = c.post(URL, {"results": [result(visit, license, photos=[photo])]}, format="json",
               HTTP_ACCEPT_LANGUAGE="en")
    [answer] = r.json()["results"]
    assert answer["status"] == "invalid" and says in answer["message"]
    assert not VisitSubmission.objects.exists()
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_another_inspectors_visit_and_bad_shapes_are_refused(restaurant, other_inspector, inspector):  # noqa: F811
    license, visit = restaurant
    [answer] = sync(other_inspector, result(visit, license))
    assert answer["status"] == "invalid"
    r = client_for(inspector).post(URL, {"results": "nope"}, format="json")
    assert r.status_code == 400
    r = client_for(inspector).post(URL, {"device": "x"}, format="json")
    assert r.status_code == 400
    [bad] = sync(inspector, {"uuid": "not-a-uuid"})
    assert bad["status"] == "invalid"


@pytest.mark.django_db(transaction=True)
def test_the_same_result_sent_twice_at_once_is_applied_once(restaurant, inspector):  # noqa: F811
    import threading

    from django.db import connection

    license, visit = restaurant
    item = result(visit, license, answers=yes(license) | {"STOR": False})
    answers, barrier = [], threading.Barrier(2)

    def send():
        try:
            barrier.wait()
            answers.append(sync(inspector, item)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(a["status"] for a in answers) == ["applied", "applied"]
    assert sorted(a["repeat"] for a in answers) == [False, True]
    assert VisitSubmission.objects.count() == 1 and Violation.objects.count() == 1
    assert Bill.objects.filter(service_code="inspection_fine").count() == 1


def test_a_batch_bigger_than_the_default_body_limit_is_read(restaurant, inspector):  # noqa: F811
    """A day's photos exceed the API's usual 5 MB body: the sync takes up to 50 MB."""
    import os

    license, visit = restaurant
    noise = Image.frombytes("RGB", (1100, 1100), os.urandom(1100 * 1100 * 3))
    buf = io.BytesIO()
    noise.save(buf, format="PNG")
    big = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    assert len(big) > 4_000_000
    item = result(visit, license, photos=[big, big])
    [answer] = sync(inspector, item)
    assert answer["status"] == "applied"
    assert VisitPhoto.objects.filter(visit=visit).count() == 2
