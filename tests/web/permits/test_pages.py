"""The permit pages with Django's test client on real PostGIS: the office's drawing page (the parcel's site in
the map's configuration), submitting a drawn building (a failing check needs a justification, and nothing is
stored when it is refused), a correction on a case, and the planners' what-if."""

import json

import pytest
from django.test import Client

from cases.models import Case
from parcels.models import District
from permits.models import Proposal
from permits.services.rules import rule_set_new_version
from tests.permits.conftest import villa
from tests.shapes import rect


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.force_login(user)
    return client


def config_of(response) -> dict:
    html = response.content.decode()
    start = html.index('id="ardh-map-config"')
    body = html[html.index(">", start) + 1:html.index("</script>", start)]
    return json.loads(body)


def test_the_drawing_page_shows_the_parcels_site(designer, plot):
    response = signed_in(designer).get(f"/permits/new/?deed={plot.deed_number}")
    assert response.status_code == 200
    permit = config_of(response)["permit"]
    assert permit["parcel_id"] == plot.pk and permit["site"]["envelope_area_m2"] == pytest.approx(384, abs=0.5)
    assert {e["kind"] for e in permit["site"]["edges"]} == {"front", "side", "rear"}
    assert "شارع الأمير" in response.content.decode()
    assert signed_in(designer).get("/permits/new/?deed=000").status_code == 404


def test_submitting_a_drawn_building_opens_the_case(designer, plot, owner):
    response = signed_in(designer).post("/permits/new/", {
        "parcel": plot.pk, "proposal": json.dumps(villa()), "applicant": owner.pk, "submit": "submit"})
    assert response.status_code == 302
    case = Case.objects.get(case_type="building_permit")
    assert response["Location"] == f"/inbox/cases/{case.pk}/" and case.status == "submitted"
    assert Proposal.objects.get(case=case).passed


def test_a_failing_building_without_justification_is_refused_and_nothing_stays(designer, plot, owner):
    client = signed_in(designer)
    bad = {"parcel": plot.pk, "proposal": json.dumps(villa(ground=(1, 1, 19, 29))), "applicant": owner.pk,
           "submit": "submit"}
    response = client.post("/permits/new/", bad)
    assert response.status_code == 422 and "setback_front" in response.content.decode()
    assert not Case.objects.exists() and not Proposal.objects.exists()
    kept = config_of(response)  # the drawing is kept on the page
    assert kept["permit"]["parcel_id"] == plot.pk and "floors" in response.content.decode()
    justified = client.post("/permits/new/", {**bad, "justification": "على امتداد مباني الجوار"})
    assert justified.status_code == 302 and Case.objects.get().status == "submitted"


def test_a_reviewer_corrects_the_building_during_the_review(designer, engineer, plot, owner):
    from cases.services import case_transition

    signed_in(designer).post("/permits/new/", {"parcel": plot.pk, "proposal": json.dumps(villa()),
                                               "applicant": owner.pk, "submit": "submit"})
    case = case_transition(case=Case.objects.get(), transition="start_review", actor=engineer, expected_version=None)
    page = signed_in(engineer).get(f"/inbox/cases/{case.pk}/")
    assert page.status_code == 200 and 'data-test="permit-check"' in page.content.decode()
    assert f"/permits/cases/{case.pk}/proposal/" in page.content.decode()
    corrected = signed_in(engineer).post(f"/permits/cases/{case.pk}/proposal/",
                                         {"proposal": json.dumps(villa(ground=(3, 5, 17, 25)))})
    assert corrected.status_code == 302 and Proposal.objects.filter(case=case).count() == 2
    refused = signed_in(designer).post(f"/permits/cases/{case.pk}/proposal/", {"proposal": json.dumps(villa())})
    assert refused.status_code == 422 and Proposal.objects.filter(case=case).count() == 2


def test_the_what_if_page_for_planners(town, plot, r1, engineer, designer):
    District.objects.create(municipality=town, code="D1", name_ar="حي", name_en="D", geom=rect(-100, -100, 100, 100))
    draft = rule_set_new_version(rule_set=r1, actor=engineer, side_setback_m=3)
    response = signed_in(engineer).get(f"/permits/whatif/?draft={draft.pk}&district=D1")
    assert response.status_code == 200
    whatif = config_of(response)["whatif"]
    [feature] = whatif["features"]["features"]
    assert feature["properties"]["delta_m2"] == pytest.approx(-48, abs=0.1)
    assert signed_in(designer).get("/permits/whatif/").status_code == 403


def test_the_case_page_of_an_issued_permit_links_its_verification(designer, engineer, plot, owner, town,
                                                                   django_user_model):
    from cases.services import case_transition
    from tests.surveys.conftest import pay_in_process as pay

    approver = django_user_model.objects.create_user("approver", password="x")
    from accounts.services import membership_grant

    membership_grant(user=approver, municipality=town, roles=["permit_approver"])
    signed_in(designer).post("/permits/new/", {"parcel": plot.pk, "proposal": json.dumps(villa()),
                                               "applicant": owner.pk, "submit": "submit"})
    case = Case.objects.get()
    for name, who in (("start_review", engineer), ("recommend", engineer), ("approve", approver)):
        case = case_transition(case=case, transition=name, actor=who, expected_version=None)
    assert pay(case) == "issue"
    page = signed_in(designer).get(f"/inbox/cases/{case.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-test="permit-issued"' in html and "/verify/" in html


def test_a_correction_page_of_someone_elses_case_is_not_found(designer, plot, owner, django_user_model):
    signed_in(designer).post("/permits/new/", {"parcel": plot.pk, "proposal": json.dumps(villa()),
                                               "applicant": owner.pk, "submit": "draft"})
    case = Case.objects.get()
    assert case.status == "draft"
    stranger = django_user_model.objects.create_user("stranger", password="x")
    assert signed_in(stranger).get(f"/permits/cases/{case.pk}/proposal/").status_code == 404
    assert signed_in(designer).get(f"/permits/cases/{case.pk}/proposal/").status_code == 200
