"""Licensing's faces: the eligibility API (every rule explained, bad input a 400 saying where), the offline day
(the registry's part by permission, with the map's tiles to keep), the map layers (licensed premises public
without personal data; violations a heat map at low zoom, the staff's only), routes on the street network and the
supervisor's page."""

import mapbox_vector_tile
import pytest
from django.utils import timezone

from geo.layers import get_layer
from licensing.models import InspectionRoute, Visit
from licensing.routes import routes_plan
from licensing.services.visits import visit_record
from parcels.services.network import street_network_build
from tests.api.conftest import key_client
from tests.cases.conftest import person_client
from tests.licensing.test_inspections import restaurant, yes  # noqa: F401 (fixture)
from tests.shapes import lonlat
from tiles.grid import tiles_touching
from tiles.style import style_layers


@pytest.fixture(autouse=True)
def fresh_tiles(settings, tmp_path):
    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles")


def test_eligibility_explains_every_rule(town, shops):
    api = key_client(town, scopes=["read"])
    lon, lat = lonlat(180, 12)
    body = api.get(f"/api/v1/licensing/eligibility?activity=c01&lon={lon}&lat={lat}").json()
    assert body["eligible"] is False and body["zone"] == "C1"
    checks = {c["rule"]: c for c in body["checks"]}
    assert [checks[r]["passed"] for r in ("parcel", "building", "zone", "street", "distance_school",
                                          "distance_mosque")] == [True, True, True, True, False, True]
    assert checks["distance_school"]["detail"]["nearest_m"] == pytest.approx(20, abs=1.5)
    assert "SCH" in checks["distance_school"]["why_en"] and checks["distance_school"]["why_ar"]
    lon, lat = lonlat(10, 12)
    assert api.get(f"/api/v1/licensing/eligibility?activity=C01&lon={lon}&lat={lat}").json()["eligible"] is True


@pytest.mark.parametrize("query, param", [("activity=ZZZ&lon=43.5&lat=25.9", "activity"),
                                          ("activity=G01&lon=east&lat=25.9", "lon"),
                                          ("activity=G01&lon=430&lat=25.9", "lat")])
def test_eligibility_bad_input_is_a_400_saying_where(town, query, param):
    response = key_client(town, scopes=["read"]).get(f"/api/v1/licensing/eligibility?{query}")
    assert response.status_code == 400 and param in str(response.json())


def test_the_offline_day_has_the_inspectors_visits_checklists_and_map(restaurant, inspector, officer,  # noqa: F811
                                                                      town):
    license, visit = restaurant
    body = person_client(inspector).get("/api/v1/offline/day").json()
    part = body["parts"]["licensing.visits"]
    [v] = part["visits"]
    assert v["id"] == visit.pk and v["premises"]["version"] == license.premises.version
    assert [q["code"] for q in part["checklists"][str(license.activity_id)]][:3] == ["HC", "HYG", "STOR"]
    assert body["map"]["tiles"] and all(t.startswith("/tiles/base/") for t in body["map"]["tiles"])
    assert "/tiles/style.json" in body["map"]["assets"]
    assert "licensing.visits" not in person_client(officer).get("/api/v1/offline/day").json()["parts"]
    assert key_client(town, scopes=["read"]).get("/api/v1/offline/day").json()["parts"] == {}
    assert person_client(inspector).get("/api/v1/offline/day?day=tomorrow").status_code == 400


def tile_at(x, y, z=16):
    lon, lat = lonlat(x, y)
    return next(iter(tiles_touching((lon, lat, lon, lat), z, buffer=0)))


