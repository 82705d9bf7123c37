"""A black-box suite derived from the abstract tests of OGC API - Features - Part 1: Core (OGC 17-069r4,
Annex A: /conf/core, /conf/geojson, /conf/html, /conf/oas30) and Part 2: CRS by reference (OGC 18-058,
Annex A: /conf/crs). Each test names the abstract test it implements. It talks HTTP to a live server only.
"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _rels(doc):
    return {link["rel"] for link in doc["links"]}


def test_ats_core_http(ogc):
    """/conf/core/http: the server answers HTTP/1.1."""
    assert ogc.get("/").raw.version == 11


def test_ats_core_landing_page(ogc):
    """/conf/core/landing-page-op, landing-page-success."""
    r = ogc.get("/")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert {"self", "conformance", "data"} <= _rels(r.json())
    assert _rels(r.json()) & {"service-desc", "service-doc"}


def test_ats_core_api_definition(ogc):
    """/conf/core/api-definition-op, api-definition-success; /conf/oas30/oas-definition-1, -2."""
    desc = next(link["href"] for link in ogc.get("/").json()["links"] if link["rel"] == "service-desc")
    r = ogc.get(desc)
    assert r.status_code == 200 and "openapi" in r.headers["Content-Type"]
    spec = r.json()
    assert spec["openapi"].startswith("3.0")
    assert "/collections/parcels/items" in spec["paths"]


def test_ats_core_conformance(ogc):
    """/conf/core/conformance-op, conformance-success."""
    r = ogc.get("/conformance")
    assert r.status_code == 200
    classes = r.json()["conformsTo"]
    assert CORE in classes
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_ats_core_collections(ogc):
    """/conf/core/fc-md-op, fc-md-success, fc-md-links, fc-md-items, fc-md-extent."""
    r = ogc.get("/collections")
    assert r.status_code == 200
    doc = r.json()
    assert "self" in _rels(doc)
    ids = {c["id"] for c in doc["collections"]}
    assert {"municipalities", "districts", "plans", "blocks", "parcels", "streets", "zones"} <= ids
    for c in doc["collections"]:
        assert "items" in _rels(c)
        bbox = c["extent"]["spatial"]["bbox"][0]
        assert len(bbox) == 4 and bbox[0] <= bbox[2] and bbox[1] <= bbox[3]


def test_ats_core_single_collection(ogc):
    """/conf/core/sfc-md-op, sfc-md-success: same content as in /collections."""
    listed = next(c for c in ogc.get("/collections").json()["collections"] if c["id"] == "parcels")
    r = ogc.get("/collections/parcels")
    assert r.status_code == 200 and r.json() == listed
    assert ogc.get("/collections/nothing").status_code == 404


def test_ats_core_items_response(ogc, city):
    """/conf/core/fc-op, fc-response, fc-links, fc-rel-type; /conf/geojson/definition, content."""
    r = ogc.get("/collections/parcels/items")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/geo+json")
    doc = r.json()
    assert doc["type"] == "FeatureCollection"
    assert doc["numberReturned"] == len(doc["features"]) == 7
    assert "self" in _rels(doc) and "next" not in _rels(doc)
    ids = {f["id"] for f in doc["features"]}
    assert ids == {p.pk for p in city["parcels"]} and city["other"].pk not in ids
    assert all(f["type"] == "Feature" and f["geometry"]["type"] == "MultiPolygon" for f in doc["features"])


def test_ats_core_items_limit(ogc):
    """/conf/core/fc-limit-definition, fc-limit-response-1/2, and paging by next links."""
    r = ogc.get("/collections/parcels/items?limit=3")
    assert r.json()["numberReturned"] == 3
    seen, url = [], "/collections/parcels/items?limit=3"
    while url:
        doc = ogc.get(url).json()
        seen += [f["id"] for f in doc["features"]]
        url = next((link["href"] for link in doc["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == 7
    assert ogc.get("/collections/parcels/items?limit=0").status_code == 400
    assert ogc.get("/collections/parcels/items?limit=abc").status_code == 400
    assert ogc.get("/collections/parcels/items?limit=100000").status_code == 200  # clamped, not refused


def test_ats_core_items_bbox(ogc, city):
    """/conf/core/fc-bbox-definition, fc-bbox-response."""
    x0, y0, x1, y1 = city["parcels"][3].geom.extent
    doc = ogc.get(f"/collections/parcels/items?bbox={x0},{y0},{x1},{y1}").json()
    assert [f["id"] for f in doc["features"]] == [city["parcels"][3].pk]
    doc = ogc.get(f"/collections/parcels/items?bbox={x0},{y0},0,{x1},{y1},10").json()
    assert [f["id"] for f in doc["features"]] == [city["parcels"][3].pk]
    assert ogc.get("/collections/parcels/items?bbox=1,2,3").status_code == 400
    assert ogc.get(f"/collections/parcels/items?bbox={x1},{y0},{x0},{y1}").status_code == 400


def test_ats_core_items_datetime(ogc, city):
    """/conf/core/fc-time-definition, fc-time-response: parcels have a validity period."""
    assert ogc.get("/collections/parcels/items?datetime=2000-01-01T00:00:00Z").json()["numberReturned"] == 0
    assert ogc.get("/collections/parcels/items?datetime=../2100-01-01").json()["numberReturned"] == 7
    assert ogc.get("/collections/parcels/items?datetime=yesterday").status_code == 400
    assert ogc.get("/collections/districts/items?datetime=2020-01-01").status_code == 200


def test_ats_core_query_param_unknown_and_invalid(ogc):
    """/conf/core/query-param-unknown, query-param-invalid."""
    assert ogc.get("/collections/parcels/items?foo=1").status_code == 400
    assert ogc.get("/collections/parcels/items?offset=-1").status_code == 400
    assert ogc.get("/collections/parcels/items?land_use=residential").status_code == 200


def test_ats_core_feature(ogc, city):
    """/conf/core/f-op, f-success."""
    pk = city["parcels"][0].pk
    r = ogc.get(f"/collections/parcels/items/{pk}")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/geo+json")
    doc = r.json()
    assert doc["id"] == pk and {"self", "collection"} <= _rels(doc)
    assert ogc.get(f"/collections/parcels/items/{city['other'].pk}").status_code == 404  # another tenant
    assert ogc.get("/collections/parcels/items/abc").status_code == 404


def test_ats_core_crs84(ogc, city):
    """/conf/core/crs84: coordinates are longitude, latitude by default."""
    x, y = ogc.get("/collections/parcels/items?limit=1").json()["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 43 < x < 44 and 25 < y < 26


def test_ats_html(ogc):
    """/conf/html/definition, content."""
    for path in ("/", "/conformance", "/collections", "/collections/parcels", "/collections/parcels/items"):
        r = ogc.get(path + "?f=html")
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"), path
    assert ogc.get("/collections", headers={"Accept": "text/html"}).headers["Content-Type"].startswith("text/html")


def test_ats_crs_collection_lists_crs(ogc):
    """Part 2 /conf/crs/crs-parameter (collection lists crs and storageCrs)."""
    c = ogc.get("/collections/parcels").json()
    assert CRS84 in c["crs"] and "http://www.opengis.net/def/crs/EPSG/0/9358" in c["crs"]
    assert c["storageCrs"] == CRS84


def test_ats_crs_parameter_and_header(ogc, city):
    """Part 2 /conf/crs/crs-parameter, crs-response (Content-Crs), EPSG:4326 axis order lat/lon."""
    r = ogc.get("/collections/parcels/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/9358")
    assert r.status_code == 200
    assert r.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/9358>"
    x, y = r.json()["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 300_000 < x < 800_000 and 2_800_000 < y < 2_900_000
    r = ogc.get("/collections/parcels/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4326")
    lat, lon = r.json()["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 25 < lat < 26 and 43 < lon < 44
    assert ogc.get("/collections/parcels/items?crs=http://www.opengis.net/def/crs/EPSG/0/2154").status_code == 400
    assert ogc.get("/collections/parcels/items").headers["Content-Crs"] == f"<{CRS84}>"


def test_ats_crs_bbox_crs(ogc, city):
    """Part 2 /conf/crs/bbox-crs-parameter: a bbox in UTM and in EPSG:4326 (lat/lon) selects the same."""
    target = city["parcels"][3]
    x0, y0, x1, y1 = target.geom.transform(9358, clone=True).extent
    utm = ogc.get(f"/collections/parcels/items?bbox={x0 + 1},{y0 + 1},{x1 - 1},{y1 - 1}"
                  "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9358").json()
    assert [f["id"] for f in utm["features"]] == [target.pk]
    a, b, c, d = target.geom.extent
    latlon = ogc.get(f"/collections/parcels/items?bbox={b},{a},{d},{c}"
                     "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326").json()
    assert [f["id"] for f in latlon["features"]] == [target.pk]


def test_ogc_needs_a_caller(live_server, city):
    import requests

    r = requests.get(live_server.url + "/ogc/collections", timeout=10)
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers


def test_every_collection_serves_items(ogc, city):
    """/conf/core/fc-op for every collection of the layer registry, including the tenant's own boundary."""
    for c in ogc.get("/collections").json()["collections"]:
        r = ogc.get(f"/collections/{c['id']}/items")
        assert r.status_code == 200, c["id"]
    munis = ogc.get("/collections/municipalities/items").json()["features"]
    assert [f["id"] for f in munis] == [city["muni"].pk]
    assert ogc.get(f"/collections/municipalities/items/{city['muni'].pk}").status_code == 200
    assert ogc.get(f"/collections/municipalities/items/{city['other'].municipality_id}").status_code == 404
