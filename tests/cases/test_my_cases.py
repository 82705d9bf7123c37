"""The applicant's API, /api/v1/my/cases/: a signed-in person without a staff membership follows, moves, applies
for and objects to the cases they act for, across municipalities; nobody else's."""

from datetime import date

import pytest

from accounts.models import Organisation, Person, Representation
from cases import services
from cases.models import Case
from tests.api.conftest import key_client
from tests.cases.conftest import open_case, person_client, staff
from tests.factories import MunicipalityFactory
from tests.shapes import lonlat


@pytest.fixture
def owner_user(applicant, django_user_model):
    user = django_user_model.objects.create_user("owner", password="x")
    Person.objects.filter(pk=applicant.pk).update(user=user)
    return user


@pytest.fixture
def engineer(applicant, django_user_model):
    """An engineering office's employee; the office is engaged by the applicant."""
    office = Organisation.objects.create(kind="organisation", name_ar="مكتب", cr_number="4030000001",
                                         org_kind="engineering_office")
    user = django_user_model.objects.create_user("engineer", password="x")
    person = Person.objects.create(kind="person", name_ar="سارة", national_id="1098765432", user=user)
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=applicant, kind="office", valid_from=date(2020, 1, 1))
    return user


def test_my_cases_across_municipalities_without_a_membership(town, reviewer, applicant, owner_user, engineer,
                                                             django_user_model):
    here = open_case(town=town, actor=reviewer, applicant=applicant)
    elsewhere_town = MunicipalityFactory(short_code="BUR")
    bur = staff(django_user_model, elsewhere_town, "bur", ["permit_reviewer"])
    there = open_case(town=elsewhere_town, actor=bur, applicant=applicant)
    someone = Person.objects.create(kind="person", name_ar="خالد", national_id="1011111111")
    open_case(town=town, actor=reviewer, applicant=someone)  # not mine
    for user in (owner_user, engineer):
        body = person_client(user).get("/api/v1/my/cases/").json()
        assert [c["number"] for c in body["results"]] == [there.number, here.number]
        assert {c["municipality"]["code"] for c in body["results"]} == {town.code, elsewhere_town.code}


def test_my_case_shows_what_is_meant_for_the_applicant(town, reviewer, applicant, owner_user):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    services.case_comment(case=case, actor=reviewer, body="internal: check the deed twice")
    services.case_comment(case=case, actor=reviewer, body="Please bring the original deed.", visible_to_applicant=True)
    response = person_client(owner_user).get(f"/api/v1/my/cases/{case.pk}/")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    body = response.json()
    assert [e["kind"] for e in body["timeline"]] == ["created", "comment"]
    assert body["timeline"][1]["body"] == "Please bring the original deed."
    assert "internal" not in response.content.decode() and "reviewer" not in response.content.decode()
    assert body["parties"][0]["national_id"] == "1******678" and body["allowed_transitions"] == []


def test_a_stranger_reading_my_case_gets_404(town, reviewer, applicant, django_user_model):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    stranger = django_user_model.objects.create_user("stranger", password="x")
    Person.objects.create(kind="person", name_ar="خالد", national_id="1011111111", user=stranger)
    api = person_client(stranger)
    assert api.get(f"/api/v1/my/cases/{case.pk}/").status_code == 404
    assert api.post(f"/api/v1/my/cases/{case.pk}/transitions/", {"transition": "resubmit"}, format="json",
                    HTTP_IF_MATCH='"1"').status_code == 404
    # the staff API is still closed to a person without a membership
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 403


def test_keys_and_anonymous_callers_are_refused(town, reviewer, applicant):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/my/cases/").status_code in (401, 403)
    assert key_client(town, ["read", "write"]).get("/api/v1/my/cases/").status_code == 403


