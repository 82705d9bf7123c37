"""The pre-check and the site over HTTP (engineering offices and other systems), the issued permits' open data
and the map layers: answers, refusals with what and where, access."""

import csv
import io
import json

import mapbox_vector_tile
import pytest
from django.utils import timezone

from permits.models import Permit, PermitStatus
from tests.cases.conftest import person_client
from tests.permits.conftest import polygon, villa
from tiles.grid import tiles_touching


@pytest.fixture
def office_client(designer):
    return person_client(designer, language="ar")


def test_the_precheck_answers_every_rule_with_its_explanation(office_client, plot):
    response = office_client.post("/api/v1/permits/precheck", {"parcel": plot.pk, "proposal": villa(
        ground=(1, 5, 17, 27))}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["passed"] is False and body["envelope_area_m2"] == pytest.approx(384, abs=0.5)
    side = next(r for r in body["results"] if r["rule"] == "setback_side")
    assert (side["passed"], side["measured"], side["limit"]) == (False, 1.0, 2.0)
    assert side["violation"]["type"] in ("Polygon", "MultiPolygon")
    assert body["inputs"]["rules"]["code"] == "R1" and body["inputs"]["streets"][0]["width_m"] == 20.0


def test_the_precheck_finds_a_parcel_by_plan_and_number_or_deed(office_client, plot):
    by_deed = office_client.post("/api/v1/permits/precheck", {"parcel": {"deed_number": plot.deed_number},
                                                              "proposal": villa()}, format="json")
    by_number = office_client.post("/api/v1/permits/precheck", {"parcel": {"plan": plot.plan.number, "number": "7"},
                                                                "proposal": villa()}, format="json")
    assert by_deed.json()["passed"] is True and by_number.json()["parcel"]["id"] == plot.pk


def test_bad_input_is_a_4xx_saying_what_and_where(office_client, plot):
    bowtie = {"type": "Polygon", "coordinates": [[*polygon(0, 0, 10, 10)["coordinates"][0][:1],
                                                  polygon(10, 10, 11, 11)["coordinates"][0][0],
                                                  polygon(10, 0, 11, 1)["coordinates"][0][0],
                                                  polygon(0, 10, 1, 11)["coordinates"][0][0],
                                                  polygon(0, 0, 1, 1)["coordinates"][0][0]]]}
    proposal = villa()
    proposal["floors"][1]["footprint"] = bowtie
    bad = office_client.post("/api/v1/permits/precheck", {"parcel": plot.pk, "proposal": proposal}, format="json")
    assert bad.status_code == 400
    assert bad.json()["where"] == "proposal.floors[1].footprint" and bad.json()["code"] == "invalid_geometry"
    missing = office_client.post("/api/v1/permits/precheck", {"parcel": 999999, "proposal": villa()}, format="json")
    assert missing.status_code == 404
    no_body = office_client.post("/api/v1/permits/precheck", {"proposal": villa()}, format="json")
    assert no_body.status_code == 400


def test_a_parcel_without_a_zone_is_refused_clearly(office_client, town):
    from tests.factories import ParcelFactory, PlanFactory
    from tests.shapes import rect

    lonely = ParcelFactory(plan=PlanFactory(municipality=town), geom=rect(500, 500, 520, 530), number="99")
    response = office_client.get(f"/api/v1/permits/parcels/{lonely.pk}/site")
    assert response.status_code == 422 and response.json()["code"] == "no_zone"


def test_the_site_shows_edges_envelope_and_prefill(office_client, plot):
    body = office_client.get(f"/api/v1/permits/parcels/{plot.pk}/site").json()
    kinds = sorted(e["kind"] for e in body["site"]["edges"])
    assert kinds == ["front", "rear", "side", "side"] and body["site"]["frontage_m"] == pytest.approx(20, abs=0.01)
    assert body["zone"]["code"] == "R1" and body["streets"][0]["name"] == "شارع الأمير"
    assert body["survey_decision"] is None


def test_anonymous_callers_may_not_precheck(client, plot):
    assert client.post("/api/v1/permits/precheck", {}, content_type="application/json").status_code in (401, 403)


def test_issued_permits_are_open_data_and_on_the_maps(client, town, plot, r1, engineer):
    from cases.models import Case
    from permits.models import Proposal

    case = Case.objects.create(municipality=town, number="RAS-1448-000001", case_type="building_permit",
                               status="issued", status_since=timezone.now(), location=plot.geom.point_on_surface)
    proposal = Proposal.objects.create(municipality=town, case=case, number=1, parcel=plot, source="drawn",
                                       use="residential", height_m=9, floors=[], footprint=plot.geom,
                                       floor_area_m2=600, rule_set=r1, rules_date="2026-01-01", passed=True)
    Permit.objects.create(municipality=town, case=case, number="RAS-BP-1448-00001", kind="building_permit",
                          parcel=plot, proposal=proposal, status=PermitStatus.ISSUED, issued_on="2026-01-02",
                          valid_until="2029-01-02", use="residential", floors=2, floor_area_m2=600, geom=plot.geom)
    response = client.get(f"/api/v1/permits/open-data.csv?municipality={town.code}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "PermitNum" and rows[1][:3] == ["RAS-BP-1448-00001", "building_permit", "2026-01-02"]
    assert rows[1][6] == "7" and float(rows[1][11]) == pytest.approx(plot.geom.centroid.y, abs=0.001)
    assert client.get("/api/v1/permits/open-data.csv?municipality=nowhere").status_code == 404
    centre = plot.geom.centroid
    t = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), 16, buffer=0)))
    public = client.get(f"/tiles/issued_permits/{t.z}/{t.x}/{t.y}.mvt")  # public: no sign-in
    assert public.status_code == 200
    features = mapbox_vector_tile.decode(public.content)["issued_permits"]["features"]
    assert [f["properties"]["number"] for f in features] == ["RAS-BP-1448-00001"]
    assert not {"owner", "applicant", "national_id", "case"} & set(features[0]["properties"])
    assert client.get(f"/tiles/building_permits/{t.z}/{t.x}/{t.y}.mvt").status_code == 401  # the town's staff only
    staff = person_client(engineer).get("/ogc/collections/building_permits/items")
    rows = json.loads(b"".join(staff.streaming_content))["features"]
    assert [(f["properties"]["number"], f["properties"]["status"]) for f in rows] == [("RAS-1448-000001", "issued")]


@pytest.fixture(autouse=True)
def fresh_tiles(settings, tmp_path):
    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles")
