"""What a supervisor reviews: a held result shows what its inspector answered "no", the notes, the photos and the
signature; the latest violations show the photos of the result that was applied; the photos are served to a
supervisor of the municipality and to the inspector who sent them, and to nobody else."""

import base64
import io

from django.test import Client
from PIL import Image

from licensing.models import ChecklistItem, Premises, VisitPhoto
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
