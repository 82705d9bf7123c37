"""Registers as GeoJSON: lists with filters, ordering, bbox, pages, output CRS; CRUD with ETags; history."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry

from audit.models import ChangeRecord
from parcels.models import Parcel, SubdivisionPlan
from tests.factories import DistrictFactory, ParcelFactory
from tests.shapes import line, lonlat, rect

pytestmark = pytest.mark.django_db


def _ids(r):
    return [f["id"] for f in r.json()["features"]]


def test_list_is_geojson_with_7_decimals(api, parcels):
    r = api.get("/api/v1/parcels/")
    assert r.status_code == 200
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == 5
    f = body["features"][0]
    assert f["type"] == "Feature" and f["geometry"]["type"] == "MultiPolygon"
    assert set(f["properties"]) == {"number", "plan_id", "land_use", "status", "area_m2", "deed_number", "version"}
    x, y = f["geometry"]["coordinates"][0][0][0]
    assert 43 < x < 44 and 25 < y < 26  # lon, lat order
    assert all(len(str(v).split(".")[1]) <= 7 for v in (x, y))
    assert "crs" not in body


def test_output_in_utm_is_reprojected_in_sql(api, parcels):
    r = api.get("/api/v1/parcels/?srid=9358")
    body = r.json()
    assert body["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::9358"
    x, y = body["features"][0]["geometry"]["coordinates"][0][0][0]
    expected = GEOSGeometry(parcels[0].geom.wkt, srid=4326).transform(9358, clone=True).coords[0][0][0]
    assert x == pytest.approx(expected[0], abs=0.01) and y == pytest.approx(expected[1], abs=0.01)
    # The stored geometry was not touched.
    assert Parcel.objects.get(pk=parcels[0].pk).geom.srid == 4326


def test_filters_are_allow_listed(api, plan, parcels):
    ParcelFactory(plan=plan, land_use="commercial")
    r = api.get("/api/v1/parcels/?land_use=commercial")
    assert r.status_code == 200 and len(_ids(r)) == 1
    r = api.get("/api/v1/parcels/?deed_number=1")
    assert r.status_code == 400 and r.json()["param"] == "deed_number"


def test_ordering_and_pages(api, parcels):
    r = api.get("/api/v1/parcels/?ordering=-number&limit=2")
    numbers = [f["properties"]["number"] for f in r.json()["features"]]
    assert numbers == sorted((p.number for p in parcels), reverse=True)[:2]
    nxt = next(link["href"] for link in r.json()["links"] if link["rel"] == "next")
    seen = _ids(r)
    while nxt:
        page = api.get(nxt)
        seen += _ids(page)
        nxt = next((link["href"] for link in page.json()["links"] if link["rel"] == "next"), None)
    assert sorted(seen) == sorted(p.pk for p in parcels)


def test_bbox_in_storage_srid(api, parcels):
    # Parcels are 30 m squares 10 m apart: a parcel's own extent meets no neighbour.
    x0, y0, x1, y1 = parcels[2].geom.extent
    r = api.get(f"/api/v1/parcels/?bbox={x0},{y0},{x1},{y1}")
    assert _ids(r) == [parcels[2].pk]
    x0, y0 = lonlat(-3000, -3000)
    x1, y1 = lonlat(-2000, -2000)
    r = api.get(f"/api/v1/parcels/?bbox={x0},{y0},{x1},{y1}")
    assert _ids(r) == []
    x0, y0, x1, y1 = parcels[0].geom.extent
    r = api.get(f"/api/v1/parcels/?bbox={x0},{y0},{x1},{y1}")
    assert _ids(r) == [parcels[0].pk]


def test_detail_has_etag_from_version(api, parcels):
    r = api.get(f"/api/v1/parcels/{parcels[0].pk}/")
    assert r.status_code == 200 and r["ETag"] == '"1"'


def test_patch_needs_if_match(api, parcels):
    url = f"/api/v1/parcels/{parcels[0].pk}/"
    assert api.patch(url, {"status": "built"}, format="json").status_code == 428
    assert api.patch(url, {"status": "built"}, format="json", HTTP_IF_MATCH='"7"').status_code == 412
    r = api.patch(url, {"status": "built"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200 and r["ETag"] == '"2"' and r.json()["properties"]["status"] == "built"
    assert ChangeRecord.objects.filter(object_id=parcels[0].pk, action="update").exists()


def test_lost_update_is_refused(api, client_for, muni, parcels):
    """Two clients read version 1 and both PATCH: the second gets 412, the first's change stays."""
    url = f"/api/v1/parcels/{parcels[0].pk}/"
    other = client_for(muni)
    etag = api.get(url)["ETag"]
    first = api.patch(url, {"status": "built"}, format="json", HTTP_IF_MATCH=etag)
    second = other.patch(url, {"deed_number": "999"}, format="json", HTTP_IF_MATCH=etag)
    assert (first.status_code, second.status_code) == (200, 412)
    p = Parcel.objects.get(pk=parcels[0].pk)
    assert p.status == "built" and p.deed_number == "" and p.version == 2


