"""Hostile and broken input: always a 4xx that says what is wrong, never a 500."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry

from parcels.models import Parcel
from tests.shapes import lonlat, rect

pytestmark = pytest.mark.django_db


def _body(plan, geometry):
    return {"plan": plan.pk, "number": "B1", "land_use": "residential", "geometry": geometry}


def _post(api, plan, geometry):
    return api.post("/api/v1/parcels/", _body(plan, geometry), format="json")


def _square():
    return json.loads(rect(-900, -900, -870, -870).geojson)


def test_malformed_json_body(api, plan):
    r = api.post("/api/v1/parcels/", data='{"plan": 1, "geometry": {', content_type="application/json")
    assert r.status_code == 400


@pytest.mark.parametrize(
    "geometry",
    [
        "not geojson",
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": "x"},
        {"type": "Polygon", "coordinates": [[["a", "b"]]]},
        {"type": "Polygon", "coordinates": [[[1, 2], [3]]]},
        {"type": "Circle", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": [[[43.5, 25.87], [43.51, 25.87], [43.5, 25.87]]]},  # ring too short
        {"type": "GeometryCollection", "geometries": []},
        {"type": {"nested": "object"}, "coordinates": []},  # found by schemathesis: was a 500
        {"type": ["Polygon"], "coordinates": []},
        [],
        12,
    ],
)
def test_invalid_geojson(api, plan, geometry):
    r = _post(api, plan, geometry)
    assert r.status_code == 400, r.content
    assert "geometry" in str(r.json()).lower()


def test_wrong_geometry_type(api, plan):
    r = _post(api, plan, {"type": "LineString", "coordinates": [lonlat(0, 0), lonlat(10, 10)]})
    assert r.status_code == 400 and "Polygon" in str(r.json())


def test_nan_and_infinity_literals_are_refused(api, plan):
    square = json.dumps(_square())
    for literal in ("NaN", "Infinity", "-Infinity"):
        bad = square.replace(str(_square()["coordinates"][0][0][0][0]), literal, 1)
        data = json.dumps(_body(plan, None)).replace("null", bad)
        r = api.post("/api/v1/parcels/", data=data, content_type="application/json")
        assert r.status_code == 400, literal


def test_overflowing_number_is_not_finite(api, plan):
    data = json.dumps(_body(plan, None)).replace("null", '{"type": "Point", "coordinates": [1e999, 25]}')
    r = api.post("/api/v1/parcels/intersecting/", data=data, content_type="application/json")
    assert r.status_code == 400 and "NaN" in str(r.json())


def test_empty_geometry(api, plan):
    assert _post(api, plan, {"type": "MultiPolygon", "coordinates": []}).status_code == 400
    assert _post(api, plan, {"type": "Polygon", "coordinates": [[]]}).status_code == 400


def test_self_intersecting_geometry_says_where(api, plan):
    from tests.shapes import bowtie

    r = _post(api, plan, json.loads(bowtie(-900, -900).geojson))
    assert r.status_code == 400
    assert r.json()["code"] == "invalid" and len(r.json()["location"]) == 2


def test_outside_the_municipality(api, plan):
    r = _post(api, plan, json.loads(rect(9000, 9000, 9030, 9030).geojson))
    assert r.status_code == 400 and r.json()["code"] == "outside"


def test_swapped_axes(api, plan):
    g = _square()
    g["coordinates"] = [[[[y, x] for x, y in ring] for ring in poly] for poly in g["coordinates"]]
    r = _post(api, plan, g)
    assert r.status_code == 400 and r.json()["code"] == "outside"
    assert not Parcel.objects.filter(number="B1").exists()


def test_too_many_vertices(api, plan, settings):
    settings.ARDH_MAX_VERTICES = 1000
    x, y = lonlat(0, 0)
    ring = [[x + i * 1e-7, y] for i in range(1500)] + [[x, y + 1e-4], [x, y]]
    r = _post(api, plan, {"type": "Polygon", "coordinates": [ring]})
    assert r.status_code == 400 and "1000" in str(r.json())


def test_million_vertex_body_is_413(api, plan):
    x, y = lonlat(0, 0)
    ring = ",".join(f"[{x + i * 1e-9:.9f},{y:.7f}]" for i in range(1_000_000))
    head = f'{{"plan": {plan.pk}, "number": "x", "land_use": "residential", '
    data = head + f'"geometry": {{"type": "Polygon", "coordinates": [[{ring}]]}}}}'
    assert len(data) > 5 * 1024 * 1024
    r = api.post("/api/v1/parcels/", data=data, content_type="application/json")
    assert r.status_code == 413
    r = api.post("/api/v1/parcels/intersecting/", data=data, content_type="application/json")
    assert r.status_code == 413


@pytest.mark.parametrize(
    "query",
    [
        "bbox=43.6,25.8,43.5,25.9",  # min > max
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=nan,1,2,3",
        "bbox=0,0,200,10",
        "srid=2154",
        "srid=4326;DROP TABLE parcels_parcel",
        "srid=abc",
        "limit=0",
        "limit=100000",
        "offset=-1",
        "ordering=geom",
        "ordering=number;DROP TABLE x",
        "ordering=(SELECT 1)",
        "land_use__regex=.*",
        "fields=number,geom",
        "plan__municipality=1",
        "number'--=1",
    ],
)
def test_bad_query_params_are_400(api, parcels, query):
    r = api.get(f"/api/v1/parcels/?{query}")
    assert r.status_code == 400, (query, r.content)


def test_injection_in_filter_value_is_just_a_value(api, parcels):
    r = api.get("/api/v1/parcels/?number=1' OR '1'='1")
    assert r.status_code == 200 and r.json()["features"] == []
    assert Parcel.objects.count() == 5


@pytest.mark.parametrize(
    "query",
    [
        "bbox=43.6,25.8,43.5,25.9",
        "crs=EPSG:4326",
        "crs=http://www.opengis.net/def/crs/EPSG/0/4326%27;--",
        "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9999",
        "limit=-5",
        "offset=1e3",
        "sortby=geom",
        "f=xml",
        "datetime=2020-13-45",
    ],
)
def test_bad_ogc_params_are_400(api, parcels, query):
    r = api.get(f"/ogc/collections/parcels/items?{query}")
    assert r.status_code == 400, (query, r.content)


def test_bad_point_queries(api, parcels):
    for q in ("lon=abc&lat=1", "lon=200&lat=25", "lon=nan&lat=25", "lat=25", "lon=43.5&lat=25.87&srid=1"):
        assert api.get(f"/api/v1/at-point/?{q}").status_code == 400, q
    assert api.get("/api/v1/parcels/nearest/?lon=43.5&lat=25.87&k=0").status_code == 400
    r = api.post("/api/v1/parcels/within-distance/", {"geometry": _square(), "metres": -1}, format="json")
    assert r.status_code == 400
    r = api.post("/api/v1/parcels/within-distance/", {"geometry": _square(), "metres": "NaN"}, format="json")
    assert r.status_code == 400


@pytest.mark.parametrize("header", ["abc", '"1'])
def test_if_match_garbage(api, parcels, header):
    r = api.patch(f"/api/v1/parcels/{parcels[0].pk}/", {"status": "built"}, format="json", HTTP_IF_MATCH=header)
    assert r.status_code == 400, r.content


def test_if_match_star_matches_the_current_record(api, parcels):
    r = api.patch(f"/api/v1/parcels/{parcels[0].pk}/", {"status": "built"}, format="json", HTTP_IF_MATCH="*")
    assert r.status_code == 200, r.content
    assert r.json()["properties"]["status"] == "built" and r["ETag"] == '"2"'


def test_if_match_weak_tag_never_matches_a_write(api, parcels):
    url = f"/api/v1/parcels/{parcels[0].pk}/"
    r = api.patch(url, {"status": "built"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert r.status_code == 412 and "weak" in r.json()["detail"].lower()
    assert api.delete(url, HTTP_IF_MATCH='W/"1"').status_code == 412
    assert Parcel.objects.get(pk=parcels[0].pk).version == 1
    r = api.patch(url, {"status": "built"}, format="json", HTTP_IF_MATCH='W/"1", "1"')  # one strong tag matches
    assert r.status_code == 200, r.content


def test_nul_characters(api, plan, parcels):
    assert api.get("/api/v1/parcels/?number=1%00").status_code == 400
    assert api.get("/ogc/collections/parcels/items?number=1%00").status_code == 400
    body = _body(plan, _square()) | {"number": "B\u00001"}
    assert api.post("/api/v1/parcels/", body, format="json").status_code == 400


# --- issue 15: input that used to end in a 500 ---------------------------------------------------------------


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "/api/v1/parcels/"),
        ("post", "/api/v1/parcels/intersecting/"),
        ("post", "/api/v1/parcels/within-distance/"),
        ("post", "/api/v1/analysis/buffer/"),
        ("post", "/api/v1/parcels/merge/"),
        ("post", "/api/v1/analysis/export/?output=csv"),
    ],
)
def test_json_nested_thousands_deep_is_400(api, parcels, method, path):
    for body in (_deep(5000), '{"geometry": ' + _deep(100_000) + "}"):
        r = getattr(api, method)(path, data=body, content_type="application/json")
        assert r.status_code == 400, (path, r.content[:200])
        assert r.json()["code"] == "too_deep"


def test_json_nested_deep_in_an_update_and_an_import_form_field(api, parcels):
    r = api.patch(f"/api/v1/parcels/{parcels[0].pk}/", data=_deep(5000), content_type="application/json",
                  HTTP_IF_MATCH='"1"')
    assert r.status_code == 400 and r.json()["code"] == "too_deep"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.geojson", b'{"type": "FeatureCollection", "features": []}')
    r = api.post("/api/v1/imports/", {"file": upload, "fields": _deep(5000)}, format="multipart")
    assert r.status_code == 400 and "fields" in r.json()


def test_depth_counts_arrays_and_objects_not_brackets_in_strings(api, parcels, settings):
    settings.ARDH_MAX_JSON_DEPTH = 8
    body = {"geometry": _square(), "metres": 0, "comment": "[{" * 1000}  # 6 levels, brackets in a string
    assert api.post("/api/v1/analysis/buffer/", body, format="json").status_code == 200
    body["comment"] = [[[[["too deep"]]]]]  # 1 + 5 levels: fine; 9 with the geometry's own: refused
    body["geometry"] = {"type": "Point", "coordinates": [1, 2], "x": [[[[[[[0]]]]]]]}
    r = api.post("/api/v1/analysis/buffer/", body, format="json")
    assert r.status_code == 400 and r.json()["code"] == "too_deep"


HUGE = "1" * 400


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/parcels/?limit={HUGE}",
        f"/api/v1/parcels/?offset={HUGE}",
        f"/api/v1/parcels/nearest/?lon=43.5&lat=25.87&k={HUGE}",
        "/ogc/collections/parcels/items?limit=%C2%B2",  # "²": str.isdigit says yes, int() says no
        "/ogc/collections/parcels/items?offset=%C2%B9%C2%B2",
    ],
)
def test_huge_or_odd_integers_are_400(api, parcels, url):
    r = api.get(url)
    assert r.status_code == 400, (url, r.content[:200])


def test_odd_digits_in_an_ogc_feature_id_are_404(api, parcels):
    assert api.get("/ogc/collections/parcels/items/%C2%B2").status_code == 404


@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "1" * 20])
def test_huge_integer_coordinates_are_400(api, plan, value):
    data = json.dumps(_body(plan, None)).replace("null", f'{{"type": "Point", "coordinates": [{value}, 25]}}')
    r = api.post("/api/v1/parcels/intersecting/", data=data, content_type="application/json")
    assert r.status_code == 400, r.content[:200]
    assert r.json()["code"] == "out_of_range" and r.json()["path"] == "coordinates[0]"


def _with_z(geometry: dict) -> dict:
    return {"type": geometry["type"],
            "coordinates": [[[[*c, 612.5] for c in ring] for ring in poly] for poly in geometry["coordinates"]]}


def test_z_is_dropped_and_said(api, plan):
    r = _post(api, plan, _with_z(_square()))
    assert r.status_code == 201, r.content
    assert [w["code"] for w in r.json()["warnings"]] == ["z_dropped"]
    parcel = Parcel.objects.get(number="B1")
    assert not parcel.geom.hasz
    assert parcel.geom.equals_exact(GEOSGeometry(json.dumps(_square()), srid=4326), 1e-9)
    # An update with Z, too.
    r = api.patch(f"/api/v1/parcels/{parcel.pk}/", {"geometry": _with_z(_square())}, format="json",
                  HTTP_IF_MATCH=f'"{parcel.version}"')
    assert r.status_code == 200 and r.json()["warnings"][0]["code"] == "z_dropped"
    # Without Z: no warnings member.
    assert "warnings" not in api.get(f"/api/v1/parcels/{parcel.pk}/").json()


def _in_utm(geometry: dict, srid: int = 9358) -> dict:
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, srid, always_xy=True)
    return {"type": geometry["type"], "coordinates": [
        [[list(tr.transform(*c)) for c in ring] for ring in poly] for poly in geometry["coordinates"]]}


def _named(name: str) -> dict:
    return {"type": "name", "properties": {"name": name}}


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::9358", "EPSG:9358",
                                  "http://www.opengis.net/def/crs/EPSG/0/9358"])
def test_crs_member_naming_a_known_crs_is_honoured(api, plan, name):
    geometry = _in_utm(_square()) | {"crs": _named(name)}
    r = _post(api, plan, geometry)
    assert r.status_code == 201, r.content
    assert [w["code"] for w in r.json()["warnings"]] == ["crs_transformed"]
    assert "9358" in r.json()["warnings"][0]["detail"]
    stored = Parcel.objects.get(number="B1").geom
    assert stored.equals_exact(GEOSGeometry(json.dumps(_square()), srid=4326), 1e-7)  # not UTM numbers as degrees


def test_crs_member_in_a_spatial_question(api, parcels):
    g = json.loads(parcels[0].geom.point_on_surface.json)
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 9358, always_xy=True).transform(*g["coordinates"])
    point = {"type": "Point", "coordinates": [x, y], "crs": _named("urn:ogc:def:crs:EPSG::9358")}
    r = api.post("/api/v1/parcels/intersecting/", {"geometry": point}, format="json")
    assert r.status_code == 200, r.content
    assert [f["id"] for f in r.json()["features"]] == [parcels[0].pk]
    assert r.json()["warnings"][0]["code"] == "crs_transformed"


@pytest.mark.parametrize("crs", [
    _named("urn:ogc:def:crs:EPSG::2154"),  # a real CRS, not one Ardh knows
    _named("EPSG:4326; DROP TABLE x"),
    {"type": "link", "properties": {"href": "http://example.com/crs", "type": "proj4"}},
    "EPSG:9358",
    None,
])
def test_crs_member_naming_an_unknown_crs_is_refused(api, plan, crs):
    r = _post(api, plan, _in_utm(_square()) | {"crs": crs})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "unknown_crs" and r.json()["path"] == "crs"
    assert not Parcel.objects.filter(number="B1").exists()


@pytest.mark.parametrize("coordinates,code", [
    ([[[43.5, 25.87], [43.51, 25.87], [43.51, 25.88], [43.5, 25.88]]], "unclosed_ring"),
    ([[[43.5, 25.87], [43.51, 25.87], [43.5, 25.87]]], "too_few_points"),
])
def test_structural_geometry_errors_have_code_path_and_location(api, plan, coordinates, code):
    r = _post(api, plan, {"type": "Polygon", "coordinates": coordinates})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == code and body["location"] == [43.5, 25.87] and body["path"] == "coordinates[0]"
    assert body["param"] == "geometry"
    assert "GEOS" not in body["detail"] and "GDAL" not in body["detail"]


def test_a_geometry_that_cannot_be_transformed_is_400_without_internals(api, plan):
    far = {"type": "Point", "coordinates": [9e8, 9e8]}
    r = api.post("/api/v1/parcels/intersecting/?input_srid=9358", {"geometry": far}, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "transform" and "9358" in r.json()["detail"]
    assert "OGR" not in r.json()["detail"] and "GDAL" not in r.json()["detail"]


def test_refusals_are_in_arabic_by_default(api, plan):
    api.credentials(HTTP_AUTHORIZATION=api._credentials["HTTP_AUTHORIZATION"])  # no Accept-Language: Arabic
    r = api.post("/api/v1/parcels/", data=_deep(5000), content_type="application/json")
    assert r.status_code == 400 and "JSON" in r.json()["detail"] and "تتداخل" in r.json()["detail"]
    ring = [[43.5, 25.87], [43.51, 25.87], [43.51, 25.88], [43.5, 25.88]]
    r = _post(api, plan, {"type": "Polygon", "coordinates": [ring]})
    assert r.json()["code"] == "unclosed_ring" and "حلقة المضلع" in r.json()["detail"]
