"""Personal data on a case: masked by default; in full only for staff who say why, and logged (PDPL)."""

import pytest

from cases import privacy
from cases.models import PersonalDataLookup
from common.errors import NotPermitted, RegisterError
from tests.cases.conftest import person_client, staff
from tests.factories import MunicipalityFactory


def test_revealing_the_parties_is_logged_with_purpose(town, case, reviewer, applicant):
    parties = privacy.reveal_parties(case=case, actor=reviewer, purpose="to call the applicant")
    assert parties[0]["national_id"] == "1012345678"
    row = PersonalDataLookup.objects.get()
    assert (row.kind, row.case, row.person_id, row.actor, row.purpose) == (
        "view", case, applicant.pk, reviewer, "to call the applicant")
    assert row.masked_national_id == "1******678" and row.case_numbers == [case.number]
    assert list(privacy.personal_data_views(municipality=town, person=applicant)) == [row]


def test_only_staff_of_the_municipality_with_a_purpose(town, case, reviewer, django_user_model):
    elsewhere = staff(django_user_model, MunicipalityFactory(short_code="BUR"), "bur", ["permit_reviewer"])
    with pytest.raises(NotPermitted):
        privacy.reveal_parties(case=case, actor=elsewhere, purpose="curious")
    with pytest.raises(RegisterError):
        privacy.reveal_parties(case=case, actor=reviewer, purpose=" ")
    assert not PersonalDataLookup.objects.exists()


def test_the_parties_api_masks_unless_asked_with_a_purpose(town, case, reviewer):
    api = person_client(reviewer)
    masked = api.get(f"/api/v1/cases/{case.pk}/parties/").json()
    assert masked["revealed"] is False and masked["parties"][0]["national_id"] == "1******678"
    assert not PersonalDataLookup.objects.exists()
    refused = api.get(f"/api/v1/cases/{case.pk}/parties/?reveal=true")
    assert refused.status_code == 400 and refused.json()["param"] == "purpose"
    shown = api.get(f"/api/v1/cases/{case.pk}/parties/", {"reveal": "true", "purpose": "counter check"}).json()
    assert shown["revealed"] is True and shown["parties"][0]["national_id"] == "1012345678"
    assert PersonalDataLookup.objects.get().purpose == "counter check"
    # the detail stays masked
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["parties"][0]["national_id"] == "1******678"