def test_the_applicant_resubmits_with_if_match_and_only_their_steps(town, reviewer, applicant, owner_user):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    case = services.case_transition(case=case, transition="return", actor=reviewer, expected_version=case.version)
    api = person_client(owner_user)
    url = f"/api/v1/my/cases/{case.pk}/transitions/"
    assert api.get(f"/api/v1/my/cases/{case.pk}/").json()["allowed_transitions"] == ["resubmit"]
    assert api.post(url, {"transition": "resubmit"}, format="json").status_code == 428
    assert api.post(url, {"transition": "resubmit"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    done = api.post(url, {"transition": "resubmit"}, format="json", HTTP_IF_MATCH=f'"{case.version}"')
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    staff_step = api.post(url, {"transition": "start_review"}, format="json", HTTP_IF_MATCH=done["ETag"])
    assert staff_step.status_code == 403
    assert api.post(url, {"transition": "approve"}, format="json", HTTP_IF_MATCH=done["ETag"]).status_code == 403
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_applying_for_myself_and_for_whom_i_represent(town, applicant, engineer, owner_user, parcel):
    body = {"municipality": town.code, "case_type": "kiosk_permit", "data": {"activity": "food", "area_m2": 12},
            "parcels": [parcel.pk]}
    mine = person_client(owner_user).post("/api/v1/my/cases/", body, format="json")
    assert mine.status_code == 201, mine.content
    assert mine.json()["number"].startswith("RAS-") and mine.json()["parties"][0]["id"] == applicant.pk
    for_owner = person_client(engineer).post("/api/v1/my/cases/", body | {"applicant": applicant.pk}, format="json")
    assert for_owner.status_code == 201, for_owner.content
    roles = {p["role"] for p in for_owner.json()["parties"]}
    assert roles == {"applicant", "representative"}
    # not someone I do not represent; not an unknown municipality; not an objection through the front door
    someone = Person.objects.create(kind="person", name_ar="خالد", national_id="1011111111")
    refused = person_client(engineer).post("/api/v1/my/cases/", body | {"applicant": someone.pk}, format="json")
    assert refused.status_code == 400 and refused.json()["param"] == "applicant"
    assert person_client(owner_user).post("/api/v1/my/cases/", body | {"municipality": "nowhere"},
                                          format="json").status_code == 400
    internal = person_client(owner_user).post("/api/v1/my/cases/", body | {"case_type": "objection",
                                                                            "data": {"grounds": "x"}}, format="json")
    assert internal.status_code == 422
    bad = person_client(owner_user).post("/api/v1/my/cases/", body | {"data": {"activity": "cars"}}, format="json")
    assert bad.status_code == 422 and "activity" in bad.json()["detail"]
    assert Case.objects.count() == 2


def test_applying_needs_a_person(town, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    body = {"municipality": town.code, "case_type": "kiosk_permit", "data": {"activity": "food", "area_m2": 12},
            "point": {"type": "Point", "coordinates": list(lonlat(5, 5))}}
    assert person_client(user).post("/api/v1/my/cases/", body, format="json").status_code == 403
    assert not Case.objects.exists()


def test_the_applicant_sees_what_they_may_object_to_objects_and_withdraws(
        town, reviewer, approver, applicant, owner_user):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    case = services.case_transition(case=case, transition="reject", actor=approver, expected_version=case.version)
    api = person_client(owner_user)
    view = api.get(f"/api/v1/my/cases/{case.pk}/").json()
    assert view["closed"] is True and [o["transition"] for o in view["may_object_to"]] == ["reject"]
    made = api.post(f"/api/v1/my/cases/{case.pk}/objections/", {"grounds": "The area was measured wrongly."},
                    format="json")
    assert made.status_code == 201 and made.json()["allowed_transitions"] == ["withdraw"]
    objection = made.json()
    after = api.get(f"/api/v1/my/cases/{case.pk}/").json()
    assert after["may_object_to"] == [] and after["objections"][0]["number"] == objection["number"]
    assert "objection" in [e["kind"] for e in after["timeline"]]
    mine = [c["number"] for c in api.get("/api/v1/my/cases/").json()["results"]]
    assert mine == [objection["number"], case.number]
    withdrawn = api.post(f"/api/v1/my/cases/{objection['id']}/transitions/", {"transition": "withdraw"},
                         format="json", HTTP_IF_MATCH=made["ETag"])
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60


def test_the_applicant_applies_with_documents_adds_more_and_sees_only_theirs(town, applicant, owner_user, reviewer,
                                                                            django_user_model):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.documents.services import document_upload

    api = person_client(owner_user)
    payload = {"municipality": town.code, "case_type": "kiosk_permit", "data": {"activity": "food", "area_m2": 12},
               "point": {"type": "Point", "coordinates": list(lonlat(5, 5))}}
    made = api.post("/api/v1/my/cases/", {"payload": json.dumps(payload),
                                          "site_plan": SimpleUploadedFile("plan.pdf", PDF)}, format="multipart")
    assert made.status_code == 201, made.content
    body = made.json()
    assert [d["code"] for d in body["documents"]] == ["site_plan"]
    file_url = body["documents"][0]["latest"]["file"]
    got = api.get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    case = Case.objects.get(pk=body["id"])
    # staff add an internal document: the applicant does not see it
    document_upload(case=case, code="other", upload=SimpleUploadedFile("memo.pdf", PDF), actor=reviewer,
                    visible_to_applicant=False)
    assert [d["code"] for d in api.get(f"/api/v1/my/cases/{case.pk}/").json()["documents"]] == ["site_plan"]
    hidden = case.documents.get(code="other")
    assert api.get(f"/api/v1/my/cases/{case.pk}/documents/{hidden.pk}/file").status_code == 404
    # a new version; a renamed executable is refused
    more = api.post(f"/api/v1/my/cases/{case.pk}/documents/", {"code": "site_plan",
                                                              "file": SimpleUploadedFile("v2.pdf", PDF)},
                    format="multipart")
    assert more.status_code == 201 and more.json()["version"] == 2
    exe = api.post(f"/api/v1/my/cases/{case.pk}/documents/", {"code": "site_plan",
                                                             "file": SimpleUploadedFile("v3.pdf", EXE)},
                   format="multipart")
    assert exe.status_code == 422
    # a stranger reaches none of it
    stranger = django_user_model.objects.create_user("stranger", password="x")
    assert person_client(stranger).get(file_url).status_code == 404
