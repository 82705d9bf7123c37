"""Search, lineage, regulation and analysis export: the API calls behind the planners' map."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from parcels.services import parcel_split
from tests.api.conftest import key_client
from tests.factories import DistrictFactory, MunicipalityFactory, ParcelFactory, PlanFactory, RegulationFactory
from tests.shapes import line, rect

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(muni):
    district = DistrictFactory(municipality=muni, name_ar="حي الروضة", name_en="Ar Rawdah District", code="D9")
    plan = PlanFactory(municipality=muni, number="2101", district=district, name_ar="مخطط الروضة",
                       name_en="Rawdah plan", geom=rect(-100, -100, 400, 400))
    parcels = [ParcelFactory(plan=plan, number=str(n), deed_number=f"37100{n}", geom=rect(40 * n, 0, 40 * n + 30, 30))
               for n in range(1, 4)]
    ParcelFactory(plan=plan, number="12", geom=rect(0, 100, 30, 130))
    return {"district": district, "plan": plan, "parcels": parcels}


def find(api, q, **params):
    response = api.get("/api/v1/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [(h["kind"], h["id"]) for h in response.json()["results"]]


def test_parcel_number_search_is_an_index_range_not_a_scan():
    """The prefix search reads the (municipality, upper(number)) index as a range: milliseconds at a million
    parcels, where a scan of the municipality's parcels took 250 ms."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from parcels.models import Municipality, Parcel

    call_command("generate_demo", parcels=600, stdout=io.StringIO())
    muni = Municipality.objects.get(code="al-rass-demo")
    prefix = Parcel.objects.filter(municipality=muni, number__istartswith="12").values("pk")
    sql, params = prefix.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE parcels_parcel")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "parcels_parcel_number_prefix" in plan and "~>=~" in plan, plan


def test_parcel_number_exact_first_then_prefix(api, town):
    p1 = town["parcels"][0]
    twelve = town["plan"].parcel_set.get(number="12")
    assert find(api, "1", kind="parcel") == [("parcel", p1.pk), ("parcel", twelve.pk)]
    assert find(api, "2101/1") == [("parcel", p1.pk)]  # plan/parcel as written on deeds
    assert find(api, "9999/1") == []


def test_plan_by_number_and_name(api, town):
    assert ("plan", town["plan"].pk) in find(api, "2101")
    assert find(api, "rawdah plan") == [("plan", town["plan"].pk)]


def test_district_by_arabic_and_english_name(api, town):
    d = town["district"]
    assert find(api, "الروضة", kind="district") == [("district", d.pk)]
    assert find(api, "rawdah", kind="district") == [("district", d.pk)]
    assert find(api, "D9", kind="district") == [("district", d.pk)]


def test_hits_carry_geometry_and_bbox_for_flying_there(api, muni, town):
    hit = api.get("/api/v1/search/", {"q": "2101/2"}).json()["results"][0]
    parcel = town["parcels"][1]
    assert hit["geometry"]["type"] == "MultiPolygon"
    assert hit["bbox"] == pytest.approx(list(parcel.geom.extent), abs=1e-7)
    assert hit["label"] == "Parcel 2 — plan 2101"
    reader = key_client(muni)
    reader._credentials["HTTP_ACCEPT_LANGUAGE"] = "ar"  # the API answers in the caller's language
    arabic = reader.get("/api/v1/search/", {"q": "2101/2"}).json()["results"][0]
    assert arabic["label"] == "قطعة 2 — مخطط 2101"


def test_deed_number_found_by_the_tenant_only(api, town):
    p3 = town["parcels"][2]
    assert find(api, "371003") == [("deed", p3.pk)]
    other = key_client(MunicipalityFactory())
    assert other.get("/api/v1/search/", {"q": "371003"}).json()["results"] == []
    assert APIClient().get("/api/v1/search/", {"q": "371003"}).status_code in (401, 403)