def test_put_replaces_and_validates_geometry(api, parcels):
    url = f"/api/v1/parcels/{parcels[0].pk}/"
    body = {"number": "A1", "land_use": "commercial", "geometry": json.loads(rect(-900, -900, -880, -880).geojson)}
    r = api.put(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200, r.json()
    assert r.json()["properties"]["number"] == "A1"
    assert r.json()["properties"]["area_m2"] == pytest.approx(400, rel=0.01)
    assert api.put(url, {"number": "A2"}, format="json", HTTP_IF_MATCH='"2"').status_code == 400


def test_create_parcel_and_overlap_is_409(api, plan, parcels):
    body = {"plan": plan.pk, "number": "900", "land_use": "residential",
            "geometry": json.loads(rect(-900, -900, -870, -870).geojson)}
    r = api.post("/api/v1/parcels/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r["ETag"] == '"1"'
    body |= {"number": "901", "geometry": json.loads(parcels[0].geom.geojson)}
    r = api.post("/api/v1/parcels/", body, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "topology" and r.json()["conflicts"][0]["parcel_id"] == parcels[0].pk


def test_create_parcel_in_another_tenants_plan_is_refused(api, other_parcel):
    body = {"plan": other_parcel.plan_id, "number": "1", "land_use": "residential",
            "geometry": json.loads(rect(-900, -900, -870, -870).geojson)}
    r = api.post("/api/v1/parcels/", body, format="json")
    assert r.status_code == 400 and "plan" in r.json()


def test_delete_parcel_retires_it(api, parcels):
    url = f"/api/v1/parcels/{parcels[0].pk}/"
    assert api.delete(url).status_code == 428
    assert api.delete(url, HTTP_IF_MATCH='"1"').status_code == 204
    assert Parcel.objects.get(pk=parcels[0].pk).valid_to is not None
    assert parcels[0].pk not in _ids(api.get("/api/v1/parcels/"))
    assert api.get(url).status_code == 200  # still readable, with its history
    retired_at = Parcel.objects.get(pk=parcels[0].pk).valid_to
    r = api.delete(url, HTTP_IF_MATCH='"2"')
    assert r.status_code == 422 and r.json()["code"] == "retired"
    assert Parcel.objects.get(pk=parcels[0].pk).valid_to == retired_at


def test_plan_crud_and_protected_delete(api, muni, parcels):
    body = {"number": "P-77", "name_ar": "مخطط", "geometry": json.loads(rect(2000, 2000, 2500, 2500).geojson)}
    r = api.post("/api/v1/plans/", body, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = api.patch(f"/api/v1/plans/{pk}/", {"name_en": "Plan"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200 and r["ETag"] == '"2"'
    assert api.delete(f"/api/v1/plans/{pk}/", HTTP_IF_MATCH='"2"').status_code == 204
    assert not SubdivisionPlan.objects.filter(pk=pk).exists()
    used = parcels[0].plan
    r = api.delete(f"/api/v1/plans/{used.pk}/", HTTP_IF_MATCH=f'"{used.version}"')
    assert r.status_code == 422 and r.json()["code"] == "protected"


def test_other_registers_list(api, muni):
    DistrictFactory(municipality=muni)
    for name in ("districts", "plans", "zones", "streets"):
        r = api.get(f"/api/v1/{name}/")
        assert r.status_code == 200 and r.json()["type"] == "FeatureCollection"
    assert len(api.get("/api/v1/districts/").json()["features"]) == 1


def test_history_lists_who_changed_what(api, parcels):
    url = f"/api/v1/parcels/{parcels[0].pk}/"
    api.patch(url, {"status": "built"}, format="json", HTTP_IF_MATCH='"1"')
    r = api.get(url + "history/")
    assert r.status_code == 200
    latest = r.json()[0]
    assert latest["action"] == "update" and latest["changes"]["status"] == ["vacant", "built"]
    assert latest["by"].startswith("api-key ")


def test_single_part_geometries_are_promoted(api, muni, parcels):
    """A Polygon for a MultiPolygon field and a LineString for a street (found by schemathesis: were 500s)."""
    street = {"width_m": "12.00", "geometry": json.loads(line((-900, -950), (-800, -950)).geojson)}
    r = api.post("/api/v1/streets/", street, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["geometry"]["type"] == "MultiLineString"
    polygon = json.loads(rect(-900, -900, -880, -880).geojson)
    polygon = {"type": "Polygon", "coordinates": polygon["coordinates"][0]}
    r = api.patch(f"/api/v1/parcels/{parcels[0].pk}/", {"geometry": polygon}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200, r.json()
    assert r.json()["geometry"]["type"] == "MultiPolygon"


def test_duplicate_plan_number_is_409_not_500(api, plan):
    body = {"number": plan.number, "geometry": json.loads(rect(2000, 2000, 2500, 2500).geojson)}
    r = api.post("/api/v1/plans/", body, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "duplicate" and "already exists" in r.json()["detail"]
    assert SubdivisionPlan.objects.filter(number=plan.number).count() == 1
