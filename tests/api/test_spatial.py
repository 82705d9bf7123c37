"""Spatial questions over HTTP: at-point, intersecting, within-distance, nearest, buffer analysis."""

import json

import pytest

from parcels.models import Zone
from tests.factories import DistrictFactory, ParcelFactory, RegulationFactory
from tests.shapes import lonlat, rect

pytestmark = pytest.mark.django_db


def _centre(parcel):
    c = parcel.geom.centroid
    return c.x, c.y


def test_at_point_answers_every_layer(api, muni, plan, parcels):
    district = DistrictFactory(municipality=muni)
    zone = Zone.objects.create(municipality=muni, regulation=RegulationFactory(municipality=muni),
                               geom=rect(-1500, -1500, 1500, 1500))
    lon, lat = _centre(parcels[1])
    r = api.get(f"/api/v1/at-point/?lon={lon}&lat={lat}")
    assert r.status_code == 200
    body = r.json()
    assert [f["id"] for f in body["parcels"]["features"]] == [parcels[1].pk]
    assert [f["id"] for f in body["plans"]["features"]] == [plan.pk]
    assert [f["id"] for f in body["districts"]["features"]] == [district.pk]
    assert [f["id"] for f in body["zones"]["features"]] == [zone.pk]
    assert body["blocks"]["features"] == []
    assert body["parcels"]["features"][0]["properties"]["number"] == parcels[1].number


def test_at_point_swapped_axes_is_explained(api, parcels):
    lon, lat = _centre(parcels[0])
    r = api.get(f"/api/v1/at-point/?lon={lat}&lat={lon}")
    assert r.status_code == 400
    assert r.json()["code"] == "outside"


def test_at_point_outside_the_municipality(api, parcels):
    r = api.get("/api/v1/at-point/?lon=39.0&lat=21.5")
    assert r.status_code == 400 and r.json()["code"] == "outside"


def test_intersecting_geometry_and_record(api, plan, parcels):
    geom = rect(-10000, -10000, 10000, 10000).intersection(parcels[0].geom.buffer(0.00001))
    r = api.post("/api/v1/parcels/intersecting/", {"geometry": json.loads(parcels[0].geom.geojson)}, format="json")
    assert r.status_code == 200
    assert [f["id"] for f in r.json()["features"]] == [parcels[0].pk]
    assert geom.intersects(parcels[0].geom)
    r = api.post("/api/v1/parcels/intersecting/", {"record_layer": "plans", "record_id": plan.pk}, format="json")
    assert sorted(f["id"] for f in r.json()["features"]) == sorted(p.pk for p in parcels)


def test_intersecting_another_tenants_record_is_404(api, other_parcel):
    body = {"record_layer": "parcels", "record_id": other_parcel.pk}
    assert api.post("/api/v1/parcels/intersecting/", body, format="json").status_code == 404


def test_within_distance_in_metres(api, plan):
    a = ParcelFactory(plan=plan, geom=rect(-800, -800, -770, -770))
    b = ParcelFactory(plan=plan, geom=rect(-750, -800, -720, -770))  # 20 m east of a
    ParcelFactory(plan=plan, geom=rect(-650, -800, -620, -770))  # 120 m east of a
    body = {"geometry": json.loads(a.geom.geojson), "metres": 25}
    r = api.post("/api/v1/parcels/within-distance/", body, format="json")
    assert r.status_code == 200
    assert [f["id"] for f in r.json()["features"]] == [a.pk, b.pk]


def test_nearest_k(api, plan):
    a = ParcelFactory(plan=plan, geom=rect(-800, -800, -770, -770))
    b = ParcelFactory(plan=plan, geom=rect(-750, -800, -720, -770))
    ParcelFactory(plan=plan, geom=rect(-650, -800, -620, -770))
    lon, lat = lonlat(-810, -785)
    r = api.get(f"/api/v1/parcels/nearest/?lon={lon}&lat={lat}&k=2")
    assert r.status_code == 200
    feats = r.json()["features"]
    assert [f["id"] for f in feats] == [a.pk, b.pk]
    assert feats[0]["properties"]["distance_m"] == pytest.approx(10, abs=0.5)


def test_buffer_analysis_by_land_use(api, plan):
    ParcelFactory(plan=plan, geom=rect(-800, -800, -770, -770), land_use="residential")
    ParcelFactory(plan=plan, geom=rect(-750, -800, -720, -770), land_use="commercial")
    ParcelFactory(plan=plan, geom=rect(-400, -400, -370, -370), land_use="commercial")
    x, y = lonlat(-785, -785)
    body = {"geometry": {"type": "Point", "coordinates": [x, y]}, "metres": 60}
    r = api.post("/api/v1/analysis/buffer/", body, format="json")
    assert r.status_code == 200, r.json()
    out = r.json()
    assert out["parcels"] == 2
    assert {row["land_use"]: row["count"] for row in out["by_land_use"]} == {"commercial": 1, "residential": 1}
    assert out["area_m2"] == pytest.approx(1800, rel=0.01)


def test_buffer_analysis_around_a_point_outside_the_municipality_is_400(api, plan):
    x, y = lonlat(60_000, 0)
    r = api.post("/api/v1/analysis/buffer/", {"geometry": {"type": "Point", "coordinates": [x, y]}, "metres": 60},
                 format="json")
    assert r.status_code == 400
    assert "outside" in json.dumps(r.json())


def test_intersecting_unknown_layer_is_400(api):
    r = api.post("/api/v1/nothing/intersecting/", {"geometry": {"type": "Point", "coordinates": [43.5, 25.87]}},
                 format="json")
    assert r.status_code == 400