def test_retired_parcels_are_not_found(api, town, editor):
    p1 = town["parcels"][0]
    parcel_split(parcel=p1, actor=editor, line=line((55, -5), (55, 35)))
    assert ("parcel", p1.pk) not in find(api, "1", kind="parcel")
    assert {k for k, _ in find(api, "1/", kind="parcel")} == {"parcel"}  # its children "1/1", "1/2"


@pytest.mark.parametrize("params, param", [
    ({}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 101}, "q"), ({"q": "a\x00b"}, "q"),
    ({"q": "1", "kind": "owner"}, "kind"),
])
def test_bad_search_input_is_400_naming_the_parameter(api, params, param):
    response = api.get("/api/v1/search/", params)
    assert response.status_code == 400 and response.json()["param"] == param


def test_lineage_of_a_split_parcel(api, town, editor):
    p1 = town["parcels"][0]
    children = parcel_split(parcel=p1, actor=editor, line=line((55, -5), (55, 35)))
    body = api.get(f"/api/v1/parcels/{p1.pk}/lineage/").json()
    assert body["current"] is False and body["valid_to"]
    assert sorted(c["id"] for c in body["children"]) == sorted(c.pk for c in children)
    child = api.get(f"/api/v1/parcels/{children[0].pk}/lineage/").json()
    assert [p["id"] for p in child["parents"]] == [p1.pk] and child["current"] is True
    assert api.get(f"/api/v1/parcels/{town['parcels'][1].pk}/lineage/").json()["parents"] == []


def test_lineage_and_regulation_of_another_municipality_are_not_found(api, muni, other_parcel):
    assert api.get(f"/api/v1/parcels/{other_parcel.pk}/lineage/").status_code == 404
    reg = RegulationFactory(municipality=other_parcel.municipality)
    assert api.get(f"/api/v1/regulations/{reg.pk}/").status_code == 404
    mine = RegulationFactory(municipality=muni, max_floors=3, allowed_uses=["residential", "mosque"])
    body = api.get(f"/api/v1/regulations/{mine.pk}/").json()
    assert body["max_floors"] == 3 and body["allowed_uses"] == ["residential", "mosque"]


def _square(x0, y0, x1, y1):
    import json

    return json.loads(rect(x0, y0, x1, y1)[0].geojson)


def test_analysis_export_csv_and_gpkg_hold_the_analysed_parcels(api, town, tmp_path):
    import pyogrio

    area = _square(-5, -5, 100, 35)  # parcels 1 and 2 (3 starts at x=120)
    summary = api.post("/api/v1/analysis/buffer/", {"geometry": area}, format="json").json()
    response = api.post("/api/v1/analysis/export/?output=csv", {"geometry": area}, format="json")
    assert response.status_code == 200 and "ardh-analysis.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert sorted(r["number"] for r in rows) == ["1", "2"] == sorted(
        p.number for p in town["parcels"][:2])
    assert len(rows) == summary["parcels"] and rows[0]["WKT"].startswith("MULTIPOLYGON")
    # Within 25 m of the area: parcel 3 (20 m beyond its edge) too.
    response = api.post("/api/v1/analysis/export/?output=gpkg", {"geometry": area, "metres": 25}, format="json")
    path = tmp_path / "a.gpkg"
    path.write_bytes(b"".join(response.streaming_content))
    frame = pyogrio.read_dataframe(path)
    assert sorted(frame["number"]) == ["1", "2", "3"] and frame.crs.to_epsg() == 4326
    assert set(frame["land_use"]) == {"residential"} and (frame["area_m2"] > 800).all()


@pytest.mark.parametrize("query, body", [
    ("output=shp", {"geometry": {"type": "Point", "coordinates": [43.4989, 25.8694]}}),
    ("", {"geometry": {"type": "Point", "coordinates": [43.4989, 25.8694]}}),
    ("output=csv", {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}}),
    ("output=csv", {"geometry": {"type": "Polygon", "coordinates": [[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10]]]}}),
    ("output=csv", {}),
])
def test_analysis_export_bad_input_is_400(api, town, query, body):
    response = api.post(f"/api/v1/analysis/export/?{query}", body, format="json")
    assert response.status_code == 400, response.status_code
