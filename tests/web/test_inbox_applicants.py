"""The inbox for applicant users (an engineering office's employee, an owner) and the application form."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Person
from cases import services
from cases.models import Case, PersonalDataLookup
from tests.cases.conftest import open_case
from tests.web.conftest import page, signed_in


def test_an_applicant_user_signs_in_and_lands_on_their_applications(client, engineer):
    response = client.post("/login/", {"username": "engineer", "password": "x"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    html = page(client.get("/inbox/"))
    assert "طلباتي" in html and "/inbox/new/kiosk_permit/" in html


def test_someone_with_neither_membership_nor_person_is_told_why(client, django_user_model):
    response = signed_in(client, django_user_model.objects.create_user("lost", password="x")).get("/inbox/")
    assert response.status_code == 403 and "لا يمكنك استخدام صندوق العمل" in page(response)


def test_they_see_their_cases_only_and_no_internal_notes(client, town, engineer, reviewer, applicant, case):
    someone_else = Person.objects.create(kind="person", name_ar="خالد", name_en="Khalid", national_id="1011111111")
    not_theirs = open_case(town=town, actor=reviewer, applicant=someone_else)
    services.case_comment(case=case, actor=reviewer, body="ملاحظة داخلية سرية")
    services.case_comment(case=case, actor=reviewer, body="أرفق المخطط", visible_to_applicant=True)
    signed_in(client, engineer)
    html = page(client.get("/inbox/"))
    assert case.number in html and not_theirs.number not in html
    html = page(client.get(f"/inbox/cases/{case.pk}/"))
    assert "أرفق المخطط" in html and "ملاحظة داخلية سرية" not in html
    assert "ardh-map-config" not in html and 'name="action" value="claim"' not in html
    assert client.get(f"/inbox/cases/{not_theirs.pk}/").status_code == 404


def test_they_take_the_applicants_steps_and_no_others(client, engineer, reviewer, case):
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    signed_in(client, engineer)
    act = f"/inbox/cases/{case.pk}/act/"
    response = client.post(act, {"action": "transition", "transition": "return", "version": case.version})
    assert response.status_code == 403
    response = client.post(act, {"action": "hold", "reason": "x", "version": case.version})
    assert response.status_code == 403
    case = services.case_transition(case=case, transition="return", actor=reviewer, expected_version=case.version)
    assert 'data-step="resubmit"' in page(client.get(f"/inbox/cases/{case.pk}/"))
    client.post(act, {"action": "transition", "transition": "resubmit", "version": case.version})
    assert Case.objects.get(pk=case.pk).status == "submitted"


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def form(**values):
    """The kiosk permit's application: its fields and its site plan (a small PDF)."""
    values.setdefault("doc_site_plan", SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"))
    return {"f_activity": "food", "f_area_m2": "20", "f_shop_name": "", **values}


def test_the_form_is_drawn_from_the_type(client, reviewer):
    html = page(signed_in(client, reviewer).get("/inbox/new/kiosk_permit/"))
    assert re.search(r'<select id="f_activity" name="f_activity" required>', html)
    assert re.search(r'name="f_area_m2" type="number"[^>]*required[^>]*min="1"[^>]*max="100"', html)
    assert re.search(r'name="f_shop_name" type="text" value=""  maxlength="60"', html)
    assert client.get("/inbox/new/no_such_type/").status_code == 404


def test_field_errors_in_arabic_next_to_each_field(client, reviewer, parcel):
    signed_in(client, reviewer)
    response = client.post("/inbox/new/kiosk_permit/", form(f_activity="boats", f_area_m2="500",
                                                            national_id="12", parcel="nope"))
    html = page(response)
    assert response.status_code == 400 and not Case.objects.exists()
    assert re.search(r'data-field="activity">ليست من الخيارات المسموحة', html)
    assert re.search(r'data-field="area_m2">خارج النطاق المسموح', html)
    assert 'data-field="national_id"' in html and 'data-field="parcel"' in html


def test_staff_apply_for_a_person_by_national_id_logged(client, town, reviewer, applicant, parcel):
    signed_in(client, reviewer)
    response = client.post("/inbox/new/kiosk_permit/", form(national_id=applicant.national_id,
                                                            parcel=parcel.deed_number))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inbox/cases/{case.pk}/"
    assert list(case.parcels.all()) == [parcel] and case.data == {"activity": "food", "area_m2": 20.0}
    assert case.case_parties.get().party_id == applicant.pk
    lookup = PersonalDataLookup.objects.get()
    assert lookup.actor == reviewer and lookup.masked_national_id == "1******678"


def test_an_unknown_national_id_is_refused_and_logged(client, reviewer, parcel):
    signed_in(client, reviewer)
    response = client.post("/inbox/new/kiosk_permit/", form(national_id="1999999999", parcel=parcel.deed_number))
    assert response.status_code == 400 and 'data-field="national_id"' in page(response)
    assert PersonalDataLookup.objects.count() == 1 and not Case.objects.exists()


def test_an_office_applies_for_the_owner_it_represents(client, town, engineer, applicant, office, parcel):
    signed_in(client, engineer)
    html = page(client.get("/inbox/new/kiosk_permit/"))
    assert f'value="{applicant.pk}"' in html and f'value="{town.pk}"' in html
    response = client.post("/inbox/new/kiosk_permit/", form(municipality=town.pk, party=applicant.pk,
                                                            parcel=parcel.number))
    case = Case.objects.get()
    assert response.status_code == 302 and case.created_by == engineer
    assert case.case_parties.get().party_id == applicant.pk
    stranger = Person.objects.create(kind="person", name_ar="خالد", name_en="Khalid", national_id="1011111111")
    response = client.post("/inbox/new/kiosk_permit/", form(municipality=town.pk, party=stranger.pk,
                                                            parcel=parcel.number))
    assert response.status_code == 400 and Case.objects.count() == 1


def test_a_click_on_the_map_names_the_parcel(client, reviewer, applicant, parcel):
    point = parcel.geom.point_on_surface
    signed_in(client, reviewer)
    client.post("/inbox/new/kiosk_permit/", form(national_id=applicant.national_id, lon=point.x, lat=point.y))
    assert list(Case.objects.get().parcels.all()) == [parcel]


def test_a_refused_creation_shows_the_reason(client, town, django_user_model, applicant, parcel):
    from tests.cases.conftest import staff

    reader = staff(django_user_model, town, "reader2", ["reader"])
    response = signed_in(client, reader).post("/inbox/new/kiosk_permit/", form(
        national_id=applicant.national_id, parcel=parcel.deed_number))
    assert response.status_code == 403 and 'role="alert"' in page(response) and not Case.objects.exists()


def test_a_missing_document_is_named_next_to_its_field(client, reviewer, applicant, parcel):
    signed_in(client, reviewer)
    response = client.post("/inbox/new/kiosk_permit/", form(national_id=applicant.national_id,
                                                            parcel=parcel.deed_number, doc_site_plan=""))
    assert response.status_code == 400 and 'data-field="doc_site_plan">هذا المستند مطلوب' in page(response)
    assert not Case.objects.exists()


def test_documents_on_the_case_page_versions_and_downloads(client, reviewer, engineer, applicant, parcel):
    signed_in(client, reviewer)
    client.post("/inbox/new/kiosk_permit/", form(national_id=applicant.national_id, parcel=parcel.deed_number))
    case = Case.objects.get()
    html = page(client.get(f"/inbox/cases/{case.pk}/"))
    first = re.search(r'<a href="(/api/v1/cases/\d+/documents/\d+/file)" data-version="1">', html)[1]
    assert client.get(first).getvalue() == PDF
    # The office uploads a new version from its side of the case page.
    signed_in(client, engineer)
    response = client.post(f"/inbox/cases/{case.pk}/act/", {
        "action": "upload", "code": "site_plan", "version": case.version,
        "file": SimpleUploadedFile("plan-2.pdf", PDF + b"%v2\n", content_type="application/pdf")}, follow=True)
    html = page(response)
    mine = re.search(r'<a href="(/api/v1/my/cases/\d+/documents/\d+/file)" data-version="2">', html)[1]
    assert client.get(mine).getvalue() == PDF + b"%v2\n" and "plan-2.pdf" in html
    response = client.post(f"/inbox/cases/{case.pk}/act/", {
        "action": "upload", "code": "site_plan", "version": case.version,
        "file": SimpleUploadedFile("plan.exe", b"MZ\x90\x00", content_type="application/pdf")})
    assert response.status_code == 400 and 'role="alert"' in page(response)
    assert case.documents.count() == 2


def test_parties_in_full_only_with_a_purpose_and_logged(client, reviewer, engineer, case):
    signed_in(client, reviewer)
    html = page(client.get(f"/inbox/cases/{case.pk}/"))
    assert "1******678" in html and "1012345678" not in html
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "reveal", "purpose": ""})
    assert response.status_code == 400 and "1012345678" not in page(response)
    assert not PersonalDataLookup.objects.exists()
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "reveal", "purpose": "للاتصال بالمالك"})
    assert response.status_code == 200 and "1012345678" in page(response)
    view = PersonalDataLookup.objects.get()
    assert view.kind == "view" and view.actor == reviewer and view.case == case
    response = signed_in(client, engineer).post(f"/inbox/cases/{case.pk}/act/", {"action": "reveal",
                                                                                  "purpose": "x"})
    assert response.status_code == 403 and PersonalDataLookup.objects.count() == 1
