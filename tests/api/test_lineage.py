"""Split and merge over HTTP: If-Match, topology refusals as 409 with the conflict explained."""

import json

import pytest

from parcels.models import Parcel
from tests.factories import ParcelFactory
from tests.shapes import line, rect

pytestmark = pytest.mark.django_db


def test_split_by_line(api, plan):
    p = ParcelFactory(plan=plan, geom=rect(-800, -800, -740, -770), number="10")
    body = {"line": json.loads(line((-770, -810), (-770, -760)).geojson)}
    url = f"/api/v1/parcels/{p.pk}/split/"
    assert api.post(url, body, format="json").status_code == 428
    r = api.post(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 201, r.json()
    children = r.json()["features"]
    assert len(children) == 2
    assert sorted(c["properties"]["area_m2"] for c in children) == pytest.approx([900, 900], rel=0.01)
    assert Parcel.objects.get(pk=p.pk).valid_to is not None
    assert api.post(url, body, format="json", HTTP_IF_MATCH='"2"').status_code == 422  # retired


def test_split_line_that_misses_is_409(api, plan):
    p = ParcelFactory(plan=plan, geom=rect(-800, -800, -740, -770))
    body = {"line": json.loads(line((-700, -810), (-700, -760)).geojson)}
    r = api.post(f"/api/v1/parcels/{p.pk}/split/", body, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 409
    assert "edge to edge" in r.json()["detail"] or r.json()["code"] == "topology"
    assert Parcel.objects.get(pk=p.pk).valid_to is None


def test_split_into_parts(api, plan):
    p = ParcelFactory(plan=plan, geom=rect(-800, -800, -740, -770))
    r = api.post(f"/api/v1/parcels/{p.pk}/split/", {"parts": 3}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 201 and len(r.json()["features"]) == 3


def test_merge_and_stale_version(api, plan):
    a = ParcelFactory(plan=plan, geom=rect(-800, -800, -770, -770), number="1")
    b = ParcelFactory(plan=plan, geom=rect(-770, -800, -740, -770), number="2")
    stale = {"parcels": [{"id": a.pk, "version": 1}, {"id": b.pk, "version": 5}]}
    assert api.post("/api/v1/parcels/merge/", stale, format="json").status_code == 412
    body = {"parcels": [{"id": a.pk, "version": 1}, {"id": b.pk, "version": 1}], "number": "1-2"}
    r = api.post("/api/v1/parcels/merge/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["features"][0]["properties"]["area_m2"] == pytest.approx(1800, rel=0.01)


def test_merge_not_adjacent_is_409(api, plan):
    a = ParcelFactory(plan=plan, geom=rect(-800, -800, -770, -770))
    b = ParcelFactory(plan=plan, geom=rect(-700, -800, -670, -770))
    body = {"parcels": [{"id": a.pk, "version": 1}, {"id": b.pk, "version": 1}]}
    r = api.post("/api/v1/parcels/merge/", body, format="json")
    assert r.status_code == 409 and "adjacent" in r.json()["detail"]


def test_merge_with_another_tenants_parcel_is_404(api, plan, other_parcel):
    a = ParcelFactory(plan=plan, geom=rect(-800, -800, -770, -770))
    body = {"parcels": [{"id": a.pk, "version": 1}, {"id": other_parcel.pk, "version": 1}]}
    assert api.post("/api/v1/parcels/merge/", body, format="json").status_code == 404


def test_lineage_needs_lineage_scope(client_for, muni, plan):
    p = ParcelFactory(plan=plan, geom=rect(-800, -800, -740, -770))
    client = client_for(muni, scopes=["read", "write"])
    r = client.post(f"/api/v1/parcels/{p.pk}/split/", {"parts": 2}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 403
