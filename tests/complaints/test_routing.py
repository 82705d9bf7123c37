"""Filing a report: routed by the district polygon containing the pin and the category; a pin outside the
municipality refused; near a district's edge the place confirmed; open reports of the same thing nearby offered
to join; a photo that is not an image or too large refused — and nothing half-written."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Case
from complaints.models import Complaint, Supporter
from tests.complaints.conftest import at


def png(size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buf, "PNG")
    return buf.getvalue()


def post(client, point, **values):
    data = {"recipient": "municipality", "category": "pothole", "description": "حفرة كبيرة أمام المسجد",
            "lon": f"{point.x}", "lat": f"{point.y}", **values}
    return client.post("/portal/complaints/new/?m=RAS", data, HTTP_ACCEPT_LANGUAGE=values.pop("lang", "ar"))


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen.user)
    return client


def test_a_pin_goes_to_the_handler_of_its_district(signed_in, handlers, town):
    response = post(signed_in, at(2000, 100), photo=SimpleUploadedFile("p.png", png(), content_type="image/png"))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/complaints/{complaint.case_id}/"
    assert complaint.district.code == "D2" and complaint.case.assignee == handlers["D2"]
    assert complaint.case.documents.filter(code="photo").exists()
    post(signed_in, at(-2000, 100), category="pothole", description="حفرة أخرى في الغرب")
    west = Complaint.objects.exclude(pk=complaint.pk).get()
    assert west.district.code == "D1" and west.case.assignee == handlers["D1"]


def test_a_category_without_a_routing_goes_to_its_roles_queue(signed_in, handlers, town):
    post(signed_in, at(2000, 100), category="shop_hygiene", description="مطعم غير نظيف")
    case = Complaint.objects.get().case
    assert case.assignee is None and case.queue_role.code == "health_inspector"


def test_a_pin_outside_the_municipality_is_refused(signed_in, handlers, town):
    response = post(signed_in, at(9000, 0), lang="en")
    assert response.status_code == 400 and "outside" in response.content.decode()
    assert not Case.objects.exists()


def test_no_pin_is_refused_with_where_to_put_it(signed_in, town):
    response = signed_in.post("/portal/complaints/new/", {"category": "pothole", "description": "حفرة كبيرة"},
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and 'data-field="place"' in response.content.decode()


def test_near_a_district_edge_the_place_is_confirmed(signed_in, handlers, town):
    response = post(signed_in, at(10, 100))
    assert response.status_code == 200 and 'data-test="confirm-place"' in response.content.decode()
    assert not Complaint.objects.exists()
    post(signed_in, at(10, 100), confirm_place="1")
    assert Complaint.objects.get().district.code == "D2"


def test_the_same_thing_nearby_is_offered_to_join(signed_in, handlers, town, client, django_user_model):
    post(signed_in, at(2000, 100))
    first = Complaint.objects.get()
    neighbour = django_user_model.objects.create_user("neighbour")
    from accounts.models import Person

    person = Person.objects.create(kind="person", name_ar="جار", national_id="1000000999", mobile="+966500000999",
                                   user=neighbour)
    client.force_login(neighbour)
    response = post(client, at(2020, 110))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-test="duplicates"' in html and first.case.number in html
    assert Complaint.objects.count() == 1
    client.post(f"/portal/complaints/{first.case_id}/join/")
    assert Supporter.objects.filter(complaint=first, party=person).exists()
    post(client, at(2020, 110), file_anyway="1")  # or file it anyway
    assert Complaint.objects.count() == 2


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(signed_in, handlers, town):
    fake = SimpleUploadedFile("p.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = post(signed_in, at(2000, 100), photo=fake, lang="en")
    assert response.status_code == 400 and "not a JPEG or PNG image" in response.content.decode()
    big = SimpleUploadedFile("big.png", png() + b"\0" * (5 * 1024 * 1024), content_type="image/png")
    response = post(signed_in, at(2000, 100), photo=big, lang="en")
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Case.objects.exists()
