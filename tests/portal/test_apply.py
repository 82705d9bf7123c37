"""Applying on the portal: the services registered on the backbone, a form drawn from the case type, the parcel
one of mine (a form for another person's parcel is refused and nothing is written), and a draft to resume."""

from cases.models import Case
from portal.drafts import ApplicationDraft
from tests.portal.conftest import kiosk_form, someone_else


def html(response) -> str:
    return response.content.decode()


def test_the_services_are_the_types_a_person_may_open(signed_in):
    page = html(signed_in.get("/portal/services/"))
    assert 'data-service="kiosk_permit"' in page and 'data-service="objection"' not in page  # objection: internal
    assert signed_in.get("/portal/apply/objection/").status_code == 404


def test_the_form_is_drawn_from_the_type_and_lists_my_parcels(signed_in, town, owned, on_parcel):
    page = html(signed_in.get(f"/portal/apply/{on_parcel}/?m={town.short_code}"))
    assert 'id="f_activity"' in page and 'id="doc_site_plan"' in page and f'data-parcel="{owned.pk}"' in page


def test_i_apply_on_my_parcel(signed_in, town, owned, on_parcel, citizen):
    response = signed_in.post(f"/portal/apply/{on_parcel}/?m={town.short_code}",
                              kiosk_form(party=citizen.pk, parcel=owned.deed_number))
    case = Case.objects.get(case_type=on_parcel)
    assert response.status_code == 302 and response["Location"] == f"/portal/transactions/{case.pk}/"
    assert list(case.parcels.all()) == [owned] and case.documents.filter(code="site_plan").exists()


def test_another_persons_parcel_is_refused_and_nothing_written(signed_in, town, parcel, on_parcel, citizen,
                                                                  settings):
    from parcels.services.ownership import ownership_record

    ownership_record(parcel=parcel, party=someone_else(), actor="test")
    response = signed_in.post(f"/portal/apply/{on_parcel}/?m={town.short_code}",
                              kiosk_form(party=citizen.pk, parcel=parcel.deed_number), HTTP_ACCEPT_LANGUAGE="en")
    page = html(response)
    assert response.status_code == 400 and "is not registered to the applicant" in page
    assert "Khalid" not in page and "خالد" not in page  # the owner is not named
    assert not Case.objects.filter(case_type=on_parcel).exists()


def test_i_apply_only_for_myself_or_whom_i_represent(signed_in, town, citizen):
    other = someone_else()
    response = signed_in.post(f"/portal/apply/kiosk_permit/?m={town.short_code}",
                              kiosk_form(party=other.pk, lon="0", lat="0"))
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_draft_is_kept_and_resumed_then_dropped_when_sent(signed_in, town, owned, on_parcel, citizen):
    url = f"/portal/apply/{on_parcel}/?m={town.short_code}"
    signed_in.post(url, {"party": citizen.pk, "f_activity": "flowers", "f_area_m2": "33", "parcel": owned.deed_number,
                         "save_draft": "1"})
    draft = ApplicationDraft.objects.get(person=citizen, case_type=on_parcel)
    assert draft.values["f_area_m2"] == "33"
    page = html(signed_in.get(url))
    assert 'data-test="draft-loaded"' in page and 'value="33"' in page
    assert 'data-test="draft"' in html(signed_in.get("/portal/services/"))
    signed_in.post(url, kiosk_form(party=citizen.pk, parcel=owned.deed_number, f_area_m2="33"))
    assert Case.objects.filter(case_type=on_parcel).count() == 1
    assert not ApplicationDraft.objects.filter(person=citizen).exists()


def test_a_wrong_value_is_named_and_nothing_written(signed_in, town, citizen):
    response = signed_in.post(f"/portal/apply/kiosk_permit/?m={town.short_code}",
                              kiosk_form(party=citizen.pk, f_area_m2="900", lon="0", lat="0"))
    assert response.status_code == 400 and 'data-field="area_m2"' in html(response)
    assert not Case.objects.exists()


def test_a_long_or_unknown_deed_number_is_named_not_a_server_error(signed_in, town, on_parcel, citizen):
    response = signed_in.post(f"/portal/apply/{on_parcel}/?m={town.short_code}",
                              kiosk_form(party=citizen.pk, parcel_text="9" * 32), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "No current parcel with this deed or parcel number" in \
        response.content.decode()
