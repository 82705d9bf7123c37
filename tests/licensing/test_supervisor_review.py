"""What a supervisor reviews: a held result shows what its inspector answered "no", the notes, the photos and the
signature; the latest violations show the photos of the result that was applied; the photos are served to a
supervisor of the municipality and to the inspector who sent them, and to nobody else. A "yes" to the health
certificates while some on record had expired is kept as answered, told to the inspector and listed."""

import base64
import io
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from PIL import Image

from audit.models import ChangeRecord
from licensing.models import ChecklistItem, HealthCertificate, Premises, VisitPhoto
from tests.factories import MunicipalityFactory
from tests.licensing.test_inspections import restaurant, yes  # noqa: F401 (fixture)
from tests.licensing.test_sync import png, result, sync
from tests.permits.conftest import staff


def browser_for(user, lang="en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def raw(data_url: str) -> bytes:
    return base64.b64decode(data_url.split(",", 1)[1])


def test_a_held_result_shows_its_noes_notes_photos_and_signature(restaurant, inspector, supervisor):  # noqa: F811
    license, visit = restaurant
    photo, signature = png((16, 12)), png((40, 20))
    item = result(visit, license, answers=yes(license) | {"STOR": False}, notes="الثلاجة معطلة",
                  photos=[photo], signature=signature)
    Premises.objects.filter(pk=license.premises_id).update(version=license.premises.version + 1)
    [answer] = sync(inspector, item)
    assert answer["status"] == "conflict"

    page = browser_for(supervisor).get("/inspect/supervisor/")
    assert page.status_code == 200
    held = page.context["held"]
    question = ChecklistItem.objects.get(activity=license.activity, code="STOR")
    assert [(n["code"], n["item"]) for n in held[0].noes] == [("STOR", question)]
    html = page.content.decode()
    assert question.question_en in html and "الثلاجة معطلة" in html
    photos = list(VisitPhoto.objects.filter(submission__uuid=item["uuid"]).order_by("signature", "pk"))
    assert [p.signature for p in photos] == [False, True]
    for p in photos:
        assert f'src="/api/v1/licensing/photos/{p.pk}"' in html

    # The photo as taken, to the supervisor and to the inspector who sent it; its type as checked at sync.
    for user in (supervisor, inspector):
        got = browser_for(user).get(f"/api/v1/licensing/photos/{photos[0].pk}")
        assert got.status_code == 200 and got["Content-Type"] == "image/png"
        assert got["X-Content-Type-Options"] == "nosniff"
        assert b"".join(got.streaming_content) == raw(photo)
    # The API's held results name the same photos.
    listed = browser_for(supervisor).get("/api/v1/licensing/submissions").json()
    assert [p["id"] for p in listed[0]["photos"]] == [p.pk for p in photos]
    assert listed[0]["photos"][1]["signature"] is True


def test_photos_are_refused_to_anyone_else(restaurant, inspector, other_inspector, officer, town,  # noqa: F811
                                           django_user_model):
    license, visit = restaurant
    sync(inspector, result(visit, license, photos=[png()]))
    pk = VisitPhoto.objects.get().pk
    # another inspector of the municipality: not theirs
    refused = browser_for(other_inspector).get(f"/api/v1/licensing/photos/{pk}")
    assert refused.status_code == 404 and "photo" in refused.json()["detail"]
    # a licensing officer does not inspect
    assert browser_for(officer).get(f"/api/v1/licensing/photos/{pk}").status_code == 403
    # a supervisor of another municipality
    elsewhere = MunicipalityFactory(short_code="BUR")
    stranger = staff(django_user_model, elsewhere, "othersupervisor", ["inspection_supervisor"])
    assert browser_for(stranger).get(f"/api/v1/licensing/photos/{pk}").status_code == 404
    # nobody signed in
    assert Client().get(f"/api/v1/licensing/photos/{pk}").status_code in (401, 403)
    assert browser_for(inspector).get(f"/api/v1/licensing/photos/{pk + 1000}").status_code == 404


def test_the_latest_violations_show_the_applied_results_photos(restaurant, inspector, supervisor):  # noqa: F811
    license, visit = restaurant
    applied = result(visit, license, answers=yes(license) | {"STOR": False}, photos=[png((10, 10))])
    second = result(visit, license, answers=yes(license) | {"STOR": False}, photos=[png((12, 12))])
    [first_answer] = sync(inspector, applied)
    [second_answer] = sync(inspector, second, device="phone-2")  # the same visit again: held, not applied
    assert (first_answer["status"], second_answer["status"]) == ("applied", "conflict")

    page = browser_for(supervisor, "ar").get("/inspect/supervisor/")
    [violation] = page.context["latest"]
    assert violation.penalty_code == first_answer["violations"][0]["penalty"]
    shown = [p.pk for p in violation.visit.applied_photos]
    assert shown == list(VisitPhoto.objects.filter(submission__uuid=applied["uuid"]).values_list("pk", flat=True))
    held_photo = VisitPhoto.objects.get(submission__uuid=second["uuid"])
    assert held_photo.pk not in shown
    html = page.content.decode()
    assert violation.penalty.title_ar in html and f"/api/v1/licensing/photos/{shown[0]}" in html


def test_an_image_is_what_the_page_draws(restaurant, inspector, supervisor):  # noqa: F811
    """The bytes served open as the image that was sent (size kept), not a page or an error."""
    license, visit = restaurant
    sync(inspector, result(visit, license, photos=[png((33, 21))]))
    pk = VisitPhoto.objects.get().pk
    got = browser_for(supervisor).get(f"/api/v1/licensing/photos/{pk}")
    with Image.open(io.BytesIO(b"".join(got.streaming_content))) as img:
        assert img.size == (33, 21)


def certificate(license, number: str, expires_on):
    return HealthCertificate.objects.create(
        municipality_id=license.municipality_id, establishment_id=license.premises.establishment_id,
        holder_name=f"عامل {number}", holder_id_number="2012345678", number=number, expires_on=expires_on)


def test_a_yes_the_certificates_contradict_is_kept_told_and_listed(restaurant, inspector, supervisor):  # noqa: F811
    license, visit = restaurant
    today = timezone.localdate()
    certificate(license, "HC-OLD", today - timedelta(days=3))
    certificate(license, "HC-TODAY", today)  # valid through its last day
    certificate(license, "HC-NEW", today + timedelta(days=200))
    [answer] = sync(inspector, result(visit, license))  # every question "yes", HC included
    assert answer["status"] == "applied" and answer["result"] == "pass"  # the inspector's answer is not overruled
    assert [r["number"] for r in answer["record_checks"][0]["records"]] == ["HC-OLD"]
    assert "HC-OLD" in answer["message"] and "HC-TODAY" not in answer["message"]
    visit.refresh_from_db()
    assert visit.record_checks[0]["code"] == "HC"
    audit = ChangeRecord.objects.filter(object_id=visit.pk, changes__has_key="record_checks")
    assert audit.count() == 1

    page = browser_for(supervisor).get("/inspect/supervisor/")
    [listed] = page.context["contradicted"]
    assert listed["visit"].pk == visit.pk and "HC-OLD" in listed["text"]
    assert f'data-visit="{visit.pk}"' in page.content.decode()


def test_a_no_or_certificates_in_date_raise_nothing(restaurant, inspector, supervisor):  # noqa: F811
    license, visit = restaurant
    certificate(license, "HC-OLD", timezone.localdate() - timedelta(days=1))
    [answer] = sync(inspector, result(visit, license, answers=yes(license) | {"HC": False}))
    assert answer["status"] == "applied" and answer["record_checks"] == [] and not answer["message"]
    assert [v["penalty"] for v in answer["violations"]] == ["HC-EXP"]  # the "no" is the violation, as before
    assert browser_for(supervisor).get("/inspect/supervisor/").context["contradicted"] == []
