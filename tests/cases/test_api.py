"""The cases' REST API and map layer: filters, bbox, actions with If-Match, refusals saying what and where."""

import json

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point

from cases.models import Case, PersonalDataLookup
from geo.layers import get_layer
from tests.api.conftest import key_client
from tests.cases.conftest import open_case, person_client, staff
from tests.shapes import lonlat
from tiles.grid import tiles_touching
from tiles.style import style_layers


def _post(client, url, body, version=None, **headers):
    if version is not None:
        headers["HTTP_IF_MATCH"] = f'"{version}"'
    return client.post(url, body, format="json", **headers)


def test_create_through_the_api_and_read_it_back(town, reviewer, applicant, parcel):
    api = person_client(reviewer)
    response = _post(api, "/api/v1/cases/", {
        "case_type": "kiosk_permit", "data": {"activity": "flowers", "area_m2": 12},
        "parties": [{"party": applicant.pk, "role": "applicant"}], "parcels": [parcel.pk],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("RAS-") and body["status"] == "submitted" and body["queue"] == "permit_reviewer"
    assert body["parties"][0]["national_id"] == "1******678"  # masked
    assert body["allowed_transitions"] == ["start_review"]
    assert response["ETag"] == '"1"'
    detail = api.get(f"/api/v1/cases/{body['id']}/").json()
    assert detail["parcels"][0]["id"] == parcel.pk and [e["kind"] for e in detail["timeline"]] == ["created"]


def test_create_refusals_name_the_field(town, reviewer, applicant):
    api = person_client(reviewer)
    response = _post(api, "/api/v1/cases/", {"case_type": "kiosk_permit", "data": {"activity": "cars"},
                                             "parties": [{"party": applicant.pk, "role": "applicant"}],
                                             "point": {"type": "Point", "coordinates": list(lonlat(5, 5))}})
    assert response.status_code == 422
    assert "activity" in response.json()["detail"] and "area_m2" in response.json()["detail"]
    assert not Case.objects.exists()


def test_the_case_types_declare_their_forms(town, reader):
    types = person_client(reader).get("/api/v1/case-types/").json()["case_types"]
    kiosk = next(t for t in types if t["code"] == "kiosk_permit")
    assert [f["name"] for f in kiosk["fields"]] == ["activity", "area_m2", "shop_name"]
    assert kiosk["documents"][0]["code"] == "site_plan"


def test_list_filters_by_type_status_bbox_and_masks_the_national_id(town, reviewer, applicant):
    near = open_case(town=town, actor=reviewer, applicant=applicant)
    far = open_case(town=town, actor=reviewer, applicant=applicant, point=Point(*lonlat(3000, 3000), srid=4326))
    Case.objects.filter(pk=far.pk).update(status="in_review")
    api = person_client(reviewer)

    def numbers(query=""):
        response = api.get(f"/api/v1/cases/{query}")
        assert response.status_code == 200, response.content
        return [c["number"] for c in response.json()["results"]]

    assert numbers() == [far.number, near.number]
    assert numbers("?status=in_review") == [far.number]
    assert numbers("?case_type=kiosk_permit&status=submitted") == [near.number]
    assert numbers("?case_type=other") == []
    (x0, y0), (x1, y1) = lonlat(0, 0), lonlat(100, 100)
    assert numbers(f"?bbox={x0},{y0},{x1},{y1}") == [near.number]
    assert numbers(f"?number={near.number.lower()}") == [near.number]
    assert numbers("?queue=mine") == [near.number, far.number]  # oldest due first
    row = api.get("/api/v1/cases/").json()["results"][0]
    assert row["applicant"]["national_id"] == "1******678"
    assert "1012345678" not in api.get("/api/v1/cases/").content.decode()


def test_list_refuses_unknown_filters_and_bad_bbox(town, reader):
    api = person_client(reader)
    response = api.get("/api/v1/cases/?colour=red")
    assert response.status_code == 400 and response.json()["param"] == "colour"
    response = api.get("/api/v1/cases/?bbox=1,2,3")
    assert response.status_code == 400 and response.json()["param"] == "bbox"


def test_searching_by_national_id_is_logged(town, reviewer, applicant, parcel):
    case = open_case(town=town, actor=reviewer, applicant=applicant, parcels=[parcel])
    api = person_client(reviewer)
    assert [c["number"] for c in api.get("/api/v1/cases/?national_id=1012345678").json()["results"]] == [case.number]
    [log] = PersonalDataLookup.objects.all()
    assert log.actor == reviewer and log.case_numbers == [case.number]
    assert [c["number"] for c in api.get(f"/api/v1/cases/?parcel={parcel.pk}").json()["results"]] == [case.number]
    assert [c["number"] for c in api.get("/api/v1/cases/?deed=310115000123").json()["results"]] == [case.number]


def test_transitions_with_if_match(case, reviewer, approver):
    url = f"/api/v1/cases/{case.pk}/transitions/"
    assert _post(person_client(reviewer), url, {"transition": "start_review"}).status_code == 428
    stale = _post(person_client(reviewer), url, {"transition": "start_review"}, version=7)
    assert stale.status_code == 412
    done = _post(person_client(reviewer), url, {"transition": "start_review", "note": "ok"}, version=1)
    assert done.status_code == 200 and done.json()["status"] == "in_review" and done["ETag"] == '"2"'
    assert done.json()["allowed_transitions"] == ["return"]  # the reviewer's; approve/reject are the approver's


def test_an_illegal_transition_is_409_listing_the_allowed(case, approver):
    response = _post(person_client(approver), f"/api/v1/cases/{case.pk}/transitions/", {"transition": "approve"},
                     version=1)
    assert response.status_code == 409
    assert response.json()["code"] == "transition" and response.json()["allowed"] == ["start_review"]


def test_a_wrong_role_is_403_in_arabic_and_english(case, approver):
    url = f"/api/v1/cases/{case.pk}/transitions/"
    response = _post(person_client(approver), url, {"transition": "start_review"}, version=1)
    assert response.status_code == 403 and response.json()["needed"] == ["permit_reviewer"]
    assert "needs one of the roles" in response.json()["detail"]
    arabic = _post(person_client(approver, "ar"), url, {"transition": "start_review"}, version=1)
    assert arabic.status_code == 403 and "يتطلب أحد الأدوار" in arabic.json()["detail"]
    illegal = _post(person_client(approver, "ar"), url, {"transition": "approve"}, version=1)
    assert illegal.status_code == 409 and "الممكن الآن: start_review" in illegal.json()["detail"]


def test_a_failing_guard_is_422_with_the_reason(town, reviewer, approver, applicant):
    case = open_case(town=town, actor=reviewer, applicant=applicant, area_m2=80)
    _post(person_client(reviewer), f"/api/v1/cases/{case.pk}/transitions/", {"transition": "start_review"}, version=1)
    response = _post(person_client(approver), f"/api/v1/cases/{case.pk}/transitions/", {"transition": "approve"},
                     version=2)
    assert response.status_code == 422 and response.json()["reasons"] == ["A kiosk may not be larger than 50 m²."]
    case.refresh_from_db()
    assert case.status == "in_review" and case.version == 2


def test_another_municipality_reads_not_found(case, other_town, django_user_model):
    stranger = person_client(staff(django_user_model, other_town, "stranger", ["permit_reviewer", "reader"]))
    assert stranger.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert _post(stranger, f"/api/v1/cases/{case.pk}/transitions/", {"transition": "start_review"},
                 version=1).status_code == 404
    assert stranger.get("/api/v1/cases/").json()["results"] == []
    assert key_client(other_town, scopes=["read"]).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_hold_resume_assign_and_comment(case, reviewer):
    api = person_client(reviewer)
    base = f"/api/v1/cases/{case.pk}"
    held = _post(api, f"{base}/hold/", {"reason": "waiting for the civil defence", "waiting_on": "agency"}, version=1)
    assert held.status_code == 200 and held.json()["on_hold"] is True
    assert _post(api, f"{base}/hold/", {"reason": "again"}, version=2).status_code == 422
    assert _post(api, f"{base}/resume/", {}, version=2).json()["on_hold"] is False
    assigned = _post(api, f"{base}/assign/", {"assignee": reviewer.pk}, version=3)
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "reviewer"
    commented = _post(api, f"{base}/comments/", {"body": "called the applicant", "visible_to_applicant": False})
    assert commented.status_code == 201
    timeline = commented.json()["timeline"]
    assert [e["kind"] for e in timeline] == ["created", "hold", "resume", "assignment", "comment"]
    assert timeline[1]["visible_to_applicant"] is False  # waiting on an agency: internal


def test_an_api_key_reads_but_takes_no_steps(case, town):
    api = key_client(town, scopes=["read"])
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    response = _post(api, f"/api/v1/cases/{case.pk}/transitions/", {"transition": "start_review"}, version=1)
    assert response.status_code == 403
    refused = _post(api, "/api/v1/cases/", {"case_type": "kiosk_permit"})
    assert refused.status_code == 403


# --- the map layer -----------------------------------------------------------------------------------


def test_the_cases_layer_is_a_tenant_ogc_collection(case, town, other_town):
    api = key_client(town, scopes=["read"])
    collections = api.get("/ogc/collections", HTTP_ACCEPT="application/json").json()
    assert "cases" in [c["id"] for c in collections["collections"]]
    response = api.get("/ogc/collections/cases/items", HTTP_ACCEPT="application/geo+json")
    items = json.loads(b"".join(response.streaming_content))
    assert [(f["properties"]["number"], f["properties"]["status"]) for f in items["features"]] == [
        (case.number, "submitted")]
    other = key_client(other_town, scopes=["read"]).get("/ogc/collections/cases/items",
                                                         HTTP_ACCEPT="application/geo+json")
    assert json.loads(b"".join(other.streaming_content))["features"] == []


def test_the_cases_layer_in_tiles_is_for_the_tenant_only(client, case, town, reviewer):
    lon, lat = lonlat(10, 10)
    t = next(iter(tiles_touching((lon, lat, lon, lat), 16, buffer=0)))
    url = f"/tiles/cases/{t.z}/{t.x}/{t.y}.mvt"
    assert client.get(url).status_code in (401, 403)
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    [feature] = mapbox_vector_tile.decode(response.content)["cases"]["features"]
    assert feature["properties"]["status"] == "submitted"
    [point] = style_layers(get_layer("cases"))  # tenant layers are not in the shared style.json
    assert point["type"] == "circle" and point["paint"]["circle-color"][:2] == ["match", ["get", "status"]]


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/case-types/"])
def test_anonymous_callers_are_refused(client, path, db):
    assert client.get(path).status_code in (401, 403)