def test_licensed_premises_are_public_and_violations_the_staffs(client, restaurant, inspector):  # noqa: F811
    license, visit = restaurant
    visit_record(visit=visit, actor=inspector, answers=yes(license) | {"STOR": False})
    t = tile_at(40, 12)
    response = client.get(f"/tiles/licensed_premises/{t.z}/{t.x}/{t.y}.mvt")
    [feature] = mapbox_vector_tile.decode(response.content)["licensed_premises"]["features"]
    assert feature["properties"]["number"] == license.number and feature["properties"]["activity_code"] == "R01"
    assert set(feature["properties"]) <= {"number", "status", "risk", "activity_code", "issued_on", "expires_on"}
    assert client.get(f"/tiles/violations/{t.z}/{t.x}/{t.y}.mvt").status_code == 401
    staff = person_client(inspector).get(f"/tiles/violations/{t.z}/{t.x}/{t.y}.mvt")
    [v] = mapbox_vector_tile.decode(staff.content)["violations"]["features"]
    assert v["properties"]["penalty_code"] == "STOR"
    kinds = {lyr["type"]: lyr for lyr in style_layers(get_layer("violations"))}
    assert kinds["heatmap"]["maxzoom"] == 14 and kinds["circle"]["minzoom"] == 14


def test_the_days_route_runs_on_the_streets_and_the_supervisor_sees_it(restaurant, town, inspector,  # noqa: F811
                                                                        supervisor):
    street_network_build(municipality=town)
    _license, visit = restaurant
    [route] = routes_plan(municipality=town, day=timezone.localdate())
    assert [s["key"] for s in route.stops] == [str(visit.pk)] and route.length_m > 0 and route.geom is not None
    assert InspectionRoute.objects.get(inspector=inspector).stops[0]["arrive"]
    page = person_client(supervisor).get("/inspect/supervisor/")
    assert page.status_code == 200 and b'data-test="routes"' in page.content
    assert person_client(inspector).get("/inspect/supervisor/").status_code == 403
    body = person_client(supervisor).post("/api/v1/licensing/routes", {}, format="json").json()
    assert body[0]["stops"][0]["key"] == str(visit.pk)
    assert person_client(inspector).post("/api/v1/licensing/routes", {}, format="json").status_code == 403
    assert Visit.objects.get(pk=visit.pk).status == "planned"


def test_the_district_package_carries_the_inspectors_day(restaurant, inspector, district, settings,  # noqa: F811
                                                          tmp_path):
    import json
    import sqlite3

    from tiles.models import OfflinePackage
    from tiles.offline_jobs import run_package

    settings.ARDH_OFFLINE_DIR = str(tmp_path / "offline")
    _license, visit = restaurant
    response = person_client(inspector).post("/api/v1/offline-packages/",
                                             {"district": "D001", "minzoom": 13, "maxzoom": 14}, format="json")
    assert response.status_code == 202, response.content
    package = run_package(response.json()["id"])
    assert package.status == "ready", package.error
    with sqlite3.connect(package.vector_path) as db:
        [(value,)] = db.execute("SELECT value FROM metadata WHERE name = 'ardh:day'").fetchall()
    assert [v["id"] for v in json.loads(value)["licensing.visits"]["visits"]] == [visit.pk]
    assert OfflinePackage.objects.get(pk=package.pk).size_bytes > 0


def test_a_complaint_asks_for_a_visit_that_licensing_owns(restaurant, inspector, town, owner):  # noqa: F811
    from cases.models import Case
    from licensing.services.visits import visit_request

    license, visit = restaurant
    complaint = Case.objects.create(municipality=town, number="RAS-1448-009999", case_type="survey_decision",
                                    status="submitted", status_since=timezone.now(), location=license.geom)
    asked = visit_request(premises=license.premises, case=complaint, actor=inspector)
    assert asked.pk == visit.pk  # the visit already planned answers it
    asked.refresh_from_db()
    assert asked.origin_case == complaint and asked.kind == "complaint"
    visit_record(visit=asked, actor=inspector, answers=yes(license))
    from cases.models import TimelineEntry

    # The asking case hears of the result (its type takes no step on it here: the event is recorded).
    assert TimelineEntry.objects.filter(case=complaint, data__event="visit.passed").exists()
    second = visit_request(premises=license.premises, case=complaint, actor=inspector)
    assert second.pk != visit.pk and second.kind == "complaint" and second.inspector == inspector
